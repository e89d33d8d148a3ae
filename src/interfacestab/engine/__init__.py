"""Hull engine: lower convex hulls, stabilized targets, line envelopes and LP hull energies."""

from __future__ import annotations

from interfacestab.engine.envelope import Segment, upper_envelope
from interfacestab.engine.hull import Hull, build_hull

__all__ = ["Hull", "Segment", "build_hull", "upper_envelope"]

"""Coating screens between a solid electrolyte and a cathode (Xiao, Miara, Wang, Ceder, Joule 2019).

For each candidate: its e_above_hull; its own window (limits and products); the closed
reaction with the electrolyte; the closed reactions with the discharged and the charged cathode
(a fraction of the ion removed, fully charged by default as in Xiao et al.); optionally the
reactions open to the ion at a voltage (reported as the most negative *mutual* reaction energy,
so an electrolyte's own oxidation at that voltage is not charged to the coating). Each criterion
is pass/fail; candidates are ranked by a score, the smallest scaled margin across criteria
(positive: passes everything); ties (e.g. every candidate on the hull shares the same e_above_hull
margin) are broken by the mean margin.

Modules: ``criteria`` (thresholds, verdict, score), ``candidates`` (seed list, files, ``--auto``),
``results`` (the result types and the output file) and ``screen`` (one candidate, a worker's
chunk, the resumable run on local processes or a Dask cluster).

The anode side (``screen_interlayers``, ``screen --anode``) screens interlayers between an electrolyte
and a metal or alloy anode: the reduction limit must reach the anode's potential (``anode``), the
reactions with the electrolyte and with the anode must be small; the oxidation limit is reported only.
"""

from __future__ import annotations

from interfacestab.analyses.screening.anode import anode_potential
from interfacestab.analyses.screening.candidates import (
    DEFAULT_EXCLUDED_ELEMENTS,
    SEED_COATINGS,
    SEED_INTERLAYERS,
    auto_candidates,
    default_candidates,
    default_interlayers,
    read_candidates,
)
from interfacestab.analyses.screening.criteria import ScreeningCriteria, verdict
from interfacestab.analyses.screening.results import CoatingResult, CoatingScreen, write_screen
from interfacestab.analyses.screening.screen import (
    Candidate,
    ScreeningSetup,
    screen_candidate,
    screen_chunk,
    screen_coatings,
    screen_interlayers,
)
from interfacestab.conventions import CRITERIA_CITATION

__all__ = [
    "CRITERIA_CITATION",
    "DEFAULT_EXCLUDED_ELEMENTS",
    "SEED_COATINGS",
    "SEED_INTERLAYERS",
    "Candidate",
    "CoatingResult",
    "CoatingScreen",
    "ScreeningCriteria",
    "ScreeningSetup",
    "anode_potential",
    "auto_candidates",
    "default_candidates",
    "default_interlayers",
    "read_candidates",
    "screen_candidate",
    "screen_chunk",
    "screen_coatings",
    "screen_interlayers",
    "verdict",
    "write_screen",
]

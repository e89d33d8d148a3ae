"""Coating screens: the public names of :mod:`interfacestab.analyses.screening`, importable from here too."""

from __future__ import annotations

from interfacestab.analyses.screening import (
    CRITERIA_CITATION,
    DEFAULT_EXCLUDED_ELEMENTS,
    SEED_COATINGS,
    SEED_INTERLAYERS,
    Candidate,
    CoatingResult,
    CoatingScreen,
    ScreeningCriteria,
    ScreeningSetup,
    anode_potential,
    auto_candidates,
    default_candidates,
    default_interlayers,
    read_candidates,
    screen_candidate,
    screen_chunk,
    screen_coatings,
    screen_interlayers,
    verdict,
    write_screen,
)

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

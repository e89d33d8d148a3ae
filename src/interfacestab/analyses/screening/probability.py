"""How likely a coating candidate passes each screening criterion, under sampled energy errors (``--sigma``).

Every criterion is judged per sample with the same rule as the point verdict
(:func:`~interfacestab.analyses.screening.criteria.verdict`) on that sample's numbers: the window limits
(:func:`~interfacestab.analyses.uncertainty.sample_window`), the energy above the hull and the three
closed reaction minima (:func:`~interfacestab.analyses.uncertainty.sample_interface`). The samples of
one candidate are joint (the same energies for the same compound in every number), so "all criteria"
is the fraction of samples in which every criterion passes, not a product of probabilities.

Only the side of each reaction threshold matters here, so a sample whose reaction-minimum bounds
already decide it gets no linear programme (``at_least`` of
:func:`~interfacestab.analyses.uncertainty.sample_interfaces`); the verdicts are the same.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from interfacestab.analyses.screening.criteria import verdict
from interfacestab.errors import AnalysisError

if TYPE_CHECKING:
    from collections.abc import Mapping

    import numpy as np

    from interfacestab.analyses.interface import InterfaceProfile
    from interfacestab.analyses.screening.screen import ScreeningSetup
    from interfacestab.analyses.targets import ParsedFormula
    from interfacestab.analyses.window import StabilityWindow
    from interfacestab.chem import Composition
    from interfacestab.store.database import Store

#: The key of the probability that every criterion passes.
ALL = "all"


def pass_probability(
    coating: ParsedFormula,
    window: StabilityWindow,
    setup: ScreeningSetup,
    store: Store,
    profiles: Mapping[str, InterfaceProfile] | None = None,
) -> dict[str, float]:
    """Probability of passing each criterion and all of them (``"all"``), from ``setup.uncertainty``'s samples.

    ``profiles``: the closed point profiles the screen already has (keys ``electrolyte_reaction``,
    ``cathode_reaction``, ``charged_cathode_reaction``, or on the anode side ``anode_reaction``); those
    missing are computed here. On the anode side the anode must be the ion's metal (its potential, 0 V,
    does not move with the energies; an alloy's plateau would have to be sampled too).
    """
    from interfacestab.analyses.interface import interface_reactions
    from interfacestab.analyses.uncertainty import sample_e_above_hull, sample_interfaces, sample_window

    settings = setup.uncertainty
    assert settings is not None
    check_sampled_side(setup)
    ion, comp = setup.ion, dict(coating.composition)
    entries = store.entries(set(comp) | {ion}, setup.source)
    sampled_window = sample_window(entries, window, settings, stabilize=setup.stabilize)
    n = settings.samples
    e_above: np.ndarray | None = None
    if window.e_above_hull_eV_per_atom is not None:
        own = entries if ion in comp else store.entries(set(comp), setup.source)  # a coating with the ion: the same
        e_above = sample_e_above_hull(own, comp, settings, setup.criteria.max_e_above_hull_eV_per_atom)
    partners: tuple[tuple[str, Composition], ...]
    if setup.anode is not None:
        partners = (
            ("electrolyte_reaction", setup.electrolyte.composition),
            ("anode_reaction", setup.anode.composition),
        )
    else:
        assert setup.cathode is not None
        assert setup.charged_cathode is not None
        partners = (
            ("electrolyte_reaction", setup.electrolyte.composition),
            ("cathode_reaction", setup.cathode.composition),
            ("charged_cathode_reaction", setup.charged_cathode),
        )
    given = profiles or {}
    systems: dict[tuple[str, ...], list[tuple[str, Composition]]] = {}  # the cathode pairs share theirs
    for key, partner in partners:
        systems.setdefault(tuple(sorted(set(comp) | set(partner))), []).append((key, partner))
    found = {}
    for elements, pairs in systems.items():
        entries_ab = store.entries(elements, setup.source)
        points = [
            given[key] if key in given else interface_reactions(entries_ab, comp, partner, ion=ion)
            for key, partner in pairs
        ]
        # only the side of each criterion's threshold matters: samples decided by bounds need no LP
        limits = [-_limit(setup, key) for key, _ in pairs]
        for (key, _), sampled in zip(pairs, sample_interfaces(entries_ab, points, settings, limits), strict=True):
            found[key] = sampled.energy
    reactions = {key: found[key] for key, _ in partners}
    counts: dict[str, int] = {}
    every = 0
    for s in range(n):
        values: dict[str, float | None] = {
            "e_above_hull": None if e_above is None else float(e_above[s]),
            "reduction_limit": float(sampled_window.reduction_V[s]),
            **{k: float(v[s]) for k, v in reactions.items()},
        }
        if setup.anode is None:  # the oxidation limit is no criterion at the anode
            values["oxidation_limit"] = (
                None if sampled_window.oxidation_V is None else float(sampled_window.oxidation_V[s])
            )
        passes, _ = verdict(values, setup.criteria)
        for k, ok in passes.items():
            counts[k] = counts.get(k, 0) + int(ok)
        every += int(all(passes.values()))
    return {**{k: c / n for k, c in counts.items()}, ALL: every / n}


def check_sampled_side(setup: ScreeningSetup) -> None:
    """Refuse sampling an anode screen whose anode is not the ion's metal (one line).

    Raises:
        AnalysisError: the anode is an alloy or compound (its plateau potential is not sampled yet).
    """
    from interfacestab.analyses.screening.anode import is_ion_metal

    if setup.anode is not None and not is_ion_metal(setup.anode.composition, setup.ion):
        msg = (
            f"--sigma on an --anode screen needs the {setup.ion} metal as the anode, not {setup.anode.text}: an "
            "alloy's potential would move with the sampled energies, and that is not sampled yet"
        )
        raise AnalysisError(msg)
    if setup.anode is None and (setup.cathode is None or setup.charged_cathode is None):
        msg = "--sigma pass probabilities need a cathode (or --anode with the ion's metal)"
        raise AnalysisError(msg)


def _limit(setup: ScreeningSetup, key: str) -> float:
    """The largest |reaction energy| (eV/atom) that passes the criterion ``key``."""
    c = setup.criteria
    return {
        "electrolyte_reaction": c.max_abs_electrolyte_reaction_eV_per_atom,
        "anode_reaction": c.max_abs_anode_reaction_eV_per_atom,
    }.get(key, c.max_abs_cathode_reaction_eV_per_atom)

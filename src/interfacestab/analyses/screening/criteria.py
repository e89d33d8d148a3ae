"""Screening criteria of a coating (Xiao et al. 2019), the verdict per criterion and the score.

Every default is :mod:`interfacestab.conventions`'s; this module turns them into thresholds for one
ion and scores a candidate's numbers against them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from interfacestab import conventions as conv


@dataclass(frozen=True, slots=True)
class ScreeningCriteria:
    """Pass/fail thresholds and the scales that turn margins into a score.

    Defaults are those of Xiao et al. 2019 vs Li/Li+ (:mod:`interfacestab.conventions`);
    :meth:`for_ion` shifts the voltage limits to Na/Na+ or K/K+ by ``conventions.COUPLE_SHIFT_V``.
    """

    max_e_above_hull_eV_per_atom: float = conv.SCREEN_MAX_E_ABOVE_HULL_eV_per_atom
    max_reduction_limit_V: float = conv.SCREEN_MAX_REDUCTION_LIMIT_V
    min_oxidation_limit_V: float = conv.SCREEN_MIN_OXIDATION_LIMIT_V
    max_abs_electrolyte_reaction_eV_per_atom: float = conv.SCREEN_MAX_ABS_ELECTROLYTE_REACTION_eV_per_atom
    max_abs_cathode_reaction_eV_per_atom: float = conv.SCREEN_MAX_ABS_CATHODE_REACTION_eV_per_atom
    ion: str = "Li"
    citation: str = conv.CRITERIA_CITATION
    #: margin scales of the score: eV/atom for energies, V for voltages
    scale_e_above_hull_eV_per_atom: float = conv.SCREEN_SCALE_E_ABOVE_HULL_eV_per_atom
    scale_voltage_V: float = conv.SCREEN_SCALE_VOLTAGE_V
    scale_reaction_eV_per_atom: float = conv.SCREEN_SCALE_REACTION_eV_per_atom
    #: anode side (``screen --anode``): the anode's potential (V vs A/A+; None for a cathode screen), how far
    #: above it a reduction limit may lie, and the largest |reaction energy| with the anode
    anode_potential_V: float | None = None
    anode_reduction_tolerance_V: float = conv.SCREEN_ANODE_REDUCTION_TOLERANCE_V
    max_abs_anode_reaction_eV_per_atom: float = conv.SCREEN_MAX_ABS_ANODE_REACTION_eV_per_atom
    #: band-gap gate of the coating itself (eV), reported beside the criteria (not in the score)
    min_coating_band_gap_eV: float = conv.SCREEN_MIN_COATING_BAND_GAP_eV

    @classmethod
    def for_ion(cls, ion: str, **overrides: float | None) -> ScreeningCriteria:
        """Defaults for an ion, with any threshold overridden (None values are ignored)."""
        reduction, oxidation = conv.screen_voltage_limits_V(ion)
        base = cls(max_reduction_limit_V=reduction, min_oxidation_limit_V=oxidation, ion=ion)
        return replace(base, **{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]

    def at_anode(self, anode_potential_V: float) -> ScreeningCriteria:
        """These criteria for an interlayer at an anode of this potential (V vs A/A+), with the anode citation."""
        return replace(self, anode_potential_V=anode_potential_V, citation=conv.ANODE_CRITERIA_CITATION)

    @property
    def anode_side(self) -> bool:
        """Whether these are the criteria of an anode-interlayer screen."""
        return self.anode_potential_V is not None

    @property
    def reduction_threshold_V(self) -> float:
        """Highest reduction limit that passes: the anode's potential (+ tolerance), else ``max_reduction_limit_V``."""
        if self.anode_potential_V is not None:
            return self.anode_potential_V + self.anode_reduction_tolerance_V
        return self.max_reduction_limit_V

    @property
    def score_rule(self) -> str:
        """How the score is computed, with these scales."""
        return conv.score_rule_text(
            self.scale_e_above_hull_eV_per_atom, self.scale_voltage_V, self.scale_reaction_eV_per_atom
        )

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary keyed by field name."""
        return asdict(self)


def verdict(values: dict[str, float | None], c: ScreeningCriteria) -> tuple[dict[str, bool], dict[str, float]]:
    """Pass/fail and scaled margin per criterion; a criterion without a value (n/a) is left out.

    A cathode screen's values have ``oxidation_limit`` (None: a candidate without the ion, which passes);
    an anode screen's have no such key (the oxidation limit is no criterion at the anode) and an
    ``anode_reaction``. The reduction limit is held to :attr:`ScreeningCriteria.reduction_threshold_V`.
    """
    margins: dict[str, float] = {}
    e_above = values.get("e_above_hull")
    if e_above is not None:
        margins["e_above_hull"] = (c.max_e_above_hull_eV_per_atom - e_above) / c.scale_e_above_hull_eV_per_atom
    reduction = values.get("reduction_limit")
    if reduction is not None:
        room = c.reduction_threshold_V - reduction
        if abs(room) <= conv.ZERO_VOLTAGE_V:  # a limit at the anode's potential itself, up to rounding
            room = 0.0
        margins["reduction_limit"] = room / c.scale_voltage_V
    if "oxidation_limit" in values:
        ox = values["oxidation_limit"]
        margins["oxidation_limit"] = (
            conv.SCREEN_NO_ION_OXIDATION_MARGIN if ox is None else (ox - c.min_oxidation_limit_V) / c.scale_voltage_V
        )
    for key, limit in (
        ("electrolyte_reaction", c.max_abs_electrolyte_reaction_eV_per_atom),
        ("cathode_reaction", c.max_abs_cathode_reaction_eV_per_atom),
        ("charged_cathode_reaction", c.max_abs_cathode_reaction_eV_per_atom),
        ("anode_reaction", c.max_abs_anode_reaction_eV_per_atom),
    ):
        value = values.get(key)
        if value is not None:
            margins[key] = (limit - abs(value)) / c.scale_reaction_eV_per_atom
    passes = {k: m >= 0 for k, m in margins.items()}
    return passes, margins

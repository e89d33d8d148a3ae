"""Interphase character of reaction products: band gap, electronic class, ion conduction, volume change.

Whether a decomposition layer passivates (every product an electronic insulator) or keeps growing
(a metallic or small-gap product conducts electrons) is judged here from the phase properties of the
products (:mod:`interfacestab.phase_properties`), never from energies. Everything is a lookup: the
properties of all product formulas of a result are read once, then each reaction is annotated.

Conventions (thresholds, which phases count, the volume basis): docs/conventions.md, "Interphase
character"; the defaults are in :mod:`interfacestab.conventions`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING

from interfacestab.chem import Composition, n_atoms, parse_formula
from interfacestab.conventions import (
    AVOGADRO_PER_MOL,
    INTERPHASE_GASES,
    ION_CONDUCTORS,
    INSULATOR_MIN_GAP_eV,
    METAL_MAX_GAP_eV,
    SCREEN_MIN_COATING_BAND_GAP_eV,
    SMALL_GAP_MAX_eV,
    interphase_thresholds_text,
)
from interfacestab.phase_properties import GapSource, PhaseProperties, PropertyTable, property_key

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from interfacestab.analyses.interface import InterfaceProfile
    from interfacestab.analyses.interface_kinks import InterfaceKink
    from interfacestab.analyses.sweep import InterfaceSweep
    from interfacestab.analyses.window import StabilityWindow
    from interfacestab.provenance import Provenance
    from interfacestab.store.database import Store

#: 1 Å^3 per formula unit in mL (cm^3) per mole.
A3_TO_ML_PER_MOL: float = 1e-24 * AVOGADRO_PER_MOL

#: Relative residual below which a reaction balances (product amounts solved from the compositions).
_BALANCE_TOL = 1e-6

#: d-block elements (and La): the "transition metals" whose transfer across an interface is interdiffusion.
TRANSITION_METALS: frozenset[str] = frozenset(
    {
        "Sc",
        "Ti",
        "V",
        "Cr",
        "Mn",
        "Fe",
        "Co",
        "Ni",
        "Cu",
        "Zn",
        "Y",
        "Zr",
        "Nb",
        "Mo",
        "Tc",
        "Ru",
        "Rh",
        "Pd",
        "Ag",
        "Cd",
        "La",
        "Hf",
        "Ta",
        "W",
        "Re",
        "Os",
        "Ir",
        "Pt",
        "Au",
        "Hg",
    }
)
#: Elements that build an electrolyte's anion framework (anions and the centres of polyanions).
FRAMEWORK_ELEMENTS: frozenset[str] = frozenset(
    {"B", "C", "N", "O", "F", "Si", "P", "S", "Cl", "Ge", "As", "Se", "Br", "Sn", "Sb", "Te", "I"}
)


class ElectronicClass(StrEnum):
    """Electronic class of one phase from its band gap(s)."""

    METAL = "metal"
    SEMICONDUCTOR = "semiconductor"
    INSULATOR = "insulator"
    UNCERTAIN = "uncertain"  # known polymorphs fall on both sides of a threshold
    UNKNOWN = "unknown"  # no band gap and no metal label


class Verdict(StrEnum):
    """Character of an interphase (a set of products)."""

    PASSIVATING = "passivating"
    MIXED_CONDUCTING = "mixed-conducting"
    UNCERTAIN = "uncertain"
    NO_LAYER = "no-layer"  # only elemental gases evolve: no solid layer forms


@dataclass(frozen=True, slots=True)
class InterphaseThresholds:
    """Band-gap thresholds (eV) of the electronic classes and verdicts (defaults: conventions.py)."""

    metal_max_gap_eV: float = METAL_MAX_GAP_eV
    small_gap_max_eV: float = SMALL_GAP_MAX_eV
    insulator_min_gap_eV: float = INSULATOR_MIN_GAP_eV

    def __post_init__(self) -> None:
        """The thresholds are ordered: metal <= small gap < insulator."""
        if not 0 <= self.metal_max_gap_eV <= self.small_gap_max_eV < self.insulator_min_gap_eV:
            msg = (
                "band-gap thresholds must satisfy 0 <= metal <= small gap < insulator, not "
                f"{self.metal_max_gap_eV}, {self.small_gap_max_eV}, {self.insulator_min_gap_eV} eV"
            )
            raise ValueError(msg)

    def text(self) -> str:
        """The classes and verdict rules in words."""
        return interphase_thresholds_text(self.metal_max_gap_eV, self.small_gap_max_eV, self.insulator_min_gap_eV)

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary keyed by field name."""
        return dataclasses.asdict(self)


DEFAULT_THRESHOLDS = InterphaseThresholds()


@dataclass(frozen=True, slots=True)
class ProductCharacter:
    """What is known of one product phase (all None/empty when no source knows it).

    Attributes:
        formula: Reduced formula.
        band_gap_min_eV: Smallest band gap of the preferred source (several polymorphs: their range).
        band_gap_max_eV: Largest (equal to the minimum for one value).
        band_gap_n_values: Rows (polymorphs, measurements) behind the range; 0 without a gap.
        band_gap_source: ``user``, ``experimental``, ``MP PBE (live)`` or ``MP PBE``; empty without a gap.
        electronic_class: ``metal``, ``semiconductor``, ``insulator``, ``uncertain`` or ``unknown``.
        experimental_is_metal: Experimental metal label (None if unknown).
        ion_conductor: Documented alkali-ion conductor (None if unknown).
        ion_conductor_source: Reference or ``user``.
        volume_per_atom_A3: Volume per atom (Å^3), None if unknown.
        volume_source: Where the volume comes from.
        interdiffusion: Carries a transition metal of one interface reactant together with the
            framework (anion) elements of the other (interface products only).
    """

    formula: str
    band_gap_min_eV: float | None
    band_gap_max_eV: float | None
    band_gap_n_values: int
    band_gap_source: str
    electronic_class: ElectronicClass
    experimental_is_metal: bool | None = None
    ion_conductor: bool | None = None
    ion_conductor_source: str = ""
    volume_per_atom_A3: float | None = None  # noqa: N815 (unit in the name)
    volume_source: str = ""
    interdiffusion: bool = False

    @property
    def is_metallic(self) -> bool:
        """Whether the phase is classed a metal."""
        return self.electronic_class == ElectronicClass.METAL

    def gap_text(self) -> str:
        """``2.68-3.9 eV (MP PBE, 5 values)``, ``0.4 eV (MP PBE)``, ``metal (experimental label)`` or ``no data``."""
        lo, hi = self.band_gap_min_eV, self.band_gap_max_eV
        if lo is None or hi is None:
            if self.experimental_is_metal:
                return "metal (experimental label)"
            return "no data"
        value = f"{lo:.2f} eV" if hi == lo else f"{lo:.2f}-{hi:.2f} eV"
        count = f", {self.band_gap_n_values} values" if self.band_gap_n_values > 1 else ""
        return f"{value} ({self.band_gap_source}{count})"

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary keyed by field name."""
        d = dataclasses.asdict(self)
        d["electronic_class"] = str(self.electronic_class)
        return d


@dataclass(frozen=True, slots=True)
class Interphase:
    """The interphase one reaction forms: its products' character, the verdict, the volume change.

    Attributes:
        products: Character of every product counted (reactants left over and the ion metal are not).
        verdict: ``passivating``, ``mixed-conducting`` or ``uncertain``.
        conducting_phases: Products that make it mixed-conducting (metals, small gaps).
        uncertain_phases: Products without data or with a gap between the thresholds.
        volume_change_percent: (V_products - V_reactants) / V_reactants x 100: the phases formed against
            the reactants consumed, without the ion exchanged with the reservoir (the electrode's, not
            the layer's); None without a volume for every phase.
        volume_change_mL_per_mol: V_products - V_reactants per mole of the reaction as written (mL/mol).
        reactant_volume_mL_per_mol: V_reactants per mole of the reaction as written (mL/mol).
        volume_note: Why there is no volume change (``n/a (no volumes in source ...)``), else empty.
        interdiffusion_phases: Products carrying one reactant's transition metal into the other's framework.
        not_counted: Phases of the product side not counted (a reactant left over, the ion metal, an
            evolved elemental gas).
        not_counted_reasons: Why, parallel to ``not_counted``: ``reactant``, ``ion metal`` or ``gas``.
    """

    products: tuple[ProductCharacter, ...]
    verdict: Verdict
    conducting_phases: tuple[str, ...]
    uncertain_phases: tuple[str, ...]
    volume_change_percent: float | None
    volume_change_mL_per_mol: float | None  # noqa: N815 (unit in the name)
    reactant_volume_mL_per_mol: float | None  # noqa: N815
    volume_note: str
    interdiffusion_phases: tuple[str, ...] = ()
    not_counted: tuple[str, ...] = ()
    not_counted_reasons: tuple[str, ...] = ()

    @property
    def metallic_phases(self) -> tuple[str, ...]:
        """Products classed metal."""
        return tuple(p.formula for p in self.products if p.is_metallic)

    def summary(self) -> str:
        """``mixed-conducting (Li15Ge4: metal)``, ``passivating``, ``uncertain (Li3P: 0.70 eV)``."""
        by = {p.formula: p for p in self.products}
        if self.verdict == Verdict.MIXED_CONDUCTING:
            named = self.conducting_phases
        elif self.verdict == Verdict.UNCERTAIN:
            named = self.uncertain_phases
        elif self.verdict == Verdict.NO_LAYER:
            gases = [f for f, why in zip(self.not_counted, self.not_counted_reasons, strict=True) if why == "gas"]
            return f"{self.verdict} (only gas evolved: {', '.join(gases)})"
        else:
            return str(self.verdict)
        reasons = ", ".join(f"{f}: {_why(by[f])}" for f in named)
        return f"{self.verdict} ({reasons})"

    def products_text(self) -> str:
        """``Li2S 2.68-3.90 eV (MP PBE, 5 values) insulator; Li3P ...`` (one phrase per product)."""
        parts = []
        for p in self.products:
            flags = [str(p.electronic_class)]
            if p.ion_conductor:
                flags.append("ion conductor")
            if p.interdiffusion:
                flags.append("interdiffusion")
            parts.append(f"{p.formula} {p.gap_text()} {', '.join(flags)}")
        return "; ".join(parts)

    def volume_text(self) -> str:
        """``volume +12.3 % (+45.6 mL/mol)`` or the note."""
        if self.volume_change_percent is None or self.volume_change_mL_per_mol is None:
            return f"volume change {self.volume_note}"
        return f"volume change {self.volume_change_percent:+.1f} % ({self.volume_change_mL_per_mol:+.1f} mL/mol)"

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary keyed by field name."""
        return {
            "verdict": str(self.verdict),
            "conducting_phases": list(self.conducting_phases),
            "uncertain_phases": list(self.uncertain_phases),
            "metallic_phases": list(self.metallic_phases),
            "interdiffusion_phases": list(self.interdiffusion_phases),
            "volume_change_percent": self.volume_change_percent,
            "volume_change_mL_per_mol": self.volume_change_mL_per_mol,
            "reactant_volume_mL_per_mol": self.reactant_volume_mL_per_mol,
            "volume_note": self.volume_note,
            "not_counted": list(self.not_counted),
            "not_counted_reasons": list(self.not_counted_reasons),
            "products": [p.to_dict() for p in self.products],
        }

    #: Flat columns of :meth:`to_columns` (CSV), lists parallel to ``interphase_products``.
    COLUMNS = (
        "interphase_verdict", "interphase_conducting_phases", "interphase_uncertain_phases",
        "interphase_interdiffusion_phases", "interphase_products", "product_electronic_classes",
        "product_band_gap_min_eV", "product_band_gap_max_eV", "product_band_gap_sources",
        "product_ion_conductors", "volume_change_percent", "volume_change_mL_per_mol",
        "reactant_volume_mL_per_mol", "volume_note",
    )  # fmt: skip

    def to_columns(self) -> dict[str, object]:
        """The interphase as flat CSV columns (:attr:`COLUMNS`; a missing gap is an empty list item)."""
        return {
            "interphase_verdict": str(self.verdict),
            "interphase_conducting_phases": list(self.conducting_phases),
            "interphase_uncertain_phases": list(self.uncertain_phases),
            "interphase_interdiffusion_phases": list(self.interdiffusion_phases),
            "interphase_products": [p.formula for p in self.products],
            "product_electronic_classes": [str(p.electronic_class) for p in self.products],
            "product_band_gap_min_eV": ["" if p.band_gap_min_eV is None else p.band_gap_min_eV for p in self.products],
            "product_band_gap_max_eV": ["" if p.band_gap_max_eV is None else p.band_gap_max_eV for p in self.products],
            "product_band_gap_sources": [p.band_gap_source for p in self.products],
            "product_ion_conductors": [p.formula for p in self.products if p.ion_conductor],
            "volume_change_percent": self.volume_change_percent,
            "volume_change_mL_per_mol": self.volume_change_mL_per_mol,
            "reactant_volume_mL_per_mol": self.reactant_volume_mL_per_mol,
            "volume_note": self.volume_note,
        }

    @staticmethod
    def empty_columns() -> dict[str, object]:
        """The CSV columns of a row without an interphase (no reaction): all empty."""
        return dict.fromkeys(Interphase.COLUMNS)


def _why(p: ProductCharacter) -> str:
    if p.electronic_class == ElectronicClass.METAL:
        return "metal" if p.band_gap_min_eV is not None else "metal (experimental label)"
    if p.band_gap_min_eV is None:
        return "no band gap"
    return p.gap_text()


# -- classification --------------------------------------------------------------------------------
def _value_class(gap_eV: float, t: InterphaseThresholds) -> ElectronicClass:
    if gap_eV <= t.metal_max_gap_eV:
        return ElectronicClass.METAL
    if gap_eV >= t.insulator_min_gap_eV:
        return ElectronicClass.INSULATOR
    return ElectronicClass.SEMICONDUCTOR


def characterize(
    formula: str, props: PhaseProperties | None, thresholds: InterphaseThresholds = DEFAULT_THRESHOLDS
) -> ProductCharacter:
    """Band gap, electronic class and ion-conductor flag of one phase (``props`` None: unknown).

    The gap used is the preferred one (user, experimental, live MP, MP PBE). An experimental metal
    label makes a metal unless the user gave a gap; an experimental non-metal label with a metallic
    GGA gap is ``uncertain``. A polymorph range whose ends fall in different classes is ``uncertain``.
    """
    key = _key(formula)
    conductor, conductor_source = _ion_conductor(key, props)
    if props is None:
        return ProductCharacter(key, None, None, 0, "", ElectronicClass.UNKNOWN, None, conductor, conductor_source)
    gap = props.band_gap
    label = props.experimental_is_metal
    if label and (gap is None or gap.source != GapSource.USER):
        cls = ElectronicClass.METAL
    elif gap is None:
        cls = ElectronicClass.UNKNOWN
    else:
        low, high = _value_class(gap.min_eV, thresholds), _value_class(gap.max_eV, thresholds)
        cls = low if low == high else ElectronicClass.UNCERTAIN
        if label is False and cls == ElectronicClass.METAL and gap.source != GapSource.USER:
            cls = ElectronicClass.UNCERTAIN  # measured a non-metal, metallic in GGA: no guess
    return ProductCharacter(
        formula=key,
        band_gap_min_eV=None if gap is None else gap.min_eV,
        band_gap_max_eV=None if gap is None else gap.max_eV,
        band_gap_n_values=0 if gap is None else gap.n_values,
        band_gap_source="" if gap is None else str(gap.source),
        electronic_class=cls,
        experimental_is_metal=label,
        ion_conductor=conductor,
        ion_conductor_source=conductor_source,
        volume_per_atom_A3=props.volume_per_atom_A3,
        volume_source=props.volume_source,
    )


@lru_cache(maxsize=16384)
def _composition(formula: str) -> Composition:
    """A product's composition, parsed once (read-only: callers never change it)."""
    return parse_formula(formula)


def _key(formula: str) -> str:
    try:
        return property_key(formula)
    except ValueError:
        return formula


def _ion_conductor(key: str, props: PhaseProperties | None) -> tuple[bool | None, str]:
    """The data's (or user's) flag first, then the default list of documented conductors."""
    if props is not None and props.ion_conductor is not None:
        return props.ion_conductor, props.ion_conductor_source or "user"
    if key in ION_CONDUCTORS:
        return True, ION_CONDUCTORS[key]
    return None, ""


def is_conducting(p: ProductCharacter, t: InterphaseThresholds = DEFAULT_THRESHOLDS) -> bool:
    """A metal, or a semiconductor whose largest known gap is a small gap."""
    if p.electronic_class == ElectronicClass.METAL:
        return True
    return (
        p.electronic_class == ElectronicClass.SEMICONDUCTOR
        and p.band_gap_max_eV is not None
        and p.band_gap_max_eV <= t.small_gap_max_eV
    )


def verdict_of(products: Sequence[ProductCharacter], t: InterphaseThresholds = DEFAULT_THRESHOLDS) -> Verdict:
    """``mixed-conducting`` if any product conducts, else ``uncertain`` if any is not an insulator, else passivating."""
    if any(is_conducting(p, t) for p in products):
        return Verdict.MIXED_CONDUCTING
    if any(p.electronic_class != ElectronicClass.INSULATOR for p in products):
        return Verdict.UNCERTAIN
    return Verdict.PASSIVATING


# -- balance and volumes ---------------------------------------------------------------------------
def balance(
    reactants: Sequence[tuple[float, Composition]], products: Sequence[str], *, free_ion: str | None = None
) -> tuple[dict[str, float], float] | None:
    """Amounts of ``products`` (formula units) made from ``reactants``, and the ion taken up (+).

    With ``free_ion`` the ion is exchanged with a reservoir (its amount is solved too; positive when
    taken up). None when the products cannot balance the reactants.
    """
    import numpy as np

    comps = [_composition(f) for f in products]
    total: dict[str, float] = {}
    for coeff, comp in reactants:
        for el, amount in comp.items():
            total[el] = total.get(el, 0.0) + coeff * amount
    elements = sorted(set(total) | {el for c in comps for el in c} | ({free_ion} if free_ion else set()))
    columns = [[c.get(el, 0.0) for el in elements] for c in comps]
    if free_ion:
        columns.append([-1.0 if el == free_ion else 0.0 for el in elements])  # the ion taken up joins the left side
    matrix = np.array(columns, dtype=float).T
    rhs = np.array([total.get(el, 0.0) for el in elements])
    solution, *_ = np.linalg.lstsq(matrix, rhs, rcond=None)
    if np.linalg.norm(matrix @ solution - rhs) > _BALANCE_TOL * max(1.0, float(np.abs(rhs).sum())):
        return None
    amounts = {f: float(n) for f, n in zip(products, solution[: len(products)], strict=True)}
    return amounts, float(solution[-1]) if free_ion else 0.0


def _formula_volume_a3(formula: str, table: PropertyTable) -> float | None:
    props = table.get(formula)
    if props is None or props.volume_per_atom_A3 is None:
        return None
    return props.volume_per_atom_A3 * n_atoms(_composition(formula))


def _missing_volume_note(formulas: Iterable[str], table: PropertyTable, source_name: str) -> str:
    """``n/a (...)`` when a phase has no volume, else empty."""
    names = set(formulas)
    missing = sorted(f for f in names if _formula_volume_a3(f, table) is None)
    if not missing:
        return ""
    with_volumes = [s.name for s in table.source_infos if "volume" in s.properties]
    if len(missing) == len(names) or not with_volumes:
        return f"n/a (no volumes in source {source_name})"
    return f"n/a (no volume for {', '.join(missing)} in {', '.join(with_volumes)}; none in source {source_name})"


def volume_change(
    reactants: Sequence[tuple[float, str]],
    products: dict[str, float],
    table: PropertyTable,
    source_name: str,
) -> tuple[float | None, float | None, float | None, str]:
    """(percent, mL/mol, reactant mL/mol, note) of a balanced reaction; no guess without every volume."""
    consumed = [(c, f) for c, f in reactants if c > 0]
    note = _missing_volume_note([f for _, f in consumed] + list(products), table, source_name)
    if note:
        return None, None, None, note
    v_react = sum(c * (_formula_volume_a3(f, table) or 0.0) for c, f in consumed)
    v_prod = sum(c * (_formula_volume_a3(f, table) or 0.0) for f, c in products.items())
    if v_react <= 0:
        return None, None, None, "n/a (no reactant volume)"
    delta = v_prod - v_react
    return 100.0 * delta / v_react, delta * A3_TO_ML_PER_MOL, v_react * A3_TO_ML_PER_MOL, ""


# -- one reaction ----------------------------------------------------------------------------------
def interphase_of(
    reactants: Sequence[tuple[float, Composition, str]],
    products: Sequence[str],
    table: PropertyTable,
    *,
    ion: str | None = None,
    open_ion: bool = False,
    interdiffusion_pairs: Sequence[tuple[frozenset[str], frozenset[str]]] = (),
    thresholds: InterphaseThresholds = DEFAULT_THRESHOLDS,
    source_name: str = "",
) -> Interphase | None:
    """The interphase of ``reactants`` (coefficient, composition, formula) -> ``products``.

    Reactants left over among the products, the ion metal (the electrode at the alkali-metal end,
    or the reservoir) and evolved elemental gases (:data:`INTERPHASE_GASES`: they leave, forming no
    layer) are not counted; a reaction that evolves only gases is ``no-layer``. ``open_ion``
    exchanges the ion with a reservoir (window stages, open interfaces). ``interdiffusion_pairs`` are
    (carried transition metals, framework elements) of an interface. None when nothing but reactants
    remains (no reaction).
    """
    reactant_keys = {_key(f) for _, _, f in reactants if f}
    skip = reactant_keys | ({ion} if ion else set())
    gases = tuple(p for p in products if _key(p) not in skip and _key(p) in INTERPHASE_GASES)
    counted = tuple(p for p in products if _key(p) not in skip and _key(p) not in INTERPHASE_GASES)
    left = tuple(p for p in products if _key(p) in skip)
    not_counted = left + gases
    reasons = tuple("reactant" if _key(p) in reactant_keys else "ion metal" for p in left) + ("gas",) * len(gases)
    if not counted and not gases:
        return None
    characters = []
    for p in counted:
        ch = characterize(p, table.get(p), thresholds)
        if any(_carries(p, carried, framework) for carried, framework in interdiffusion_pairs):
            ch = dataclasses.replace(ch, interdiffusion=True)
        characters.append(ch)
    verdict = verdict_of(characters, thresholds) if characters else Verdict.NO_LAYER
    conducting = tuple(c.formula for c in characters if is_conducting(c, thresholds))
    uncertain = tuple(
        c.formula
        for c in characters
        if c.electronic_class != ElectronicClass.INSULATOR and not is_conducting(c, thresholds)
    )
    note = _missing_volume_note([f for c, _, f in reactants if c > 0] + list(products), table, source_name)
    balanced = (
        None if note else balance([(c, comp) for c, comp, _ in reactants], products, free_ion=ion if open_ion else None)
    )
    if note:
        vol: tuple[float | None, float | None, float | None, str] = (None, None, None, note)
    elif balanced is None:
        vol = (None, None, None, "n/a (reaction not balanced)")
    else:
        # the ion exchanged with the reservoir (electrode) is not part of the layer: solids formed vs consumed
        amounts, _ = balanced
        vol = volume_change([(c, f) for c, _, f in reactants], amounts, table, source_name)
    return Interphase(
        products=tuple(characters),
        verdict=verdict,
        conducting_phases=conducting,
        uncertain_phases=uncertain,
        volume_change_percent=vol[0],
        volume_change_mL_per_mol=vol[1],
        reactant_volume_mL_per_mol=vol[2],
        volume_note=vol[3],
        interdiffusion_phases=tuple(c.formula for c in characters if c.interdiffusion),
        not_counted=not_counted,
        not_counted_reasons=reasons,
    )


def _carries(formula: str, carried: frozenset[str], framework: frozenset[str]) -> bool:
    elements = set(_composition(formula))
    return bool(elements & carried) and bool(elements & framework)


def interdiffusion_pairs(comp_a: Composition, comp_b: Composition) -> tuple[tuple[frozenset[str], frozenset[str]], ...]:
    """(transition metals of one reactant absent from the other, the other's own framework elements), both ways."""
    pairs = []
    for mine, other in ((comp_a, comp_b), (comp_b, comp_a)):
        carried = frozenset(el for el in mine if el in TRANSITION_METALS and el not in other)
        framework = frozenset(el for el in other if el in FRAMEWORK_ELEMENTS and el not in mine)
        if carried and framework:
            pairs.append((carried, framework))
    return tuple(pairs)


# -- the coating gate ------------------------------------------------------------------------------
def band_gap_gate(p: ProductCharacter, min_gap_eV: float = SCREEN_MIN_COATING_BAND_GAP_eV) -> str:
    """``pass`` (smallest known gap >= ``min_gap_eV``), ``fail`` (a metal or a gap below) or ``unknown``."""
    if p.electronic_class == ElectronicClass.METAL:
        return "fail"
    if p.band_gap_min_eV is None:
        return "unknown"
    if p.band_gap_min_eV >= min_gap_eV:
        return "pass"
    return "fail" if p.band_gap_max_eV is not None and p.band_gap_max_eV < min_gap_eV else "unknown"


# -- loading and provenance ------------------------------------------------------------------------
def load_properties(store: Store | None, formulas: Iterable[str]) -> PropertyTable:
    """Properties of just these formulas from the store (one lookup); empty when the store has none."""
    wanted = sorted({f for f in formulas if f})
    if store is None or not wanted:
        return PropertyTable.empty()
    return store.phase_properties(wanted)


def properties_text(table: PropertyTable) -> str:
    """Which property sources a report used (its provenance)."""
    if not table.sources:
        why = "; ".join(table.notes) or "band gaps and volumes: `interfacestab setup` or `data import`"
        return f"none in the store ({why})"
    infos = {s.name: s.info for s in table.source_infos}
    named = []
    for name in table.sources:
        info = infos.get(name)
        about = "" if info is None else (info.citation or info.description)
        named.append(f"{name} ({about})" if about else name)
    return "; ".join(named)


def with_interphase_conventions(
    provenance: Provenance, table: PropertyTable, thresholds: InterphaseThresholds = DEFAULT_THRESHOLDS
) -> Provenance:
    """The provenance with the interphase thresholds and the property sources in its conventions."""
    conventions = {
        **provenance.conventions,
        "interphase": thresholds.text(),
        "phase_properties": properties_text(table),
    }
    return dataclasses.replace(provenance, conventions=conventions)


# -- results ---------------------------------------------------------------------------------------
def window_formulas(result: StabilityWindow) -> set[str]:
    """Every phase a window's interphases need: the products of each stage, the ion and the target."""
    return {p for s in result.profile for p in s.phases} | {result.ion, result.formula}


def annotate_window(
    result: StabilityWindow, table: PropertyTable, thresholds: InterphaseThresholds = DEFAULT_THRESHOLDS
) -> StabilityWindow:
    """The window with the interphase of every reacting stage, of both limits and at the ion metal (0 V)."""
    source = result.provenance.source.name
    stages = []
    for s in result.profile:
        phase = (
            None
            if s.is_window
            else interphase_of(
                [(1.0, result.composition, result.formula)],
                s.phases,
                table,
                ion=result.ion,
                open_ion=True,
                thresholds=thresholds,
                source_name=source,
            )
        )
        stages.append(dataclasses.replace(s, interphase=phase))
    by_reaction = {s.reaction: s.interphase for s in stages}
    reduction = by_reaction.get(result.reduction_reaction or "") if result.reduction_reaction else None
    oxidation = by_reaction.get(result.oxidation_reaction or "") if result.oxidation_reaction else None
    at_metal = stages[0].interphase if stages and stages[0].voltage_low_V == 0.0 else None
    return dataclasses.replace(
        result,
        profile=tuple(stages),
        reduction_interphase=reduction,
        oxidation_interphase=oxidation,
        interphase_at_ion_metal=at_metal,
        provenance=with_interphase_conventions(result.provenance, table, thresholds),
    )


def interface_formulas(result: InterfaceProfile) -> set[str]:
    """Every phase an interface's interphases need."""
    extra = {result.ion} if result.ion else set()
    return {p for k in result.kinks for p in k.products} | {result.reactant_a, result.reactant_b} | extra


def annotate_kink(
    kink: InterfaceKink,
    reactant_a: tuple[Composition, str],
    reactant_b: tuple[Composition, str],
    table: PropertyTable,
    *,
    ion: str | None,
    open_system: bool,
    source_name: str,
    thresholds: InterphaseThresholds = DEFAULT_THRESHOLDS,
) -> InterfaceKink:
    """One kink with the interphase of its products (reactants as (composition, formula))."""
    reactants = [(kink.x_molar_a, *reactant_a), (1.0 - kink.x_molar_a, *reactant_b)]
    phase = interphase_of(
        [r for r in reactants if r[0] > 0],
        kink.products,
        table,
        ion=ion if open_system else None,
        open_ion=open_system,
        interdiffusion_pairs=interdiffusion_pairs(reactant_a[0], reactant_b[0]),
        thresholds=thresholds,
        source_name=source_name,
    )
    return dataclasses.replace(kink, interphase=phase)


def annotate_interface(
    result: InterfaceProfile, table: PropertyTable, thresholds: InterphaseThresholds = DEFAULT_THRESHOLDS
) -> InterfaceProfile:
    """The interface with the interphase of every kink (and so of its minimum)."""

    def one(kink: InterfaceKink) -> InterfaceKink:
        return annotate_kink(
            kink,
            (result.composition_a, result.reactant_a),
            (result.composition_b, result.reactant_b),
            table,
            ion=result.ion,
            open_system=result.voltage_V is not None,
            source_name=result.provenance.source.name,
            thresholds=thresholds,
        )

    kinks = tuple(one(k) for k in result.kinks)
    index = {id(k): i for i, k in enumerate(result.kinks)}

    def same(kink: InterfaceKink) -> InterfaceKink:
        return kinks[index[id(kink)]] if id(kink) in index else one(kink)

    return dataclasses.replace(
        result,
        kinks=kinks,
        minimum=same(result.minimum),
        mutual_minimum=same(result.mutual_minimum),
        provenance=with_interphase_conventions(result.provenance, table, thresholds),
    )


def sweep_formulas(result: InterfaceSweep) -> set[str]:
    """Every phase a sweep's interphases need."""
    kinks = [p.minimum for p in result.points] + [p.mutual_minimum for p in result.points if p.mutual_minimum]
    return {f for k in kinks for f in k.products} | {result.reactant_a, result.reactant_b, result.ion}


def annotate_sweep(
    result: InterfaceSweep,
    composition_a: Composition,
    composition_b: Composition,
    table: PropertyTable,
    thresholds: InterphaseThresholds = DEFAULT_THRESHOLDS,
) -> InterfaceSweep:
    """The sweep with the interphase of the reaction minimum at every voltage."""

    def one(kink: InterfaceKink) -> InterfaceKink:
        return annotate_kink(
            kink,
            (composition_a, result.reactant_a),
            (composition_b, result.reactant_b),
            table,
            ion=result.ion,
            open_system=True,
            source_name=result.provenance.source.name,
            thresholds=thresholds,
        )

    points = tuple(
        dataclasses.replace(
            p, minimum=one(p.minimum), mutual_minimum=None if p.mutual_minimum is None else one(p.mutual_minimum)
        )
        for p in result.points
    )
    return dataclasses.replace(
        result, points=points, provenance=with_interphase_conventions(result.provenance, table, thresholds)
    )

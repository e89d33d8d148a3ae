"""Which candidates a screen ranks: the seed coatings, a user's file, or ``--auto`` from the data."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from interfacestab.chem import chemsys, parse_chemsys
from interfacestab.conventions import ENERGY_NOISE_eV_per_atom, SCREEN_MAX_E_ABOVE_HULL_eV_per_atom
from interfacestab.errors import AnalysisError, FormulaError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from pathlib import Path

    from interfacestab.entries import Entry

#: The coatings of the seed papers (Xiao et al. 2019; Zhu, He, Mo 2015), screened by default.
SEED_COATINGS: tuple[str, ...] = (
    "LiNbO3", "Li2SnO3", "Li2SiO3", "Li3PO4", "Li4Ti5O12", "LiAlO2", "Li2ZrO3", "LiTaO3", "Li3BO3", "Li4SiO4",
)  # fmt: skip

#: Interlayers between an electrolyte and the metal anode screened by default (``screen --anode``), per ion,
#: each with why it is a candidate. The Li list follows the seeds: LiF, LiI, Li3N, Li3PO4, Li2O and Li-M alloys;
#: Na-Sn is the seeds' Na alloy. Checked against the data by their windows, not assumed stable.
SEED_INTERLAYERS: dict[str, tuple[tuple[str, str], ...]] = {
    "Li": (
        ("LiF", "SEI fluoride; wide window reaching 0 V (Zhu, He, Mo 2015)"),
        ("LiI", "iodide of LiI-doped interlayers against Li metal; reduction-stable binary halide"),
        ("Li3N", "fast Li-ion conductor stable at 0 V; Li3N-coated Li anodes"),
        ("Li3PO4", "phosphate of LiPON-type interlayers; kinetically passivating (reduced below ~0.7 V in MP data)"),
        ("Li2O", "oxide SEI component stable at 0 V"),
        ("LiCl", "halide of argyrodite and halide electrolytes' own reduction products"),
        ("Li2S", "a sulfide electrolyte's own reduction product at the anode"),
        ("Li13In3", "Li-In alloy (Li-In interlayers/anodes), the Li-richest Li-In phase"),
        ("Li9Al4", "Li-Al alloy interlayer, the Li-richest Li-Al phase"),
        ("LiAg", "Li-Ag alloy (Ag-carbon interlayers alloy with Li)"),
    ),
    "Na": (
        ("NaF", "SEI fluoride; wide window reaching 0 V vs Na/Na+"),
        ("NaI", "reduction-stable binary halide"),
        ("Na2O", "oxide SEI component"),
        ("Na3PO4", "phosphate interlayer"),
        ("NaCl", "halide of chloride electrolytes' reduction products"),
        ("Na2S", "a sulfide electrolyte's own reduction product"),
        ("Na15Sn4", "Na-Sn alloy interlayer (the seeds' Na-Sn), the Na-richest Na-Sn phase"),
    ),
    "K": (
        ("KF", "SEI fluoride; wide window reaching 0 V vs K/K+"),
        ("KI", "reduction-stable binary halide"),
        ("K2O", "oxide SEI component"),
        ("KCl", "halide of chloride electrolytes' reduction products"),
        ("K2S", "a sulfide electrolyte's own reduction product"),
        ("K3PO4", "phosphate interlayer"),
    ),
}

#: Elements left out of ``--auto`` by default: radioactive, platinum-group and other very costly or toxic ones.
DEFAULT_EXCLUDED_ELEMENTS: tuple[str, ...] = (
    "Tc", "Pm", "Po", "At", "Rn", "Fr", "Ra", "Ac", "Th", "Pa", "U", "Np", "Pu", "Am", "Cm", "Bk", "Cf", "Es",
    "Fm", "Md", "No", "Lr",  # radioactive
    "Ru", "Rh", "Pd", "Os", "Ir", "Pt", "Au", "Re",  # platinum group, gold, rhenium: very costly
    "Hg", "Cd", "Tl", "Be",  # toxic
)  # fmt: skip


def default_candidates(ion: str = "Li") -> list[str]:
    """The seed coatings (Li compounds); other ions need their own candidates.

    Raises:
        AnalysisError: for Na or K, where Li coatings would be screened against the wrong ion.
    """
    if ion != "Li":
        msg = f"the seed coatings are Li compounds; for {ion} give --candidates FILE or --auto"
        raise AnalysisError(msg)
    return list(SEED_COATINGS)


def default_interlayers(ion: str = "Li") -> list[str]:
    """The seed interlayers of the anode side for ``ion`` (:data:`SEED_INTERLAYERS`).

    Raises:
        AnalysisError: for an ion without a seed list.
    """
    if ion not in SEED_INTERLAYERS:
        msg = f"no seed interlayers for {ion}; give --candidates FILE or --auto"
        raise AnalysisError(msg)
    return [formula for formula, _ in SEED_INTERLAYERS[ion]]


def read_candidates(path: str | Path) -> list[str]:
    """Candidate formulas from a file: one per line, or a CSV with a ``formula`` column.

    Raises:
        SourceError: the file is not a readable regular UTF-8 text file, or holds no formula
            (see :mod:`interfacestab.analyses.inputs`).
    """
    from interfacestab.analyses.inputs import read_formula_rows

    return [row["formula"] for row in read_formula_rows(path, "candidates file")]


def element_list(elements: str | Iterable[str] | None, option: str) -> tuple[str, ...] | None:
    """Elements given as ``O,F``, ``O F``, ``O-F`` or a list -> ("F", "O"); ``none`` or "" -> (); None stays None.

    Raises:
        FormulaError: naming ``option`` (``--include-elements``) and the unknown symbols.
    """
    if elements is None:
        return None
    text = elements if isinstance(elements, str) else ",".join(elements)
    if text.strip().lower() in {"", "none"}:
        return ()
    try:
        return parse_chemsys(text)
    except FormulaError as exc:
        msg = f"{option}: {exc}"
        raise FormulaError(msg) from None


def auto_candidates(
    store: Any,
    *,
    ion: str = "Li",
    max_e_above_hull_eV_per_atom: float = SCREEN_MAX_E_ABOVE_HULL_eV_per_atom,
    include_elements: str | Iterable[str] | None = (),
    exclude_elements: str | Iterable[str] | None = DEFAULT_EXCLUDED_ELEMENTS,
    source: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[str]:
    """Candidates for ``--auto``: compounds with the ion, all of ``include_elements``, none excluded.

    Only compounds within ``max_e_above_hull`` of their own hull are kept; ordered by chemical
    system, then formula. One hull is built per *maximal* chemical system of the candidates: a
    compound of a subsystem has the same e_above_hull on the larger system's hull (the hull of a
    face is the face of the hull), so subsystems need no hull of their own. ``progress`` gets
    (hulls done, hulls to build).

    ``include_elements`` and ``exclude_elements`` are symbols or a string such as ``"O,F"`` (see
    :func:`element_list`; ``"none"`` is none); ``exclude_elements=None`` means
    :data:`DEFAULT_EXCLUDED_ELEMENTS`.

    Raises:
        FormulaError: for an unknown element in either list (checked before any hull is built).
    """
    from interfacestab.engine.hull import build_hull

    include = set(element_list(include_elements, "--include-elements") or ())
    excluded = element_list(exclude_elements, "--exclude-elements")
    exclude = set(DEFAULT_EXCLUDED_ELEMENTS if excluded is None else excluded) - {ion}
    by_system: dict[frozenset[str], list[Entry]] = defaultdict(list)
    for e in store.iter_entries(source, containing=ion):
        els = frozenset(e.composition)
        if include <= els and not (els & exclude):
            by_system[els].append(e)
    maximal: list[frozenset[str]] = []
    for system in sorted(by_system, key=lambda s: (-len(s), sorted(s))):
        if not any(system < m for m in maximal):
            maximal.append(system)
    above: dict[frozenset[str], list[float]] = {}  # system -> e_above_hull of each of its entries
    if progress:
        progress(0, len(maximal))
    for done, top in enumerate(maximal, start=1):
        hull = build_hull(store.entries(sorted(top), source))
        for system, entries in by_system.items():
            if system <= top and system not in above:
                above[system] = [hull.e_above_hull(hull.vector(e.composition), e.e_form_eV_per_atom) for e in entries]
        if progress:
            progress(done, len(maximal))
    chosen = []
    for system in sorted(by_system, key=chemsys):
        for e, e_above in zip(by_system[system], above[system], strict=True):
            if e_above <= max_e_above_hull_eV_per_atom + ENERGY_NOISE_eV_per_atom:
                chosen.append(e.formula)
    return chosen

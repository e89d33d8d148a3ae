"""Coating screens between a solid electrolyte and a cathode (Xiao, Miara, Wang, Ceder, Joule 2019).

For each candidate: its e_above_hull; its own window (limits and products); the closed
reaction with the electrolyte; the closed reactions with the discharged and the charged cathode
(a fraction of the ion removed, fully charged by default as in Xiao et al.); optionally the
reactions open to the ion at a voltage (reported as the most negative *mutual* reaction energy,
so an electrolyte's own oxidation at that voltage is not charged to the coating). Each criterion
is pass/fail; candidates are ranked by a score, the smallest scaled margin across criteria
(positive: passes everything); ties (e.g. every candidate on the hull shares the same e_above_hull
margin) are broken by the mean margin.

Work is grouped by the candidate's chemical system, checkpointed row by row and resumable, and
runs on local processes or a Dask cluster (see ``runner``).
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, ClassVar

from interfacestab.analyses.runner import check_output_folder, checkpoint_path, run_resumable, write_atomic
from interfacestab.analyses.targets import require_data, source_covers, system_key
from interfacestab.chem import Composition, chemsys, format_composition, parse_formula
from interfacestab.errors import AnalysisError, DataNotFoundError, InterfaceStabError
from interfacestab.provenance import Provenance, SourceInfo, package_version

#: The coatings of the seed papers (Xiao et al. 2019; Zhu, He, Mo 2015), screened by default.
SEED_COATINGS: tuple[str, ...] = (
    "LiNbO3", "Li2SnO3", "Li2SiO3", "Li3PO4", "Li4Ti5O12", "LiAlO2", "Li2ZrO3", "LiTaO3", "Li3BO3", "Li4SiO4",
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


#: Elements left out of ``--auto`` by default: radioactive, platinum-group and other very costly or toxic ones.
DEFAULT_EXCLUDED_ELEMENTS: tuple[str, ...] = (
    "Tc", "Pm", "Po", "At", "Rn", "Fr", "Ra", "Ac", "Th", "Pa", "U", "Np", "Pu", "Am", "Cm", "Bk", "Cf", "Es",
    "Fm", "Md", "No", "Lr",  # radioactive
    "Ru", "Rh", "Pd", "Os", "Ir", "Pt", "Au", "Re",  # platinum group, gold, rhenium: very costly
    "Hg", "Cd", "Tl", "Be",  # toxic
)  # fmt: skip

#: Voltage shift of the Xiao et al. limits (stated vs Li/Li+) to other couples: E(A/A+) - E(Li/Li+) in V.
_COUPLE_SHIFT_V = {"Li": 0.0, "Na": 0.33, "K": 0.11}

CRITERIA_CITATION = "Xiao, Miara, Wang, Ceder, Joule 3 (2019) 1252"


@dataclass(frozen=True, slots=True)
class ScreeningCriteria:
    """Pass/fail thresholds and the scales that turn margins into a score.

    Defaults are those of Xiao et al. 2019 vs Li/Li+; :meth:`for_ion` shifts the voltage limits
    to Na/Na+ (-0.33 V) or K/K+ (-0.11 V) by the difference of the standard potentials.
    """

    max_e_above_hull_eV_per_atom: float = 0.005
    max_reduction_limit_V: float = 2.7
    min_oxidation_limit_V: float = 4.0
    max_abs_electrolyte_reaction_eV_per_atom: float = 0.1
    max_abs_cathode_reaction_eV_per_atom: float = 0.1
    ion: str = "Li"
    citation: str = CRITERIA_CITATION
    #: margin scales of the score: eV/atom for energies, V for voltages
    scale_e_above_hull_eV_per_atom: float = 0.025
    scale_voltage_V: float = 0.5
    scale_reaction_eV_per_atom: float = 0.05

    @classmethod
    def for_ion(cls, ion: str, **overrides: float) -> ScreeningCriteria:
        """Defaults for an ion, with any threshold overridden (None values are ignored)."""
        shift = _COUPLE_SHIFT_V.get(ion, 0.0)
        base = cls(max_reduction_limit_V=2.7 - shift, min_oxidation_limit_V=4.0 - shift, ion=ion)
        return replace(base, **{k: v for k, v in overrides.items() if v is not None})

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary keyed by field name."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class ScreeningSetup:
    """What every candidate is screened against (picklable, sent to workers)."""

    electrolyte: str
    cathode: str
    charged_cathode: Composition
    ion: str
    criteria: ScreeningCriteria
    voltage_V: float | None
    source: str | None
    store_path: str
    stabilize: bool = True


_SCORE_FIELDS = ("score", "mean_margin")  # -inf (ranked last) for a candidate that could not be screened


@dataclass(frozen=True, slots=True)
class CoatingResult:
    """One candidate's numbers, verdict per criterion, and score (energies eV/atom, voltages V)."""

    formula: str
    in_database: bool
    material_id: str
    e_above_hull_eV_per_atom: float | None
    reduction_limit_V: float | None
    oxidation_limit_V: float | None
    reduction_products: tuple[str, ...]
    oxidation_products: tuple[str, ...]
    electrolyte_reaction_eV_per_atom: float | None
    electrolyte_products: tuple[str, ...]
    cathode_reaction_eV_per_atom: float | None
    cathode_products: tuple[str, ...]
    charged_cathode_reaction_eV_per_atom: float | None
    charged_cathode_products: tuple[str, ...]
    open_electrolyte_reaction_eV_per_atom: float | None
    open_cathode_reaction_eV_per_atom: float | None
    criteria_pass: dict[str, bool]
    margins: dict[str, float]
    score: float
    mean_margin: float
    passed: bool
    failed_criteria: tuple[str, ...]
    error: str | None = None

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary keyed by field name.

        A candidate that could not be screened (``error``) ranks last with a score of -inf, which JSON
        cannot hold: ``score`` and ``mean_margin`` are then None (``null``, an empty CSV cell).
        """
        d = asdict(self)
        for key, value in d.items():
            if isinstance(value, tuple):
                d[key] = list(value)
        for key in _SCORE_FIELDS:
            if not math.isfinite(d[key]):
                d[key] = None
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CoatingResult:
        """Inverse of :meth:`to_dict` (used when reading checkpoints)."""
        fields = {k: (tuple(v) if isinstance(v, list) else v) for k, v in d.items() if k in cls.__dataclass_fields__}
        for key in _SCORE_FIELDS:
            if fields.get(key) is None:
                fields[key] = float("-inf")
        return cls(**fields)


@dataclass(frozen=True, slots=True)
class CoatingScreen:
    """A ranked screen (best first) with its setup and provenance."""

    electrolyte: str
    cathode: str
    charged_cathode: str
    ion: str
    voltage_V: float | None
    criteria: ScreeningCriteria
    results: tuple[CoatingResult, ...]
    source: dict[str, object]
    n_computed: int = 0
    output: str | None = None
    package_version: str = ""
    conventions: dict[str, str] = field(default_factory=dict)
    skipped: tuple[str, ...] = ()

    @property
    def passed(self) -> tuple[CoatingResult, ...]:
        """Candidates that pass every criterion."""
        return tuple(r for r in self.results if r.passed)

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary keyed by field name."""
        return {
            "electrolyte": self.electrolyte,
            "cathode": self.cathode,
            "charged_cathode": self.charged_cathode,
            "ion": self.ion,
            "voltage_V": self.voltage_V,
            "criteria": self.criteria.to_dict(),
            "n_candidates": len(self.results),
            "n_passed": len(self.passed),
            "n_computed": self.n_computed,
            "results": [_finite_scores(r.to_dict()) for r in self.results],
            "score_rule": "min over criteria of margin/scale (e_above_hull: 0.025 eV/atom, voltages: 0.5 V, "
            "reaction energies: 0.05 eV/atom); positive means every criterion passes; ties broken by mean_margin",
            "skipped_candidates": list(self.skipped),
            "provenance": self.provenance.to_dict(),
        }

    @property
    def provenance(self) -> Provenance:
        """Source, conventions and version of the screen (its candidates span many systems: no ``chemsys``)."""
        info = SourceInfo(**{k: v for k, v in self.source.items() if k in SourceInfo.__dataclass_fields__})  # type: ignore[arg-type]
        return Provenance(info, "", 0, dict(self.conventions), self.package_version or package_version())

    #: Columns of :meth:`to_rows` (the CSV), in order: the screen's setup, the candidate, the provenance.
    ROW_FIELDS: ClassVar[tuple[str, ...]] = (
        "electrolyte", "cathode", "charged_cathode", "ion", "voltage_V", "rank", "formula", "passed", "score",
        "mean_margin", "failed_criteria", "e_above_hull_eV_per_atom", "reduction_limit_V", "oxidation_limit_V",
        "reduction_products", "oxidation_products", "electrolyte_reaction_eV_per_atom", "electrolyte_products",
        "cathode_reaction_eV_per_atom", "cathode_products", "charged_cathode_reaction_eV_per_atom",
        "charged_cathode_products", "open_electrolyte_reaction_eV_per_atom", "open_cathode_reaction_eV_per_atom",
        "in_database", "material_id", "error", *Provenance.COLUMNS,
    )  # fmt: skip

    def to_rows(self) -> list[dict[str, object]]:
        """Flat rows, one per candidate, best first, keyed by ``ROW_FIELDS`` (an error row's score is empty)."""
        head = {k: getattr(self, k) for k in ("electrolyte", "cathode", "charged_cathode", "ion", "voltage_V")}
        prov = self.provenance.to_columns()
        rows = [{**head, **_finite_scores(row), **prov} for row in screen_rows(self)]
        return [{c: row.get(c) for c in self.ROW_FIELDS} for row in rows]


# --- one candidate -----------------------------------------------------------------------------
def _verdict(values: dict[str, float | None], c: ScreeningCriteria) -> tuple[dict[str, bool], dict[str, float]]:
    """Pass/fail and scaled margin per criterion; a criterion without a value (n/a) is left out."""
    margins: dict[str, float] = {}
    if values["e_above_hull"] is not None:
        margins["e_above_hull"] = (
            c.max_e_above_hull_eV_per_atom - values["e_above_hull"]
        ) / c.scale_e_above_hull_eV_per_atom
    if values["reduction_limit"] is not None:
        margins["reduction_limit"] = (c.max_reduction_limit_V - values["reduction_limit"]) / c.scale_voltage_V
    ox = values["oxidation_limit"]
    margins["oxidation_limit"] = 10.0 if ox is None else (ox - c.min_oxidation_limit_V) / c.scale_voltage_V
    for key, limit in (
        ("electrolyte_reaction", c.max_abs_electrolyte_reaction_eV_per_atom),
        ("cathode_reaction", c.max_abs_cathode_reaction_eV_per_atom),
        ("charged_cathode_reaction", c.max_abs_cathode_reaction_eV_per_atom),
    ):
        if values[key] is not None:
            margins[key] = (limit - abs(values[key])) / c.scale_reaction_eV_per_atom  # type: ignore[arg-type]
    passes = {k: m >= 0 for k, m in margins.items()}
    return passes, margins


def screen_candidate(formula: str, setup: ScreeningSetup, store: Any, cache: Any) -> CoatingResult:
    """Every number and verdict for one candidate (raises InterfaceStabError on bad input)."""
    from interfacestab.analyses.interface import interface_reactions
    from interfacestab.analyses.window import window_for

    ion = setup.ion
    window = window_for(formula, ion=ion, stabilize=setup.stabilize, source=setup.source, store=store, cache=cache)
    comp = parse_formula(formula)

    def reaction(partner: str | Composition, voltage: float | None = None) -> tuple[float, tuple[str, ...]]:
        partner_comp = parse_formula(partner) if isinstance(partner, str) else partner
        elements = set(comp) | set(partner_comp) | ({ion} if voltage is not None else set())
        entries = store.entries(elements, setup.source)
        profile = interface_reactions(entries, comp, partner_comp, ion=ion, voltage_V=voltage)
        if voltage is not None:  # open: the mutual energy, without each side's own reaction with the reservoir
            kink = profile.mutual_minimum
            return kink.mutual_reaction_energy_eV_per_atom, kink.products
        return profile.minimum.reaction_energy_eV_per_atom, profile.minimum.products

    e_ely, p_ely = reaction(setup.electrolyte)
    e_cat, p_cat = reaction(setup.cathode)
    e_chg, p_chg = reaction(setup.charged_cathode)
    open_ely = open_cat = None
    if setup.voltage_V is not None:
        open_ely = reaction(setup.electrolyte, setup.voltage_V)[0]
        open_cat = reaction(setup.cathode, setup.voltage_V)[0]
    values: dict[str, float | None] = {
        "e_above_hull": window.e_above_hull_eV_per_atom,
        "reduction_limit": window.reduction_limit_V,
        "oxidation_limit": window.oxidation_limit_V,
        "electrolyte_reaction": e_ely,
        "cathode_reaction": e_cat,
        "charged_cathode_reaction": e_chg,
    }
    passes, margins = _verdict(values, setup.criteria)
    score = min(margins.values())
    mean_margin = sum(margins.values()) / len(margins)
    return CoatingResult(
        formula=window.formula,
        in_database=window.in_database,
        material_id=window.material_id,
        e_above_hull_eV_per_atom=window.e_above_hull_eV_per_atom,
        reduction_limit_V=window.reduction_limit_V,
        oxidation_limit_V=window.oxidation_limit_V,
        reduction_products=window.reduction_products,
        oxidation_products=window.oxidation_products,
        electrolyte_reaction_eV_per_atom=e_ely,
        electrolyte_products=p_ely,
        cathode_reaction_eV_per_atom=e_cat,
        cathode_products=p_cat,
        charged_cathode_reaction_eV_per_atom=e_chg,
        charged_cathode_products=p_chg,
        open_electrolyte_reaction_eV_per_atom=open_ely,
        open_cathode_reaction_eV_per_atom=open_cat,
        criteria_pass=passes,
        margins=margins,
        score=float(score),
        mean_margin=float(mean_margin),
        passed=all(passes.values()),
        failed_criteria=tuple(k for k, ok in passes.items() if not ok),
    )


def _failed(formula: str, message: str) -> CoatingResult:
    return CoatingResult(
        formula, False, "", None, None, None, (), (), None, (), None, (), None, (), None, None, {}, {},
        float("-inf"), float("-inf"), False, ("error",), message,
    )  # fmt: skip


def screen_chunk(candidates: list[str], setup: ScreeningSetup) -> list[dict[str, Any]]:
    """Task run by a worker: screen a chunk of candidates with one store connection and hull cache."""
    from interfacestab.engine.cache import HullCache
    from interfacestab.store import open_store

    cache = HullCache(max_size=16)
    rows = []
    with open_store(setup.store_path, create=False) as store:
        for formula in candidates:
            try:
                result = screen_candidate(formula, setup, store, cache)
            except InterfaceStabError as exc:
                result = _failed(formula, str(exc))
            row = result.to_dict()
            row["key"] = formula
            rows.append(row)
    return rows


# --- candidate lists ---------------------------------------------------------------------------
def read_candidates(path: str | Path) -> list[str]:
    """Candidate formulas from a file: one per line, or a CSV with a ``formula`` column.

    Raises:
        SourceError: the file is not a readable regular UTF-8 text file, or holds no formula
            (see :mod:`interfacestab.analyses.inputs`).
    """
    from interfacestab.analyses.inputs import read_formula_rows

    return [row["formula"] for row in read_formula_rows(path, "candidates file")]


def auto_candidates(
    store: Any,
    *,
    ion: str = "Li",
    max_e_above_hull_eV_per_atom: float = 0.005,
    include_elements: Iterable[str] = (),
    exclude_elements: Iterable[str] = DEFAULT_EXCLUDED_ELEMENTS,
    source: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[str]:
    """Candidates for ``--auto``: compounds with the ion, all of ``include_elements``, none excluded.

    Only compounds within ``max_e_above_hull`` of their own hull are kept; ordered by chemical
    system, then formula. One hull is built per *maximal* chemical system of the candidates: a
    compound of a subsystem has the same e_above_hull on the larger system's hull (the hull of a
    face is the face of the hull), so subsystems need no hull of their own. ``progress`` gets
    (hulls done, hulls to build).
    """
    from interfacestab.engine.hull import build_hull

    include, exclude = set(include_elements), set(exclude_elements) - {ion}
    by_system: dict[frozenset[str], list[Any]] = defaultdict(list)
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
            if e_above <= max_e_above_hull_eV_per_atom + 1e-12:
                chosen.append(e.formula)
    return chosen


# --- the screen ------------------------------------------------------------------------------
ProgressCallback = Callable[[int, int], None]


def screen_coatings(
    candidates: Iterable[str],
    electrolyte: str,
    cathode: str,
    *,
    ion: str = "Li",
    criteria: ScreeningCriteria | None = None,
    charged_fraction: float = 1.0,
    voltage_V: float | None = None,
    source: str | None = None,
    store_path: str | Path | None = None,
    output: str | Path | None = None,
    resume: bool = False,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: ProgressCallback | None = None,
    chunk_size: int = 8,
) -> CoatingScreen:
    """Screen coating candidates between ``electrolyte`` and ``cathode``; ranked best first.

    Args:
        candidates: Candidate formulas (duplicates are screened once).
        electrolyte: Solid electrolyte formula.
        cathode: Cathode formula in its discharged state (e.g. LiCoO2).
        ion: Mobile ion.
        criteria: Thresholds (default: Xiao et al. 2019, shifted for Na/K).
        charged_fraction: Fraction of the ion removed for the charged cathode (1: fully charged, 0.5: half).
        voltage_V: Also compute reactions open to the ion at this voltage (V vs A/A+).
        source: Data source name.
        store_path: Store file (default: the configured store).
        output: Checkpointed result file (``.json`` or ``.csv``); needed for ``resume``.
        resume: Reuse the checkpoint of an interrupted run with the same output.
        workers: Local processes (default: all cores).
        scheduler: Dask scheduler address to run on a cluster instead.
        progress: Called with (done, total).
        chunk_size: Candidates per task.

    Raises:
        DataNotFoundError: when the store lacks the electrolyte's or cathode's system.
    """
    from interfacestab.analyses.interface import check_voltage, remove_ion
    from interfacestab.conventions import conventions_summary
    from interfacestab.provenance import package_version
    from interfacestab.settings import resolve_store_path
    from interfacestab.store import open_store

    crit = criteria or ScreeningCriteria.for_ion(ion)
    out = Path(output) if output else None
    if out is not None:
        if out.suffix.lower() not in {".json", ".csv"}:
            msg = f"screen output must end in .json or .csv, not '{out.name}'"
            raise AnalysisError(msg)
        check_output_folder(out)
    if voltage_V is not None:
        check_voltage(ion, voltage_V)
    if _reduced_or_none(electrolyte) == _reduced_or_none(cathode):
        msg = f"the electrolyte and the cathode are the same phase ({electrolyte})"
        raise AnalysisError(msg)
    store_file = str(resolve_store_path(store_path))
    cathode_comp = parse_formula(cathode)
    charged = remove_ion(cathode_comp, ion, charged_fraction)
    with open_store(store_file, create=False) as st:
        info = st.source(source)
        for name, comp in ((electrolyte, parse_formula(electrolyte)), (cathode, cathode_comp)):
            try:
                require_data(st.entries(set(comp), source), set(comp), source_covers(st, comp, source))
            except DataNotFoundError as exc:
                msg = f"no data for {name}: {exc}"
                raise DataNotFoundError(msg) from exc
    setup = ScreeningSetup(electrolyte, cathode, charged, ion, crit, voltage_V, source, store_file)
    names = list(dict.fromkeys(c.strip() for c in candidates if c.strip()))
    # a candidate identical to a partner is not a coating of it (e.g. LiCoO2 found by --auto)
    partners = {_reduced_or_none(x) for x in (electrolyte, cathode, format_composition(charged))}
    skipped = tuple(n for n in names if _reduced_or_none(n) in partners)
    names = [n for n in names if n not in skipped]
    if not names:
        msg = "no candidates to screen"
        raise AnalysisError(msg)

    from interfacestab.analyses.batch import source_fingerprint

    fingerprint = {
        "run": "coating screen",
        "electrolyte": electrolyte,
        "cathode": cathode,
        "charged_cathode": format_composition(charged),
        "ion": ion,
        "voltage_V": voltage_V,
        "stabilize": setup.stabilize,
        "criteria": crit.to_dict(),
        **source_fingerprint(info),
    }
    done, computed = run_resumable(
        screen_chunk,
        names,
        (setup,),
        key=lambda name: name,
        group=lambda name: system_key(name, ion),
        checkpoint=checkpoint_path(out) if out else None,
        resume=resume,
        workers=workers,
        scheduler=scheduler,
        progress=progress,
        chunk_size=chunk_size,
        fingerprint=fingerprint,
    )
    results = sorted(
        (CoatingResult.from_dict(done[n]) for n in names), key=lambda r: (-r.score, -r.mean_margin, r.formula)
    )
    screen = CoatingScreen(
        electrolyte=electrolyte,
        cathode=cathode,
        charged_cathode=format_composition(charged),
        ion=ion,
        voltage_V=voltage_V,
        criteria=crit,
        results=tuple(results),
        source=info.to_dict(),
        n_computed=computed,
        output=str(out) if out else None,
        package_version=package_version(),
        conventions=conventions_summary(),
        skipped=skipped,
    )
    if out is not None:
        write_screen(screen, out)
    return screen


def _reduced_or_none(formula: str) -> object:
    """The compound's identity (:func:`~interfacestab.entries.composition_key`), None when it does not parse."""
    from interfacestab.entries import composition_key

    try:
        return composition_key(parse_formula(formula))
    except InterfaceStabError:
        return None


#: Flat CSV columns of a screen, in order.
SCREEN_COLUMNS = (
    "rank", "formula", "passed", "score", "mean_margin", "failed_criteria", "e_above_hull_eV_per_atom",
    "reduction_limit_V", "oxidation_limit_V", "reduction_products", "oxidation_products",
    "electrolyte_reaction_eV_per_atom", "electrolyte_products", "cathode_reaction_eV_per_atom", "cathode_products",
    "charged_cathode_reaction_eV_per_atom", "charged_cathode_products", "open_electrolyte_reaction_eV_per_atom",
    "open_cathode_reaction_eV_per_atom", "in_database", "material_id", "error", "source",
)  # fmt: skip


def screen_rows(screen: CoatingScreen) -> list[dict[str, object]]:
    """Flat rows (rank first) for CSV and tables."""
    rows = []
    for rank, r in enumerate(screen.results, start=1):
        d = r.to_dict()
        d["rank"] = rank
        d["source"] = screen.source.get("name")
        rows.append({c: d.get(c) for c in SCREEN_COLUMNS})
    return rows


def write_screen(screen: CoatingScreen, out: Path) -> None:
    """Write a screen as JSON (everything) or CSV (flat rows), atomically."""
    if out.suffix.lower() == ".json":
        write_atomic(out, json.dumps(screen.to_dict(), indent=1))
        return
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(SCREEN_COLUMNS)
    for row in screen_rows(screen):
        writer.writerow(
            ["" if v is None else ";".join(map(str, v)) if isinstance(v, list) else v for v in row.values()]
        )
    write_atomic(out, buf.getvalue())


def _finite_scores(row: dict[str, Any]) -> dict[str, Any]:
    """``score`` and ``mean_margin`` of an error row (-inf, not JSON) as None."""
    out = dict(row)
    for key in ("score", "mean_margin"):
        value = out.get(key)
        if isinstance(value, float) and value in (float("inf"), float("-inf")):
            out[key] = None
    return out

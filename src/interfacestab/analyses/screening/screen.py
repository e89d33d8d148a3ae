"""Running a coating screen: one candidate, a chunk of them on a worker, and the resumable whole.

Each input is parsed once, here at the entrance: the electrolyte, the cathode and every candidate
become compositions before any work is sent to a worker.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from interfacestab.analyses.runner import checkpoint_path, run_resumable
from interfacestab.analyses.screening.criteria import ScreeningCriteria, verdict
from interfacestab.analyses.screening.ranking import check_rank_by, rank_results
from interfacestab.analyses.screening.results import CoatingResult, CoatingScreen, write_screen
from interfacestab.analyses.targets import ParsedFormula, parse_input, require_data, resolve_target, source_covers
from interfacestab.chem import Composition, chemsys, format_composition
from interfacestab.entries import composition_key
from interfacestab.errors import AnalysisError, DataNotFoundError, InterfaceStabError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from interfacestab.analyses.interface import InterfaceProfile
    from interfacestab.analyses.uncertainty import UncertaintySettings
    from interfacestab.engine.cache import HullCache
    from interfacestab.store.database import Store


@dataclass(frozen=True, slots=True)
class ScreeningSetup:
    """What every candidate is screened against (picklable, sent to workers)."""

    electrolyte: ParsedFormula
    cathode: ParsedFormula
    charged_cathode: Composition
    ion: str
    criteria: ScreeningCriteria
    voltage_V: float | None
    source: str | None
    store_path: str
    stabilize: bool = True
    uncertainty: UncertaintySettings | None = None


@dataclass(frozen=True, slots=True)
class Candidate:
    """A candidate as given (``name``, the checkpoint key) and parsed once (``formula``), or why it does not parse."""

    name: str
    formula: ParsedFormula | None
    error: str = ""

    @classmethod
    def of(cls, name: str) -> Candidate:
        """Parse ``name``; a malformed formula becomes a candidate that fails with that message."""
        try:
            return cls(name, parse_input(name))
        except InterfaceStabError as exc:
            return cls(name, None, str(exc))

    def system(self, ion: str) -> str:
        """Chemical system with the ion (work is grouped by it); ``!name`` when it does not parse."""
        return f"!{self.name}" if self.formula is None else chemsys(set(self.formula.composition) | {ion})


def screen_candidate(
    formula: str | Composition | ParsedFormula, setup: ScreeningSetup, store: Store, cache: HullCache | None
) -> CoatingResult:
    """Every number and verdict for one candidate (raises InterfaceStabError on bad input)."""
    from interfacestab.analyses.interface import interface_reactions
    from interfacestab.analyses.window import window_for

    ion = setup.ion
    coating = parse_input(formula)
    comp = coating.composition
    window = window_for(coating, ion=ion, stabilize=setup.stabilize, source=setup.source, store=store, cache=cache)

    def profile(partner: Composition, voltage: float | None = None) -> InterfaceProfile:
        elements = set(comp) | set(partner) | ({ion} if voltage is not None else set())
        entries = store.entries(elements, setup.source)
        return interface_reactions(entries, comp, partner, ion=ion, voltage_V=voltage)

    def reaction(partner: Composition) -> tuple[float | None, tuple[str, ...]]:
        """Closed: the most negative reaction energy (eV per atom of the mixture) and its products."""
        minimum = profile(partner).minimum
        return minimum.reaction_energy_eV_per_atom, minimum.products

    def open_reaction(partner: Composition, voltage: float) -> float | None:
        """Open: the most negative mutual energy (eV per non-A atom; each side's own reservoir reaction out)."""
        return profile(partner, voltage).mutual_minimum.mutual_reaction_energy_eV_per_nonion_atom

    electrolyte, cathode = setup.electrolyte.composition, setup.cathode.composition
    e_ely, p_ely = reaction(electrolyte)
    e_cat, p_cat = reaction(cathode)
    e_chg, p_chg = reaction(setup.charged_cathode)
    open_ely = open_cat = None
    if setup.voltage_V is not None:
        open_ely = open_reaction(electrolyte, setup.voltage_V)
        open_cat = open_reaction(cathode, setup.voltage_V)
    values: dict[str, float | None] = {
        "e_above_hull": window.e_above_hull_eV_per_atom,
        "reduction_limit": window.reduction_limit_V,
        "oxidation_limit": window.oxidation_limit_V,
        "electrolyte_reaction": e_ely,
        "cathode_reaction": e_cat,
        "charged_cathode_reaction": e_chg,
    }
    passes, margins = verdict(values, setup.criteria)
    probability = None if setup.uncertainty is None else _pass_probability(coating, window, setup, store)
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
        open_electrolyte_reaction_eV_per_nonion_atom=open_ely,
        open_cathode_reaction_eV_per_nonion_atom=open_cat,
        criteria_pass=passes,
        margins=margins,
        score=float(min(margins.values())),
        mean_margin=float(sum(margins.values()) / len(margins)),
        passed=all(passes.values()),
        failed_criteria=tuple(k for k, ok in passes.items() if not ok),
        pass_probability=probability,
    )


def _pass_probability(coating: ParsedFormula, window: Any, setup: ScreeningSetup, store: Store) -> dict[str, float]:
    from interfacestab.analyses.screening.probability import pass_probability

    return pass_probability(coating, window, setup, store)


def screen_chunk(candidates: list[Candidate], setup: ScreeningSetup) -> list[dict[str, Any]]:
    """Task run by a worker: screen a chunk of candidates with one store connection and hull cache."""
    from interfacestab.engine.cache import HullCache
    from interfacestab.store import open_store

    cache = HullCache(max_size=16)
    rows = []
    with open_store(setup.store_path, create=False) as store:
        for candidate in candidates:
            try:
                if candidate.formula is None:
                    raise AnalysisError(candidate.error)
                result = screen_candidate(candidate.formula, setup, store, cache)
            except InterfaceStabError as exc:
                result = CoatingResult.failed(candidate.name, str(exc))
            row = result.to_dict()
            row["key"] = candidate.name
            rows.append(row)
    return rows


def screen_coatings(
    candidates: Iterable[str] | Callable[[], Iterable[str]],
    electrolyte: str | Composition,
    cathode: str | Composition,
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
    progress: Callable[[int, int], None] | None = None,
    chunk_size: int = 8,
    uncertainty: UncertaintySettings | None = None,
    rank_by: str = "score",
) -> CoatingScreen:
    """Screen coating candidates between ``electrolyte`` and ``cathode``; ranked best first.

    Args:
        candidates: Candidate formulas (duplicates are screened once), or a function returning them,
            called once the inputs are checked (e.g. :func:`auto_candidates`, whose hulls take a while).
        electrolyte: Solid electrolyte formula (or composition); the screen names it as read
            (``Li2O·CoO`` -> ``Li2CoO2``) and says so in its ``notes``.
        cathode: Cathode formula (or composition) in its discharged state (e.g. LiCoO2).
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
        uncertainty: Sample energy errors and give each candidate its probability of passing each
            criterion and all of them (``pass_probability``).
        rank_by: ``score`` (the worst scaled margin, default) or ``probability`` (of passing every
            criterion, then the score; needs ``uncertainty``).

    Raises:
        DataNotFoundError: when the store lacks the electrolyte's or cathode's system.
    """
    from interfacestab.analyses.batch import source_fingerprint
    from interfacestab.analyses.interface import check_voltage, remove_ion
    from interfacestab.conventions import check_ion, conventions_summary
    from interfacestab.fileio import check_output_path
    from interfacestab.provenance import package_version
    from interfacestab.settings import resolve_store_path
    from interfacestab.store import open_store

    check_ion(ion)
    check_rank_by(rank_by, uncertainty)
    crit = criteria or ScreeningCriteria.for_ion(ion)
    out = Path(output) if output else None
    if out is not None:
        if out.suffix.lower() not in {".json", ".csv"}:
            msg = f"screen output must end in .json or .csv, not '{out.name}'"
            raise AnalysisError(msg)
        out = check_output_path(out)
    if voltage_V is not None:
        check_voltage(ion, voltage_V)
    ely, cat = parse_input(electrolyte), parse_input(cathode)
    notes = tuple(n for n in (ely.read_note("electrolyte"), cat.read_note("cathode")) if n)
    ely, cat = ParsedFormula(ely.as_read, ely.composition), ParsedFormula(cat.as_read, cat.composition)
    if composition_key(ely.composition) == composition_key(cat.composition):
        msg = f"the electrolyte and the cathode are the same phase ({ely.text})"
        raise AnalysisError(msg)
    store_file = str(resolve_store_path(store_path))
    charged = remove_ion(cat.composition, ion, charged_fraction)
    resolved: list[str] = []
    with open_store(store_file, create=False) as st:
        info = st.source(source)
        for role, given in (("electrolyte", ely), ("cathode", cat)):
            comp = given.composition
            entries = st.entries(set(comp), source)
            try:
                require_data(entries, set(comp), source_covers(st, comp, source))
            except DataNotFoundError as exc:
                msg = f"no data for {given.text}: {exc}"
                raise DataNotFoundError(msg) from exc
            note = resolve_target(entries, given).resolution_note
            if note:  # the same compound as the window and interface commands find (by composition)
                resolved.append(f"{role} {note}")
    notes = (*notes, *resolved)
    setup = ScreeningSetup(ely, cat, charged, ion, crit, voltage_V, source, store_file, uncertainty=uncertainty)
    chosen = candidates() if callable(candidates) else candidates
    names = list(dict.fromkeys(c.strip() for c in chosen if c.strip()))
    parsed = [Candidate.of(n) for n in names]
    # a candidate identical to a partner is not a coating of it (e.g. LiCoO2 found by --auto)
    partners = {composition_key(c) for c in (ely.composition, cat.composition, charged)}
    skipped = tuple(
        c.name for c in parsed if c.formula is not None and composition_key(c.formula.composition) in partners
    )
    todo = [c for c in parsed if c.name not in skipped]
    if not todo:
        msg = "no candidates to screen"
        raise AnalysisError(msg)

    charged_text = format_composition(charged)
    fingerprint = {
        "run": "coating screen",
        "electrolyte": ely.text,
        "cathode": cat.text,
        "charged_cathode": charged_text,
        "ion": ion,
        "voltage_V": voltage_V,
        "stabilize": setup.stabilize,
        "criteria": crit.to_dict(),
        **source_fingerprint(info),
        **({} if uncertainty is None else {"uncertainty": asdict(uncertainty)}),
    }
    done, computed = run_resumable(
        screen_chunk,
        todo,
        (setup,),
        key=lambda c: c.name,
        group=lambda c: c.system(ion),
        checkpoint=checkpoint_path(out) if out else None,
        resume=resume,
        workers=workers,
        scheduler=scheduler,
        progress=progress,
        chunk_size=chunk_size,
        fingerprint=fingerprint,
    )
    results = sorted(
        (CoatingResult.from_dict(done[c.name]) for c in todo), key=lambda r: (-r.score, -r.mean_margin, r.formula)
    )
    results = rank_results(results, rank_by)
    screen = CoatingScreen(
        electrolyte=ely.text,
        cathode=cat.text,
        charged_cathode=charged_text,
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
        notes=notes,
        uncertainty=None if uncertainty is None else {**asdict(uncertainty), "ranked_by": rank_by},
    )
    if out is not None:
        write_screen(screen, out)
    return screen

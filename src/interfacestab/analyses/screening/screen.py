"""Running a coating screen: one candidate, a chunk of them on a worker, and the resumable whole.

Each input is parsed once, here at the entrance: the electrolyte, the cathode and every candidate
become compositions before any work is sent to a worker.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from interfacestab.analyses.runner import checkpoint_path, run_resumable
from interfacestab.analyses.screening.anode import is_ion_metal
from interfacestab.analyses.screening.criteria import ScreeningCriteria, verdict
from interfacestab.analyses.screening.ranking import check_rank_by, rank_results, screen_uncertainty
from interfacestab.analyses.screening.results import CoatingResult, CoatingScreen, write_screen
from interfacestab.analyses.targets import ParsedFormula, parse_input, require_data, resolve_target, source_covers
from interfacestab.chem import Composition, chemsys, format_composition
from interfacestab.entries import composition_key
from interfacestab.errors import AnalysisError, DataNotFoundError, InterfaceStabError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from interfacestab.analyses.interface import InterfaceProfile
    from interfacestab.analyses.interface_kinks import InterfaceKink
    from interfacestab.analyses.uncertainty import UncertaintySettings
    from interfacestab.analyses.window import StabilityWindow
    from interfacestab.engine.cache import HullCache
    from interfacestab.store.database import Store


@dataclass(frozen=True, slots=True)
class ScreeningSetup:
    """What every candidate is screened against (picklable, sent to workers)."""

    electrolyte: ParsedFormula
    cathode: ParsedFormula | None  # None on the anode side
    charged_cathode: Composition | None
    ion: str
    criteria: ScreeningCriteria
    voltage_V: float | None
    source: str | None
    store_path: str
    stabilize: bool = True
    anode: ParsedFormula | None = None  # the anode side: interlayers between the electrolyte and this anode
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
    window = window_for(
        coating, ion=ion, stabilize=setup.stabilize, source=setup.source, store=store, cache=cache, interphases=False
    )

    def profile(partner: Composition, voltage: float | None = None) -> InterfaceProfile:
        elements = set(comp) | set(partner) | ({ion} if voltage is not None else set())
        entries = store.entries(elements, setup.source)
        return interface_reactions(entries, comp, partner, ion=ion, voltage_V=voltage)

    minima: list[tuple[InterfaceProfile, InterfaceKink]] = []

    def reaction(partner: Composition) -> tuple[float | None, tuple[str, ...]]:
        """Closed: the most negative reaction energy (eV per atom of the mixture) and its products."""
        closed = profile(partner)
        minima.append((closed, closed.minimum))
        return closed.minimum.reaction_energy_eV_per_atom, closed.minimum.products

    def open_reaction(partner: Composition, voltage: float) -> float | None:
        """Open: the most negative mutual energy (eV per non-A atom; each side's own reservoir reaction out)."""
        return profile(partner, voltage).mutual_minimum.mutual_reaction_energy_eV_per_nonion_atom

    electrolyte = setup.electrolyte.composition
    e_ely, p_ely = reaction(electrolyte)
    if setup.anode is not None:
        e_an, p_an = reaction(setup.anode.composition)
        interphase_fields = coating_interphase_fields(
            window, minima, setup.criteria.min_coating_band_gap_eV, store, anode_side=True
        )
        sampled = None
        if setup.uncertainty is not None:
            closed_an = {"electrolyte_reaction": minima[0][0], "anode_reaction": minima[1][0]}
            sampled = _pass_probability(coating, window, setup, store, closed_an)
        result = _interlayer_result(window, setup.criteria, (e_ely, p_ely), (e_an, p_an), interphase_fields)
        return result if sampled is None else replace(result, pass_probability=sampled)
    assert setup.cathode is not None, "a cathode screen has its cathode"
    assert setup.charged_cathode is not None, "a cathode screen has its charged cathode"
    cathode = setup.cathode.composition
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
    keys = ("electrolyte_reaction", "cathode_reaction", "charged_cathode_reaction")
    closed = {key: point for key, (point, _) in zip(keys, minima, strict=True)}  # the closed profiles, in order
    probability = None if setup.uncertainty is None else _pass_probability(coating, window, setup, store, closed)
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
        **coating_interphase_fields(window, minima, setup.criteria.min_coating_band_gap_eV, store),
        pass_probability=probability,
    )


def _interlayer_result(
    window: StabilityWindow,
    criteria: ScreeningCriteria,
    electrolyte: tuple[float | None, tuple[str, ...]],
    anode: tuple[float | None, tuple[str, ...]],
    interphase_fields: dict[str, Any] | None = None,
) -> CoatingResult:
    """An interlayer's row: e_above_hull, reduction limit vs the anode, reactions with electrolyte and anode.

    ``interphase_fields`` (:func:`coating_interphase_fields` with ``anode_side=True``): the interlayer's own
    band gap and gate, the verdicts of its reduction limit and of its reactions with the electrolyte and the anode.
    """
    values: dict[str, float | None] = {
        "e_above_hull": window.e_above_hull_eV_per_atom,
        "reduction_limit": window.reduction_limit_V,
        "electrolyte_reaction": electrolyte[0],
        "anode_reaction": anode[0],
    }
    passes, margins = verdict(values, criteria)
    return CoatingResult(
        formula=window.formula,
        in_database=window.in_database,
        material_id=window.material_id,
        e_above_hull_eV_per_atom=window.e_above_hull_eV_per_atom,
        reduction_limit_V=window.reduction_limit_V,
        oxidation_limit_V=window.oxidation_limit_V,
        reduction_products=window.reduction_products,
        oxidation_products=window.oxidation_products,
        electrolyte_reaction_eV_per_atom=electrolyte[0],
        electrolyte_products=electrolyte[1],
        cathode_reaction_eV_per_atom=None,
        cathode_products=(),
        charged_cathode_reaction_eV_per_atom=None,
        charged_cathode_products=(),
        open_electrolyte_reaction_eV_per_nonion_atom=None,
        open_cathode_reaction_eV_per_nonion_atom=None,
        criteria_pass=passes,
        margins=margins,
        score=float(min(margins.values())),
        mean_margin=float(sum(margins.values()) / len(margins)),
        passed=all(passes.values()),
        failed_criteria=tuple(k for k, ok in passes.items() if not ok),
        anode_reaction_eV_per_atom=anode[0],
        anode_products=anode[1],
        **(interphase_fields or {}),
    )


def coating_interphase_fields(
    window: StabilityWindow,
    minima: list[tuple[InterfaceProfile, InterfaceKink]],
    min_gap_eV: float,
    store: Store,
    *,
    anode_side: bool = False,
) -> dict[str, Any]:
    """The interphase fields of a coating's result: its own gap and gate, each reaction's verdict, flags.

    ``minima`` are the closed reactions in order: with the electrolyte, the cathode and the charged cathode;
    on the anode side (``anode_side``) with the electrolyte and the anode (``anode_interphase``).
    """
    from interfacestab.analyses import interphase

    formulas = interphase.window_formulas(window) | {
        f for profile, kink in minima for f in (*kink.products, *_reactants(profile))
    }
    table = interphase.load_properties(store, formulas)  # one lookup for the window and the three reactions
    window = interphase.annotate_window(window, table)
    coating = interphase.characterize(window.formula, table.get(window.formula))
    kinks = [
        interphase.annotate_kink(
            kink,
            (profile.composition_a, profile.reactant_a),
            (profile.composition_b, profile.reactant_b),
            table,
            ion=profile.ion,
            open_system=False,
            source_name=profile.provenance.source.name,
        ).interphase
        for profile, kink in minima
    ]
    electrolyte, cathode, charged = [*kinks, None, None, None][:3]
    anode = None
    if anode_side:
        anode, cathode = cathode, None
    metallic = tuple(dict.fromkeys(f for k in kinks if k is not None for f in k.metallic_phases))
    # every phase that makes a reaction mixed-conducting: the metals and the small-gap phases
    conducting = tuple(dict.fromkeys(f for k in kinks if k is not None for f in k.conducting_phases))

    def verdict_of(phase: interphase.Interphase | None) -> str:
        return "" if phase is None else str(phase.verdict)

    return {
        "coating_band_gap_min_eV": coating.band_gap_min_eV,
        "coating_band_gap_max_eV": coating.band_gap_max_eV,
        "coating_band_gap_source": coating.band_gap_source,
        "coating_electronic_class": str(coating.electronic_class),
        "coating_ion_conductor": coating.ion_conductor,
        "band_gap_gate": interphase.band_gap_gate(coating, min_gap_eV),
        "reduction_interphase": verdict_of(window.reduction_interphase),
        "oxidation_interphase": verdict_of(window.oxidation_interphase),
        "electrolyte_interphase": verdict_of(electrolyte),
        "cathode_interphase": verdict_of(cathode),
        "charged_cathode_interphase": verdict_of(charged),
        "metallic_products": metallic,
        "interdiffusion_products": tuple(
            dict.fromkeys(f for k in kinks if k is not None for f in k.interdiffusion_phases)
        ),
        "metallic_interphase": bool(metallic),
        "anode_interphase": verdict_of(anode),
        "conducting_products": conducting,
        "conducting_interphase": bool(conducting),
    }


def screen_property_conventions(store: Store, criteria: ScreeningCriteria) -> dict[str, str]:
    """The interphase thresholds, the coating's band-gap gate and the store's property sources (provenance)."""
    from interfacestab.analyses import interphase
    from interfacestab.phase_properties import PropertyTable

    sources = store.property_sources()
    named = "; ".join(f"{s.name} ({s.info.citation or s.info.description})" for s in sources)
    return {
        "interphase": interphase.DEFAULT_THRESHOLDS.text(),
        "band_gap_gate": f"coating band gap >= {criteria.min_coating_band_gap_eV:g} eV (reported, not in the score)",
        "phase_properties": named or interphase.properties_text(PropertyTable.empty()),
    }


def _reactants(profile: InterfaceProfile) -> tuple[str, str]:
    return profile.reactant_a, profile.reactant_b


def _source_model(store: Store, source: str, requested: str) -> str:
    from interfacestab.analyses.error_model import source_model

    return source_model(store, source, requested)


def _pass_probability(
    coating: ParsedFormula, window: Any, setup: ScreeningSetup, store: Store, profiles: dict[str, InterfaceProfile]
) -> dict[str, float]:
    from interfacestab.analyses.screening.probability import pass_probability

    return pass_probability(coating, window, setup, store, profiles)


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
    cathode: str | Composition | None,
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
    anode: str | Composition | None = None,
    charge_voltage_V: float | None = None,
    uncertainty: UncertaintySettings | None = None,
    rank_by: str = "score",
) -> CoatingScreen:
    """Screen coating candidates between ``electrolyte`` and ``cathode``; ranked best first.

    With ``anode`` instead of ``cathode`` (``cathode=None``), screen interlayers between the electrolyte and
    the anode (the metal, e.g. ``Li``, or an alloy, e.g. ``Li0.5In``): see :func:`screen_interlayers`.

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
        anode: The anode side: screen interlayers between ``electrolyte`` and this anode (no cathode).
        charge_voltage_V: Charge the cathode to this voltage instead of removing ``charged_fraction`` of its
            ion: the charged cathode is its equilibrium assemblage at mu_A = -V on the same hull
            (:mod:`interfacestab.analyses.charging`).
        uncertainty: Sample energy errors and give each candidate its probability of passing each
            criterion and all of them (``pass_probability``).
        rank_by: ``score`` (the worst scaled margin, default) or ``probability`` (of passing every
            criterion, then the score; needs ``uncertainty``).

    Raises:
        DataNotFoundError: when the store lacks the electrolyte's or cathode's system.
    """
    from interfacestab.analyses.batch import source_fingerprint
    from interfacestab.analyses.charging import charged_cathode_for
    from interfacestab.analyses.interface import check_voltage, remove_ion
    from interfacestab.analyses.screening.anode import anode_potential
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
    side = check_side(cathode, anode, ion, voltage_V=voltage_V, charge_voltage_V=charge_voltage_V)
    side_role = "anode" if anode is not None else "cathode"
    ely, cat = parse_input(electrolyte), side
    notes = tuple(n for n in (ely.read_note("electrolyte"), cat.read_note(side_role)) if n)
    ely, cat = ParsedFormula(ely.as_read, ely.composition), ParsedFormula(cat.as_read, cat.composition)
    if composition_key(ely.composition) == composition_key(cat.composition):
        msg = f"the electrolyte and the {side_role} are the same phase ({ely.text})"
        raise AnalysisError(msg)
    store_file = str(resolve_store_path(store_path))
    charged: Composition | None = None
    if anode is None and charge_voltage_V is None:
        charged = remove_ion(cat.composition, ion, charged_fraction)
    resolved: list[str] = []
    charge = anode_state = None
    with open_store(store_file, create=False) as st:
        info = st.source(source)
        error_model = None if uncertainty is None else _source_model(st, info.name, uncertainty.error_model)
        property_conventions = screen_property_conventions(st, crit)
        property_digests = [f"{p.name}:{p.info.content_sha256}" for p in st.property_sources()]
        for role, given in (("electrolyte", ely), (side_role, cat)):
            if role == "anode" and is_ion_metal(given.composition, ion):
                continue  # the metal: 0 V by definition, nothing to find
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
        if anode is not None:
            anode_state = anode_potential(st.entries(set(cat.composition) | {ion}, source), cat, ion=ion)
            crit = crit.at_anode(anode_state.potential_V)
        elif charge_voltage_V is not None:
            charge = charged_cathode_for(cat, charge_voltage_V, ion=ion, source=source, store=st)
            charged = dict(charge.composition)
    notes = (*notes, *resolved)
    if anode_state is not None:
        setup = ScreeningSetup(ely, None, None, ion, crit, None, source, store_file, anode=cat, uncertainty=uncertainty)
    else:
        setup = ScreeningSetup(ely, cat, charged, ion, crit, voltage_V, source, store_file, uncertainty=uncertainty)
    if uncertainty is not None:  # before any work: an anode that cannot be sampled is one line, not a failed run
        from interfacestab.analyses.screening.probability import check_sampled_side

        check_sampled_side(setup)
    chosen = candidates() if callable(candidates) else candidates
    names = list(dict.fromkeys(c.strip() for c in chosen if c.strip()))
    parsed = [Candidate.of(n) for n in names]
    # a candidate identical to a partner is not a coating of it (e.g. LiCoO2 found by --auto)
    partners = {composition_key(c) for c in (ely.composition, cat.composition, charged) if c is not None}
    skipped = tuple(
        c.name for c in parsed if c.formula is not None and composition_key(c.formula.composition) in partners
    )
    todo = [c for c in parsed if c.name not in skipped]
    if not todo:
        msg = "no candidates to screen"
        raise AnalysisError(msg)

    charged_text = "" if charged is None else format_composition(charged)
    fingerprint = {
        "run": "coating screen" if anode_state is None else "anode interlayer screen",
        "electrolyte": ely.text,
        "cathode": "" if anode_state is not None else cat.text,
        "anode": None if anode_state is None else cat.text,
        "charge_voltage_V": charge_voltage_V,
        "charged_cathode": charged_text,
        "ion": ion,
        "voltage_V": voltage_V,
        "stabilize": setup.stabilize,
        "criteria": crit.to_dict(),
        **source_fingerprint(info),
        "phase_properties": property_digests,
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
        cathode="" if anode_state is not None else cat.text,
        charged_cathode=charged_text,
        ion=ion,
        voltage_V=voltage_V,
        criteria=crit,
        results=tuple(results),
        source=info.to_dict(),
        n_computed=computed,
        output=str(out) if out else None,
        package_version=package_version(),
        conventions=conventions_summary(**property_conventions),
        skipped=skipped,
        notes=notes,
        anode=None if anode_state is None else anode_state.formula,
        anode_potential_V=None if anode_state is None else anode_state.potential_V,
        anode_phases=() if anode_state is None else anode_state.phases,
        charge_voltage_V=charge_voltage_V,
        charged_cathode_phases=() if charge is None else charge.phases,
        uncertainty=None if uncertainty is None else screen_uncertainty(uncertainty, rank_by, error_model),
    )
    if out is not None:
        write_screen(screen, out)
    return screen


def check_side(
    cathode: str | Composition | ParsedFormula | None,
    anode: str | Composition | ParsedFormula | None,
    ion: str,
    *,
    voltage_V: float | None = None,
    charge_voltage_V: float | None = None,
) -> ParsedFormula:
    """The electrode a screen is at, parsed: exactly one of a cathode and an anode, with the options of its side.

    Raises:
        AnalysisError: neither or both given; the metal of the ion given as the cathode (it is an anode:
            ``--anode``); an anode without the ion; open-system or charge options with an anode.
    """
    from interfacestab.analyses.charging import check_charge_voltage
    from interfacestab.analyses.screening.anode import check_anode

    if (cathode is None) == (anode is None):
        both = ", not both" if cathode is not None else ""
        msg = f"give a cathode (coatings) or an anode (interlayers at the anode){both}"
        raise AnalysisError(msg)
    if anode is not None:
        if voltage_V is not None or charge_voltage_V is not None:
            msg = "a voltage (open system or charge voltage) is for the cathode side, not with an anode"
            raise AnalysisError(msg)
        return check_anode(anode, ion)
    assert cathode is not None
    cat = parse_input(cathode)
    if is_ion_metal(cat.composition, ion):
        msg = (
            f"the cathode {cat.text} is the {ion} metal, an anode: to screen interlayers between the electrolyte "
            f"and it, use --anode {cat.text} instead of --cathode"
        )
        raise AnalysisError(msg)
    if charge_voltage_V is not None:
        check_charge_voltage(charge_voltage_V)
    return cat


def screen_interlayers(
    candidates: Iterable[str] | Callable[[], Iterable[str]],
    electrolyte: str | Composition,
    anode: str | Composition,
    **options: Any,
) -> CoatingScreen:
    """Screen interlayers between ``electrolyte`` and the ``anode`` (metal or alloy); ranked best first.

    Criteria: e_above_hull as for coatings; the reduction limit must reach the anode's potential (0 V vs
    A/A+ for the metal, the plateau of an alloy: :func:`interfacestab.analyses.screening.anode.anode_potential`);
    |reaction energy| with the electrolyte and with the anode (closed, eV/atom of the mixture) within the
    thresholds of :class:`ScreeningCriteria`. The oxidation limit is reported, not a criterion. ``options``
    are those of :func:`screen_coatings` (not ``voltage_V``, ``charged_fraction`` or ``charge_voltage_V``).
    """
    return screen_coatings(candidates, electrolyte, None, anode=anode, **options)

"""How sure is a window or an interface reaction? Intervals from sampled formation-energy errors.

Error models (docs/conventions.md, 'Uncertainty from energy errors'): ``global`` (a part shared per
corrected element plus a part smooth in composition) and ``mp2020`` (the MP2020 correction
uncertainties the entries carry, plus the smooth part); both are sampled in
:mod:`interfacestab.analyses.error_model`.

Samples are reproducible: a compound's numbers depend only on the seed, its composition and its
corrected elements (or corrections), so the same seed gives the same energies to the same compound in
every analysis, whatever the order of the work or the number of worker processes.

Windows use the reaction enumeration of :mod:`interfacestab.engine.perturb` (no hull per sample);
interfaces one linear programme per sample, through bases certified for many samples at once where
that pays (docs/engine.md, 'Interface minima for many samples, and screens under --sigma'). Both
are checked against resampling (a full window or interface per sample, ours and pymatgen's) in the
tests.
"""

from __future__ import annotations

import math
from collections import Counter, OrderedDict
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from interfacestab.analyses import error_model
from interfacestab.analyses.error_model import (  # noqa: F401 (the sampling primitives, kept importable from here)
    CORRECTED_ANIONS,
    CORRECTED_ELEMENTS,
    GLOBAL_MODEL,
    SHARED_FRACTION,
    U_METALS,
    corrected_weights,
    entry_key,
    system_model,
)
from interfacestab.chem import n_atoms, reduced_formula
from interfacestab.conventions import STABILIZATION_EPSILON_eV_per_atom
from interfacestab.entries import Entry, EntrySet
from interfacestab.errors import AnalysisError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from interfacestab.analyses.interface import InterfaceProfile
    from interfacestab.analyses.window import StabilityWindow
    from interfacestab.store.database import Store

MODEL_NAME = GLOBAL_MODEL
DEFAULT_SAMPLES = 300
DEFAULT_CONFIDENCE = 0.9
MAX_SAMPLES = 100_000
#: The window route enumerates reactions while the phase subsets number at most this many per sample
#: (and at most ``engine.perturb.MAX_SUBSETS``); beyond, it solves the limits as linear programmes with
#: certified bases (``method: lp``), which measured faster on the Li/Na/K windows from about 2,000
#: subsets at 200 samples (0.02 eV/atom).
ENUMERATION_PER_SAMPLE = 10


@dataclass(frozen=True, slots=True)
class UncertaintySettings:
    """What to sample: ``sigma_eV_per_atom`` (per compound), ``samples``, ``seed``, ``confidence``, ``error_model``.

    ``error_model`` is ``auto``, ``global`` or ``mp2020`` (see :mod:`interfacestab.analyses.error_model`).
    """

    sigma_eV_per_atom: float
    samples: int = DEFAULT_SAMPLES
    seed: int = 0
    confidence: float = DEFAULT_CONFIDENCE
    error_model: str = "auto"

    def __post_init__(self) -> None:
        check_settings(self.sigma_eV_per_atom, self.samples, self.seed, self.confidence)
        error_model.check_error_model(self.error_model)


def check_settings(sigma: float, samples: int, seed: int, confidence: float) -> None:
    """Refuse a bad sigma (finite, 0-1 eV/atom), samples (1-100000), seed (>= 0) or confidence (0-1, open).

    Raises:
        AnalysisError: with one line naming the option.
    """
    if not isinstance(sigma, (int, float)) or not math.isfinite(sigma) or sigma < 0 or sigma > 1:
        msg = f"--sigma must be a number of eV/atom between 0 and 1, not {sigma}"
        raise AnalysisError(msg)
    if not 1 <= samples <= MAX_SAMPLES:
        msg = f"--samples must be between 1 and {MAX_SAMPLES}, not {samples}"
        raise AnalysisError(msg)
    if seed < 0:
        msg = f"--seed must be 0 or a positive integer, not {seed}"
        raise AnalysisError(msg)
    if not (isinstance(confidence, (int, float)) and math.isfinite(confidence) and 0 < confidence < 1):
        msg = f"--confidence must be between 0 and 1 (e.g. 0.9), not {confidence}"
        raise AnalysisError(msg)


# --- sampling ---------------------------------------------------------------------------------------
def entry_errors(entries: Sequence[Entry], settings: UncertaintySettings) -> np.ndarray:
    """(samples, len(entries)) energy errors in eV/atom: :func:`interfacestab.analyses.error_model.entry_errors`."""
    return error_model.entry_errors(entries, settings)


# --- results -------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Interval:
    """Median and central interval of a sampled quantity."""

    median: float
    low: float
    high: float

    @classmethod
    def of(cls, values: np.ndarray, confidence: float) -> Interval:
        """The median and the central ``confidence`` interval of ``values``."""
        tail = (1 - confidence) / 2
        lo, med, hi = np.quantile(values, [tail, 0.5, 1 - tail])
        return cls(float(med), float(lo), float(hi))

    def to_dict(self) -> dict[str, float]:
        """JSON-safe dictionary."""
        return {"median": self.median, "low": self.low, "high": self.high}


def frequencies(product_sets: Sequence[tuple[str, ...]]) -> tuple[tuple[tuple[str, ...], float], ...]:
    """How often each product set occurs, most frequent first (ties by name)."""
    counts = Counter(product_sets)
    total = len(product_sets)
    return tuple(sorted(((k, v / total) for k, v in counts.items()), key=lambda kv: (-kv[1], kv[0])))


def _with_corrections(
    model: str, corrections: tuple[tuple[str, float], ...], d: dict[str, object]
) -> dict[str, object]:
    """``d`` with ``corrections_sampled`` (name, ``uncertainty_eV_per_corrected_atom``) under the mp2020 model."""
    if model == error_model.MP2020_MODEL:
        d["corrections_sampled"] = [{"name": n, "uncertainty_eV_per_corrected_atom": u} for n, u in corrections]
    return d


def _freq_dicts(freq: tuple[tuple[tuple[str, ...], float], ...]) -> list[dict[str, object]]:
    return [{"products": list(k), "frequency": f} for k, f in freq]


@dataclass(frozen=True, slots=True)
class WindowUncertainty:
    """Sampled window limits: intervals and how often each product set is the equilibrium one at each limit.

    ``method`` is ``reactions`` (the enumerated reactions of :mod:`interfacestab.engine.perturb`), ``lp``
    (the limits as linear programmes with certified bases, for systems with many phase subsets) or
    ``resampling`` (a window per sample). The ``..._point_quantile`` fields give the share of samples
    below the point value and ``..._point_outside_interval`` whether the point value lies outside the
    sampled interval (a biased limit, docs/conventions.md); the interval itself is never moved.
    """

    sigma_eV_per_atom: float
    samples: int
    seed: int
    confidence: float
    model: str
    method: str
    phases_sampled: int
    reduction_limit_V: Interval
    oxidation_limit_V: Interval | None
    reduction_products_frequency: tuple[tuple[tuple[str, ...], float], ...]
    oxidation_products_frequency: tuple[tuple[tuple[str, ...], float], ...]
    point_reduction_products_frequency: float
    point_oxidation_products_frequency: float | None
    #: mp2020 model: the corrections sampled, (name, uncertainty per corrected atom in eV/atom).
    corrections_sampled: tuple[tuple[str, float], ...] = ()
    reduction_point_quantile: float = 0.5
    oxidation_point_quantile: float | None = None
    reduction_point_outside_interval: bool = False
    oxidation_point_outside_interval: bool | None = None

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary (the ``uncertainty`` object of a window)."""
        d: dict[str, object] = {
            "sigma_eV_per_atom": self.sigma_eV_per_atom,
            "samples": self.samples,
            "seed": self.seed,
            "confidence": self.confidence,
            "model": self.model,
            "method": self.method,
            "phases_sampled": self.phases_sampled,
            "reduction_limit_V": self.reduction_limit_V.to_dict(),
            "oxidation_limit_V": None if self.oxidation_limit_V is None else self.oxidation_limit_V.to_dict(),
            "reduction_products_frequency": _freq_dicts(self.reduction_products_frequency),
            "oxidation_products_frequency": _freq_dicts(self.oxidation_products_frequency),
            "point_reduction_products_frequency": self.point_reduction_products_frequency,
            "point_oxidation_products_frequency": self.point_oxidation_products_frequency,
            "reduction_point_quantile": self.reduction_point_quantile,
            "oxidation_point_quantile": self.oxidation_point_quantile,
            "reduction_point_outside_interval": self.reduction_point_outside_interval,
            "oxidation_point_outside_interval": self.oxidation_point_outside_interval,
        }
        return _with_corrections(self.model, self.corrections_sampled, d)

    #: Extra CSV columns of a window with an interval (after its own columns).
    COLUMNS = (
        "sigma_eV_per_atom", "samples", "seed", "confidence", "uncertainty_model",
        "reduction_limit_median_V", "reduction_limit_low_V", "reduction_limit_high_V",
        "oxidation_limit_median_V", "oxidation_limit_low_V", "oxidation_limit_high_V",
        "point_reduction_products_frequency", "point_oxidation_products_frequency",
        "reduction_point_quantile", "oxidation_point_quantile",
        "reduction_point_outside_interval", "oxidation_point_outside_interval", "uncertainty_method",
    )  # fmt: skip

    def to_columns(self) -> dict[str, object]:
        """The values of :attr:`COLUMNS`."""
        ox = self.oxidation_limit_V
        return {
            "sigma_eV_per_atom": self.sigma_eV_per_atom,
            "samples": self.samples,
            "seed": self.seed,
            "confidence": self.confidence,
            "uncertainty_model": self.model,
            "reduction_limit_median_V": self.reduction_limit_V.median,
            "reduction_limit_low_V": self.reduction_limit_V.low,
            "reduction_limit_high_V": self.reduction_limit_V.high,
            "oxidation_limit_median_V": None if ox is None else ox.median,
            "oxidation_limit_low_V": None if ox is None else ox.low,
            "oxidation_limit_high_V": None if ox is None else ox.high,
            "point_reduction_products_frequency": self.point_reduction_products_frequency,
            "point_oxidation_products_frequency": self.point_oxidation_products_frequency,
            "reduction_point_quantile": self.reduction_point_quantile,
            "oxidation_point_quantile": self.oxidation_point_quantile,
            "reduction_point_outside_interval": self.reduction_point_outside_interval,
            "oxidation_point_outside_interval": self.oxidation_point_outside_interval,
            "uncertainty_method": self.method,
        }


#: Sampled limits within this of the point value (V) count as equal to it (rounding of the two routes).
POINT_TOL_V = 1e-9


def point_quantile(values: np.ndarray, point: float) -> float:
    """Share of the sampled ``values`` below ``point`` (those within :data:`POINT_TOL_V` of it count half)."""
    tie = np.abs(values - point) <= POINT_TOL_V
    return float(np.mean((values < point) & ~tie) + 0.5 * np.mean(tie))


def point_outside(interval: Interval, point: float) -> bool:
    """Whether ``point`` lies outside ``interval`` by more than :data:`POINT_TOL_V`."""
    return bool(point < interval.low - POINT_TOL_V or point > interval.high + POINT_TOL_V)


@dataclass(frozen=True, slots=True)
class SampledWindow:
    """Raw per-sample limits and limit products (what :class:`WindowUncertainty` summarises)."""

    reduction_V: np.ndarray
    oxidation_V: np.ndarray | None
    reduction_products: list[tuple[str, ...]]
    oxidation_products: list[tuple[str, ...]]
    method: str
    phases_sampled: int


# --- windows --------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Groups:
    """The entries of a system grouped by composition, with their sampled energies."""

    fractions: np.ndarray  # (g, n)
    formulas: tuple[str, ...]
    energies: np.ndarray  # (g,) lowest energy per composition (elements: 0)
    sampled: np.ndarray  # (S, g) lowest perturbed energy per composition
    members: tuple[tuple[int, ...], ...]


def _groups(system: EntrySet, errors: np.ndarray) -> _Groups:
    n = len(system.elements)
    fr = system.fractions()
    e = system.energies()
    keys: dict[bytes, int] = {}
    fractions: list[np.ndarray] = []
    formulas: list[str] = []
    members: list[list[int]] = []
    for i, el in enumerate(system.elements):
        keys[np.eye(n)[i].round(10).tobytes()] = i
        fractions.append(np.eye(n)[i])
        formulas.append(reduced_formula({el: 1.0}))
        members.append([])
    for j in range(len(e)):
        key = np.round(fr[j], 10).tobytes()
        if key not in keys:
            keys[key] = len(fractions)
            fractions.append(fr[j])
            formulas.append(system.entries[j].formula)
            members.append([])
        members[keys[key]].append(j)
    energies = np.zeros(len(fractions))
    sampled = np.zeros((errors.shape[0], len(fractions)))
    for gi, mem in enumerate(members):
        if gi < n or not mem:  # elements: the 0 eV/atom reference (their entries have no error)
            continue
        best = min(mem, key=lambda j: e[j])
        formulas[gi] = system.entries[best].formula
        energies[gi] = e[best]
        sampled[:, gi] = (e[mem][None, :] + errors[:, mem]).min(axis=1)
    return _Groups(np.array(fractions), tuple(formulas), energies, sampled, tuple(tuple(m) for m in members))


def _kept(system: EntrySet, groups: _Groups, exclude: int | None) -> np.ndarray:
    """Indices of the compositions that can be on the hull of the others in some sample (an exact test).

    The sample's hull at x_i is at most the perturbed energy of the unperturbed decomposition of x_i
    (weights w_ij), so composition i can be on it only if ``e_above_i <= sum_j w_ij d_j - d_i`` in that
    sample (d: the shifts of the sample). Compositions that fail this in every sample cannot change
    any sample's hull and are left out. The unperturbed hull energies and decompositions come from one
    programme per composition, all pivoted together (:func:`~interfacestab.engine.pivot.hull_decompositions`).
    """
    from interfacestab.engine.pivot import hull_decompositions

    n = len(system.elements)
    if n <= 3 or (exclude is not None and exclude < n):  # Qhull is as fast in 2-3 dimensions; an element
        return _kept_by_hull(system, groups, exclude)  # target leaves the elements incomplete as columns
    members = np.array([i for i in range(n, len(groups.formulas)) if i != exclude], dtype=int)
    keep = list(range(n))
    if len(members) == 0:
        return np.array(keep, dtype=int)
    cols = np.concatenate([np.arange(n), members])  # programme column -> composition group
    values, columns, amounts = hull_decompositions(
        groups.fractions[cols], groups.energies[cols], groups.fractions[members]
    )
    shift = groups.sampled - groups.energies[None, :]
    # the bound below is at most twice the largest shift: compositions higher above the hull drop at once
    reach = 2.0 * float(np.abs(shift).max()) + 1e-12
    e_above = groups.energies[members] - values
    on_hull = e_above <= 1e-9  # its own column, or tied with a decomposition: kept
    keep += members[on_hull].tolist()
    near = np.flatnonzero(~on_hull & (e_above <= reach))
    if len(near):
        weights = np.zeros((len(near), len(groups.formulas)))  # the decompositions, over composition groups
        rows = np.repeat(np.arange(len(near)), columns.shape[1])
        np.add.at(weights, (rows, cols[columns[near]].ravel()), amounts[near].ravel())
        bound = shift @ weights.T - shift[:, members[near]]  # (S, near)
        keep += members[near[(e_above[near][None, :] <= bound + 1e-12).any(axis=0)]].tolist()
    return np.array(sorted(keep), dtype=int)


def _kept_by_hull(system: EntrySet, groups: _Groups, exclude: int | None) -> np.ndarray:
    """:func:`_kept` with the decompositions from a convex hull (binary and ternary systems, element targets)."""
    from interfacestab.engine.hull import build_hull

    n = len(system.elements)
    members = [i for i in range(n, len(groups.formulas)) if i != exclude]
    reps = tuple(
        Entry(groups.formulas[i], dict(zip(system.elements, groups.fractions[i].tolist(), strict=True)),
              float(groups.energies[i]))
        for i in members
    )  # fmt: skip
    hull = build_hull(EntrySet(system.elements, reps, system.source))
    point_group = np.array([*range(n), *members], dtype=int)  # hull point -> composition group
    shift = groups.sampled - groups.energies[None, :]
    keep = [i for i in range(n) if i != exclude]
    reach = 2.0 * float(np.abs(shift).max()) + 1e-12
    e_above_all = groups.energies[point_group] - np.asarray(hull.hull_energy(groups.fractions[point_group]))
    for p, i in enumerate(point_group[n:], start=n):
        x = groups.fractions[i]
        if hull.is_vertex(p):
            keep.append(int(i))
            continue
        if e_above_all[p] > reach:
            continue
        decomposition = hull.decomposition(x)
        e_above = groups.energies[i] - sum(w * hull.energies[q] for q, w in decomposition.items())
        bound = sum(w * shift[:, point_group[q]] for q, w in decomposition.items()) - shift[:, i]
        if (e_above <= bound + 1e-12).any():
            keep.append(int(i))
    return np.array(sorted(keep), dtype=int)


def sample_window(
    entries: EntrySet,
    result: StabilityWindow,
    settings: UncertaintySettings,
    *,
    stabilize: bool = True,
    force_resampling: bool = False,
) -> SampledWindow:
    """Per-sample limits and limit products of the window ``result`` (computed on ``entries``)."""
    from interfacestab.engine.perturb import MAX_SUBSETS, n_subsets, ray_reactions, window_limits

    ion = result.ion
    comp = dict(result.composition)
    elements = tuple(sorted(set(comp) | {ion}))
    system = entries if set(entries.elements) == set(elements) else entries.subset(list(elements))
    errors = entry_errors(system.entries, settings)
    groups = _groups(system, errors)
    n = len(elements)
    target_vec = np.array([comp.get(el, 0.0) for el in elements])
    target_vec = target_vec / target_vec.sum()
    tkey = np.round(target_vec, 10).tobytes()
    own = next((i for i in range(len(groups.formulas)) if np.round(groups.fractions[i], 10).tobytes() == tkey), None)
    in_data = own is not None and bool(groups.members[own]) and result.in_database
    kept = _kept(system, groups, own)
    atoms = n_atoms(comp)
    ion_col = elements.index(ion)
    g = np.array([0.0 if el == ion else comp.get(el, 0.0) for el in elements])
    t_c = float(comp.get(ion, 0.0))
    if force_resampling:
        return _resample_window(system, result, errors, groups, kept, own, stabilize)
    if n_subsets(len(kept), n) <= min(MAX_SUBSETS, ENUMERATION_PER_SAMPLE * settings.samples):
        fr = groups.fractions[kept]
        reactions = ray_reactions(fr, ion_col, g, t_c)
        target_energy = groups.sampled[:, own] * atoms if in_data and own is not None else None
        if len(comp) == 1:  # an element: the 0 eV/atom reference in every sample
            target_energy = np.zeros(settings.samples)
        offset = -STABILIZATION_EPSILON_eV_per_atom * atoms if stabilize else 0.0
        limits = window_limits(reactions, groups.sampled[:, kept], target_energy, t_c, offset)
        chosen = {int(c) for c in limits.reduction_choice} | {int(c) for c in limits.oxidation_choice}
        names = {c: tuple(sorted({groups.formulas[kept[i]] for i in reactions.support(c)})) for c in chosen if c >= 0}
        red = [names[c] if c >= 0 else () for c in limits.reduction_choice]
        ox = [names[c] if c >= 0 else () for c in limits.oxidation_choice] if limits.oxidation_V is not None else []
        return SampledWindow(limits.reduction_V, limits.oxidation_V, red, ox, "reactions", len(kept))
    return _lp_window(groups, kept, own, in_data, comp, elements, ion, settings, stabilize)


def _lp_window(
    groups: _Groups,
    kept: np.ndarray,
    own: int | None,
    in_data: bool,
    comp: dict[str, float],
    elements: tuple[str, ...],
    ion: str,
    settings: UncertaintySettings,
    stabilize: bool,
) -> SampledWindow:
    """Both limits of every sample as linear programmes whose optimal bases are certified for all samples at once.

    Three programmes in standard form (docs/engine.md, 'Many phases: linear programmes'): the hull energy
    at the target (to place it), and the Charnes-Cooper forms of the reduction and the oxidation limit.
    Each is solved by :class:`~interfacestab.engine.pivot.PivotingLP`: a basis proven optimal for one sample
    by its reduced costs is tested on all samples at once; a sample no known basis proves is reached by
    simplex pivots from the closest one (HiGHS when pivoting does not finish).
    """
    from interfacestab.engine.perturb import ray_limit_programme
    from interfacestab.engine.pivot import PivotingLP

    atoms = n_atoms(comp)
    ion_col = elements.index(ion)
    g = np.array([0.0 if el == ion else comp.get(el, 0.0) for el in elements])
    t_c = float(comp.get(ion, 0.0))
    fr = groups.fractions[kept]
    m = len(fr)
    energies = groups.sampled[:, kept]
    s_total = settings.samples
    names = [groups.formulas[i] for i in kept]
    pure_ion = {j for j in range(m) if fr[j, ion_col] > 1 - 1e-12}
    target_energies = np.zeros(s_total)  # an element: the 0 eV/atom reference in every sample
    if len(comp) > 1:
        x_c = np.array([comp.get(el, 0.0) for el in elements]) / atoms
        offset = -STABILIZATION_EPSILON_eV_per_atom if stabilize else 0.0
        hull = PivotingLP(fr.T, x_c)
        per_atom = np.full(s_total, np.nan)
        if in_data and own is not None:
            # a target surely below a sample's hull of the others keeps its own energy: the hull's tangent
            # plane at x_c with the unperturbed energies (mu, from its optimal basis), lowered until it is
            # below every sampled phase, bounds that sample's hull from below
            base = hull.solve(groups.energies[kept][None, :]).bases[0]
            if len(base.inverse):  # (not a one-off HiGHS solution without a full basis)
                mu = groups.energies[kept][base.columns] @ base.inverse
                lower = float(mu @ x_c) - np.maximum((fr @ mu)[None, :] - energies, 0.0).max(axis=1)
                sure = groups.sampled[:, own] < lower + offset - 1e-12
                per_atom[sure] = groups.sampled[sure, own]
        todo = np.flatnonzero(np.isnan(per_atom))
        if len(todo):
            placed = hull.solve(energies[todo]).values + offset
            if in_data and own is not None:
                placed = np.minimum(placed, groups.sampled[todo, own])
            per_atom[todo] = placed
        target_energies = per_atom * atoms
    costs = np.column_stack([energies, -target_energies])  # minimise u.E - tau E_c

    def limit(oxidation: bool) -> tuple[np.ndarray, list[tuple[int, ...]]]:
        a, b = ray_limit_programme(fr, ion_col, g, t_c, oxidation=oxidation)
        sol = PivotingLP(a, b).solve(costs)
        per_basis = [tuple(j for j in basis.support() if j < m) for basis in sol.bases]
        return sol.values, [per_basis[k] for k in sol.basis_of]

    value, red_sup = limit(oxidation=False)
    red_sup = [tuple(j for j in sup if j not in pure_ion) for sup in red_sup]
    zero = (-value <= 0) | np.array([not sup for sup in red_sup], dtype=bool)
    red_v = np.where(zero, 0.0, -value)
    red_p = [() if z else tuple(sorted({names[j] for j in sup})) for z, sup in zip(zero, red_sup, strict=True)]
    if t_c <= 0:
        return SampledWindow(red_v, None, red_p, [], "lp", len(kept))
    ox_v, ox_sup = limit(oxidation=True)
    ox_p = [tuple(sorted({names[j] for j in sup})) for sup in ox_sup]
    return SampledWindow(red_v, ox_v, red_p, ox_p, "lp", len(kept))


def _resample_window(
    system: EntrySet,
    result: StabilityWindow,
    errors: np.ndarray,
    groups: _Groups,
    kept: np.ndarray,
    own: int | None,
    stabilize: bool,
) -> SampledWindow:
    """A full window per sample on the compositions that can matter (systems with too many subsets)."""
    from interfacestab.analyses.window import stability_window

    rows = sorted({j for i in [*kept.tolist(), *([own] if own is not None else [])] for j in groups.members[i]})
    base = [system.entries[j] for j in rows]
    red_v, ox_v, red_p, ox_p = [], [], [], []
    for s in range(errors.shape[0]):
        perturbed = tuple(
            replace(e, e_form_eV_per_atom=e.e_form_eV_per_atom + errors[s, j]) for e, j in zip(base, rows, strict=True)
        )
        w = stability_window(
            EntrySet(system.elements, perturbed, system.source), dict(result.composition), ion=result.ion,
            stabilize=stabilize,
        )  # fmt: skip
        red_v.append(w.reduction_limit_V)
        ox_v.append(w.oxidation_limit_V)
        red_p.append(tuple(w.reduction_products))
        ox_p.append(tuple(w.oxidation_products))
    ox_arr = None if result.oxidation_limit_V is None else np.array(ox_v, dtype=float)
    return SampledWindow(np.array(red_v), ox_arr, red_p, ox_p if ox_arr is not None else [], "resampling", len(kept))


def window_uncertainty(
    entries: EntrySet, result: StabilityWindow, settings: UncertaintySettings, *, stabilize: bool = True
) -> WindowUncertainty:
    """Intervals on both limits of ``result`` and the frequency of each product set at each limit."""
    sampled = sample_window(entries, result, settings, stabilize=stabilize)
    model = system_model(entries.entries, set(result.composition) | {result.ion}, settings.error_model)
    c = settings.confidence
    red_f = frequencies(sampled.reduction_products)
    ox_f = frequencies(sampled.oxidation_products) if sampled.oxidation_V is not None else ()
    point_red = tuple(sorted(result.reduction_products))
    point_ox = tuple(sorted(result.oxidation_products))
    red_iv = Interval.of(sampled.reduction_V, c)
    ox_iv = None if sampled.oxidation_V is None else Interval.of(sampled.oxidation_V, c)
    ox_point = result.oxidation_limit_V
    ox_quantile, ox_outside = None, None
    if sampled.oxidation_V is not None and ox_iv is not None and ox_point is not None:
        ox_quantile, ox_outside = point_quantile(sampled.oxidation_V, ox_point), point_outside(ox_iv, ox_point)
    return WindowUncertainty(
        sigma_eV_per_atom=settings.sigma_eV_per_atom,
        samples=settings.samples,
        seed=settings.seed,
        confidence=c,
        model=model.name,
        method=sampled.method,
        phases_sampled=sampled.phases_sampled,
        reduction_limit_V=red_iv,
        oxidation_limit_V=ox_iv,
        reduction_products_frequency=red_f,
        oxidation_products_frequency=ox_f,
        point_reduction_products_frequency=dict(red_f).get(point_red, 0.0),
        point_oxidation_products_frequency=None if sampled.oxidation_V is None else dict(ox_f).get(point_ox, 0.0),
        corrections_sampled=model.corrections,
        reduction_point_quantile=point_quantile(sampled.reduction_V, result.reduction_limit_V),
        oxidation_point_quantile=ox_quantile,
        reduction_point_outside_interval=point_outside(red_iv, result.reduction_limit_V),
        oxidation_point_outside_interval=ox_outside,
    )


def with_window_uncertainty(
    entries: EntrySet, result: StabilityWindow, settings: UncertaintySettings, *, stabilize: bool = True
) -> StabilityWindow:
    """``result`` with its ``uncertainty`` filled in."""
    return replace(result, uncertainty=window_uncertainty(entries, result, settings, stabilize=stabilize))


# --- interfaces ----------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class InterfaceUncertainty:
    """Sampled minimum of an interface reaction: its energy interval and how often each product set is at it.

    ``energy_key`` is the JSON key of the interval: ``reaction_energy_eV_per_atom`` (closed) or
    ``reaction_energy_eV_per_nonion_atom`` (open to the ion).
    """

    sigma_eV_per_atom: float
    samples: int
    seed: int
    confidence: float
    model: str
    method: str
    energy_key: str
    reaction_energy: Interval
    x_atomic_a: Interval
    products_frequency: tuple[tuple[tuple[str, ...], float], ...]
    point_products_frequency: float
    #: mp2020 model: the corrections sampled, (name, uncertainty per corrected atom in eV/atom).
    corrections_sampled: tuple[tuple[str, float], ...] = ()

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary (the ``uncertainty`` object of an interface)."""
        d: dict[str, object] = {
            "sigma_eV_per_atom": self.sigma_eV_per_atom,
            "samples": self.samples,
            "seed": self.seed,
            "confidence": self.confidence,
            "model": self.model,
            "method": self.method,
            self.energy_key: self.reaction_energy.to_dict(),
            "x_atomic_a": self.x_atomic_a.to_dict(),
            "products_frequency": _freq_dicts(self.products_frequency),
            "point_products_frequency": self.point_products_frequency,
        }
        return _with_corrections(self.model, self.corrections_sampled, d)

    def to_columns(self) -> dict[str, object]:
        """Extra CSV columns (after the profile's own columns)."""
        stem = self.energy_key.replace("reaction_energy", "minimum_reaction_energy")
        unit = stem[stem.index("_eV") :]
        base = stem[: stem.index("_eV")]
        return {
            "sigma_eV_per_atom": self.sigma_eV_per_atom,
            "samples": self.samples,
            "seed": self.seed,
            "confidence": self.confidence,
            "uncertainty_model": self.model,
            f"{base}_median{unit}": self.reaction_energy.median,
            f"{base}_low{unit}": self.reaction_energy.low,
            f"{base}_high{unit}": self.reaction_energy.high,
            "point_products_frequency": self.point_products_frequency,
            "uncertainty_method": self.method,
        }


@dataclass(frozen=True, slots=True)
class SampledInterface:
    """Raw per-sample minima: reaction energy, x_atomic_a and products at the minimum."""

    energy: np.ndarray
    x_atomic_a: np.ndarray
    products: list[tuple[str, ...]]
    #: (S,) False where ``energy`` is only a bound that decides a threshold (``at_least`` of
    #: :func:`sample_interfaces`; x NaN, no products there); None: every sample exact.
    exact: np.ndarray | None = None


def sample_interface(entries: EntrySet, profile: InterfaceProfile, settings: UncertaintySettings) -> SampledInterface:
    """Per-sample minimum of the reaction energy of ``profile`` (see :func:`sample_interfaces`)."""
    return sample_interfaces(entries, [profile], settings)[0]


def sample_interfaces(
    entries: EntrySet,
    profiles: Sequence[InterfaceProfile],
    settings: UncertaintySettings,
    at_least: Sequence[float | None] | None = None,
) -> list[SampledInterface]:
    """Per-sample minimum of the reaction energy of each profile, one linear programme per sample.

    The reactants' energies are their sampled hull energies (:func:`_sampled_hull_energy`), or their own
    sampled entry energies when the profile uses the entry energies. The minima go through
    :meth:`~interfacestab.engine.perturb.MixingMinimum.solve_many` (certified bases or warm-started LPs).
    Profiles in the same chemical system share their sampled energies.

    ``at_least`` (one per profile, None: exact): only whether each sample's minimum is at least this
    value is wanted (a screening threshold); samples that bounds already decide get a deciding bound
    instead of their minimum (see ``exact`` of :class:`SampledInterface`).
    """
    out: list[SampledInterface] = []
    shared: dict[tuple[str, ...], tuple[EntrySet, _Groups]] = {}
    for i, profile in enumerate(profiles):
        needed = _needed_elements(profile)
        if needed not in shared:
            system = entries if set(entries.elements) == set(needed) else entries.subset(list(needed))
            shared[needed] = (system, _groups(system, entry_errors(system.entries, settings)))
        out.append(_sample_pair(*shared[needed], profile, settings, None if at_least is None else at_least[i]))
    return out


def _needed_elements(profile: InterfaceProfile) -> tuple[str, ...]:
    ion = {profile.ion} if profile.voltage_V is not None and profile.ion else set()
    return tuple(sorted(set(profile.composition_a) | set(profile.composition_b) | ion))


def _sample_pair(
    system: EntrySet,
    groups: _Groups,
    profile: InterfaceProfile,
    settings: UncertaintySettings,
    at_least: float | None = None,
) -> SampledInterface:
    from interfacestab.conventions import ION_CHARGE, mu_from_voltage
    from interfacestab.engine.perturb import MixingMinimum

    a, b, ion, voltage = dict(profile.composition_a), dict(profile.composition_b), profile.ion, profile.voltage_V
    els = system.elements
    vec_a = np.array([a.get(el, 0.0) for el in els]) / sum(a.values())
    vec_b = np.array([b.get(el, 0.0) for el in els]) / sum(b.values())

    def own_energy(vec: np.ndarray) -> np.ndarray | None:
        key = np.round(vec, 10).tobytes()
        for i, fr in enumerate(groups.fractions):
            if np.round(fr, 10).tobytes() == key and (groups.members[i] or i < len(els)):
                return groups.sampled[:, i]
        return None

    e_a = own_energy(vec_a) if profile.use_entry_energies else None
    e_b = own_energy(vec_b) if profile.use_entry_energies else None
    if e_a is None:
        e_a = _sampled_hull_energy(system, groups, vec_a, settings)
    if e_b is None:
        e_b = _sampled_hull_energy(system, groups, vec_b, settings)
    fractions, energies, formulas = groups.fractions, groups.sampled, list(groups.formulas)
    pa, pb, phi_a, phi_b, nonion_a, nonion_b = vec_a, vec_b, e_a, e_b, 1.0, 1.0
    if voltage is not None and ion is not None:
        mu = mu_from_voltage(voltage, ION_CHARGE[ion])
        ia = els.index(ion)
        f_a = fractions[:, ia]
        rows = np.flatnonzero(f_a < 1 - 1e-9)
        non = 1.0 - f_a[rows]
        energies = (energies[:, rows] - f_a[rows] * mu) / non
        fractions = np.delete(fractions[rows], ia, axis=1) / non[:, None]
        formulas = [formulas[i] for i in rows]
        nonion_a, nonion_b = 1.0 - vec_a[ia], 1.0 - vec_b[ia]
        pa, pb = np.delete(vec_a, ia) / nonion_a, np.delete(vec_b, ia) / nonion_b
        phi_a, phi_b = (e_a - vec_a[ia] * mu) / nonion_a, (e_b - vec_b[ia] * mu) / nonion_b
    minima = MixingMinimum(fractions, pa, pb).solve_many(energies, phi_a, phi_b, at_least=at_least)
    m = minima.x  # x in atoms of the non-ion mixture: back to atomic fractions of a
    out_x = np.where((m > 0) & (m < 1), (m / nonion_a) / (m / nonion_a + (1 - m) / nonion_b), m)
    out_p = [tuple(sorted({formulas[i] for i in sup})) for sup in minima.supports]
    return SampledInterface(minima.values, out_x, out_p, None if minima.exact.all() else minima.exact)


#: Sampled hull energies of reactants, kept between calls in one process (see :func:`_sampled_hull_energy`).
_HULL_ENERGIES: OrderedDict[tuple[object, ...], np.ndarray] = OrderedDict()
_HULL_ENERGIES_SIZE = 64


def _sampled_hull_energy(
    system: EntrySet, groups: _Groups, vec: np.ndarray, settings: UncertaintySettings
) -> np.ndarray:
    """The hull energy at ``vec`` (atomic fractions over ``system.elements``) in every sample (read-only).

    Only the compositions of ``vec``'s own elements (its face) can be in its decomposition, and the
    sampled energy of each entry depends on that entry and the settings only (:func:`entry_errors`).
    So the answer depends on the face's entries alone, whatever the rest of the system: it is computed
    on the face, in an order fixed by the compositions, by :func:`_hull_values` (certified
    bases or warm-started LPs), and kept for the next call with
    the same face entries and settings (the electrolyte and the cathodes of a screen, for every candidate).
    """
    els = system.elements
    support = sorted((el for el, v in zip(els, vec, strict=True) if v > 0), key=str)
    cols = np.array([els.index(el) for el in support], dtype=int)
    outside = np.array([i for i in range(len(els)) if i not in set(cols.tolist())], dtype=int)
    face_entries = sorted(
        entry_key(e) for e in system.entries if len(e.composition) >= 2 and set(e.composition) <= set(support)
    )
    target = np.asarray(vec, dtype=float)[cols]
    key = (
        settings.sigma_eV_per_atom,
        settings.samples,
        settings.seed,
        tuple(support),
        tuple(np.round(target, 12).tolist()),
        tuple(face_entries),
    )
    hit = _HULL_ENERGIES.get(key)
    if hit is not None:
        _HULL_ENERGIES.move_to_end(key)
        return hit
    fr = groups.fractions
    in_face = np.all(np.abs(fr[:, outside]) <= 0, axis=1) if len(outside) else np.ones(len(fr), dtype=bool)
    face = np.flatnonzero(in_face & np.array([i < len(els) or bool(m) for i, m in enumerate(groups.members)]))
    face_fr = fr[np.ix_(face, cols)]
    order = sorted(range(len(face)), key=lambda i: np.round(face_fr[i], 12).tolist())
    face, face_fr = face[order], face_fr[order]
    values = _hull_values(face_fr, target, groups.sampled[:, face])
    values.setflags(write=False)
    _HULL_ENERGIES[key] = values
    while len(_HULL_ENERGIES) > _HULL_ENERGIES_SIZE:
        _HULL_ENERGIES.popitem(last=False)
    return values


def _hull_values(fractions: np.ndarray, target: np.ndarray, costs: np.ndarray) -> np.ndarray:
    """The hull energy at ``target`` of the points ``fractions`` (m, n) with each row of ``costs`` (S, m).

    Certified bases (:class:`~interfacestab.engine.basis.SampledLP`, in batches of ``SAMPLE_CHUNK``
    samples: bounded memory) where they pay; when the first ``MIXING_PROBE`` samples needed a new LP
    for more than ``MIXING_BASIS_SHARE`` of them (many phases close to the hull there), the rest are
    one warm-started LP each (:class:`~interfacestab.engine.perturb.PointHull`), which is then cheaper.
    """
    from interfacestab.engine.basis import SampledLP
    from interfacestab.engine.perturb import MIXING_BASIS_SHARE, MIXING_PROBE, SAMPLE_CHUNK, PointHull

    lp = SampledLP(fractions.T, target)
    probe = min(len(costs), MIXING_PROBE)
    first = lp.solve(costs[:probe])
    out = np.empty(len(costs))
    out[:probe] = first.values
    if first.lp_solves <= MIXING_BASIS_SHARE * probe:
        for i in range(probe, len(costs), SAMPLE_CHUNK):
            out[i : i + SAMPLE_CHUNK] = lp.solve(costs[i : i + SAMPLE_CHUNK]).values
    elif probe < len(costs):
        hull = PointHull(fractions, target)
        out[probe:] = [hull.energy(costs[k]) for k in range(probe, len(costs))]
    return out


def interface_uncertainty(
    entries: EntrySet, profile: InterfaceProfile, settings: UncertaintySettings
) -> InterfaceUncertainty:
    """Interval on the minimum reaction energy of ``profile`` and the frequency of each product set there."""
    sampled = sample_interface(entries, profile, settings)
    ion = {profile.ion} if profile.voltage_V is not None and profile.ion else set()
    needed = set(profile.composition_a) | set(profile.composition_b) | ion
    model = system_model(entries.entries, needed, settings.error_model)
    freq = frequencies(sampled.products)
    key = "reaction_energy" + profile.energy_basis.suffix
    return InterfaceUncertainty(
        sigma_eV_per_atom=settings.sigma_eV_per_atom,
        samples=settings.samples,
        seed=settings.seed,
        confidence=settings.confidence,
        model=model.name,
        method="lp",
        energy_key=key,
        reaction_energy=Interval.of(sampled.energy, settings.confidence),
        x_atomic_a=Interval.of(sampled.x_atomic_a, settings.confidence),
        products_frequency=freq,
        point_products_frequency=dict(freq).get(tuple(sorted(profile.minimum.products)), 0.0),
        corrections_sampled=model.corrections,
    )


def with_interface_uncertainty(
    entries: EntrySet, profile: InterfaceProfile, settings: UncertaintySettings
) -> InterfaceProfile:
    """``profile`` with its ``uncertainty`` filled in."""
    return replace(profile, uncertainty=interface_uncertainty(entries, profile, settings))


# --- from the store (what the commands run) -----------------------------------------------------------
def add_window_uncertainty(
    result: StabilityWindow,
    settings: UncertaintySettings,
    *,
    stabilize: bool = True,
    source: str | None = None,
    store: Store | None = None,
) -> StabilityWindow:
    """A window from :func:`~interfacestab.analyses.window.window_for` with its ``uncertainty`` (same source)."""
    from interfacestab.analyses.targets import load_system

    entries = load_system(sorted(set(result.composition) | {result.ion}), source=source, store=store)
    return with_window_uncertainty(entries, result, settings, stabilize=stabilize)


def add_interface_uncertainty(
    profile: InterfaceProfile, settings: UncertaintySettings, *, source: str | None = None, store: Store | None = None
) -> InterfaceProfile:
    """An interface from :func:`~interfacestab.analyses.interface.interface_for` with its ``uncertainty``."""
    from interfacestab.analyses.targets import load_system

    ion = {profile.ion} if profile.voltage_V is not None and profile.ion else set()
    elements = sorted(set(profile.composition_a) | set(profile.composition_b) | ion)
    return with_interface_uncertainty(load_system(elements, source=source, store=store), profile, settings)


def sample_e_above_hull(
    entries: EntrySet, composition: dict[str, float], settings: UncertaintySettings, at_most: float | None = None
) -> np.ndarray:
    """Per-sample energy above the hull (eV/atom) of the lowest entry of ``composition`` (0 when on the hull).

    ``at_most``: only whether each sample's energy above the hull is at most this is wanted (a screening
    threshold). Samples that bounds already decide get the deciding bound instead (an upper bound that
    is <= ``at_most``, or a lower bound that is above it): the hull of the other phases lies below the
    perturbed energy of its unperturbed decomposition and above its tangent plane lowered by the
    largest drop of a phase below it (:meth:`~interfacestab.engine.perturb.PointHull.lower_bounds`).

    Raises:
        AnalysisError: when the data hold no entry of that composition.
    """
    from interfacestab.engine.perturb import BOUND_MARGIN, PointHull

    elements = tuple(sorted(composition))
    system = entries if set(entries.elements) == set(elements) else entries.subset(list(elements))
    groups = _groups(system, entry_errors(system.entries, settings))
    vec = np.array([composition.get(el, 0.0) for el in elements])
    key = np.round(vec / vec.sum(), 10).tobytes()
    own = next((i for i, fr in enumerate(groups.fractions) if np.round(fr, 10).tobytes() == key), None)
    if own is None or not groups.members[own]:
        msg = "no entry of this composition in the data"
        raise AnalysisError(msg)
    others = [i for i in range(len(groups.formulas)) if i != own]
    fr, x, sampled, e_own = (
        groups.fractions[others],
        groups.fractions[own],
        groups.sampled[:, others],
        groups.sampled[:, own],
    )
    out = np.full(settings.samples, np.nan)
    todo = np.arange(settings.samples)
    if at_most is not None:
        point = PointHull(fr, x)
        low_hull = point.lower_bounds(groups.energies[others], sampled)
        high_hull = sampled @ point.weights(groups.energies[others])
        upper, lower = np.maximum(e_own - low_hull, 0.0), np.maximum(e_own - high_hull, 0.0)
        sure_pass = upper <= at_most - BOUND_MARGIN
        sure_fail = ~sure_pass & (lower > at_most + BOUND_MARGIN)
        out[sure_pass], out[sure_fail] = upper[sure_pass], lower[sure_fail]
        todo = np.flatnonzero(~(sure_pass | sure_fail))
    if len(todo):
        # the others' hull at its composition in every sample left (certified bases or warm-started LPs)
        out[todo] = np.maximum(e_own[todo] - _hull_values(fr, x, sampled[todo]), 0.0)
    return out

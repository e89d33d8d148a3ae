"""How sure is a window or an interface reaction? Intervals from sampled formation-energy errors.

Error model (docs/conventions.md, 'Uncertainty from energy errors'): the formation energy of every
compound i (eV/atom) is perturbed by

    delta_i = sigma * ( sqrt(1 - rho) * eps_i + sqrt(rho) * sum_k w_ik s_k )

with ``eps_i`` an independent standard normal per compound, ``s_k`` a standard normal shared by
every compound that contains the corrected element k (the anions and the +U metals of the
MP2020 correction scheme, see :data:`CORRECTED_ELEMENTS`), ``w_ik`` the share of k among the
corrected atoms of i and ``rho`` = :data:`SHARED_FRACTION`. A compound without a corrected element
gets ``sigma * eps_i``. Elements are the references and stay at 0 eV/atom.

Samples are reproducible: the numbers of each compound come from a generator seeded by
``(seed, its identity)`` and those of each shared term from ``(seed, the element)``, so the same seed
gives the same energies to the same compound in every analysis, whatever the order of the work
or the number of worker processes.

Windows use the reaction enumeration of :mod:`interfacestab.engine.perturb` (no hull per sample);
interfaces one warm-started LP per sample. Both are checked against resampling (a full window or
interface per sample, ours and pymatgen's) in the tests.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from interfacestab.chem import n_atoms, reduced_formula
from interfacestab.conventions import STABILIZATION_EPSILON_eV_per_atom
from interfacestab.entries import Entry, EntrySet
from interfacestab.errors import AnalysisError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from interfacestab.analyses.interface import InterfaceProfile
    from interfacestab.analyses.window import StabilityWindow
    from interfacestab.store.database import Store

#: Elements whose MP2020 energy corrections are fitted per atom: anions (O, S, F, Cl, Br, I, N, H, Se,
#: Si, Sb, Te) and, in oxides and fluorides, the +U metals. Compounds sharing one share its error term.
CORRECTED_ANIONS = ("Br", "Cl", "F", "H", "I", "N", "O", "S", "Sb", "Se", "Si", "Te")
U_METALS = ("Co", "Cr", "Fe", "Mn", "Mo", "Ni", "V", "W")
CORRECTED_ELEMENTS = CORRECTED_ANIONS + U_METALS
#: Share of the error variance carried by the shared per-element terms (the rest is per compound).
SHARED_FRACTION = 0.5
MODEL_NAME = "global"
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
    """What to sample: ``sigma_eV_per_atom`` (per compound), ``samples``, ``seed`` and the interval ``confidence``."""

    sigma_eV_per_atom: float
    samples: int = DEFAULT_SAMPLES
    seed: int = 0
    confidence: float = DEFAULT_CONFIDENCE

    def __post_init__(self) -> None:
        check_settings(self.sigma_eV_per_atom, self.samples, self.seed, self.confidence)


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
def _words(text: str) -> list[int]:
    digest = hashlib.blake2b(text.encode(), digest_size=16).digest()
    return [int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4)]


def _normals(seed: int, key: str, samples: int) -> np.ndarray:
    gen = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, *_words(key)])))
    return gen.standard_normal(samples)


def entry_key(entry: Entry) -> str:
    """The identity of an entry for its random numbers: source, material id (or formula) and energy."""
    return f"{entry.source}|{entry.material_id or entry.formula}|{entry.e_form_eV_per_atom!r}"


def corrected_weights(composition: dict[str, float]) -> dict[str, float]:
    """The corrected elements of a compound and each one's share of its corrected atoms."""
    present = [el for el in composition if el in CORRECTED_ANIONS]
    if "O" in composition or "F" in composition:
        present += [el for el in composition if el in U_METALS]
    total = sum(composition[el] for el in present)
    return {el: composition[el] / total for el in present} if total > 0 else {}


def entry_errors(entries: Sequence[Entry], settings: UncertaintySettings) -> np.ndarray:
    """(samples, len(entries)) energy errors in eV/atom under the global model; elements get 0."""
    s, sigma = settings.samples, settings.sigma_eV_per_atom
    out = np.zeros((s, len(entries)))
    if sigma == 0:
        return out
    shared: dict[str, np.ndarray] = {}
    for j, entry in enumerate(entries):
        if len(entry.composition) < 2:
            continue
        eps = _normals(settings.seed, entry_key(entry), s)
        weights = corrected_weights(entry.composition)
        if not weights:
            out[:, j] = sigma * eps
            continue
        common = np.zeros(s)
        for el, w in weights.items():
            if el not in shared:
                shared[el] = _normals(settings.seed, f"element|{el}", s)
            common += w * shared[el]
        out[:, j] = sigma * (math.sqrt(1 - SHARED_FRACTION) * eps + math.sqrt(SHARED_FRACTION) * common)
    return out


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
    reduction_point_quantile: float = 0.5
    oxidation_point_quantile: float | None = None
    reduction_point_outside_interval: bool = False
    oxidation_point_outside_interval: bool | None = None

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary (the ``uncertainty`` object of a window)."""
        return {
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

    #: Extra CSV columns of a window with an interval (after its own columns).
    COLUMNS = (
        "sigma_eV_per_atom", "samples", "seed", "confidence", "uncertainty_model",
        "reduction_limit_median_V", "reduction_limit_low_V", "reduction_limit_high_V",
        "oxidation_limit_median_V", "oxidation_limit_low_V", "oxidation_limit_high_V",
        "point_reduction_products_frequency", "point_oxidation_products_frequency",
        "reduction_point_quantile", "oxidation_point_quantile",
        "reduction_point_outside_interval", "oxidation_point_outside_interval",
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
        model=MODEL_NAME,
        method=sampled.method,
        phases_sampled=sampled.phases_sampled,
        reduction_limit_V=red_iv,
        oxidation_limit_V=ox_iv,
        reduction_products_frequency=red_f,
        oxidation_products_frequency=ox_f,
        point_reduction_products_frequency=dict(red_f).get(point_red, 0.0),
        point_oxidation_products_frequency=None if sampled.oxidation_V is None else dict(ox_f).get(point_ox, 0.0),
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

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary (the ``uncertainty`` object of an interface)."""
        return {
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
        }


@dataclass(frozen=True, slots=True)
class SampledInterface:
    """Raw per-sample minima: reaction energy, x_atomic_a and products at the minimum."""

    energy: np.ndarray
    x_atomic_a: np.ndarray
    products: list[tuple[str, ...]]


def sample_interface(entries: EntrySet, profile: InterfaceProfile, settings: UncertaintySettings) -> SampledInterface:
    """Per-sample minimum of the reaction energy of ``profile``: one warm-started LP per sample.

    The reactants' energies are their sampled hull energies (one LP each per sample), or their own
    sampled entry energies when the profile uses the entry energies.
    """
    from interfacestab.conventions import ION_CHARGE, mu_from_voltage
    from interfacestab.engine.perturb import MixingMinimum

    a, b, ion, voltage = dict(profile.composition_a), dict(profile.composition_b), profile.ion, profile.voltage_V
    needed = set(a) | set(b) | ({ion} if voltage is not None and ion else set())
    system = entries if set(entries.elements) == needed else entries.subset(sorted(needed))
    errors = entry_errors(system.entries, settings)
    groups = _groups(system, errors)
    els = system.elements
    vec_a = np.array([a.get(el, 0.0) for el in els]) / sum(a.values())
    vec_b = np.array([b.get(el, 0.0) for el in els]) / sum(b.values())

    def own_energy(vec: np.ndarray) -> np.ndarray | None:
        key = np.round(vec, 10).tobytes()
        for i, fr in enumerate(groups.fractions):
            if np.round(fr, 10).tobytes() == key and (groups.members[i] or i < len(els)):
                return groups.sampled[:, i]
        return None

    s = settings.samples
    e_a = own_energy(vec_a) if profile.use_entry_energies else None
    e_b = own_energy(vec_b) if profile.use_entry_energies else None
    if e_a is None:
        e_a = _sampled_hull_energy(groups, vec_a, s)
    if e_b is None:
        e_b = _sampled_hull_energy(groups, vec_b, s)
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
    lp = MixingMinimum(fractions, pa, pb)
    out_e, out_x, out_p = np.zeros(s), np.zeros(s), []
    for k in range(s):
        value, m, weights = lp.solve(energies[k], float(phi_a[k]), float(phi_b[k]))
        out_e[k] = value
        out_x[k] = m / nonion_a / (m / nonion_a + (1 - m) / nonion_b) if 0 < m < 1 else m
        out_p.append(tuple(sorted({formulas[i] for i in weights})))
    return SampledInterface(out_e, out_x, out_p)


def _sampled_hull_energy(groups: _Groups, vec: np.ndarray, samples: int) -> np.ndarray:
    """The hull energy at ``vec`` in every sample.

    Where the composition's own entry is surely below the others' hull (a lower bound from one LP), that
    is its energy; elsewhere one warm-started LP per sample.
    """
    from interfacestab.engine.perturb import PointHull

    key = np.round(vec, 10).tobytes()
    own = next(
        (i for i, fr in enumerate(groups.fractions) if np.round(fr, 10).tobytes() == key and groups.members[i]), None
    )
    out = np.full(samples, np.nan)
    if own is not None:
        others = np.array([i for i in range(len(groups.formulas)) if i != own], dtype=int)
        lower = PointHull(groups.fractions[others], vec).lower_bounds(
            groups.energies[others], groups.sampled[:, others]
        )
        sure = groups.sampled[:, own] < lower - 1e-12
        out[sure] = groups.sampled[sure, own]
    todo = np.flatnonzero(np.isnan(out))
    if len(todo):
        hull = PointHull(groups.fractions, vec)
        out[todo] = [hull.energy(groups.sampled[k]) for k in todo]
    return out


def interface_uncertainty(
    entries: EntrySet, profile: InterfaceProfile, settings: UncertaintySettings
) -> InterfaceUncertainty:
    """Interval on the minimum reaction energy of ``profile`` and the frequency of each product set there."""
    sampled = sample_interface(entries, profile, settings)
    freq = frequencies(sampled.products)
    key = "reaction_energy" + profile.energy_basis.suffix
    return InterfaceUncertainty(
        sigma_eV_per_atom=settings.sigma_eV_per_atom,
        samples=settings.samples,
        seed=settings.seed,
        confidence=settings.confidence,
        model=MODEL_NAME,
        method="lp",
        energy_key=key,
        reaction_energy=Interval.of(sampled.energy, settings.confidence),
        x_atomic_a=Interval.of(sampled.x_atomic_a, settings.confidence),
        products_frequency=freq,
        point_products_frequency=dict(freq).get(tuple(sorted(profile.minimum.products)), 0.0),
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


def sample_e_above_hull(entries: EntrySet, composition: dict[str, float], settings: UncertaintySettings) -> np.ndarray:
    """Per-sample energy above the hull (eV/atom) of the lowest entry of ``composition`` (0 when on the hull).

    Raises:
        AnalysisError: when the data hold no entry of that composition.
    """
    from interfacestab.engine.perturb import PointHull

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
    hull = PointHull(groups.fractions[others], groups.fractions[own])
    # on the hull (0) wherever its energy is below a lower bound of the others' hull; else one LP
    lower = hull.lower_bounds(groups.energies[others], groups.sampled[:, others])
    out = np.zeros(settings.samples)
    for k in np.flatnonzero(groups.sampled[:, own] >= lower - 1e-12):
        out[k] = max(groups.sampled[k, own] - hull.energy(groups.sampled[k, others]), 0.0)
    return out

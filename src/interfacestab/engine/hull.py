"""Lower convex hull of formation energies, with exact insertion of a stabilized target.

Geometry follows pymatgen's ``PhaseDiagram``: points are (atomic fractions without the first
element, energy per atom); only entries with negative formation energy and the elements
(at 0 eV/atom) enter qhull (``Qt i``), with one extra point high above the centroid so the
input is full-dimensional; facets through it, or flat in composition, are dropped.

Every lower facet f carries its chemical-potential vector mu_f (eV/atom of each element,
relative to the elements), the solution of ``x_v . mu_f = e_v`` for its vertices. The hull
energy at composition c is ``max_f mu_f . c``; the facets that reach the max contain c.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from interfacestab.chem import formula_factor, n_atoms, reduced_formula
from interfacestab.conventions import DECOMPOSITION_TOL, FORMATION_ENERGY_TOL_eV_per_atom

if TYPE_CHECKING:
    from interfacestab.entries import EntrySet

_DET_TOL = 1e-14  # pymatgen's test for a facet that is flat in composition
_TIE_TOL = 1e-9  # eV/atom: facets within this of the hull energy are taken to contain a composition
_INSIDE_TOL = 1e-9  # barycentric weights down to -this count as inside a facet


@dataclass(frozen=True, eq=False)
class Hull:
    """A lower convex hull in an n-element system.

    Attributes:
        elements: Element symbols, the column order of ``fractions`` and ``mu``.
        formulas: Label of every point (reduced formula; elements by symbol).
        fractions: (m, n) atomic fractions of the points (elements first, then compounds).
        energies: (m,) formation energies per atom (eV/atom).
        entry_index: (m,) index of each point's entry in the source entry set (-1 for elements
            and inserted points).
        atoms_per_unit: (m,) atoms in one formula unit of each point's formula (O2: 2).
        facets: (k, n) vertex indices of the lower facets.
        mu: (k, n) chemical potentials of the facets (eV/atom, elements at 0).
    """

    elements: tuple[str, ...]
    formulas: tuple[str, ...]
    fractions: np.ndarray
    energies: np.ndarray
    entry_index: np.ndarray
    atoms_per_unit: np.ndarray
    facets: np.ndarray
    mu: np.ndarray
    _vertex_set: frozenset[int] = field(default=frozenset(), repr=False)

    @property
    def n_elements(self) -> int:
        """Number of elements."""
        return len(self.elements)

    def vector(self, composition: dict[str, float]) -> np.ndarray:
        """Atomic-fraction vector of a composition in this system's element order.

        Raises:
            ValueError: when the composition has an element outside the system.
        """
        extra = set(composition) - set(self.elements)
        if extra:
            msg = f"elements {sorted(extra)} are not in the system {'-'.join(self.elements)}"
            raise ValueError(msg)
        vec = np.array([composition.get(el, 0.0) for el in self.elements], dtype=float)
        return vec / vec.sum()

    def hull_energy(self, fractions: np.ndarray) -> np.ndarray | float:
        """Hull energy (eV/atom) at one (n,) or many (p, n) atomic-fraction vectors."""
        return np.max(np.asarray(fractions) @ self.mu.T, axis=-1)

    def e_above_hull(self, fraction: np.ndarray, energy_eV_per_atom: float) -> float:
        """Energy above the hull (eV/atom) of a phase at ``fraction`` with this energy."""
        return float(energy_eV_per_atom - self.hull_energy(fraction))

    def stable_points(self) -> list[int]:
        """Indices of points that are hull vertices."""
        return sorted(self._vertex_set)

    def is_vertex(self, point: int) -> bool:
        """Whether a point is a vertex of the hull."""
        return point in self._vertex_set

    def containing_facets(self, fraction: np.ndarray, tol: float = _TIE_TOL) -> np.ndarray:
        """Indices of the facets whose plane touches the hull at ``fraction``."""
        planes = self.mu @ fraction
        return np.flatnonzero(planes >= planes.max() - tol)

    def decomposition(self, fraction: np.ndarray) -> dict[int, float]:
        """Phases (point index -> atomic fraction of the mixture) at the hull below ``fraction``.

        Among the facets that reach the hull energy, the one whose simplex contains the
        composition is used (coplanar triangulated facets can reach it without containing it).
        """
        best: tuple[float, np.ndarray, np.ndarray] | None = None
        for f in self.containing_facets(fraction):
            verts = self.facets[f]
            weights = np.linalg.solve(self.fractions[verts].T, fraction)
            if best is None or weights.min() > best[0]:
                best = (float(weights.min()), verts, weights)
            if weights.min() >= -_INSIDE_TOL:
                break
        assert best is not None
        _, verts, weights = best
        keep = weights > DECOMPOSITION_TOL
        amounts: dict[int, float] = {}
        for v, w in zip(verts[keep], weights[keep], strict=True):
            amounts[int(v)] = amounts.get(int(v), 0.0) + float(w)
        return amounts

    def with_point(
        self, fraction: np.ndarray, energy_eV_per_atom: float, formula: str, atoms_per_unit: float = 1.0
    ) -> tuple[Hull, int]:
        """A new hull with one more point; exact incremental insertion when it lies below the hull.

        The facets that see the point are replaced by the point joined to each ridge of their
        horizon (docs/engine.md, 'Exact stabilized insertion'). A point on or above the hull changes nothing.

        Returns:
            The new hull and the index of the inserted point.
        """
        index = len(self.formulas)
        fractions = np.vstack([self.fractions, fraction])
        energies = np.append(self.energies, energy_eV_per_atom)
        planes = self.mu @ fraction
        visible = np.flatnonzero(planes > energy_eV_per_atom)
        facets, mu = self.facets, self.mu
        if len(visible):
            ridge_count: dict[tuple[int, ...], int] = {}
            for f in visible:
                verts = sorted(int(v) for v in self.facets[f])
                for drop in range(len(verts)):
                    ridge = tuple(verts[:drop] + verts[drop + 1 :])
                    ridge_count[ridge] = ridge_count.get(ridge, 0) + 1
            horizon = [r for r, count in ridge_count.items() if count == 1]
            new_facets = np.array([[*r, index] for r in horizon], dtype=int).reshape(-1, self.n_elements)
            keep_new = np.abs(np.linalg.det(fractions[new_facets])) > _DET_TOL if len(new_facets) else []
            new_facets = new_facets[keep_new]
            new_mu = _facet_mu(fractions, energies, new_facets)
            old = np.setdiff1d(np.arange(len(self.facets)), visible)
            facets = np.vstack([self.facets[old], new_facets])
            mu = np.vstack([self.mu[old], new_mu])
        hull = Hull(
            elements=self.elements,
            formulas=(*self.formulas, formula),
            fractions=fractions,
            energies=energies,
            entry_index=np.append(self.entry_index, -1),
            atoms_per_unit=np.append(self.atoms_per_unit, atoms_per_unit),
            facets=facets,
            mu=mu,
            _vertex_set=frozenset(int(v) for v in np.unique(facets)),
        )
        return hull, index


def _facet_mu(fractions: np.ndarray, energies: np.ndarray, facets: np.ndarray) -> np.ndarray:
    """Chemical potentials (k, n) solving ``x_v . mu = e_v`` on each facet's vertices."""
    if len(facets) == 0:
        return np.zeros((0, fractions.shape[1]))
    return np.linalg.solve(fractions[facets], energies[facets][..., None])[..., 0]


def build_hull(entry_set: EntrySet) -> Hull:
    """Lower convex hull of an entry set, elements added at 0 eV/atom.

    Only the lowest-energy entry of each composition is a hull candidate.
    """
    elements = entry_set.elements
    n = len(elements)
    comp_fracs = entry_set.fractions()
    comp_energies = entry_set.energies()
    fractions = np.vstack([np.eye(n), comp_fracs]) if len(comp_fracs) else np.eye(n)
    energies = np.concatenate([np.zeros(n), comp_energies])
    element_formulas = [reduced_formula({el: 1.0}) for el in elements]
    formulas = (*element_formulas, *(e.formula for e in entry_set.entries))
    entry_index = np.concatenate([np.full(n, -1), np.arange(len(comp_energies))])
    atoms_per_unit = np.array(
        [1.0 / formula_factor({el: 1.0}) for el in elements] + [n_atoms(e.composition) for e in entry_set.entries]
    )

    # lowest-energy point per composition, with negative formation energy (pymatgen's filter)
    candidates = list(range(n))
    best: dict[bytes, int] = {}
    for i in range(n, len(energies)):
        if energies[i] >= -FORMATION_ENERGY_TOL_eV_per_atom:
            continue
        key = np.round(fractions[i], 10).tobytes()
        if key not in best or energies[i] < energies[best[key]]:
            best[key] = i
    candidates += sorted(best.values())
    cand = np.array(candidates)

    if n == 1:
        facets = np.array([[0]])
    else:
        from scipy.spatial import ConvexHull, QhullError

        data = np.column_stack([fractions[cand, 1:], energies[cand]])
        extra = np.full(n, 1.0 / n)
        extra[-1] = data.max() + 1.0
        data = np.vstack([data, extra])
        try:
            simplices = ConvexHull(data, qhull_options="Qt i").simplices
        except (QhullError, ValueError) as exc:
            from interfacestab.errors import AnalysisError

            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            msg = (
                f"cannot build the convex hull of {'-'.join(elements)} from source '{entry_set.source.name}': "
                f"its energies are degenerate or out of range (qhull: {detail}); check the imported data"
            )
            raise AnalysisError(msg) from exc
        simplices = simplices[simplices.max(axis=1) < len(cand)]
        mats = data[simplices]
        mats[:, :, -1] = 1.0
        simplices = simplices[np.abs(np.linalg.det(mats)) > _DET_TOL]
        facets = cand[simplices]
    mu = _facet_mu(fractions, energies, facets)
    return Hull(
        elements=elements,
        formulas=formulas,
        fractions=fractions,
        energies=energies,
        entry_index=entry_index,
        atoms_per_unit=atoms_per_unit,
        facets=facets,
        mu=mu,
        _vertex_set=frozenset(int(v) for v in np.unique(facets)),
    )

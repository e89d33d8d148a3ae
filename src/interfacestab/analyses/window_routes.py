"""How the hull along a window's ray is found: a convex hull and its facet envelope, or linear programmes.

Both routes give the same :class:`RayProfile` of "target without A, plus t atoms of A": the
breakpoints t_j (equilibrium compositions), the slope mu_A of each stage, the extensive hull
energy at each breakpoint and the phases there. The convex-hull route suits small systems (and
batches that reuse a hull); the LP route needs no hull and suits systems of many elements.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from interfacestab.engine.envelope import upper_envelope
from interfacestab.engine.hull import Hull, build_hull
from interfacestab.engine.ray import HullPoints, ray_kinks

if TYPE_CHECKING:
    from interfacestab.chem import Composition
    from interfacestab.entries import EntrySet


@dataclass(frozen=True, slots=True)
class RayProfile:
    """The profile along "target without A + t A": breakpoints, stage slopes (mu_A), energies, phases."""

    breakpoints: np.ndarray  # t_j, start of stage j
    slopes: np.ndarray  # mu_A on stage j (eV)
    phi: np.ndarray  # extensive hull energy at each breakpoint (eV)
    phases: list[dict[str, float]]  # formula units of each phase at each breakpoint


class Route:
    """How the hull along the ray is found (convex hull or linear programmes)."""

    n_elements: int

    def vector(self, composition: Composition) -> np.ndarray:
        """Atomic fractions of ``composition`` over the route's elements."""
        raise NotImplementedError

    def hull_energy(self, x: np.ndarray) -> float:
        """Hull energy (eV/atom) at atomic fractions ``x``."""
        raise NotImplementedError

    def ray(self, x: np.ndarray, energy: float, formula: str, atoms: float, g: np.ndarray, ion: str) -> RayProfile:
        """The profile along ``g + t ion``, with the target (``x``, ``energy``) inserted when below the hull."""
        raise NotImplementedError


class HullRoute(Route):
    """Convex hull of the system, then the upper envelope of its facets along the ray."""

    def __init__(self, system: EntrySet, hull: Hull | None) -> None:
        self.hull = hull if hull is not None else build_hull(system)
        self.elements = self.hull.elements

    def vector(self, composition: Composition) -> np.ndarray:  # noqa: D102
        return self.hull.vector(composition)

    def hull_energy(self, x: np.ndarray) -> float:  # noqa: D102
        return float(self.hull.hull_energy(x))

    def ray(self, x: np.ndarray, energy: float, formula: str, atoms: float, g: np.ndarray, ion: str) -> RayProfile:  # noqa: D102
        work = self.hull
        if energy < self.hull_energy(x):
            work, _ = work.with_point(x, energy, formula, atoms)
        a_col = work.elements.index(ion)
        unit_a = np.eye(len(g))[a_col]
        segments = upper_envelope(work.mu @ g, work.mu[:, a_col])
        breakpoints = np.array([s.t_start for s in segments])
        phi = np.array([float(np.max(work.mu @ (g + t * unit_a))) for t in breakpoints])
        n_non_a = float(g.sum())
        phases = [phase_amounts(work, (g + t * unit_a) / (n_non_a + t), n_non_a + t) for t in breakpoints]
        return RayProfile(breakpoints, np.array([s.slope for s in segments]), phi, phases)


class LPRoute(Route):
    """Linear programmes along the ray, no hull (systems of many elements)."""

    def __init__(self, system: EntrySet) -> None:
        self.points = HullPoints.from_entries(system)
        self.elements = system.elements

    def vector(self, composition: Composition) -> np.ndarray:  # noqa: D102
        vec = np.array([composition.get(el, 0.0) for el in self.elements], dtype=float)
        return vec / vec.sum()

    def hull_energy(self, x: np.ndarray) -> float:  # noqa: D102
        return self.points.hull_energy(x)

    def ray(self, x: np.ndarray, energy: float, formula: str, atoms: float, g: np.ndarray, ion: str) -> RayProfile:  # noqa: D102
        points = self.points
        if energy < self.hull_energy(x):
            points = points.with_point(x, energy, formula, atoms)
        kinks = ray_kinks(points, g, ion)
        n_non_a = float(g.sum())
        phases = []
        for k in kinks:
            amounts: dict[str, float] = {}
            for i, w in k.phases.items():
                f = points.formulas[i]
                amounts[f] = amounts.get(f, 0.0) + w * (n_non_a + k.t) / points.atoms_per_unit[i]
            phases.append(amounts)
        return RayProfile(
            np.array([k.t for k in kinks]), np.array([k.slope for k in kinks]), np.array([k.phi for k in kinks]), phases
        )


def phase_amounts(hull: Hull, point: np.ndarray, total_atoms: float) -> dict[str, float]:
    """Formula units of each phase at a composition holding ``total_atoms`` atoms."""
    amounts: dict[str, float] = {}
    for index, atom_fraction in hull.decomposition(point).items():
        formula = hull.formulas[index]
        amounts[formula] = amounts.get(formula, 0.0) + atom_fraction * total_atoms / hull.atoms_per_unit[index]
    return amounts

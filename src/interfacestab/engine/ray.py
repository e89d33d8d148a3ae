"""The element profile of a target open to an ion, by linear programming: no hull is built.

A stability window walks the ray "target without A, plus t atoms of A". Normalised to one atom,
the ray is the segment ``p(y) = y e_A + (1 - y) g_hat`` (``y`` the atomic fraction of A), and the
hull energy along it is convex and piecewise linear in ``y``. Its kinks are the critical
compositions of the profile; :class:`~interfacestab.engine.lp.PathHull` finds every one exactly
(tangent intersection, warm-started HiGHS solves), with the equilibrium phases at each.

On the piece between kinks ``y_i`` and ``y_(i+1)`` the hull is the plane ``mu . p``, so
``E(y) = (1 - y) (mu . g_hat) + y mu_A``: the two end values give ``mu_A`` of the stage, the
chemical potential the hull route reads off a facet. The cost grows with the number of phases and
kinks, not with the dimension, so 10-13 element systems cost about as much as ternaries, where a
full convex hull grows without bound (qhull in 12 dimensions).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from interfacestab.chem import formula_factor, n_atoms, reduced_formula
from interfacestab.conventions import DECOMPOSITION_TOL, FORMATION_ENERGY_TOL_eV_per_atom
from interfacestab.engine.lp import PathHull

if TYPE_CHECKING:
    from interfacestab.entries import EntrySet

#: Systems with at least this many elements take the LP route for windows; smaller ones build a
#: hull (cached per system, cheapest when a batch has many targets per system). Both routes give
#: the same limits, products and stages (tested on random systems with the route forced).
LP_ROUTE_MIN_ELEMENTS = 7
_NEGATIVE_WEIGHT_TOL = 1e-7  # a least-squares weight more negative than this: not a decomposition
_RESIDUAL_TOL = 1e-6  # largest composition residual of a least-squares decomposition


@dataclass(frozen=True, slots=True)
class HullPoints:
    """The points that can be on the hull of an entry set (the same filter as the hull route).

    Elements at 0 eV/atom, then, per composition, the lowest-energy entry with a negative
    formation energy.

    Attributes:
        elements: Element symbols (column order of ``fractions``).
        formulas: Label of each point.
        fractions: (m, n) atomic fractions.
        energies: (m,) formation energies per atom (eV/atom).
        atoms_per_unit: (m,) atoms in one formula unit of each point.
    """

    elements: tuple[str, ...]
    formulas: tuple[str, ...]
    fractions: np.ndarray
    energies: np.ndarray
    atoms_per_unit: np.ndarray

    @classmethod
    def from_entries(cls, entry_set: EntrySet) -> HullPoints:
        """Candidate points of an entry set."""
        elements = entry_set.elements
        n = len(elements)
        fracs = entry_set.fractions()
        energies = entry_set.energies()
        best: dict[bytes, int] = {}
        for i, e in enumerate(energies):
            if e >= -FORMATION_ENERGY_TOL_eV_per_atom:
                continue
            key = np.round(fracs[i], 10).tobytes()
            if key not in best or e < energies[best[key]]:
                best[key] = i
        chosen = sorted(best.values())
        entries = entry_set.entries
        return cls(
            elements=elements,
            formulas=(*(reduced_formula({el: 1.0}) for el in elements), *(entries[i].formula for i in chosen)),
            fractions=np.vstack([np.eye(n), fracs[chosen]]) if chosen else np.eye(n),
            energies=np.concatenate([np.zeros(n), energies[chosen]]),
            atoms_per_unit=np.array(
                [1.0 / formula_factor({el: 1.0}) for el in elements] + [n_atoms(entries[i].composition) for i in chosen]
            ),
        )

    def with_point(self, fraction: np.ndarray, energy_eV_per_atom: float, formula: str, atoms: float) -> HullPoints:
        """A copy with one more point (a stabilized or user-energy target)."""
        return HullPoints(
            self.elements,
            (*self.formulas, formula),
            np.vstack([self.fractions, fraction]),
            np.append(self.energies, energy_eV_per_atom),
            np.append(self.atoms_per_unit, atoms),
        )

    def hull_energy(self, fraction: np.ndarray) -> float:
        """Hull energy (eV/atom) at one composition (one LP)."""
        return PathHull(self.fractions, self.energies, fraction, fraction).evaluate(1.0).energy


@dataclass(frozen=True, slots=True)
class RayKink:
    """A critical composition of the ray ``g + t A``.

    Attributes:
        t: A atoms added per ``g`` (the breakpoint).
        phi: Extensive hull energy at ``g + t A`` (eV).
        slope: mu_A of the stage that starts here (eV), towards larger ``t``.
        phases: Point index -> atomic fraction of the mixture in that phase.
    """

    t: float
    phi: float
    slope: float
    phases: dict[int, float]


def ray_kinks(points: HullPoints, g: np.ndarray, ion: str) -> list[RayKink]:
    """Every critical composition of ``g + t A`` for t >= 0, in increasing ``t``.

    The kinks are located by tangent intersection (:meth:`PathHull.kinks`); on each piece between
    two kinks mu_A follows from the energies at its ends. The phases at a kink are those shared by
    the pieces on either side (each solved once at its midpoint): the LP alone can, within its
    tolerances, put a small weight on a phase of only one side when a stabilized target makes the
    neighbouring facets nearly flat.

    Args:
        points: Hull candidates (with any inserted target).
        g: Amounts of the non-A elements (in ``points.elements`` order, A entry 0).
        ion: Symbol of A.
    """
    a_col = points.elements.index(ion)
    n_non_a = float(g.sum())
    g_hat = g / n_non_a
    e_a = np.eye(len(g))[a_col]
    path = PathHull(points.fractions, points.energies, e_a, g_hat)
    kinks = path.kinks()  # y from 0 (g_hat) to 1 (pure A)

    # the phases of each piece (at its midpoint): a kink's phases are those its two pieces share
    supports = [set(path.evaluate(0.5 * (left.x + right.x)).weights) for left, right in itertools.pairwise(kinks)]
    out = []
    for i, (left, right) in enumerate(itertools.pairwise(kinks)):
        y0, y1 = left.x, right.x
        slope_y = (right.energy - left.energy) / (y1 - y0)
        mu_g = left.energy - y0 * slope_y
        mu_a = 0.0 if y1 >= 1.0 else mu_g + slope_y  # the last piece ends on A metal, mu_A = 0 exactly
        t = y0 * n_non_a / (1.0 - y0)
        weights = left.weights
        if i > 0 and not set(weights) <= supports[i - 1] & supports[i]:
            shared = sorted(supports[i - 1] & supports[i])
            p = y0 * e_a + (1.0 - y0) * g_hat
            if shared:
                w, *_ = np.linalg.lstsq(points.fractions[shared].T, p, rcond=None)
                if w.min() > -_NEGATIVE_WEIGHT_TOL and np.abs(points.fractions[shared].T @ w - p).max() < _RESIDUAL_TOL:
                    weights = {j: float(v) for j, v in zip(shared, w, strict=True) if v > DECOMPOSITION_TOL}
        out.append(RayKink(t=t, phi=(n_non_a + t) * left.energy, slope=mu_a, phases=weights))
    return out

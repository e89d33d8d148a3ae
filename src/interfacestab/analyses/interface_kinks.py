"""The kinks of an interface reaction curve: the phase points (closed or grand-potential) and one kink's numbers.

Energies are per atom of the mixture in a closed system and grand-potential energies per atom of
non-ion elements in an open one; the JSON keys say which (``_eV_per_atom`` or ``_eV_per_nonion_atom``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from interfacestab.analyses.reactions import reaction_string
from interfacestab.chem import Composition, formula_factor, n_atoms, reduced_formula
from interfacestab.conventions import COMPOSITION_TOL, EV_TO_KJ_PER_MOL, ENERGY_NOISE_eV_per_atom
from interfacestab.engine.lp import PathHull

if TYPE_CHECKING:
    from interfacestab.analyses.targets import Target
    from interfacestab.engine.lp import PathPoint
    from interfacestab.entries import EntrySet


def energy_suffix(open_system: bool) -> str:
    """``_eV_per_nonion_atom`` for an open system's energies, ``_eV_per_atom`` (of the mixture) for a closed one."""
    return "_eV_per_nonion_atom" if open_system else "_eV_per_atom"


@dataclass(frozen=True, slots=True)
class InterfaceKink:
    """One kink of the reaction-energy curve.

    Attributes:
        x_atomic_a: Atomic fraction of reactant a (open: of a's atoms including A).
        x_molar_a: Fraction of reactant a in formula units.
        reaction_energy_eV_per_atom: dE at the kink: eV per atom of the mixture when closed, eV per
            non-A atom when open (JSON key ``reaction_energy_eV_per_nonion_atom`` then).
        reaction_energy_kJ_per_mol: dE per mole of the printed reaction (kJ/mol).
        mutual_reaction_energy_eV_per_atom: dE minus the mixing-weighted own decomposition energies
            (same basis as ``reaction_energy_eV_per_atom``).
        products: Reduced formulas of the product phases.
        reaction: Balanced reaction, reactant coefficients x_molar and 1 - x_molar.
        ion_uptake_per_atom: Open system: A taken up (+) or released (-) per non-A atom of the
            mixture; d(reaction energy)/dV at fixed products (0 when closed); JSON key
            ``ion_uptake_per_nonion_atom``, present only when open.
        open_system: Whether the kink is of a system open to A (its energies are per non-A atom).
    """

    x_atomic_a: float
    x_molar_a: float
    reaction_energy_eV_per_atom: float
    reaction_energy_kJ_per_mol: float
    mutual_reaction_energy_eV_per_atom: float
    products: tuple[str, ...]
    reaction: str
    ion_uptake_per_atom: float = 0.0
    open_system: bool = False

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary; energy keys end in ``_eV_per_atom`` (closed) or ``_eV_per_nonion_atom`` (open)."""
        per = energy_suffix(self.open_system)
        out: dict[str, object] = {
            "x_atomic_a": self.x_atomic_a,
            "x_molar_a": self.x_molar_a,
            f"reaction_energy{per}": self.reaction_energy_eV_per_atom,
            "reaction_energy_kJ_per_mol": self.reaction_energy_kJ_per_mol,
            f"mutual_reaction_energy{per}": self.mutual_reaction_energy_eV_per_atom,
            "products": list(self.products),
            "reaction": self.reaction,
        }
        if self.open_system:
            out["ion_uptake_per_nonion_atom"] = self.ion_uptake_per_atom
        return out


@dataclass(frozen=True, slots=True)
class PhasePoints:
    """Candidate phases of a system as arrays (closed or grand-potential transformed)."""

    elements: tuple[str, ...]
    formulas: tuple[str, ...]
    fractions: np.ndarray  # (m, k) atomic fractions over `elements`
    energies: np.ndarray  # (m,) eV per atom (closed) or per non-A atom (open)
    atoms_per_unit: np.ndarray  # (m,) atoms (open: non-A atoms) per formula unit
    ion_per_unit: np.ndarray  # (m,) A atoms per formula unit


def closed_points(entries: EntrySet) -> PhasePoints:
    """The lowest-energy phase of each formula, with the elements at 0 eV/atom, as closed-system points."""
    best: dict[str, tuple[float, Composition]] = {}
    for e in entries.entries:
        if e.formula not in best or e.e_form_eV_per_atom < best[e.formula][0]:
            best[e.formula] = (e.e_form_eV_per_atom, e.composition)
    els = entries.elements
    formulas = [reduced_formula({el: 1.0}) for el in els] + list(best)
    comps = [{el: 1.0} for el in els] + [c for _, c in best.values()]
    mat = np.array([[c.get(el, 0.0) for el in els] for c in comps])
    atoms = mat.sum(axis=1)
    atoms[: len(els)] = [1.0 / formula_factor({el: 1.0}) for el in els]  # O2: 2 atoms per formula unit
    energies = np.concatenate([np.zeros(len(els)), [e for e, _ in best.values()]])
    return PhasePoints(els, tuple(formulas), mat / mat.sum(axis=1, keepdims=True), energies, atoms, np.zeros(len(mat)))


def open_points(closed: PhasePoints, ion: str, mu_ion: float) -> PhasePoints:
    """Grand-potential transform: drop A, energies per non-A atom at mu_A (eV)."""
    a = closed.elements.index(ion)
    keep_cols = [i for i in range(len(closed.elements)) if i != a]
    frac_a = closed.fractions[:, a]
    rows = np.flatnonzero(frac_a < 1 - ENERGY_NOISE_eV_per_atom)
    non_a = 1.0 - frac_a[rows]
    energies = (closed.energies[rows] - frac_a[rows] * mu_ion) / non_a
    fractions = closed.fractions[np.ix_(rows, np.array(keep_cols, dtype=int))] / non_a[:, None]
    return PhasePoints(
        tuple(closed.elements[i] for i in keep_cols),
        tuple(closed.formulas[i] for i in rows),
        fractions,
        energies,
        closed.atoms_per_unit[rows] * non_a,
        closed.atoms_per_unit[rows] * frac_a[rows],
    )


def hull_energy(points: PhasePoints, vec: np.ndarray) -> float:
    """Hull energy of ``points`` at the composition ``vec`` (one LP)."""
    path = PathHull(points.fractions, points.energies, vec, vec)
    return path.evaluate(1.0).energy


def clean_energy(value: float) -> float:
    """Round numerical noise (|v| < ``ENERGY_NOISE_eV_per_atom``, e.g. -0.0) to exactly 0."""
    return 0.0 if abs(value) < ENERGY_NOISE_eV_per_atom else float(value)


def composition_vector(elements: tuple[str, ...], comp: Composition) -> np.ndarray:
    """Atomic fractions of ``comp`` over ``elements``."""
    vec = np.array([comp.get(el, 0.0) for el in elements], dtype=float)
    return vec / vec.sum()


def reactant_energy(points: PhasePoints, target: Target, vec: np.ndarray, use_entry: bool) -> float:
    """A reactant's energy per atom: its data energy (``use_entry``) or the hull energy at its composition."""
    if use_entry and target.e_form_eV_per_atom is not None:
        return float(target.e_form_eV_per_atom)
    return hull_energy(points, vec)


def make_kink(
    pt: PathPoint,
    points: PhasePoints,
    a: Target,
    b: Target,
    phi_a: float,
    phi_b: float,
    nonion_a: float,
    nonion_b: float,
    dE_a: float,
    dE_b: float,
    ion: str | None,
    voltage_V: float | None,
    a_per_atom: tuple[float, float] = (0.0, 0.0),
) -> InterfaceKink:
    """One kink of the path: its mixing ratios, energies (eV/atom and kJ/mol), products and reaction."""
    m = pt.x  # fraction of a on the (open: non-A) normalised path
    energy = pt.energy - m * phi_a - (1 - m) * phi_b
    mutual = energy - (m * dE_a + (1 - m) * dE_b)
    # back to atoms of the original reactants (pymatgen's _convert with factor = non-A atom share)
    x_atomic = m / nonion_a / (m / nonion_a + (1 - m) / nonion_b) if 0 < m < 1 else m
    atoms_a, atoms_b = n_atoms(a.composition), n_atoms(b.composition)
    units_a, units_b = x_atomic / atoms_a, (1 - x_atomic) / atoms_b
    x_molar = units_a / (units_a + units_b) if units_a + units_b > 0 else 0.0
    # formula units of products per one mole of reactant formula units (x_molar a + (1 - x_molar) b)
    scale = 1.0 / (units_a + units_b)
    mixture_atoms = scale * (units_a * (atoms_a * nonion_a) + units_b * (atoms_b * nonion_b))  # (non-A) atoms
    products = {points.formulas[i]: w * mixture_atoms / points.atoms_per_unit[i] for i, w in pt.weights.items()}
    reactants = [(x_molar, a.formula), (1 - x_molar, b.formula)]
    right = sorted(((c, f) for f, c in products.items()), key=lambda t: t[1])
    if ion is not None and voltage_V is not None:
        dn = sum(c * points.ion_per_unit[points.formulas.index(f)] for f, c in products.items()) - (
            x_molar * a.composition.get(ion, 0.0) + (1 - x_molar) * b.composition.get(ion, 0.0)
        )
        if dn > COMPOSITION_TOL:
            reactants.append((dn, ion))
        elif dn < -COMPOSITION_TOL:
            right.append((-dn, ion))
    uptake = 0.0
    if voltage_V is not None:
        uptake = sum(w * points.ion_per_unit[i] / points.atoms_per_unit[i] for i, w in pt.weights.items()) - (
            m * a_per_atom[0] + (1 - m) * a_per_atom[1]
        )
    return InterfaceKink(
        x_atomic_a=float(x_atomic),
        x_molar_a=float(x_molar),
        reaction_energy_eV_per_atom=float(energy),
        reaction_energy_kJ_per_mol=float(energy * mixture_atoms * EV_TO_KJ_PER_MOL),
        mutual_reaction_energy_eV_per_atom=float(mutual),
        products=tuple(sorted(products)),
        reaction=reaction_string(reactants, right),
        ion_uptake_per_atom=float(uptake),
        open_system=voltage_V is not None,
    )

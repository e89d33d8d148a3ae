"""The kinks of an interface reaction curve: the phase points (closed or grand-potential) and one kink's numbers.

Energies are per atom of the mixture in a closed system and grand-potential energies per atom of
non-ion elements in an open one; the attribute names and JSON keys say which (``_eV_per_atom`` or
``_eV_per_nonion_atom``), and ``EnergyBasis`` names the normalisation for code that serves both.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

import numpy as np

from interfacestab.analyses.reactions import reaction_string
from interfacestab.chem import Composition, formula_factor, n_atoms, reduced_formula
from interfacestab.conventions import COMPOSITION_TOL, EV_TO_KJ_PER_MOL, ENERGY_NOISE_eV_per_atom
from interfacestab.engine.lp import PathHull

if TYPE_CHECKING:
    from collections.abc import Callable

    from interfacestab.analyses.interphase import Interphase
    from interfacestab.analyses.targets import Target
    from interfacestab.engine.lp import PathPoint
    from interfacestab.entries import EntrySet


class EnergyBasis(Enum):
    """What an interface energy is per: an atom of the mixture (closed) or a non-A atom (open, grand potential)."""

    ATOM = "atom"
    NONION_ATOM = "nonion_atom"

    @property
    def suffix(self) -> str:
        """End of the name (attribute, JSON key) of energies on this basis: ``_eV_per_atom``/``_eV_per_nonion_atom``."""
        return f"_eV_per_{self.value}"

    def unit(self, ion: str | None) -> str:
        """``eV/atom`` or ``eV per non-Li atom`` (for labels)."""
        return f"eV per non-{ion} atom" if self is EnergyBasis.NONION_ATOM else "eV/atom"

    @classmethod
    def of(cls, open_system: bool) -> EnergyBasis:
        """The basis of an open (per non-A atom) or closed (per atom) system."""
        return cls.NONION_ATOM if open_system else cls.ATOM


@dataclass(frozen=True, slots=True)
class InterfaceKink:
    """One kink of the reaction-energy curve; every energy attribute names its unit.

    A closed system fills the ``*_eV_per_atom`` attributes (per atom of the mixture) and leaves the
    ``*_eV_per_nonion_atom`` twins None; a system open to A fills those (grand potential per non-A
    atom of the mixture) and leaves the ``*_eV_per_atom`` ones None. The attributes are the JSON keys.
    Code that works in both modes reads ``*_eV_per_normalising_atom`` with ``energy_basis``.

    Attributes:
        x_atomic_a: Atomic fraction of reactant a (open: of a's atoms including A).
        x_molar_a: Fraction of reactant a in formula units.
        reaction_energy_kJ_per_mol: dE per mole of the printed reaction (kJ/mol), in both modes
            (open: the grand-potential change, the A of the printed reaction at mu_A = -V).
        products: Reduced formulas of the product phases.
        reaction: Balanced reaction, reactant coefficients x_molar and 1 - x_molar.
        reaction_energy_eV_per_atom: Closed: dE at the kink per atom of the mixture.
        mutual_reaction_energy_eV_per_atom: Closed: dE minus the mixing-weighted own decomposition energies.
        reaction_energy_eV_per_nonion_atom: Open: grand-potential dE per non-A atom of the mixture.
        mutual_reaction_energy_eV_per_nonion_atom: Open: that dE minus each reactant's own reaction
            with the reservoir (mixing-weighted).
        ion_uptake_per_nonion_atom: Open: A taken up (+) or released (-) per non-A atom of the
            mixture; d(reaction energy)/dV at fixed products.
        interphase: Character of the products (band gaps, verdict, volume change, interdiffusion);
            None when nothing reacts or when not annotated (:mod:`interfacestab.analyses.interphase`).
    """

    x_atomic_a: float
    x_molar_a: float
    reaction_energy_kJ_per_mol: float
    products: tuple[str, ...]
    reaction: str
    reaction_energy_eV_per_atom: float | None = None
    mutual_reaction_energy_eV_per_atom: float | None = None
    reaction_energy_eV_per_nonion_atom: float | None = None
    mutual_reaction_energy_eV_per_nonion_atom: float | None = None
    ion_uptake_per_nonion_atom: float | None = None
    interphase: Interphase | None = None

    def __post_init__(self) -> None:
        """Exactly one basis is filled: both closed energies, or both open energies and the uptake."""
        closed = (self.reaction_energy_eV_per_atom, self.mutual_reaction_energy_eV_per_atom)
        opened = (
            self.reaction_energy_eV_per_nonion_atom,
            self.mutual_reaction_energy_eV_per_nonion_atom,
            self.ion_uptake_per_nonion_atom,
        )
        if not (all(v is not None for v in closed) and all(v is None for v in opened)) and not (
            all(v is None for v in closed) and all(v is not None for v in opened)
        ):
            msg = "an interface kink needs the closed (_eV_per_atom) or the open (_eV_per_nonion_atom) energies"
            raise ValueError(msg)

    @property
    def open_system(self) -> bool:
        """Whether the kink is of a system open to A (its energies are per non-A atom)."""
        return self.reaction_energy_eV_per_nonion_atom is not None

    @property
    def energy_basis(self) -> EnergyBasis:
        """What the ``*_eV_per_normalising_atom`` values are per: an atom of the mixture or a non-A atom."""
        return EnergyBasis.NONION_ATOM if self.open_system else EnergyBasis.ATOM

    @property
    def reaction_energy_eV_per_normalising_atom(self) -> float:
        """The reaction energy in ``energy_basis`` (``reaction_energy_eV_per_atom`` or ``..._per_nonion_atom``)."""
        return basis_value(self.reaction_energy_eV_per_atom, self.reaction_energy_eV_per_nonion_atom)

    @property
    def mutual_reaction_energy_eV_per_normalising_atom(self) -> float:
        """The mutual dE in this kink's ``energy_basis``."""
        return basis_value(self.mutual_reaction_energy_eV_per_atom, self.mutual_reaction_energy_eV_per_nonion_atom)

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary; energy keys end in ``_eV_per_atom`` (closed) or ``_eV_per_nonion_atom`` (open)."""
        per = self.energy_basis.suffix
        out: dict[str, object] = {
            "x_atomic_a": self.x_atomic_a,
            "x_molar_a": self.x_molar_a,
            f"reaction_energy{per}": self.reaction_energy_eV_per_normalising_atom,
            "reaction_energy_kJ_per_mol": self.reaction_energy_kJ_per_mol,
            f"mutual_reaction_energy{per}": self.mutual_reaction_energy_eV_per_normalising_atom,
            "products": list(self.products),
            "reaction": self.reaction,
        }
        if self.ion_uptake_per_nonion_atom is not None:
            out["ion_uptake_per_nonion_atom"] = self.ion_uptake_per_nonion_atom
        out["interphase"] = None if self.interphase is None else self.interphase.to_dict()
        return out


def basis_value(closed: float | None, opened: float | None) -> float:
    """The one of a closed/open pair of values that is set."""
    value = opened if closed is None else closed
    assert value is not None, "an interface result has either its closed or its open energies"
    return value


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


def reactant_energy(
    points: PhasePoints,
    target: Target,
    vec: np.ndarray,
    use_entry: bool,
    hull: Callable[[PhasePoints, np.ndarray], float] = hull_energy,
) -> float:
    """A reactant's energy per atom: its data energy (``use_entry``) or the hull energy at its composition.

    ``hull`` computes that hull energy (default :func:`hull_energy`; a cache may stand in for it).
    """
    if use_entry and target.e_form_eV_per_atom is not None:
        return float(target.e_form_eV_per_atom)
    return hull(points, vec)


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
    if voltage_V is None:
        return InterfaceKink(
            x_atomic_a=float(x_atomic),
            x_molar_a=float(x_molar),
            reaction_energy_kJ_per_mol=float(energy * mixture_atoms * EV_TO_KJ_PER_MOL),
            products=tuple(sorted(products)),
            reaction=reaction_string(reactants, right),
            reaction_energy_eV_per_atom=float(energy),
            mutual_reaction_energy_eV_per_atom=float(mutual),
        )
    uptake = sum(w * points.ion_per_unit[i] / points.atoms_per_unit[i] for i, w in pt.weights.items()) - (
        m * a_per_atom[0] + (1 - m) * a_per_atom[1]
    )
    return InterfaceKink(
        x_atomic_a=float(x_atomic),
        x_molar_a=float(x_molar),
        reaction_energy_kJ_per_mol=float(energy * mixture_atoms * EV_TO_KJ_PER_MOL),
        products=tuple(sorted(products)),
        reaction=reaction_string(reactants, right),
        reaction_energy_eV_per_nonion_atom=float(energy),
        mutual_reaction_energy_eV_per_nonion_atom=float(mutual),
        ion_uptake_per_nonion_atom=float(uptake),
    )

"""The physics conventions of interfacestab, stated once (see docs/conventions.md).

Every analysis imports its constants and policies from here, and every report copies
:func:`conventions_summary` into its provenance so a reader sees which convention was used.
"""

from __future__ import annotations

from scipy.constants import physical_constants

#: Faraday constant expressed as kJ/mol per eV (1 eV per formula unit = 96.485 kJ/mol).
EV_TO_KJ_PER_MOL: float = physical_constants["electron volt"][0] * physical_constants["Avogadro constant"][0] / 1000.0

#: Mobile ions a window or interface can be open to, with their charge z.
ION_CHARGE: dict[str, int] = {"Li": 1, "Na": 1, "K": 1}

#: Stabilization offset: a metastable or virtual target is placed this far below the hull (eV/atom).
STABILIZATION_EPSILON_eV_per_atom: float = 1e-6

#: Formation-energy threshold below which an entry can be a hull vertex (pymatgen uses the same).
FORMATION_ENERGY_TOL_eV_per_atom: float = 1e-11

#: Barycentric weight below which a phase is not counted in a decomposition (pymatgen: 1e-8).
DECOMPOSITION_TOL: float = 1e-8

#: Voltage range treated as sensible for an applied voltage vs A/A+ (V).
VOLTAGE_RANGE_V: tuple[float, float] = (0.0, 10.0)

#: Voltages at which the window report gives the target's decomposition energy (V vs A/A+).
REPORT_VOLTAGES_V: tuple[float, float] = (0.0, 5.0)

VOLTAGE_CONVENTION = "V = -(mu_A - mu_A0)/z vs A/A+, mu_A0 = elemental A on the same hull (0 eV/atom)"
ENERGY_CONVENTION = "formation energies per atom; every element at 0 eV/atom on the same data set"
OPEN_NORMALISATION = "grand potential Phi = E - n_A*mu_A, per atom of non-A elements"
STAGE_LABELS = "each stage is labelled by both of its ends (voltage_low_V, voltage_high_V)"
MIXING_CONVENTION = (
    "x_atomic = atomic fraction of reactant a (each reactant normalised to 1 atom); x_molar in formula units"
)


#: Windows narrower than this (V) are flagged: almost always a composition stabilized onto a tie simplex.
NARROW_WINDOW_V: float = 1e-3

#: The three energy policies of a window target (the ``stabilization_policy`` field).
POLICY_STABILIZE = "stabilize"
POLICY_NO_STABILIZE = "no-stabilize"
POLICY_USER_ENERGY = "energy-above-hull"


def stabilization_policy(stabilize: bool, energy_above_hull_eV_per_atom: float | None = None) -> str:
    """The policy in force, decided here once.

    A user energy (``--energy-above-hull``) overrides ``stabilize``/``no-stabilize``: the target's
    energy is ``E_hull + value``, where ``E_hull`` is the hull energy at its composition with the
    data as they are (for a compound on the hull that is its own energy, so the value is applied
    to the compound's own energy), and the data's entries of that composition are replaced by it.
    ``stabilized`` is then True exactly when the value puts the target on the hull (value <= 0; 0
    keeps a hull compound at its own energy and places any other composition
    ``STABILIZATION_EPSILON`` below the hull so it is a vertex), as for the ``stabilize`` policy.
    """
    if energy_above_hull_eV_per_atom is not None:
        return POLICY_USER_ENERGY
    return POLICY_STABILIZE if stabilize else POLICY_NO_STABILIZE


def stabilization_text(stabilize: bool, energy_above_hull_eV_per_atom: float | None = None) -> str:
    """Human-readable statement of the policy in force (see :func:`stabilization_policy`)."""
    policy = stabilization_policy(stabilize, energy_above_hull_eV_per_atom)
    if policy == POLICY_USER_ENERGY:
        value = energy_above_hull_eV_per_atom
        return (
            f"energy-above-hull: target energy set to E_hull + {value:+g} eV/atom by the user, replacing the data's "
            f"entries of its composition (a value <= 0 puts it on the hull; for a compound on the hull the "
            f"value is applied to its own energy)"
        )
    if policy == POLICY_STABILIZE:
        return (
            f"stabilize: metastable/virtual target placed {STABILIZATION_EPSILON_eV_per_atom:g} eV/atom below the hull"
        )
    return "no-stabilize: data as they are (window of the target's equilibrium decomposition products)"


def conventions_summary(**extra: str) -> dict[str, str]:
    """Conventions every report carries in its provenance."""
    summary = {
        "energy": ENERGY_CONVENTION,
        "voltage": VOLTAGE_CONVENTION,
        "open_system": OPEN_NORMALISATION,
        "stages": STAGE_LABELS,
    }
    summary.update(extra)
    return summary

"""The physics conventions of interfacestab, stated once (see docs/conventions.md).

Every analysis imports its constants and policies from here, and every report copies
:func:`conventions_summary` into its provenance so a reader sees which convention was used.
This module imports nothing heavy (no numpy or scipy): the CLI reads its defaults for ``--help``.
"""

from __future__ import annotations

from enum import StrEnum

from interfacestab.errors import AnalysisError

# -- physical constants (SI 2019, exact) -------------------------------------------------------
#: Elementary charge (C).
ELEMENTARY_CHARGE_C: float = 1.602176634e-19
#: Avogadro constant (1/mol).
AVOGADRO_PER_MOL: float = 6.02214076e23
#: Faraday constant expressed as kJ/mol per eV (1 eV per formula unit = 96.485 kJ/mol).
EV_TO_KJ_PER_MOL: float = ELEMENTARY_CHARGE_C * AVOGADRO_PER_MOL / 1000.0

# -- the mobile ion and the voltage scale ------------------------------------------------------
#: Mobile ions a window or interface can be open to, with their charge z.
ION_CHARGE: dict[str, int] = {"Li": 1, "Na": 1, "K": 1}

#: Standard potential of each couple relative to Li/Li+, E(A/A+) - E(Li/Li+) in V: limits stated vs
#: Li/Li+ (the screening defaults) move by minus this on the A/A+ scale.
COUPLE_SHIFT_V: dict[str, float] = {"Li": 0.0, "Na": 0.33, "K": 0.11}


def ion_choices() -> str:
    """The supported ions as written in messages (``Li, Na, K``)."""
    return ", ".join(ION_CHARGE)


def check_ion(ion: str | None, *, what: str = "ion") -> str:
    """The ion, when it is one of :data:`ION_CHARGE`; the one message for any other.

    Raises:
        AnalysisError: ``"<what> must be one of Li, Na, K, not 'X'"``.
    """
    if ion is None or ion not in ION_CHARGE:
        msg = f"{what} must be one of {ion_choices()}, not '{ion}'"
        raise AnalysisError(msg)
    return ion


def voltage_from_mu(mu_eV: float, z: int = 1) -> float:
    """Voltage vs A/A+ (V) of an ion chemical potential relative to the metal: ``V = -mu / z``."""
    return -mu_eV / z


def mu_from_voltage(voltage_V: float, z: int = 1) -> float:
    """Ion chemical potential relative to the metal (eV) at a voltage vs A/A+: ``mu = -z V``."""
    return -voltage_V * z


# -- energies ------------------------------------------------------------------------------------
#: Stabilization offset: a metastable or virtual target is placed this far below the hull (eV/atom).
STABILIZATION_EPSILON_eV_per_atom: float = 1e-6

#: Formation-energy threshold below which an entry can be a hull vertex (pymatgen uses the same).
FORMATION_ENERGY_TOL_eV_per_atom: float = 1e-11

#: Barycentric weight below which a phase is not counted in a decomposition (pymatgen: 1e-8).
DECOMPOSITION_TOL: float = 1e-8

#: Energies (eV/atom) closer than this are equal; a smaller magnitude is reported as exactly 0.
ENERGY_NOISE_eV_per_atom: float = 1e-12

#: Amounts of the ion per formula unit closer than this to 0 are 0 (window stage reactions).
ION_AMOUNT_TOL: float = 1e-6

#: Reaction coefficients and atomic fractions closer than this are equal (interface reactions).
COMPOSITION_TOL: float = 1e-9

#: Voltages smaller than this in magnitude are reported as exactly 0 V.
ZERO_VOLTAGE_V: float = 1e-9

#: Relative tolerance on the ion content when locating the target among the breakpoints of its ray.
BREAKPOINT_RELATIVE_TOL: float = 1e-7

# -- voltages ----------------------------------------------------------------------------------
#: Voltage range treated as sensible for an applied voltage vs A/A+ (V).
VOLTAGE_RANGE_V: tuple[float, float] = (0.0, 10.0)

#: Voltages at which the window report gives the target's decomposition energy (V vs A/A+).
REPORT_VOLTAGES_V: tuple[float, float] = (0.0, 5.0)

#: Windows narrower than this (V) are flagged: almost always a composition stabilized onto a tie simplex.
NARROW_WINDOW_V: float = 1e-3

VOLTAGE_CONVENTION = "V = -(mu_A - mu_A0)/z vs A/A+, mu_A0 = elemental A on the same hull (0 eV/atom)"
ENERGY_CONVENTION = "formation energies per atom; every element at 0 eV/atom on the same data set"
OPEN_NORMALISATION = "grand potential Phi = E - n_A*mu_A, per atom of non-A elements"
STAGE_LABELS = "each stage is labelled by both of its ends (voltage_low_V, voltage_high_V)"
MIXING_CONVENTION = (
    "x_atomic = atomic fraction of reactant a (each reactant normalised to 1 atom); x_molar in formula units"
)

#: Version of the JSON results (``schema_version`` at the top level of every result's ``to_dict``).
SCHEMA_VERSION = "3"


# -- vocabulary -----------------------------------------------------------------------------
class StabilizationPolicy(StrEnum):
    """The three energy policies of a window target (the ``stabilization_policy`` field)."""

    STABILIZE = "stabilize"
    NO_STABILIZE = "no-stabilize"
    USER_ENERGY = "energy-above-hull"


class EnergySource(StrEnum):
    """Where a window target's energy came from (the ``energy_source`` field)."""

    DATA = "data"
    STABILIZED = "stabilized"
    VIRTUAL = "virtual"
    USER = "user"


POLICY_STABILIZE = StabilizationPolicy.STABILIZE
POLICY_NO_STABILIZE = StabilizationPolicy.NO_STABILIZE
POLICY_USER_ENERGY = StabilizationPolicy.USER_ENERGY


# -- coating-screen defaults (Xiao, Miara, Wang, Ceder, Joule 3 (2019) 1252) -------------------------
CRITERIA_CITATION = "Xiao, Miara, Wang, Ceder, Joule 3 (2019) 1252"
#: Largest e_above_hull of a coating (eV/atom); also the ``--auto`` filter.
SCREEN_MAX_E_ABOVE_HULL_eV_per_atom: float = 0.005
#: Highest reduction limit of a coating, V vs Li/Li+ (shifted by :data:`COUPLE_SHIFT_V` for Na, K).
SCREEN_MAX_REDUCTION_LIMIT_V: float = 2.7
#: Lowest oxidation limit of a coating, V vs Li/Li+ (shifted likewise).
SCREEN_MIN_OXIDATION_LIMIT_V: float = 4.0
#: Largest |reaction energy| with the electrolyte (eV/atom of the mixture, closed system).
SCREEN_MAX_ABS_ELECTROLYTE_REACTION_eV_per_atom: float = 0.1
#: Largest |reaction energy| with the cathode and the charged cathode (eV/atom of the mixture).
SCREEN_MAX_ABS_CATHODE_REACTION_eV_per_atom: float = 0.1
#: Scales dividing the margins in the score.
SCREEN_SCALE_E_ABOVE_HULL_eV_per_atom: float = 0.025
SCREEN_SCALE_VOLTAGE_V: float = 0.5
SCREEN_SCALE_REACTION_eV_per_atom: float = 0.05
#: Margin given to the oxidation criterion of a candidate without the ion (it cannot be oxidised).
SCREEN_NO_ION_OXIDATION_MARGIN: float = 10.0

# -- anode-interlayer screen defaults (``screen --anode``) -----------------------------------------
#: Where the anode criteria come from: only phases whose reduction limit reaches the anode's potential
#: are thermodynamically stable against it (Zhu, He, Mo 2015 find that only a few binary Li
#: compounds, e.g. LiF, Li3N, Li2O, LiCl, reach 0 V), and the reaction-energy criterion of Xiao et al.
#: is applied to the anode side as to the cathode side.
ANODE_CRITERIA_CITATION = (
    "Zhu, He, Mo, ACS Appl. Mater. Interfaces 7 (2015) 23685 (reduction limit at the anode potential); "
    "Xiao, Miara, Wang, Ceder, Joule 3 (2019) 1252 (reaction-energy thresholds)"
)
#: How far (V) an interlayer's reduction limit may lie above the anode's potential: none. The interlayer must
#: be thermodynamically stable in contact with the anode, as the coating must be at the cathode's voltage.
SCREEN_ANODE_REDUCTION_TOLERANCE_V: float = 0.0
#: Largest |reaction energy| of an interlayer with the anode (eV/atom of the mixture, closed system): the
#: same threshold as with the cathode (Xiao et al. 2019), here against the metal or alloy.
SCREEN_MAX_ABS_ANODE_REACTION_eV_per_atom: float = 0.1


def screen_voltage_limits_V(ion: str) -> tuple[float, float]:
    """(highest reduction limit, lowest oxidation limit) of a coating vs A/A+ for ``ion``."""
    shift = COUPLE_SHIFT_V.get(ion, 0.0)
    return SCREEN_MAX_REDUCTION_LIMIT_V - shift, SCREEN_MIN_OXIDATION_LIMIT_V - shift


def score_rule_text(
    scale_e_above_hull_eV_per_atom: float = SCREEN_SCALE_E_ABOVE_HULL_eV_per_atom,
    scale_voltage_V: float = SCREEN_SCALE_VOLTAGE_V,
    scale_reaction_eV_per_atom: float = SCREEN_SCALE_REACTION_eV_per_atom,
) -> str:
    """How a screen's score is computed (the ``score_rule`` of its JSON)."""
    return (
        f"min over criteria of margin/scale (e_above_hull: {scale_e_above_hull_eV_per_atom:g} eV/atom, "
        f"voltages: {scale_voltage_V:g} V, reaction energies: {scale_reaction_eV_per_atom:g} eV/atom); "
        "positive means every criterion passes; ties broken by mean_margin"
    )


def _volts_text(value: float) -> str:
    text = f"{value:.2f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def screen_limit_help(which: str) -> str:
    """``default 2.7 vs Li/Li+; Na 2.37, K 2.59``: the default of a voltage limit (``reduction`` or ``oxidation``)."""
    index = 0 if which == "reduction" else 1
    others = ", ".join(f"{a} {_volts_text(screen_voltage_limits_V(a)[index])}" for a in ION_CHARGE if a != "Li")
    return f"default {_volts_text(screen_voltage_limits_V('Li')[index])} vs Li/Li+; {others}"


def stabilization_policy(stabilize: bool, energy_above_hull_eV_per_atom: float | None = None) -> StabilizationPolicy:
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


# -- capacity and normalisations of window reports (docs/conventions.md, "Capacity") ----------------
#: Faraday constant (C/mol), exact from the SI 2019 constants.
FARADAY_C_PER_MOL: float = ELEMENTARY_CHARGE_C * AVOGADRO_PER_MOL
#: Coulombs in one mAh.
COULOMB_PER_mAh: float = 3.6
CAPACITY_CONVENTION = (
    "capacity_mAh_per_g = |ion exchanged per formula unit| * z * F / (3.6 * M), M = molar mass of the target "
    "(pymatgen atomic masses), per gram of the target as it was before any exchange"
)
#: Highest voltage of the window profile and plot by default (V vs A/A+): ``--max-voltage``.
DEFAULT_MAX_VOLTAGE_V: float = REPORT_VOLTAGES_V[1]
#: Allowed ``--max-voltage`` (V vs A/A+): it only extends the profile above the default. A lower top would
#: cut oxidation stages short and change their decomposition energies from those of the standard 0-5 V report.
MAX_VOLTAGE_RANGE_V: tuple[float, float] = (DEFAULT_MAX_VOLTAGE_V, VOLTAGE_RANGE_V[1])


def capacity_mAh_per_g(ion_per_formula_unit: float, molar_mass_g_per_mol: float, z: int = 1) -> float:
    """Charge of ``|ion_per_formula_unit|`` ions of charge ``z`` per formula unit, in mAh per gram of the target."""
    return abs(ion_per_formula_unit) * z * FARADAY_C_PER_MOL / COULOMB_PER_mAh / molar_mass_g_per_mol


#: A voltage within this of a stage boundary (V) is on the transition: both neighbouring stages are reported.
TRANSITION_MATCH_TOL_V: float = 1e-6

#: The fixed caveats every window report carries (``caveats`` in JSON and CSV; a section in tables), as (key, text).
WINDOW_CAVEATS: tuple[tuple[str, str], ...] = (
    (
        "thermodynamics",
        "0 K thermodynamics from DFT formation energies on one hull: no temperature, entropy or "
        "correction-scheme uncertainty",
    ),
    (
        "kinetics",
        "kinetics and passivation are not modelled: a decomposition that forms a passivating interphase can "
        "let a cell run well beyond the computed window",
    ),
    (
        "measurements",
        "measured windows from semi-blocking cells (an ion-blocking metal electrode, small contact area) "
        "overestimate the window; electrolyte-carbon composite electrodes come closer to the computed limits",
    ),
)
#: The thermodynamics caveat of a window sampled with ``--sigma`` (it replaces the first of WINDOW_CAVEATS).
WINDOW_SAMPLED_THERMODYNAMICS_CAVEAT: tuple[str, str] = (
    "thermodynamics",
    "0 K thermodynamics from DFT formation energies on one hull: no temperature or entropy; the interval "
    "covers formation-energy errors under the stated model only (sigma per compound, with a part shared per "
    "corrected element or, under mp2020, per MP2020 correction), not errors outside it",
)
# -- interphase character of products (docs/conventions.md, "Interphase character") ----------------
#: A band gap at or below this (eV) is metallic: MP stores 0 for a phase metallic in GGA/GGA+U, and the
#: experimental sets give metals 0 (Dunn et al. 2020; Zhuo, Mansouri Tehrani, Brgoch 2018).
METAL_MAX_GAP_eV: float = 0.0
#: A semiconductor whose largest known gap is at or below this (eV) conducts electrons well enough to
#: keep an interphase growing (small-gap phase; Na3P at 0.40 eV in MP PBE is one): the interphase is
#: ``mixed-conducting``. Even allowing for the GGA underestimate (true gap up to ~1.5x), such a gap
#: stays under ~0.75 eV, where thermally excited carriers and defect states are significant.
SMALL_GAP_MAX_eV: float = 0.5
#: A phase whose smallest known gap is at least this (eV) is an electronic insulator. With the GGA/PBE
#: underestimate of 30-50 % a 2 eV PBE gap is 3-4 eV in reality (Li2S: 2.7-3.9 eV PBE); between
#: :data:`SMALL_GAP_MAX_eV` and this the verdict is ``uncertain`` rather than a guess.
INSULATOR_MIN_GAP_eV: float = 2.0
#: What the thresholds are applied to, stated with every verdict.
GGA_GAP_NOTE = (
    "GGA/PBE band gaps (Materials Project) underestimate measured gaps, typically by 30-50 %; "
    "experimental and user gaps are preferred where known"
)
#: Band-gap gate of a coating in a screen (eV): the coating itself must be an electronic insulator.
#: Xiao, Miara, Wang, Ceder (Joule 3, 1252 (2019)) required electronically insulating coatings by a
#: band-gap criterion; the value used here is this project's insulator threshold
#: (:data:`INSULATOR_MIN_GAP_eV`), stated as ours.
SCREEN_MIN_COATING_BAND_GAP_eV: float = INSULATOR_MIN_GAP_eV

#: Elemental gases (reduced formulas) a reaction can evolve (O2 and F2 from oxides and fluorides oxidized,
#: Cl2, N2, H2): an evolved gas leaves the interface and forms no layer, so it is not counted in an
#: interphase verdict (listed under ``not_counted`` with the reason ``gas``); a reaction that evolves only
#: gases forms no solid layer at all (verdict ``no-layer``).
INTERPHASE_GASES: frozenset[str] = frozenset({"H2", "N2", "O2", "F2", "Cl2"})

#: Well-documented fast alkali-ion conductors (reduced formula -> reference), flagged as ion
#: conductors when they appear as products or coatings; a user's ``ion_conductor`` value overrides.
ION_CONDUCTORS: dict[str, str] = {
    "Li10GeP2S12": "Kamaya et al., Nat. Mater. 10, 682 (2011)",
    "Li6PS5Cl": "Deiseroth et al., Angew. Chem. Int. Ed. 47, 755 (2008)",
    "Li7P3S11": "Seino et al., Energy Environ. Sci. 7, 627 (2014)",
    "Li3PS4": "Liu et al., J. Am. Chem. Soc. 135, 975 (2013)",
    "Li3N": "Alpen, Rabenau, Talat, Appl. Phys. Lett. 30, 621 (1977)",
    "Li7La3Zr2O12": "Murugan, Thangadurai, Weppner, Angew. Chem. Int. Ed. 46, 7778 (2007)",
    "Li3YCl6": "Asano et al., Adv. Mater. 30, 1803075 (2018)",
    "Na3PS4": "Hayashi, Noi, Sakuda, Tatsumisago, Nat. Commun. 3, 856 (2012)",
    "Na3Zr2Si2PO12": "Goodenough, Hong, Kafalas, Mater. Res. Bull. 11, 203 (1976)",
}


def interphase_thresholds_text(
    metal_max_gap_eV: float = METAL_MAX_GAP_eV,
    small_gap_max_eV: float = SMALL_GAP_MAX_eV,
    insulator_min_gap_eV: float = INSULATOR_MIN_GAP_eV,
) -> str:
    """The electronic classes and verdicts in words (the ``interphase`` convention of a report)."""
    return (
        f"metal: gap <= {metal_max_gap_eV:g} eV or an experimental metal label; insulator: gap >= "
        f"{insulator_min_gap_eV:g} eV; semiconductor in between (a polymorph range across a threshold: "
        f"uncertain); interphase passivating if every product is an insulator, mixed-conducting if any "
        f"is a metal or has a gap <= {small_gap_max_eV:g} eV, else uncertain; evolved elemental gases "
        f"({', '.join(sorted(INTERPHASE_GASES))}) form no layer and are not counted (only gases: no-layer); "
        f"{GGA_GAP_NOTE}"
    )

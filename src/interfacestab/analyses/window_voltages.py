"""The equilibrium of a window's target at chosen voltages (``interfacestab window --at V``).

Everything is read off the window's profile: the stage that holds the voltage gives the phases,
the balanced reaction with the ion, the ion exchanged and its capacity (both counted from the
target); the decomposition energy is linear in V inside a stage,
``dPhi(V) = dPhi(V_low) + (V - V_low) * n_A / n_nonA`` (per non-A atom), so it needs no new hull.
A voltage on a stage boundary (within :data:`~interfacestab.conventions.TRANSITION_MATCH_TOL_V`)
is a transition: both neighbouring stages are reported.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from interfacestab.conventions import TRANSITION_MATCH_TOL_V, VOLTAGE_RANGE_V
from interfacestab.errors import AnalysisError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from interfacestab.analyses.window import StabilityWindow, WindowStage


@dataclass(frozen=True, slots=True)
class StageAtVoltage:
    """The target's equilibrium in one stage at a chosen voltage.

    Attributes:
        stage_voltage_low_V: Lower end of the stage that holds the voltage (V vs A/A+).
        stage_voltage_high_V: Its upper end (None when open-ended).
        phases: Reduced formulas of the phases in equilibrium.
        reaction: Balanced reaction from the target (with A) to the phases.
        ion_per_formula_unit: A taken up (+) or released (-) per formula unit of the target.
        cumulative_capacity_mAh_per_g: All A exchanged from the target to this stage as charge, mAh per gram of
            the target (the stage's ``cumulative_capacity_mAh_per_g``, not the step into it).
        decomposition_energy_eV_per_nonion_atom: Grand-potential decomposition energy of the target at
            the voltage, per non-A atom (0 inside the window).
        decomposition_energy_eV_per_target_atom: The same per atom of the target.
        is_window: Whether the stage is the target's own window.
    """

    stage_voltage_low_V: float
    stage_voltage_high_V: float | None
    phases: tuple[str, ...]
    reaction: str
    ion_per_formula_unit: float
    cumulative_capacity_mAh_per_g: float
    decomposition_energy_eV_per_nonion_atom: float
    decomposition_energy_eV_per_target_atom: float
    is_window: bool

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary keyed by field name."""
        return {
            "stage_voltage_low_V": self.stage_voltage_low_V,
            "stage_voltage_high_V": self.stage_voltage_high_V,
            "phases": list(self.phases),
            "reaction": self.reaction,
            "ion_per_formula_unit": self.ion_per_formula_unit,
            "cumulative_capacity_mAh_per_g": self.cumulative_capacity_mAh_per_g,
            "decomposition_energy_eV_per_nonion_atom": self.decomposition_energy_eV_per_nonion_atom,
            "decomposition_energy_eV_per_target_atom": self.decomposition_energy_eV_per_target_atom,
            "is_window": self.is_window,
        }


@dataclass(frozen=True, slots=True)
class AtVoltage:
    """The target's equilibrium at one voltage: one stage, or both neighbours on a transition."""

    voltage_V: float
    on_transition: bool
    stable: bool
    equilibria: tuple[StageAtVoltage, ...]

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary keyed by field name."""
        return {
            "voltage_V": self.voltage_V,
            "on_transition": self.on_transition,
            "stable": self.stable,
            "equilibria": [e.to_dict() for e in self.equilibria],
        }


def check_voltage(voltage_V: float, *, what: str = "voltage") -> float:
    """A finite voltage vs A/A+ in :data:`~interfacestab.conventions.VOLTAGE_RANGE_V`.

    Raises:
        AnalysisError: for anything else.
    """
    low, high = VOLTAGE_RANGE_V
    if not math.isfinite(voltage_V) or not low <= voltage_V <= high:
        msg = f"{what} must be a finite number from {low:g} to {high:g} V vs A/A+, not {voltage_V:g}"
        raise AnalysisError(msg)
    return float(voltage_V)


def _n_nonion(window: StabilityWindow) -> float:
    return float(sum(a for el, a in window.composition.items() if el != window.ion))


def _in_stage(stage: WindowStage, voltage_V: float) -> bool:
    high = math.inf if stage.voltage_high_V is None else stage.voltage_high_V
    return stage.voltage_low_V - TRANSITION_MATCH_TOL_V <= voltage_V <= high + TRANSITION_MATCH_TOL_V


def _stage_at(window: StabilityWindow, stage: WindowStage, voltage_V: float) -> StageAtVoltage:
    n_non = _n_nonion(window)
    n_all = float(sum(window.composition.values()))
    slope = stage.ion_per_formula_unit / n_non  # d(dPhi)/dV per non-A atom
    energy = stage.decomposition_energy_low_eV_per_nonion_atom + (voltage_V - stage.voltage_low_V) * slope
    return StageAtVoltage(
        stage_voltage_low_V=stage.voltage_low_V,
        stage_voltage_high_V=stage.voltage_high_V,
        phases=stage.phases,
        reaction=stage.reaction,
        ion_per_formula_unit=stage.ion_per_formula_unit,
        cumulative_capacity_mAh_per_g=stage.cumulative_capacity_mAh_per_g,
        decomposition_energy_eV_per_nonion_atom=float(energy),
        decomposition_energy_eV_per_target_atom=float(energy * n_non / n_all),
        is_window=stage.is_window,
    )


def equilibrium_at(window: StabilityWindow, voltage_V: float) -> AtVoltage:
    """The target's equilibrium at ``voltage_V`` (V vs A/A+), read off the window's profile.

    Raises:
        AnalysisError: for a voltage that is not a finite number in 0-10 V.
    """
    voltage_V = check_voltage(voltage_V)
    stages = [s for s in window.profile if _in_stage(s, voltage_V)]
    boundaries = [s.voltage_low_V for s in window.profile if s.voltage_low_V > 0.0]
    on_transition = any(abs(voltage_V - b) <= TRANSITION_MATCH_TOL_V for b in boundaries)
    high = math.inf if window.oxidation_limit_V is None else window.oxidation_limit_V
    stable = window.reduction_limit_V - TRANSITION_MATCH_TOL_V <= voltage_V <= high + TRANSITION_MATCH_TOL_V
    return AtVoltage(voltage_V, on_transition, stable, tuple(_stage_at(window, s, voltage_V) for s in stages))


def with_voltages(window: StabilityWindow, voltages_V: Iterable[float]) -> StabilityWindow:
    """``window`` with its equilibria at each of ``voltages_V`` (in the order given) in ``at_voltages``."""
    from dataclasses import replace

    return replace(window, at_voltages=tuple(equilibrium_at(window, v) for v in voltages_V))

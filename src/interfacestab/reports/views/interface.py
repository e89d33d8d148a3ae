"""Report of an interface reaction profile: the most negative reaction, the kinks, the reactant energies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from interfacestab.reports import plots
from interfacestab.reports.format import (
    fmt_energy,
    fmt_fraction,
    fmt_kJ_per_mol,
    fmt_phases,
    fmt_voltage,
    interface_energy_unit,
    mark,
    provenance_lines,
)
from interfacestab.reports.model import Column, Item, Report, Row, Section, Table
from interfacestab.reports.registry import View, register
from interfacestab.reports.views.interphase_text import (
    VERDICT_COLUMN,
    VERDICT_LEGEND,
    interphase_item,
    verdict_cell,
)
from interfacestab.reports.views.uncertainty import interface_uncertainty_items, interface_uncertainty_legend

if TYPE_CHECKING:
    from interfacestab.analyses.interface import InterfaceProfile


def interface_system_text(result: InterfaceProfile) -> str:
    """``closed system`` or ``open to Li at 4.00 V vs Li/Li+``."""
    if result.voltage_V is None:
        return "closed system"
    return f"open to {result.ion} at {fmt_voltage(result.voltage_V)} V vs {result.ion}/{result.ion}+"


def _head(result: InterfaceProfile, unit: str) -> tuple[Item, ...]:
    m, mm = result.minimum, result.mutual_minimum
    items = [
        Item("system", interface_system_text(result)),
        Item(
            "most negative",
            f"{fmt_energy(m.reaction_energy_eV_per_normalising_atom)} {unit} "
            f"({fmt_kJ_per_mol(m.reaction_energy_kJ_per_mol)} kJ/mol) at x_atomic = {fmt_fraction(m.x_atomic_a)}, "
            f"x_molar = {fmt_fraction(m.x_molar_a)}",
            emphasis=True,
        ),
        Item("products", fmt_phases(m.products), m.reaction),
        Item("mutual at it", f"{fmt_energy(m.mutual_reaction_energy_eV_per_normalising_atom)} {unit}"),
    ]
    if mm != m:
        items.append(
            Item(
                "most negative mutual",
                f"{fmt_energy(mm.mutual_reaction_energy_eV_per_normalising_atom)} {unit} at x_atomic = "
                f"{fmt_fraction(mm.x_atomic_a)} → {fmt_phases(mm.products)} (the reactants' own reactions "
                "with the reservoir removed)",
                emphasis=True,
            )
        )
    items += interface_uncertainty_items(result, unit)
    return tuple(items)


def charged_text(result: InterfaceProfile) -> str:
    """``LiCoO2 charged to 4.2 V`` when reactant B is a cathode charged to a voltage, else empty."""
    charged = result.charged_b
    if not charged:
        return ""
    return f"{charged['cathode']} charged to {float(charged['voltage_V']):g} V"  # type: ignore[arg-type]


def _charged_head(result: InterfaceProfile) -> tuple[Item, ...]:
    """Reactant B as a cathode charged to a voltage (``--charge-voltage``): its equilibrium assemblage."""
    charged = result.charged_b
    if not charged:
        return ()
    ion = charged.get("ion", result.ion)
    phases = " + ".join(str(p) for p in charged.get("phases", ()))  # type: ignore[attr-defined]
    return (
        Item(
            "charged cathode",
            f"{charged_text(result)} vs {ion}/{ion}+: its equilibrium assemblage there, {result.reactant_b} ({phases})",
        ),
    )


def _interphase_head(result: InterfaceProfile) -> tuple[Item, ...]:
    """The interphase at the minimum: verdict, products' gaps and flags, volume change, interdiffusion."""
    if result.minimum.interphase is None:
        return ()
    return (interphase_item("interphase", result.minimum.interphase),)


def interface_report(result: InterfaceProfile, *, top: int | None = None) -> Report:
    """The report of an interface reaction profile (``top`` is not used)."""
    unit = interface_energy_unit(result)
    per = result.energy_basis.suffix  # the CSV column of this mode
    columns = (
        Column(("x_atomic_a",), "x_atomic", align="right"),
        Column(("x_molar_a",), "x_molar", align="right"),
        Column((f"reaction_energy{per}",), "dE", unit, align="right"),
        Column(("reaction_energy_kJ_per_mol",), "dE", "kJ/mol", align="right"),
        Column((f"mutual_reaction_energy{per}",), "mutual", unit, align="right"),
        Column(("reaction",), "reaction", wrap=True),
        VERDICT_COLUMN,
        Column(("is_minimum",), ""),
    )
    rows = tuple(
        Row(
            (
                fmt_fraction(k.x_atomic_a),
                fmt_fraction(k.x_molar_a),
                fmt_energy(k.reaction_energy_eV_per_normalising_atom),
                fmt_kJ_per_mol(k.reaction_energy_kJ_per_mol),
                fmt_energy(k.mutual_reaction_energy_eV_per_normalising_atom),
                k.reaction,
                verdict_cell(k.interphase),
                mark(k == result.minimum),
            ),
            emphasis=k == result.minimum,
        )
        for k in result.kinks
    )
    legend = (
        "◀ the most negative reaction energy",
        "x_atomic: atomic fraction of A (each reactant normalised to one atom); x_molar: in formula units",
        "mutual: dE minus the reactants' own decomposition"
        + ("" if result.voltage_V is None else " with the reservoir"),
        "kJ/mol: per mole of the printed reaction (reactant coefficients x_molar and 1 - x_molar)",
        VERDICT_LEGEND,
        *interface_uncertainty_legend(result),
    )
    basis = "entry energies as stored" if result.use_entry_energies else "hull (stabilized) energies"
    no_mixing = result.no_mixing_energies_eV_per_normalising_atom
    energies = [Item(f"no-mixing {f}", f"{fmt_energy(e)} {unit}") for f, e in no_mixing.items()]
    energies.append(
        Item(
            "reactant energies",
            f"{result.reactant_a} {fmt_energy(result.energy_a_eV_per_normalising_atom)}, "
            f"{result.reactant_b} {fmt_energy(result.energy_b_eV_per_normalising_atom)} {unit} ({basis})",
        )
    )
    return Report(
        title=f"{result.reactant_a} | {result.reactant_b}"
        + (f" ({charged_text(result)})" if result.charged_b else "")
        + ": interface reactions",
        head=(*_head(result, unit), *_interphase_head(result), *_charged_head(result)),
        tables=(Table(f"kinks of the reaction energy (x = fraction of {result.reactant_a})", columns, rows),),
        legend=legend,
        sections=(Section("reactants", tuple(energies)),),
        notes=tuple(result.notes),
        provenance=provenance_lines(result.provenance),
    )


register(View("interfacestab.analyses.interface.InterfaceProfile", interface_report, plots.interface_figure))

"""Report of an interface matrix: electrolytes x electrodes graded by reaction energy, then every pair in full."""

from __future__ import annotations

from typing import TYPE_CHECKING

from interfacestab.reports.format import (
    fmt_energy,
    fmt_fraction,
    fmt_kJ_per_mol,
    fmt_phases,
    fmt_voltage,
    provenance_lines,
)
from interfacestab.reports.model import Column, Report, Row, Table
from interfacestab.reports.registry import View, register
from interfacestab.reports.views.uncertainty import matrix_cell_interval_text, matrix_uncertainty_legend

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from interfacestab.analyses.matrix import InterfaceMatrix, MatrixCell

#: Tone bounds of a cell (eV per atom or per non-A atom): at or above the first (down to -0.1, the
#: coating screen's cathode-reaction criterion after Xiao et al. 2019) ``good``; down to the second ``warn``;
#: below it ``bad``.
TONE_BOUNDS_eV = (-0.1, -0.3)
ERROR_TEXT = "error"


def graded_energy(result: InterfaceMatrix, cell: MatrixCell) -> float | None:
    """The energy a cell is graded and coloured by: closed the minimum reaction energy, open the mutual one.

    Open to the ion at a voltage the total energy is dominated by each reactant's own reaction with
    the reservoir (an electrolyte oxidised at 4 V reacts with anything); the mutual energy is the
    interface's own.
    """
    if result.open_system:
        return cell.most_negative_mutual_reaction_energy_eV_per_normalising_atom
    return cell.reaction_energy_eV_per_normalising_atom


def tone(value: float | None) -> str:
    """``good``, ``warn`` or ``bad`` by :data:`TONE_BOUNDS_eV`; ``""`` without a value."""
    if value is None:
        return ""
    return "good" if value >= TONE_BOUNDS_eV[0] else "warn" if value >= TONE_BOUNDS_eV[1] else "bad"


def energy_unit(result: InterfaceMatrix) -> str:
    """``eV/atom`` (closed) or ``eV/non-Li atom`` (open)."""
    return f"eV/non-{result.ion} atom" if result.open_system else "eV/atom"


def grid_cell_text(result: InterfaceMatrix, cell: MatrixCell) -> str:
    """Closed: the minimum reaction energy; open: ``total / mutual``; ``error`` for a failed pair."""
    if cell.error:
        return ERROR_TEXT
    if cell.uncertainty is not None:  # --sigma: the point value and its interval
        return matrix_cell_interval_text(cell)
    if result.open_system:
        return (
            f"{fmt_energy(cell.reaction_energy_eV_per_normalising_atom)} / "
            f"{fmt_energy(cell.most_negative_mutual_reaction_energy_eV_per_normalising_atom)}"
        )
    return fmt_energy(cell.reaction_energy_eV_per_normalising_atom)


def _grid(result: InterfaceMatrix) -> Table:
    per = "_eV_per_nonion_atom" if result.open_system else "_eV_per_atom"
    fields = (f"reaction_energy{per}",) + (
        (f"most_negative_mutual_reaction_energy{per}",) if result.open_system else ()
    )
    columns = [Column(("electrolyte",), "electrolyte", key=True)]
    columns += [Column(fields, name, align="right") for name in result.electrodes]
    n = len(result.electrodes)
    rows = []
    for i, name in enumerate(result.electrolytes):
        cells = result.cells[i * n : (i + 1) * n]
        rows.append(
            Row(
                (name, *(grid_cell_text(result, c) for c in cells)),
                tones=("", *(tone(graded_energy(result, c)) for c in cells)),
            )
        )
    what = "most negative reaction energy, total / mutual" if result.open_system else "minimum reaction energy"
    return Table(f"{what} ({energy_unit(result)}): electrolytes x electrodes", tuple(columns), tuple(rows))


def _pairs(result: InterfaceMatrix) -> Table:
    per = "_eV_per_nonion_atom" if result.open_system else "_eV_per_atom"
    unit = energy_unit(result)
    columns = [
        Column(("electrolyte",), "electrolyte", key=True),
        Column(("electrode", "electrode_formula"), "electrode", key=True),
        Column((f"reaction_energy{per}",), "dE min", unit, align="right"),
        Column(("reaction_energy_kJ_per_mol",), "dE min", "kJ/mol", align="right"),
        Column(("x_atomic_electrolyte",), "x atomic", align="right"),
        Column(("x_molar_electrolyte",), "x molar", align="right"),
    ]
    if result.open_system:
        columns.append(Column((f"most_negative_mutual_reaction_energy{per}",), "mutual min", unit, align="right"))
    columns.append(Column(("products", "error"), "products at the minimum", wrap=True))
    columns.append(Column(("interphase_summary", "interdiffusion_products"), "interphase at the minimum", wrap=True))
    columns += interval_columns(result)
    rows = []
    for c in result.cells:
        electrode = (
            c.electrode
            if not c.electrode_formula or c.electrode_formula == c.electrode
            else (f"{c.electrode} ({c.electrode_formula})")
        )
        if c.error:
            extra = len(interval_columns(result))
            blank = ["–"] * (len(columns) - 3 - extra)
            rows.append(Row((c.electrolyte, electrode, *blank[:-1], f"error: {c.error}", "–", *["–"] * extra)))
            continue
        assert c.reaction_energy_kJ_per_mol is not None
        assert c.x_atomic_electrolyte is not None
        assert c.x_molar_electrolyte is not None
        cells = [
            c.electrolyte,
            electrode,
            fmt_energy(c.reaction_energy_eV_per_normalising_atom),
            fmt_kJ_per_mol(c.reaction_energy_kJ_per_mol),
            fmt_fraction(c.x_atomic_electrolyte),
            fmt_fraction(c.x_molar_electrolyte),
        ]
        if result.open_system:
            cells.append(fmt_energy(c.most_negative_mutual_reaction_energy_eV_per_normalising_atom))
        cells.append(fmt_phases(c.products))
        cells.append(interphase_text(c))
        cells += interval_cells(result, c)
        rows.append(Row(tuple(cells)))
    return Table("every pair", tuple(columns), tuple(rows))


def _legend(result: InterfaceMatrix) -> tuple[str, ...]:
    ion = result.ion
    lines = [
        "each cell is `interfacestab interface ELECTROLYTE ELECTRODE`: the electrolyte is reactant a, x its "
        "fraction (atomic: of the atoms; molar: of the formula units) at the most negative reaction energy",
    ]
    if result.open_system:
        lines.append(
            f"open to {ion} at {fmt_voltage(result.voltage_V)} V vs {ion}/{ion}+: total = the most negative grand-"
            f"potential reaction energy; mutual = the most negative one with each reactant's own reaction with the "
            f"{ion} reservoir removed (the interface's own), which grades the cells"
        )
    else:
        lines.append("closed system; reactants at their hull (stabilized) energies")
    if result.state_of_charge is not None:
        lines.append(
            f"electrodes at state of charge {result.state_of_charge:g}: that fraction of their {ion} removed "
            "first (the electrode column names the composition reacted)"
        )
    lines += _charged_lines(result)
    lines += _interphase_legend(result)
    lines += matrix_uncertainty_legend(result)
    good, bad = TONE_BOUNDS_eV
    lines.append(
        f"colours: green ≥ {good:g}, yellow {good:g} to {bad:g}, red < {bad:g} {energy_unit(result)} "
        f"({good:g} is the coating screen's cathode-reaction criterion)"
    )
    failed = result.failed
    if failed:
        lines.append(f"{len(failed)} of {len(result.cells)} pairs could not be computed (error)")
    return tuple(lines)


def interval_columns(result: InterfaceMatrix) -> list[Column]:
    """With ``--sigma``: the interval of each pair's minimum and how often its products are the minimum's."""
    if result.uncertainty is None:
        return []
    per = "_eV_per_nonion_atom" if result.open_system else "_eV_per_atom"
    share = f"{result.uncertainty.confidence * 100:g}%"
    return [
        Column((f"minimum_reaction_energy_low{per}", f"minimum_reaction_energy_high{per}"), f"dE min {share} interval",
               energy_unit(result), align="right"),
        Column(("point_products_frequency",), "products at the minimum in the samples", wrap=True),
    ]  # fmt: skip


def interval_cells(result: InterfaceMatrix, cell: MatrixCell) -> list[str]:
    """The cells of :func:`interval_columns` for one computed pair."""
    from interfacestab.reports.views.uncertainty import matrix_cell_interval_cells

    if result.uncertainty is None:
        return []
    return matrix_cell_interval_cells(cell)


def interphase_text(cell: MatrixCell) -> str:
    """A cell's interphase: the summary and the interdiffusion products; ``none (no reaction)`` without one."""
    if not cell.interphase_verdict:
        return "none (no reaction)"
    if cell.interdiffusion_products:
        return f"{cell.interphase_summary}; interdiffusion: {', '.join(cell.interdiffusion_products)}"
    return cell.interphase_summary


def _interphase_legend(result: InterfaceMatrix) -> list[str]:
    """What the interphase column means and the band-gap thresholds it uses."""
    from interfacestab.analyses.interphase import DEFAULT_THRESHOLDS

    del result
    return [
        "interphase at the minimum (as `interface` reports it; reactants left over and the ion metal not counted): "
        f"{DEFAULT_THRESHOLDS.text()}; interdiffusion: a product carrying one reactant's transition metal into the "
        "other's framework (anion) elements"
    ]


def _charged_lines(result: InterfaceMatrix) -> list[str]:
    """With a charge voltage: what every electrode reacted as (its equilibrium assemblage at that voltage)."""
    if result.charge_voltage_V is None:
        return []
    ion = result.ion
    lines = [
        f"electrodes charged to {fmt_voltage(result.charge_voltage_V)} V vs {ion}/{ion}+ first: each reacts as its "
        "equilibrium phase assemblage at that voltage on the same hull (the electrode column names the composition)"
    ]
    for c in result.charged_electrodes:
        if "error" in c:
            lines.append(f"{c['electrode']} could not be charged: {c['error']}")
        else:
            phases = ", ".join(str(p) for p in c["phases"])  # type: ignore[attr-defined]
            lines.append(f"charged {c['electrode']} -> {c['formula']} (phases: {phases})")
    return lines


def matrix_report(result: InterfaceMatrix, *, top: int | None = None) -> Report:
    """The report of an interface matrix (``top`` is not used)."""
    system = "closed" if not result.open_system else f"open to {result.ion} at {fmt_voltage(result.voltage_V)} V"
    return Report(
        title=f"interface matrix: {len(result.electrolytes)} electrolytes x {len(result.electrodes)} electrodes, "
        f"{system}",
        tables=(_grid(result), _pairs(result)),
        legend=_legend(result),
        notes=result.notes,
        provenance=provenance_lines(result.provenance),
    )


def matrix_figure(result: InterfaceMatrix, *, top: int | None = None) -> Figure:
    """The heatmap (drawn by :func:`interfacestab.reports.matrix_plot.matrix_heatmap`)."""
    from interfacestab.reports.matrix_plot import matrix_heatmap

    return matrix_heatmap(result)


register(View("interfacestab.analyses.matrix.InterfaceMatrix", matrix_report, matrix_figure))

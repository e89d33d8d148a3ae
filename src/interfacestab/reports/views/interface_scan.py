"""Report of an interface composition scan: the most negative reaction at each value, and whether it is in the data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from interfacestab.reports.format import (
    MISSING_TEXT,
    fmt_energy,
    fmt_fraction,
    fmt_kJ_per_mol,
    fmt_meV,
    fmt_phases,
    fmt_scan_value,
    fmt_voltage,
    provenance_lines,
)
from interfacestab.reports.model import Column, Report, Row, Table
from interfacestab.reports.registry import View, register

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from interfacestab.analyses.interface_scan import InterfaceScan, InterfaceScanRow


def _unit(result: InterfaceScan) -> str:
    return f"eV/non-{result.ion} atom" if result.open_system else "eV/atom"


def entry_text(row: InterfaceScanRow) -> str:
    """Material id, ``in the data`` or ``virtual`` for one row."""
    if not row.in_database:
        return "virtual"
    return row.material_id or "in the data"


def _row(result: InterfaceScan, r: InterfaceScanRow) -> Row:
    m = r.profile.minimum
    cells = [
        fmt_scan_value(r.value),
        r.formula,
        entry_text(r),
        MISSING_TEXT if r.e_above_hull_eV_per_atom is None else fmt_meV(r.e_above_hull_eV_per_atom),
        fmt_energy(m.reaction_energy_eV_per_normalising_atom),
        fmt_kJ_per_mol(m.reaction_energy_kJ_per_mol),
        fmt_fraction(m.x_atomic_a),
        fmt_fraction(m.x_molar_a),
    ]
    if result.open_system:
        cells.append(fmt_energy(r.profile.mutual_minimum.mutual_reaction_energy_eV_per_normalising_atom))
    cells.append(fmt_phases(m.products))
    return Row(tuple(cells), emphasis=not r.in_database)


def interface_scan_report(result: InterfaceScan, *, top: int | None = None) -> Report:
    """The report of an interface composition scan (``top`` is not used)."""
    per = "_eV_per_nonion_atom" if result.open_system else "_eV_per_atom"
    unit = _unit(result)
    columns = [
        Column(("value",), result.variable, align="right", key=True),
        Column(("formula",), "formula", key=True),
        Column(("in_database", "material_id"), "entry"),
        Column(("e_above_hull_eV_per_atom",), "E_above_hull", "meV/atom", align="right"),
        Column((f"reaction_energy{per}",), "dE min", unit, align="right"),
        Column(("reaction_energy_kJ_per_mol",), "dE min", "kJ/mol", align="right"),
        Column(("x_atomic_a",), "x atomic", align="right"),
        Column(("x_molar_a",), "x molar", align="right"),
    ]
    if result.open_system:
        columns.append(Column((f"most_negative_mutual_reaction_energy{per}",), "mutual min", unit, align="right"))
    columns.append(Column(("products",), "products at the minimum", wrap=True))
    a, b = (result.template, result.partner) if result.scanned == "a" else (result.partner, result.template)
    n_virtual = sum(1 for r in result.rows if not r.in_database)
    legend = [
        f"each row is `interfacestab interface` of {a} | {b} with {result.variable} at that value; x is the fraction "
        f"of reactant a ({a})",
        "entry: material id when the composition is in the data; virtual (bold): not in the data, placed on the "
        "hull: its energy is the hull energy at its composition, so its own decomposition into the phases of the "
        "data never counts as reaction",
        "E_above_hull: of the composition in the data, before stabilization; reactants react at their "
        + (
            "data energies (--use-entry-energies; a virtual one at its hull energy)"
            if result.use_entry_energies
            else "hull (stabilized) energies"
        ),
    ]
    if n_virtual:
        legend.append(f"{n_virtual} of {len(result.rows)} compositions are virtual")
    if result.open_system:
        legend.append(
            f"open to {result.ion} at {fmt_voltage(result.voltage_V)} V: energies are grand potentials per non-"
            f"{result.ion} atom; mutual: each reactant's own reaction with the reservoir removed"
        )
    system = "closed" if not result.open_system else f"open to {result.ion} at {fmt_voltage(result.voltage_V)} V"
    values = [r.value for r in result.rows]
    return Report(
        title=f"{a} | {b}: most negative reaction vs {result.variable} = {fmt_scan_value(values[0])} … "
        f"{fmt_scan_value(values[-1])} ({len(values)} values), {system}",
        tables=(Table("", tuple(columns), tuple(_row(result, r) for r in result.rows)),),
        legend=tuple(legend),
        notes=result.notes,
        provenance=provenance_lines(result.provenance),
    )


def interface_scan_figure(result: InterfaceScan, *, top: int | None = None) -> Figure:
    """The most negative reaction energy against the scan variable; virtual compositions as open markers."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.0, 4.5), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    xs = [r.value for r in result.rows]
    ys = [r.profile.minimum.reaction_energy_eV_per_normalising_atom for r in result.rows]
    ax.plot(xs, ys, color="black", linewidth=1.2)
    for real, face in ((True, "black"), (False, "white")):
        pts = [(x, y) for x, y, r in zip(xs, ys, result.rows, strict=True) if r.in_database == real]
        if pts:
            ax.scatter(*zip(*pts, strict=True), zorder=3, facecolors=face, edgecolors="black",
                       label="in the data" if real else "virtual (on the hull)")  # fmt: skip
    previous: tuple[str, ...] | None = None
    for x, y, r in zip(xs, ys, result.rows, strict=True):
        if r.profile.minimum.products != previous:  # label where the products change
            ax.annotate(fmt_phases(r.profile.minimum.products), (x, y), textcoords="offset points", xytext=(4, -12),
                        fontsize=7)  # fmt: skip
            previous = r.profile.minimum.products
    ax.set_xlabel(f"{result.variable} in {result.template}")
    ax.set_ylabel(f"most negative reaction energy ({_unit(result)})")
    ax.legend(fontsize=8)
    return fig


register(View("interfacestab.analyses.interface_scan.InterfaceScan", interface_scan_report, interface_scan_figure))

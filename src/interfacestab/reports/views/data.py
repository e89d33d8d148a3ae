"""Reports of the store: its sources (``data info``, ``setup``, ``data import``) and a system's entries."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from interfacestab.reports.format import fmt_energy, fmt_meV, fmt_phases, provenance_lines
from interfacestab.reports.model import Column, Report, Row, Table
from interfacestab.reports.registry import View, register

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rich.console import RenderableType

    from interfacestab.analyses.data import ChemsysEntries, StoreInfo
    from interfacestab.ingest import PropertyImport
    from interfacestab.phase_properties import PropertySource
    from interfacestab.provenance import SourceInfo


def entries_report(result: ChemsysEntries, *, top: int | None = None) -> Report:
    """Every entry of a chemical system with its hull facts (``top`` is not used)."""
    src = result.provenance.source
    columns = (
        Column(("formula",), "formula", key=True),
        Column(("material_id",), "material id"),
        Column(("e_form_eV_per_atom",), "E_form", "eV/atom", align="right"),
        Column(("e_above_hull_eV_per_atom",), "E_above_hull", "meV/atom", align="right"),
        Column(("decomposition",), "decomposes to", wrap=True),
    )
    rows = tuple(
        Row(
            (
                r.formula,
                r.material_id,
                fmt_energy(r.e_form_eV_per_atom),
                fmt_meV(r.e_above_hull_eV_per_atom),
                "" if r.is_stable else fmt_phases(r.decomposition),
            ),
            emphasis=r.is_stable,
        )
        for r in result.rows
    )
    return Report(
        title=f"{result.chemsys} · {len(result.rows)} entries · source {src.name}",
        tables=(Table("", columns, rows),),
        legend=("bold: on the hull", f"thermo type: {src.thermo_type}; vintage: {src.vintage}"),
        provenance=provenance_lines(result.provenance),
    )


def sources_report(sources: Sequence[SourceInfo], *, title: str, status: Sequence[str] | None = None) -> Report:
    """Sources with their counts and provenance (``status``: e.g. imported/unchanged per source)."""
    columns = [Column(("name",), "source", key=True)]
    if status is not None:
        columns.append(Column(("status",), "status"))
    columns += [
        Column(("n_entries",), "entries", align="right"),
        Column(("thermo_type",), "thermo type", wrap=True),
        Column(("vintage",), "vintage", wrap=True),
        Column(("origin",), "origin", wrap=True),
        Column(("imported_at",), "imported at", wrap=True),
    ]
    rows = []
    for i, src in enumerate(sources):
        cells = [src.name] + ([status[i]] if status is not None else [])
        cells += [str(src.n_entries), src.thermo_type, src.vintage, src.origin, src.imported_at]
        rows.append(Row(tuple(cells)))
    return Report(title=title, tables=(Table("", tuple(columns), tuple(rows)),))


def sources_table(sources: Sequence[SourceInfo], *, title: str, status: Sequence[str] | None = None) -> RenderableType:
    """The rich renderable of :func:`sources_report` (for the data commands' own output)."""
    from interfacestab.reports.render_rich import render

    return render(sources_report(sources, title=title, status=status))


def store_info_report(result: StoreInfo, *, top: int | None = None) -> Report:
    """The store's path and every source in it (``top`` is not used)."""
    title = f"store {result.store_path} · {len(result.sources)} source(s), {result.n_entries} entries"
    if not result.sources and not result.property_sources:
        return Report(title=title, legend=("empty: run `interfacestab setup` or `interfacestab data import PATH`",))
    entries = sources_report(result.sources, title=title)
    props = property_sources_report(result.property_sources, title="")
    return replace(
        entries,
        tables=(
            *entries.tables,
            *(replace(t, title="phase properties (band gaps, volumes, ...)") for t in props.tables),
        ),
        legend=(*entries.legend, *props.legend, *result.property_notes),
    )


def property_sources_report(
    sources: Sequence[PropertySource], *, title: str, status: Sequence[str] | None = None, notes: Sequence[str] = ()
) -> Report:
    """Property sources (band gaps, metal labels, volumes, ion-conductor flags) with counts and provenance."""
    columns = [Column(("name",), "property source", key=True)]
    if status is not None:
        columns.append(Column(("status",), "status"))
    columns += [
        Column(("n_entries",), "formulas", align="right"),  # a property source counts formulas
        Column(("properties",), "holds", wrap=True),
        Column(("gap_source",), "band gap kind", wrap=True),
        Column(("n_skipped",), "rows skipped", align="right"),
        Column(("vintage",), "vintage", wrap=True),
        Column(("origin",), "origin", wrap=True),
    ]
    rows = []
    for i, src in enumerate(sources):
        cells = [src.name] + ([status[i]] if status is not None else [])
        cells += [
            str(src.info.n_entries),
            ", ".join(src.properties),
            "" if src.gap_source is None else str(src.gap_source),
            str(src.n_skipped),
            src.info.vintage,
            src.info.origin,
        ]
        rows.append(Row(tuple(cells)))
    legend = tuple(f"{src.name}: skipped {src.skipped}" for src in sources if src.n_skipped and src.skipped)
    return Report(
        title=title,
        tables=(Table("", tuple(columns), tuple(rows)),) if rows else (),
        legend=(*legend, *notes),
    )


def property_sources_table(sources: Sequence[PropertySource], *, title: str) -> RenderableType:
    """The rich renderable of :func:`property_sources_report`."""
    from interfacestab.reports.render_rich import render

    return render(property_sources_report(sources, title=title))


def property_imports_table(imports: Sequence[PropertyImport], *, title: str) -> RenderableType:
    """What ``data import`` / ``setup`` did with property files: status, counts, and what user data override."""
    from interfacestab.reports.render_rich import render

    status = ["imported" if imp.changed else "unchanged" for imp in imports]
    notes = [f"{imp.source.name}: {imp.override_note}" for imp in imports if imp.override_note]
    return render(property_sources_report([imp.source for imp in imports], title=title, status=status, notes=notes))


register(View("interfacestab.analyses.data.ChemsysEntries", entries_report))
register(View("interfacestab.analyses.data.StoreInfo", store_info_report))

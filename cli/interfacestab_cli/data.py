"""``interfacestab setup`` and ``interfacestab data ...``: fill and inspect the local store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from interfacestab_cli.console import out_console, user_errors
from interfacestab_cli.options import (
    DATA_PANEL,
    OUTPUT_PANEL,
    THERMO_PANEL,
    EnergyType,
    EntriesFormat,
    InfoFormat,
    SourceOption,
    ThermoType,
)
from interfacestab_cli.output import emit
from interfacestab_cli.progress import progress_status
from interfacestab_cli.state import open_store_for

app = typer.Typer(
    no_args_is_help=True,
    help="Import, fetch and inspect the thermodynamic data in the local store.",
)


def setup(
    ctx: typer.Context,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            metavar="PATH",
            file_okay=False,
            help="Folder holding the offline snapshot (default: INTERFACESTAB_SHARED_DATA, "
            "else ../shared/data beside the checkout).",
            rich_help_panel=DATA_PANEL,
            show_default=False,
        ),
    ] = None,
) -> None:
    """Import the offline Materials Project snapshot (and the MP2020 entry sets beside it) into the store."""
    from interfacestab.analyses.data import setup_offline
    from interfacestab.reports.views.data import sources_table

    with user_errors(), open_store_for(ctx, create=True) as store:
        with progress_status("importing the offline snapshot") as update:
            results = setup_offline(store, data_dir, progress=update)
        path, total = store.path, store.count()
    sources = [src for src, _ in results]
    status = ["imported" if changed else "unchanged" for _, changed in results]
    out_console().print(sources_table(sources, title=f"store {path} · {total} entries", status=status))


@app.command("import")
def import_(
    ctx: typer.Context,
    path: Annotated[
        Path,
        typer.Argument(
            help="Entry file: the snapshot CSV, a pymatgen entry list (.json/.json.gz) or a user table "
            "with columns formula,energy (.csv/.json); or a property table (formula plus band_gap_eV, "
            "volume_per_atom_A3, density_g_per_cm3 and/or ion_conductor), or the band gap folder.",
            show_default=False,
        ),
    ],
    source_name: Annotated[
        str | None,
        typer.Option(
            "--source-name",
            metavar="NAME",
            help="Name of the source in the store (default: the file name without extension). "
            "Importing another file under an existing name needs --replace.",
            rich_help_panel=DATA_PANEL,
            show_default=False,
        ),
    ] = None,
    energy_type: Annotated[
        EnergyType | None,
        typer.Option(
            "--energy-type",
            help="Meaning of a user file's energy column: formation_per_atom (eV/atom, elements at 0) or "
            "total_per_formula_unit (eV per formula unit as written; one row per element needed). "
            "Default: the file's energy_type column, else formation_per_atom.",
            rich_help_panel=THERMO_PANEL,
            show_default=False,
        ),
    ] = None,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="Replace an existing source of the same name imported from another file (refused without it). "
            "Not needed to refresh a source from its own file: an edited file imported again from the same path "
            "updates its source.",
            rich_help_panel=DATA_PANEL,
        ),
    ] = False,
) -> None:
    """Import an entry file, a phase-property table or the band gap folder into the store (atomic).

    Importing content the source already holds changes nothing (status "unchanged"); an edited
    file imported again from the same path updates its source; a source of the same name imported
    from another file is only replaced with --replace.
    Entry files are read as plain JSON: nothing a file names in @module is imported.
    A CSV whose header has formula and band_gap_eV, volume_per_atom_A3, density_g_per_cm3 or
    ion_conductor (and no energy column) is a property table: its values override every other
    source for those formulas, and the import says which. A folder holding the Matbench files
    (mp_pbe_band_gap.csv, expt_band_gap.csv, expt_is_metal.csv) imports those band gaps.
    """
    from interfacestab.ingest import import_path
    from interfacestab.reports.views.data import property_imports_table, sources_table

    with user_errors(), open_store_for(ctx, create=True) as store:
        with progress_status(f"importing {path}") as update:
            entries, props = import_path(
                store,
                path,
                source_name=source_name,
                energy_type=None if energy_type is None else energy_type.value,
                progress=update,
                replace=replace,
            )
        where = store.path
    if entries:
        status = ["imported" if changed else "unchanged" for _, changed in entries]
        out_console().print(sources_table([s for s, _ in entries], title=f"store {where}", status=status))
    if props:
        out_console().print(property_imports_table(props, title=f"store {where} · phase properties"))


@app.command("fetch")
def fetch(
    ctx: typer.Context,
    chemsys: Annotated[
        str,
        typer.Argument(metavar="CHEMSYS", help="Chemical system, e.g. Li-P-S-Cl.", show_default=False),
    ],
    thermo_type: Annotated[
        ThermoType,
        typer.Option(
            "--thermo-type",
            help="Materials Project hull: GGA_GGA+U (MP2020-corrected GGA/GGA+U) or GGA_GGA+U_R2SCAN (mixed).",
            rich_help_panel=THERMO_PANEL,
        ),
    ] = ThermoType.GGA_GGA_U,
    api_key: Annotated[
        str | None,
        typer.Option(
            "--api-key",
            metavar="KEY",
            help="Materials Project API key (default: MP_API_KEY, else PMG_MAPI_KEY).",
            rich_help_panel=DATA_PANEL,
            show_default=False,
        ),
    ] = None,
) -> None:
    """Fetch one chemical system (all its subsystems) from the Materials Project into the store."""
    from interfacestab.ingest import fetch_chemsys
    from interfacestab.reports.views.data import sources_table

    with user_errors(), open_store_for(ctx, create=True) as store:
        with progress_status(f"fetching {chemsys} ({thermo_type.value}) from the Materials Project"):
            source, n_compounds = fetch_chemsys(store, chemsys, thermo_type=thermo_type.value, api_key=api_key)
        where = store.path
    status = f"{n_compounds} compounds stored for {chemsys}"
    out_console().print(sources_table([source], title=f"store {where}", status=[status]))


@app.command("info")
def info_(
    ctx: typer.Context,
    fmt: Annotated[
        InfoFormat,
        typer.Option("--format", "-f", help="table or json.", rich_help_panel=OUTPUT_PANEL),
    ] = InfoFormat.table,
) -> None:
    """Show the store's path and every data source in it (entries, thermo type, vintage, origin).

    Runs a full integrity check of the store first; a damaged store is an error that says how to rebuild it.
    """
    from interfacestab.analyses.data import store_info

    with user_errors():
        with open_store_for(ctx) as store:
            result = store_info(store)
        emit(result, fmt.value)


@app.command("entries")
def entries(
    ctx: typer.Context,
    chemsys: Annotated[
        str,
        typer.Argument(
            metavar="CHEMSYS", help="Chemical system, e.g. Li-P-S-Cl (subsystems included).", show_default=False
        ),
    ],
    source: SourceOption = None,
    fmt: Annotated[
        EntriesFormat,
        typer.Option(
            "--format",
            "-f",
            help="table (rounded: 1 meV/atom), json or csv (full precision).",
            rich_help_panel=OUTPUT_PANEL,
        ),
    ] = EntriesFormat.table,
) -> None:
    """List every entry of a chemical system with formation energy, energy above hull and decomposition."""
    from interfacestab.analyses.data import chemsys_entries

    with user_errors():
        with open_store_for(ctx) as store:
            result = chemsys_entries(store, chemsys, source=source)
        emit(result, fmt.value)


__all__ = ["app", "entries", "fetch", "import_", "info_", "setup"]

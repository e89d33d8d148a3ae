"""The offline Materials Project snapshot in ``../shared/data`` (see docs/data.md, 'The offline snapshot')."""

from __future__ import annotations

import csv
import hashlib
import math
from dataclasses import replace
from typing import TYPE_CHECKING

from interfacestab.chem import parse_formula
from interfacestab.entries import Entry
from interfacestab.errors import FormulaError, SourceError
from interfacestab.provenance import SourceInfo
from interfacestab.settings import SNAPSHOT_SOURCE_NAME

if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "MP2020_SETS_DIRNAME",
    "SNAPSHOT_COLUMNS",
    "SNAPSHOT_FILENAME",
    "SNAPSHOT_INFO",
    "SNAPSHOT_SOURCE_NAME",
    "file_sha256",
    "read_snapshot_csv",
]

SNAPSHOT_FILENAME = "mp_legacy2019_ground_state_eform_merged.csv"
SNAPSHOT_COLUMNS = ("reduced_formula", "formula_crabnet", "e_form_per_atom", "material_id")
MP2020_SETS_DIRNAME = "mp2020_chemsys_matterviz"

SNAPSHOT_INFO = SourceInfo(
    name=SNAPSHOT_SOURCE_NAME,
    description=(
        "Materials Project ground-state formation energies of every non-elemental composition "
        "(Bartel et al. 2020 set via CrabNet; material ids joined from roost where energies agree)"
    ),
    thermo_type="GGA/GGA+U, legacy MP corrections (MaterialsProjectCompatibility, pre-MP2020)",
    vintage="Materials Project c. Nov 2019 (ids up to early 2020)",
    db_version="legacy-2019",
    citation="Jain et al., APL Mater. 1, 011002 (2013); Bartel et al., npj Comput. Mater. 6, 97 (2020)",
)


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_snapshot_csv(path: Path, name: str = SNAPSHOT_SOURCE_NAME) -> tuple[SourceInfo, list[Entry]]:
    """Read the merged snapshot CSV.

    The csv module keeps every cell a string, so sodium nitride ``NaN`` stays a formula
    (pandas would read it as a missing value unless told ``keep_default_na=False``).
    """
    entries: list[Entry] = []
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = set(SNAPSHOT_COLUMNS) - set(reader.fieldnames or ())
        if missing:
            msg = f"{path}: not a snapshot table, missing column(s) {', '.join(sorted(missing))}"
            raise SourceError(msg)
        for line, row in enumerate(reader, start=2):
            try:
                comp = parse_formula(row["reduced_formula"] or "")
                energy = float(row["e_form_per_atom"] or "")
            except (FormulaError, ValueError, TypeError, OverflowError) as exc:
                msg = f"{path}:{line}: {exc}"
                raise SourceError(msg) from exc
            if not math.isfinite(energy):
                msg = f"{path}:{line}: e_form_per_atom must be a finite number, not {row['e_form_per_atom']!r}"
                raise SourceError(msg)
            entries.append(Entry(row["reduced_formula"], comp, energy, row["material_id"] or "", name))
    info = replace(SNAPSHOT_INFO, name=name, origin=str(path.resolve()), content_sha256=file_sha256(path))
    return info, entries

"""Offline band gaps and metal/non-metal labels by formula (the Matbench v0.1 sets; see docs/data.md).

Three CSV files with a ``formula`` column, read with the csv module (every cell a string, so the
formula ``NaN``, sodium nitride, stays a formula; pandas would read it as a missing value):

- ``mp_pbe_band_gap.csv`` (``formula,band_gap_eV``): Materials Project PBE band gaps, one row per
  MP structure, **cell** formulas (``Li8S4``), no material ids. Rows are joined by reduced formula
  (:func:`~interfacestab.phase_properties.property_key`); the polymorphs of a formula give a range
  (min, max) and a count, never one chosen value (the file does not say which is the ground state).
- ``expt_band_gap.csv`` (``formula,band_gap_eV``): experimental band gaps by composition; a
  formula measured twice keeps both as a range.
- ``expt_is_metal.csv`` (``formula,is_metal``): experimental metal (1) / non-metal (0) labels; a
  formula labelled both ways (after reduction) gets no label.

These files come from a third party: a row that cannot be used (a formula that does not parse, an
empty or non-numeric value, ``NaN``, a negative or infinite gap, a label other than 0/1) is skipped
and counted (:attr:`PropertySource.n_skipped`, with the first examples in ``skipped``); the import
never fails on one bad row. The reader only reads: :mod:`interfacestab.ingest` stores what it returns.
"""

from __future__ import annotations

import csv
import math
from dataclasses import replace
from typing import TYPE_CHECKING

from interfacestab.errors import FormulaError, SourceError
from interfacestab.phase_properties import GapSource, PropertyRow, PropertySource, property_key
from interfacestab.provenance import SourceInfo
from interfacestab.sources.snapshot import file_sha256

if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "MATBENCH_DIRNAME",
    "MATBENCH_FILES",
    "MAX_GAP_eV",
    "is_matbench_file",
    "read_matbench_csv",
]

MATBENCH_DIRNAME = "band_gaps_matbench"
#: Largest band gap accepted (eV); the widest known gaps are below 15 eV.
MAX_GAP_eV = 100.0
_MATBENCH = "Dunn, Wang, Ganose, Dopp, Jain, npj Comput. Mater. 6, 138 (2020)"
_MP = "Jain et al., APL Mater. 1, 011002 (2013)"
_ZHUO = "Zhuo, Mansouri Tehrani, Brgoch, J. Phys. Chem. Lett. 9, 1668 (2018)"

#: file name -> (source name, kind of its band gaps or None for labels, value column, provenance)
MATBENCH_FILES: dict[str, tuple[str, GapSource | None, str, SourceInfo]] = {
    "mp_pbe_band_gap.csv": (
        "mp_pbe_band_gaps",
        GapSource.MP_PBE,
        "band_gap_eV",
        SourceInfo(
            name="mp_pbe_band_gaps",
            description=(
                "Materials Project PBE band gaps per structure (Matbench matbench_mp_gap), joined by reduced "
                "formula: min, max and count over a formula's polymorphs (no material ids, ground state unknown)"
            ),
            thermo_type="PBE GGA/GGA+U band gaps (GGA underestimates gaps, typically by 30-50 %; 0 = metallic in GGA)",
            vintage="Materials Project c. 2018-2019, as retrieved for Matbench v0.1",
            citation=f"{_MATBENCH}; {_MP}",
        ),
    ),
    "expt_band_gap.csv": (
        "expt_band_gaps",
        GapSource.EXPERIMENTAL,
        "band_gap_eV",
        SourceInfo(
            name="expt_band_gaps",
            description=(
                "experimental band gaps by composition (Matbench matbench_expt_gap); metals at 0 eV; "
                "a formula measured more than once keeps the range and the count"
            ),
            thermo_type="experimental band gaps",
            vintage="compilation of Zhuo et al. 2018, as in Matbench v0.1",
            citation=f"{_ZHUO}; {_MATBENCH}",
        ),
    ),
    "expt_is_metal.csv": (
        "expt_is_metal",
        None,
        "is_metal",
        SourceInfo(
            name="expt_is_metal",
            description=(
                "experimental metal (1) / non-metal (0) labels by composition (Matbench matbench_expt_is_metal)"
            ),
            thermo_type="experimental labels",
            vintage="compilation of Zhuo et al. 2018, as in Matbench v0.1",
            citation=f"{_ZHUO}; {_MATBENCH}",
        ),
    ),
}

_LABELS = {"0": False, "1": True, "0.0": False, "1.0": True, "false": False, "true": True}


def _header(path: Path) -> list[str]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            return [h.strip() for h in next(csv.reader(fh), [])]
    except (OSError, UnicodeDecodeError):
        return []


def is_matbench_file(path: Path) -> bool:
    """Whether ``path`` is one of the three Matbench files: its name and its header (``formula`` + value column)."""
    spec = MATBENCH_FILES.get(path.name)
    return spec is not None and _header(path) == ["formula", spec[2]]


class _Skipped:
    """Counts skipped rows and keeps the first few reasons."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.n = 0
        self.examples: list[str] = []

    def add(self, line: int | None, reason: str) -> None:
        self.n += 1
        if len(self.examples) < 3:
            self.examples.append(f"line {line}: {reason}" if line else reason)

    def text(self) -> str:
        more = f"; {self.n - len(self.examples)} more" if self.n > len(self.examples) else ""
        return f"{'; '.join(self.examples)}{more}" if self.n else ""


def _gap(text: str) -> float | str:
    """The gap in eV, or why the value cannot be used."""
    try:
        value = float(text)
    except ValueError:
        return f"band gap {text[:20]!r} is not a number"
    if not math.isfinite(value):
        return f"band gap {text[:20]!r} is not a finite number"
    if value < 0:
        return f"band gap {value:g} eV is negative"
    if value > MAX_GAP_eV:
        return f"band gap {value:g} eV is beyond {MAX_GAP_eV:g} eV"
    return value


def read_matbench_csv(path: Path, *, source_name: str | None = None) -> tuple[PropertySource, list[PropertyRow]]:
    """Read one of the Matbench files (chosen by its name) into a property source and its rows by reduced formula.

    Raises:
        SourceError: the file cannot be read, is not one of the three files, or has no usable row.
    """
    spec = MATBENCH_FILES.get(path.name)
    if spec is None:
        msg = f"{path}: not a Matbench band gap file (expected one of {', '.join(MATBENCH_FILES)})"
        raise SourceError(msg)
    name, gap_source, column, template = spec
    skipped = _Skipped(path)
    gaps: dict[str, list[float]] = {}
    labels: dict[str, set[bool]] = {}
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            if [h.strip() for h in reader.fieldnames or ()] != ["formula", column]:
                msg = f"{path}: expected the columns formula,{column}, found {','.join(reader.fieldnames or ())}"
                raise SourceError(msg)
            for line, row in enumerate(reader, start=2):
                formula = (row.get("formula") or "").strip()
                text = (row.get(column) or "").strip()
                if not formula:
                    skipped.add(line, "empty formula")
                    continue
                try:
                    key = property_key(formula)
                except (FormulaError, ValueError, OverflowError) as exc:
                    skipped.add(line, f"formula {formula[:30]!r} cannot be read ({exc})")
                    continue
                if gap_source is None:
                    label = _LABELS.get(text.lower())
                    if label is None:
                        skipped.add(line, f"is_metal {text[:20]!r} is not 0 or 1")
                        continue
                    labels.setdefault(key, set()).add(label)
                    continue
                value = _gap(text)
                if isinstance(value, str):
                    skipped.add(line, f"{formula[:30]}: {value}")
                    continue
                gaps.setdefault(key, []).append(value)
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"cannot read {path}: {exc}"
        raise SourceError(msg) from exc
    rows = [PropertyRow(key, min(v), max(v), len(v)) for key, v in sorted(gaps.items())]
    for key, found in sorted(labels.items()):
        if len(found) > 1:
            skipped.add(None, f"{key} is labelled both metal and non-metal")
            continue
        rows.append(PropertyRow(key, is_metal=found.pop()))
    if not rows:
        msg = f"{path}: no usable rows ({skipped.text() or 'the file is empty'})"
        raise SourceError(msg)
    source_name = source_name or name
    info = replace(
        template,
        name=source_name,
        origin=str(path.resolve()),
        content_sha256=file_sha256(path),
        n_entries=len(rows),
    )
    props = ("band_gap",) if gap_source is not None else ("is_metal",)
    return PropertySource(info, gap_source, props, skipped.n, skipped.text()), rows

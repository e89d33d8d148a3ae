"""Measured windows and reference-electrode potentials shipped with the package (``interfacestab/data/measured.csv``).

A small, cited table for ``interfacestab window --compare`` and ``--reference``: each row says how the
number was measured, where it comes from and how sure that citation is (``citation_status``:
``literature`` for a reference checked against the paper, ``not checked against the original paper`` for
values as commonly quoted). Citation texts hold only the measured side: the computed value is the report's own
row, never a number copied into a citation. A row that is not a window measurement (a cycling range a cell
survived) says so in its ``method``.
Voltages are V vs A/A+ of the row's ion. Measured windows are not equilibrium quantities: a
semi-blocking cell (ion-blocking metal on one side) detects decomposition only once its current is
large, so it overestimates the window, while the computed one is the 0 K thermodynamic limit.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass
from functools import cache
from importlib import resources

from interfacestab.chem import Composition, parse_formula
from interfacestab.entries import composition_key

#: The package data file (inside the ``interfacestab`` package).
MEASURED_FILE = "data/measured.csv"


@dataclass(frozen=True, slots=True)
class MeasuredWindow:
    """A measured stability window (or one limit of it) of a compound, with its citation."""

    formula: str
    ion: str
    reduction_limit_V: float | None
    oxidation_limit_V: float | None
    method: str
    citation: str
    doi: str
    citation_status: str
    note: str

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary keyed by field name."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class MeasuredReference:
    """A measured potential of a two-phase reference electrode, V vs A/A+."""

    formula: str
    ion: str
    voltage_V: float
    phases: tuple[str, ...]
    method: str
    citation: str
    doi: str
    citation_status: str
    note: str

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary keyed by field name."""
        out = asdict(self)
        out["phases"] = list(self.phases)
        return out


def _number(text: str) -> float | None:
    return None if text.strip() == "" else float(text)


@cache
def _rows() -> tuple[dict[str, str], ...]:
    text = resources.files("interfacestab").joinpath(MEASURED_FILE).read_text(encoding="utf-8")
    return tuple(csv.DictReader(io.StringIO(text)))


def all_measured_windows() -> tuple[MeasuredWindow, ...]:
    """Every measured window of the table, in file order."""
    return tuple(
        MeasuredWindow(
            formula=r["formula"],
            ion=r["ion"],
            reduction_limit_V=_number(r["reduction_V"]),
            oxidation_limit_V=_number(r["oxidation_V"]),
            method=r["method"],
            citation=r["citation"],
            doi=r["doi"],
            citation_status=r["citation_status"],
            note=r["note"],
        )
        for r in _rows()
        if r["kind"] == "window"
    )


def all_measured_references() -> tuple[MeasuredReference, ...]:
    """Every measured reference-electrode potential of the table, in file order."""
    out = []
    for r in _rows():
        if r["kind"] != "reference":
            continue
        voltage = _number(r["voltage_V"])
        assert voltage is not None, r  # the file's own consistency, checked by the tests
        out.append(
            MeasuredReference(
                formula=r["formula"],
                ion=r["ion"],
                voltage_V=voltage,
                phases=tuple(sorted(p for p in r["phases"].split("+") if p)),
                method=r["method"],
                citation=r["citation"],
                doi=r["doi"],
                citation_status=r["citation_status"],
                note=r["note"],
            )
        )
    return tuple(out)


def measured_windows(composition: Composition, ion: str) -> tuple[MeasuredWindow, ...]:
    """The measured windows of a compound (any way of writing its formula) against ``ion``."""
    key = composition_key(composition)
    return tuple(m for m in all_measured_windows() if m.ion == ion and composition_key(parse_formula(m.formula)) == key)


def measured_reference(composition: Composition, ion: str) -> MeasuredReference | None:
    """The measured reference electrode made of the same elements as ``composition`` (e.g. Li-In), if any."""
    elements = set(composition)
    for m in all_measured_references():
        if m.ion == ion and set(parse_formula(m.formula)) == elements:
            return m
    return None

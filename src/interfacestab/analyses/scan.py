"""Composition scans such as ``Li6+xP1-xGexS5I`` with ``x = 0 ... 0.8``: one window per value."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from interfacestab._periodic import ELEMENTS
from interfacestab.analyses.targets import load_system
from interfacestab.analyses.window import StabilityWindow, stability_window
from interfacestab.chem import Composition, format_composition
from interfacestab.engine.hull import build_hull
from interfacestab.engine.ray import LP_ROUTE_MIN_ELEMENTS
from interfacestab.errors import AnalysisError, FormulaError
from interfacestab.provenance import Provenance

if TYPE_CHECKING:
    from collections.abc import Sequence

    from interfacestab.store.database import Store

_SAFE_EXPR = re.compile(r"^[0-9.+\-*/() ]*$")


def parse_scan_range(text: str) -> tuple[str, list[float]]:
    """``x=0:0.8:0.1`` -> ("x", [0, 0.1, ..., 0.8]) (end included); ``x=0,0.25,0.5`` lists values."""
    match = re.fullmatch(r"\s*([a-z])\s*=\s*(.+)", text)
    if not match:
        msg = f"scan '{text}' must look like x=START:STOP:STEP or x=V1,V2,..."
        raise FormulaError(msg)
    var, spec = match.groups()
    try:
        if ":" in spec:
            start, stop, step = (float(v) for v in spec.split(":"))
            if step <= 0 or stop < start:
                raise ValueError
            values = list(np.round(np.arange(start, stop + step / 2, step), 10))
        else:
            values = [float(v) for v in spec.split(",")]
    except ValueError:
        msg = f"scan range '{spec}' must be START:STOP:STEP with STEP > 0 and STOP >= START, or a list of numbers"
        raise FormulaError(msg) from None
    return var, [float(v) for v in values]


def scan_composition(template: str, variable: str, value: float) -> Composition:
    """Composition of a template such as ``Li6+xP1-xGexS5I`` at one value of its variable.

    Each element is followed by an amount expression in numbers and the variable (``6+x``,
    ``1-x``, ``0.5x``); an element whose amount reaches 0 is dropped.
    """
    comp: dict[str, float] = {}
    i = 0
    text = template.replace(" ", "")
    while i < len(text):
        if not text[i].isupper():
            msg = f"scan formula '{template}': expected an element at '{text[i:]}'"
            raise FormulaError(msg)
        two = text[i : i + 2]
        symbol = two if len(two) == 2 and two[1].islower() and two[1] != variable and two in ELEMENTS else text[i]
        if symbol not in ELEMENTS:
            msg = f"unknown element '{symbol}' in scan formula '{template}'"
            raise FormulaError(msg)
        i += len(symbol)
        j = i
        while j < len(text) and not text[j].isupper():
            j += 1
        expr = text[i:j] or "1"
        i = j
        expr = re.sub(rf"(\d|\)){variable}", rf"\1*{variable}", expr).replace(variable, f"({value!r})")
        if not _SAFE_EXPR.match(expr):
            msg = f"amount '{text[i - len(expr) : i] or expr}' in '{template}' uses something other than numbers and '{variable}'"
            raise FormulaError(msg)
        try:
            amount = float(eval(expr, {"__builtins__": {}}, {}))
        except (SyntaxError, ZeroDivisionError, TypeError) as exc:
            msg = f"cannot evaluate amount '{expr}' in scan formula '{template}'"
            raise FormulaError(msg) from exc
        if amount < -1e-9:
            msg = f"'{template}' at {variable}={value} gives a negative amount of {symbol}"
            raise FormulaError(msg)
        if amount > 1e-9:
            comp[symbol] = comp.get(symbol, 0.0) + amount
    if not comp:
        msg = f"scan formula '{template}' has no elements"
        raise FormulaError(msg)
    return comp


@dataclass(frozen=True, slots=True)
class ScanRow:
    """One value of the scan variable and its window."""

    value: float
    formula: str
    window: StabilityWindow

    def to_dict(self) -> dict[str, object]:
        """Flat JSON-safe row (limits and products; the full window under ``window``)."""
        w = self.window
        return {
            "value": self.value,
            "formula": self.formula,
            "reduction_limit_V": w.reduction_limit_V,
            "oxidation_limit_V": w.oxidation_limit_V,
            "reduction_products": list(w.reduction_products),
            "oxidation_products": list(w.oxidation_products),
            "reduction_reaction": w.reduction_reaction,
            "oxidation_reaction": w.oxidation_reaction,
            "in_database": w.in_database,
            "e_above_hull_eV_per_atom": w.e_above_hull_eV_per_atom,
        }


@dataclass(frozen=True, slots=True)
class WindowScan:
    """Windows along a composition series."""

    template: str
    variable: str
    ion: str
    rows: tuple[ScanRow, ...]

    def to_dict(self) -> dict[str, object]:
        """JSON-safe dictionary; provenance is that of the first row (one entry set for all)."""
        return {
            "template": self.template,
            "variable": self.variable,
            "ion": self.ion,
            "rows": [r.to_dict() for r in self.rows],
            "provenance": self.provenance.to_dict() if self.rows else None,
        }

    @property
    def provenance(self) -> Provenance:
        """The windows' shared provenance (one entry set for all) with the union of their warnings."""
        warnings = dict.fromkeys(w for r in self.rows for w in r.window.provenance.warnings)
        return replace(self.rows[0].window.provenance, warnings=tuple(warnings))

    #: Columns of :meth:`to_rows` (the CSV), in order: the scan, the value's window, the provenance.
    ROW_FIELDS: ClassVar[tuple[str, ...]] = (
        "template", "variable", "ion", "value", "formula", "reduction_limit_V", "oxidation_limit_V",
        "reduction_products", "oxidation_products", "reduction_reaction", "oxidation_reaction", "in_database",
        "e_above_hull_eV_per_atom", "width_V", "material_id", "stabilized", "stabilization_policy",
        *Provenance.COLUMNS,
    )  # fmt: skip

    def to_rows(self) -> list[dict[str, object]]:
        """Flat rows, one per value of the scan variable, keyed by ``ROW_FIELDS``."""
        rows = []
        for r in self.rows:
            w = r.window
            extra = {"width_V": w.width_V, "material_id": w.material_id, "stabilized": w.stabilized}
            row = {"template": self.template, "variable": self.variable, "ion": self.ion, **r.to_dict(), **extra}
            row |= {"stabilization_policy": w.stabilization_policy, **w.provenance.to_columns()}
            rows.append({c: row[c] for c in self.ROW_FIELDS})
        return rows


def window_scan(
    template: str,
    scan: str | tuple[str, Sequence[float]],
    *,
    ion: str = "Li",
    stabilize: bool = True,
    source: str | None = None,
    store: Store | None = None,
) -> WindowScan:
    """Stability windows along ``template`` for each value of its variable (one hull for the series).

    Args:
        template: Formula with a variable, e.g. ``Li6+xP1-xGexS5I``.
        scan: ``"x=0:0.8:0.1"`` or ``("x", [values])``.
        ion: Mobile ion A.
        stabilize: Stabilization policy (virtual compositions are always placed on the hull).
        source: Data source name.
        store: An open store (default: the configured one).
    """
    variable, values = parse_scan_range(scan) if isinstance(scan, str) else (scan[0], list(scan[1]))
    if variable not in template:
        msg = f"the scan variable '{variable}' does not appear in '{template}'"
        raise FormulaError(msg)
    comps = [scan_composition(template, variable, v) for v in values]
    elements = sorted({el for c in comps for el in c} | {ion})
    entries = load_system(elements, source=source, store=store)
    hull = build_hull(entries) if len(elements) < LP_ROUTE_MIN_ELEMENTS else None  # large systems: LP route
    rows = []
    for value, comp in zip(values, comps, strict=True):
        try:
            w = stability_window(entries, comp, ion=ion, stabilize=stabilize, hull=hull)
        except AnalysisError as exc:
            msg = f"{template} at {variable}={value}: {exc}"
            raise AnalysisError(msg) from exc
        rows.append(ScanRow(value, format_composition(comp) if not w.in_database else w.formula, w))
    return WindowScan(template, variable, ion, tuple(rows))

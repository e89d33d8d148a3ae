"""Composition scans such as ``Li6+xP1-xGexS5I`` with ``x = 0 ... 0.8``: one window per value."""

from __future__ import annotations

import functools
import math
import re
import sys
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, ClassVar, NoReturn

import numpy as np

from interfacestab._periodic import ELEMENTS
from interfacestab.analyses.targets import load_system
from interfacestab.analyses.uncertainty_fields import uncertainty_json, uncertainty_rows
from interfacestab.analyses.window import VIRTUAL_WARNING_PREFIX, StabilityWindow, stability_window
from interfacestab.chem import MAX_FORMULA_AMOUNT, Composition, format_composition, token_pattern
from interfacestab.conventions import COMPOSITION_TOL, NARROW_WINDOW_V, SCHEMA_VERSION, EnergySource
from interfacestab.engine.hull import build_hull
from interfacestab.engine.ray import LP_ROUTE_MIN_ELEMENTS
from interfacestab.errors import AnalysisError, FormulaError
from interfacestab.provenance import Provenance

if TYPE_CHECKING:
    from collections.abc import Sequence

    from interfacestab.analyses.uncertainty import UncertaintySettings
    from interfacestab.store.database import Store

#: Most values a scan (``--scan``) or a voltage sweep (``--sweep``) may have; a larger grid is refused.
MAX_GRID_POINTS = 1001
_MAX_NESTING = 32  # parentheses in one amount expression


def grid_values(start: float, stop: float, step: float, *, what: str) -> list[float]:
    """START, START+STEP, ..., STOP (end included), refusing non-finite numbers and grids over ``MAX_GRID_POINTS``.

    ``what`` names the grid in messages (``"scan 'x=0:1:0.1'"``).

    Raises:
        FormulaError: a value is not finite, STEP <= 0, STOP < START, or too many points.
    """
    if not all(math.isfinite(v) for v in (start, stop, step)):
        msg = f"{what} needs finite numbers"
        raise FormulaError(msg)
    if step <= 0 or stop < start:
        msg = f"{what} needs STEP > 0 and STOP >= START (START:STOP:STEP)"
        raise FormulaError(msg)
    n_points = math.floor((stop - start) / step + 0.5) + 1
    if n_points > MAX_GRID_POINTS:
        msg = f"{what} has {n_points:.3g} points, more than the {MAX_GRID_POINTS} allowed: use a larger STEP"
        raise FormulaError(msg)
    return [float(v) for v in np.round(start + step * np.arange(n_points), 10)]


def parse_scan_range(text: str) -> tuple[str, list[float]]:
    """``x=0:0.8:0.1`` -> ("x", [0, 0.1, ..., 0.8]) (end included); ``x=0,0.25,0.5`` lists values.

    At most :data:`MAX_GRID_POINTS` values, all finite.
    """
    match = re.fullmatch(r"\s*([a-z])\s*=\s*(.+)", text)
    if not match:
        msg = f"scan '{_short(text)}' must look like x=START:STOP:STEP or x=V1,V2,..."
        raise FormulaError(msg)
    var, spec = match.groups()
    try:
        numbers = [float(v) for v in spec.split(":" if ":" in spec else ",")]
    except ValueError:
        numbers = []
    if ":" in spec:
        if len(numbers) != 3:
            msg = f"scan range '{_short(spec)}' must be START:STOP:STEP (three numbers) or a list V1,V2,..."
            raise FormulaError(msg)
        return var, grid_values(*numbers, what=f"scan '{_short(text)}'")
    if not numbers:
        msg = f"scan values '{_short(spec)}' must be numbers separated by commas, or START:STOP:STEP"
        raise FormulaError(msg)
    if not all(math.isfinite(v) for v in numbers):
        msg = f"scan values '{_short(spec)}' must be finite numbers"
        raise FormulaError(msg)
    if len(numbers) > MAX_GRID_POINTS:
        msg = f"scan lists {len(numbers)} values, more than the {MAX_GRID_POINTS} allowed"
        raise FormulaError(msg)
    return var, numbers


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


_EXPR_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d*)?|\.\d+)|([a-z])|([-+*/()]))")


class _Amount:
    """Evaluate an amount expression: numbers, one variable, + - * /, parentheses, implicit products (``0.5x``).

    A small recursive-descent parser (no ``eval``): no powers, no names but the variable, at most
    ``_MAX_NESTING`` nested parentheses, and every intermediate result finite and at most
    ``MAX_FORMULA_AMOUNT`` in size.
    """

    def __init__(self, expr: str, variable: str, value: float, template: str) -> None:
        self.expr, self.variable, self.value, self.template = expr, variable, value, template
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        while pos < len(expr):
            m = _EXPR_TOKEN.match(expr, pos)
            if m is None or m.end() == pos:
                self._fail(f"unexpected '{expr[pos:].strip()[:1]}'")
            number, name, op = m.groups()
            if name is not None and name != variable:
                self._fail(f"'{name}' is not the scan variable '{variable}'")
            self.tokens.append(("num", number) if number is not None else ("var", name) if name else ("op", op))
            pos = m.end()
        self.i = 0

    def _fail(self, why: str) -> NoReturn:
        msg = f"amount '{_short(self.expr, 30)}' in scan formula '{_short(self.template)}': {why}"
        raise FormulaError(msg)

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def _check(self, x: float) -> float:
        if not (math.isfinite(x) and abs(x) <= MAX_FORMULA_AMOUNT):
            limit = f"amounts must be finite, at most {MAX_FORMULA_AMOUNT:g}"
            self._fail(f"gives {x:g} at {self.variable}={self.value:g} ({limit})")
        return x

    def evaluate(self) -> float:
        if not self.tokens:
            return 1.0
        result = self._sum(0)
        if self._peek() is not None:
            self._fail(f"unexpected '{self._peek()[1]}'")  # type: ignore[index]
        return result

    def _sum(self, depth: int) -> float:
        x = self._product(depth)
        while (tok := self._peek()) is not None and tok in (("op", "+"), ("op", "-")):
            self.i += 1
            y = self._product(depth)
            x = self._check(x + y if tok[1] == "+" else x - y)
        return x

    def _product(self, depth: int) -> float:
        x = self._unary(depth)
        while (tok := self._peek()) is not None:
            if tok in (("op", "*"), ("op", "/")):
                self.i += 1
                y = self._unary(depth)
                if tok[1] == "/" and y == 0:
                    self._fail(f"division by zero at {self.variable}={self.value:g}")
                x = self._check(x * y if tok[1] == "*" else x / y)
            elif tok[0] == "var" or tok == ("op", "("):  # implicit product: 0.5x, 2(1-x)
                x = self._check(x * self._unary(depth))
            else:
                break
        return x

    def _unary(self, depth: int) -> float:
        tok = self._peek()
        if tok in (("op", "+"), ("op", "-")):
            self.i += 1
            x = self._unary(depth)
            return -x if tok[1] == "-" else x
        return self._atom(depth)

    def _atom(self, depth: int) -> float:
        tok = self._peek()
        if tok is None:
            self._fail("ends too early")
        self.i += 1
        kind, text = tok
        if kind == "num":
            return self._check(float(text))
        if kind == "var":
            return self._check(self.value)
        if text == "(":
            if depth >= _MAX_NESTING:
                self._fail(f"more than {_MAX_NESTING} nested parentheses")
            x = self._sum(depth + 1)
            if self._peek() != ("op", ")"):
                self._fail("unbalanced '('")
            self.i += 1
            return x
        self._fail(f"unexpected '{text}'")
        raise AssertionError  # unreachable: _fail raises


def eval_amount(expr: str, variable: str, value: float, template: str = "") -> float:
    """The value of an amount expression such as ``6+x``, ``1-x``, ``0.5x`` or ``2(1-x)/3`` at ``variable = value``.

    Raises:
        FormulaError: anything but numbers, the variable, + - * / and parentheses; division by
            zero; a non-finite or huge (> ``MAX_FORMULA_AMOUNT``) result.
    """
    return _Amount(expr, variable, value, template or expr).evaluate()


@functools.cache
def _template_tokens(variable: str) -> re.Pattern[str]:
    """The formula tokenizer (:func:`interfacestab.chem.token_pattern`) for a template in ``variable``.

    A symbol is a two-letter element whose second letter is not the variable (``Co`` in
    ``LixCoO2``; ``Lix`` is Li and x), else one capital letter; its amount is everything up to the
    next capital letter (an expression such as ``6+x`` or ``(1-x)``, evaluated by :func:`eval_amount`).
    """
    # a capital is any character str.isupper() accepts (a stray 'Ä' is an unknown element, not part of an amount)
    capitals = re.escape("".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isupper()))
    two_letter = sorted(el for el in ELEMENTS if len(el) == 2 and el[1] != variable)
    return token_pattern(symbol="|".join([*two_letter, f"[{capitals}]"]), amount=f"[^{capitals}]*")


def scan_composition(template: str, variable: str, value: float) -> Composition:
    """Composition of a template such as ``Li6+xP1-xGexS5I`` at one value of its variable.

    Each element is followed by an amount expression in numbers and the variable (``6+x``,
    ``1-x``, ``0.5x``; see :func:`eval_amount`); an element whose amount reaches 0 is dropped.
    """
    if not math.isfinite(value):
        msg = f"scan value {value} is not a finite number"
        raise FormulaError(msg)
    comp: dict[str, float] = {}
    text = template.replace(" ", "")
    for match in _template_tokens(variable).finditer(text):
        symbol, expression = match.group(1), match.group(2)
        if symbol is None:  # a parenthesis, whitespace or another character where an element should be
            msg = f"scan formula '{_short(template)}': expected an element at '{_short(text[match.start() :], 20)}'"
            raise FormulaError(msg)
        if symbol not in ELEMENTS:
            msg = f"unknown element '{symbol}' in scan formula '{_short(template)}'"
            raise FormulaError(msg)
        amount = eval_amount(expression or "", variable, value, template)
        if amount < -COMPOSITION_TOL:
            msg = f"'{_short(template)}' at {variable}={value:g} gives a negative amount of {symbol}"
            raise FormulaError(msg)
        if amount > COMPOSITION_TOL:
            comp[symbol] = comp.get(symbol, 0.0) + amount
    if not comp:
        msg = f"scan formula '{_short(template)}' has no elements"
        raise FormulaError(msg)
    if any(amt > MAX_FORMULA_AMOUNT for amt in comp.values()):
        msg = f"'{_short(template)}' at {variable}={value:g} has more than {MAX_FORMULA_AMOUNT:g} atoms of an element"
        raise FormulaError(msg)
    return comp


@dataclass(frozen=True, slots=True)
class ScanRow:
    """One value of the scan variable and its window."""

    value: float
    formula: str
    window: StabilityWindow

    def to_dict(self) -> dict[str, object]:
        """Flat JSON-safe row: the value, its window's limits, products, width and stabilization."""
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
            "width_V": w.width_V,
            "material_id": w.material_id,
            "stabilized": w.stabilized,
            "stabilization_policy": str(w.stabilization_policy),
            **uncertainty_json(w.uncertainty),
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
            "schema_version": SCHEMA_VERSION,
            "template": self.template,
            "variable": self.variable,
            "ion": self.ion,
            "rows": [r.to_dict() for r in self.rows],
            "provenance": self.provenance.to_dict() if self.rows else None,
        }

    @property
    def provenance(self) -> Provenance:
        """The windows' shared provenance (one entry set for all) with the union of their warnings.

        The per-composition warnings about virtual compositions are gathered into one (:func:`virtual_scan_warning`).
        """
        warnings = dict.fromkeys(
            w for r in self.rows for w in r.window.provenance.warnings if not w.startswith(VIRTUAL_WARNING_PREFIX)
        )
        gathered = virtual_scan_warning(self)
        return replace(self.rows[0].window.provenance, warnings=(*warnings, *([gathered] if gathered else [])))

    #: Columns of :meth:`to_rows` (the CSV), in order: the scan, the value's window, the provenance.
    ROW_FIELDS: ClassVar[tuple[str, ...]] = (
        "template", "variable", "ion", "value", "formula", "reduction_limit_V", "oxidation_limit_V",
        "reduction_products", "oxidation_products", "reduction_reaction", "oxidation_reaction", "in_database",
        "e_above_hull_eV_per_atom", "width_V", "material_id", "stabilized", "stabilization_policy",
        *Provenance.COLUMNS,
    )  # fmt: skip

    def to_rows(self) -> list[dict[str, object]]:
        """Flat rows, one per value of the scan variable, keyed by ``ROW_FIELDS`` (then the interval columns)."""
        rows = []
        for r in self.rows:
            row = {"template": self.template, "variable": self.variable, "ion": self.ion, **r.to_dict()}
            row |= r.window.provenance.to_columns()
            rows.extend(uncertainty_rows([{c: row[c] for c in self.ROW_FIELDS}], r.window.uncertainty))
        return rows


def virtual_scan_warning(scan: WindowScan) -> str | None:
    """One warning for the virtual compositions of a scan: their windows are inherited, so the scan is flat."""
    virtual = [r for r in scan.rows if r.window.energy_source == EnergySource.VIRTUAL]
    if not virtual:
        return None
    zero = [r for r in virtual if r.window.width_V is not None and r.window.width_V < NARROW_WINDOW_V]
    zero_text = ""
    if zero:
        zero_text = f"; {len(zero)} of them have a zero-width window (e.g. {zero[0].formula})"
    return (
        f"{VIRTUAL_WARNING_PREFIX}s: {len(virtual)} of {len(scan.rows)} compositions are not in the data and were "
        "placed just below the hull, so each inherits the window of the tie simplex of data phases it lies on "
        f"and the scan is flat by construction between data compounds{zero_text}; for a real trend give the doped "
        "phases' computed energies (data import, or one FORMULA with --energy-above-hull E)"
    )


def window_scan(
    template: str,
    scan: str | tuple[str, Sequence[float]],
    *,
    ion: str = "Li",
    stabilize: bool = True,
    source: str | None = None,
    store: Store | None = None,
    uncertainty: UncertaintySettings | None = None,
) -> WindowScan:
    """Stability windows along ``template`` for each value of its variable (one hull for the series).

    Args:
        template: Formula with a variable, e.g. ``Li6+xP1-xGexS5I``.
        scan: ``"x=0:0.8:0.1"`` or ``("x", [values])``.
        ion: Mobile ion A.
        stabilize: Stabilization policy (virtual compositions are always placed on the hull).
        source: Data source name.
        store: An open store (default: the configured one).
        uncertainty: Sample energy errors (``--sigma``): every row's window gets its ``uncertainty``, the same
            as ``window FORMULA --sigma`` gives for that composition (a composition's errors do not depend
            on the rest of the series).
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
            if uncertainty is not None:
                from interfacestab.analyses.uncertainty import with_window_uncertainty

                w = with_window_uncertainty(entries, w, uncertainty, stabilize=stabilize)
        except AnalysisError as exc:
            msg = f"{template} at {variable}={value}: {exc}"
            raise AnalysisError(msg) from exc
        rows.append(ScanRow(value, format_composition(comp) if not w.in_database else w.formula, w))
    return WindowScan(template, variable, ion, tuple(rows))

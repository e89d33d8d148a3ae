"""Formulas and compositions without importing pymatgen (it costs 0.3 s at start-up).

A composition is a plain ``dict[str, float]`` of element symbol to amount. Formatting
follows pymatgen's ``Composition.reduced_formula`` exactly (electronegativity order,
polyanion grouping, special formulas such as ``O2`` and ``Li2O2``); the test suite checks
this against pymatgen on every formula of the offline snapshot.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from functools import reduce

from interfacestab._periodic import ELEMENTS
from interfacestab.errors import FormulaError

Composition = dict[str, float]

AMOUNT_TOL = 1e-8  # pymatgen Composition.amount_tolerance
_FRACTION_TOL = 1e-6  # an amount this close to a simple fraction is printed as p/q
_SPECIAL_FORMULAS = {
    "LiO": "Li2O2", "NaO": "Na2O2", "KO": "K2O2", "HO": "H2O2", "CsO": "Cs2O2", "RbO": "Rb2O2",
    "O": "O2", "N": "N2", "F": "F2", "Cl": "Cl2", "H": "H2",
}  # fmt: skip
_AMOUNT = r"(?:\d+(?:\.\d*)?|\.\d+)(?:/\d+(?:\.\d*)?)?"


def token_pattern(symbol: str = r"[A-Z][a-z]?", amount: str = _AMOUNT) -> re.Pattern[str]:
    """The formula tokenizer; its groups: symbol, amount, ``(``, ``)``, group amount, whitespace, anything else.

    Formulas use the defaults; composition templates (:mod:`interfacestab.analyses.scan`) plug in
    their own symbol and amount patterns (an amount there is an arithmetic expression).
    """
    return re.compile(rf"({symbol})({amount})?|(\()|(\))({amount})?|(\s+)|(.)")


_TOKEN = token_pattern()


#: Largest amount of an element in a formula (and of a multiplier): beyond it a formula is refused.
MAX_FORMULA_AMOUNT = 1e6
#: Characters that join the parts of an adduct or hydrate (``CuSO4·5H2O``); see :func:`parse_formula`.
ADDUCT_SEPARATORS = "·•∙"
_LEADING_AMOUNT = re.compile(rf"\s*({_AMOUNT})?\s*")
_DOT_WATER = re.compile(r"\.\s*(\d+(?:\.\d+)?)\s*H2O\s*$")


def _amount(text: str | None, formula: str = "") -> float:
    if not text:
        return 1.0
    if "/" in text:
        num, den = text.split("/")
        if float(den) == 0:
            msg = f"division by zero in amount '{text}'"
            raise FormulaError(msg)
        value = float(num) / float(den)
    else:
        value = float(text)
    if not value <= MAX_FORMULA_AMOUNT:  # also catches inf ('9' * 400 parses to inf)
        shown = text if len(text) <= 20 else text[:17] + "..."
        msg = f"amount '{shown}' in formula '{_short(formula)}' is larger than {MAX_FORMULA_AMOUNT:g}"
        raise FormulaError(msg)
    return value


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _is_dot_separator(text: str, i: int) -> bool:
    """Whether the '.' at ``text[i]`` joins two parts (``LiOH.H2O``, ``CuSO4.5H2O``) rather than being a decimal point.

    A '.' followed by an element symbol or '(' joins parts. A '.' followed by a number is a decimal
    point, except in the water-of-crystallisation form ``<formula>.<n>H2O`` at the end of the
    formula after a digit other than a lone 0 or after ')' (``CuSO4.5H2O``, ``CaSO4.0.5H2O``;
    ``Li0.5H2O`` stays Li 0.5).
    """
    nxt = text[i + 1 : i + 2]
    if nxt.isupper() or nxt == "(":
        return True
    if not _DOT_WATER.match(text, i) or i == 0:
        return False
    before = text[:i].rstrip()
    if before.endswith(")"):
        return True
    number = re.search(r"[\d.]+$", before)
    if number is None or "." in number.group():
        return False
    return number.group().lstrip("0") != ""


def _split_parts(text: str) -> list[str]:
    """Split an adduct or hydrate at '·' (or '.', see :func:`_is_dot_separator`) into its parts."""
    parts, start = [], 0
    for i, ch in enumerate(text):
        if ch in ADDUCT_SEPARATORS or (ch == "." and _is_dot_separator(text, i)):
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def parse_formula(formula: str) -> Composition:
    """Parse a formula into an element -> amount mapping.

    Accepts integers, decimals and fractions (``LiNi1/3Mn1/3Co1/3O2``), parentheses
    (``Li3(PS4)``), whitespace, and adducts or hydrates whose parts are joined by '·' or '.',
    each with an optional leading multiplier (``CuSO4·5H2O`` and ``CuSO4.5H2O`` are CuSO4 + 5 H2O;
    ``LiOH.H2O``; ``75Li2S·25P2S5``). A '.' between digits is a decimal point (``Li0.5CoO2``) except before
    ``<n>H2O`` at the end of the formula. Amounts above :data:`MAX_FORMULA_AMOUNT` are refused.
    Raises :class:`FormulaError` naming the problem.
    """
    text = formula.strip()
    if not text:
        msg = "empty formula"
        raise FormulaError(msg)
    total: dict[str, float] = {}
    for part in _split_parts(text):
        lead = _LEADING_AMOUNT.match(part)
        assert lead is not None  # the pattern can match the empty string
        factor = _amount(lead.group(1), formula)
        part = part[lead.end() :]
        if not part.strip():
            msg = f"malformed formula '{_short(formula)}': an empty part around '·' or '.'"
            raise FormulaError(msg)
        for el, amt in _parse_part(part, formula).items():
            total[el] = total.get(el, 0.0) + amt * factor
    comp = {el: amt for el, amt in total.items() if abs(amt) > AMOUNT_TOL}
    if not comp:
        msg = f"formula '{_short(formula)}' has no elements"
        raise FormulaError(msg)
    if any(amt < 0 for amt in comp.values()):
        msg = f"formula '{_short(formula)}' has a negative amount"
        raise FormulaError(msg)
    if any(not amt <= MAX_FORMULA_AMOUNT for amt in comp.values()):
        msg = f"formula '{_short(formula)}' has more than {MAX_FORMULA_AMOUNT:g} atoms of an element"
        raise FormulaError(msg)
    return comp


def _parse_part(text: str, formula: str) -> dict[str, float]:
    """Element amounts of one part of a formula (no separators)."""
    stack: list[dict[str, float]] = [{}]
    for match in _TOKEN.finditer(text):
        symbol, amount, open_paren, close_paren, group_amount, _space, bad = match.groups()
        if bad is not None:
            msg = f"malformed formula '{_short(formula)}': unexpected '{bad}'"
            raise FormulaError(msg)
        if symbol is not None:
            if symbol not in ELEMENTS:
                msg = f"unknown element '{symbol}' in formula '{_short(formula)}'"
                raise FormulaError(msg)
            stack[-1][symbol] = stack[-1].get(symbol, 0.0) + _amount(amount, formula)
        elif open_paren:
            stack.append({})
        elif close_paren:
            if len(stack) == 1:
                msg = f"malformed formula '{_short(formula)}': unbalanced ')'"
                raise FormulaError(msg)
            group = stack.pop()
            factor = _amount(group_amount, formula)
            for el, amt in group.items():
                stack[-1][el] = stack[-1].get(el, 0.0) + amt * factor
    if len(stack) != 1:
        msg = f"malformed formula '{_short(formula)}': unbalanced '('"
        raise FormulaError(msg)
    return stack[0]


def _electronegativity_key(symbol: str) -> tuple[float, str]:
    x = ELEMENTS[symbol][1]
    return (math.inf if x is None else x, symbol)


def sort_symbols(symbols: object) -> list[str]:
    """Symbols in pymatgen's formula order (electronegativity, then alphabetical)."""
    return sorted(symbols, key=_electronegativity_key)  # type: ignore[call-overload]


def _format_amount(amount: float, *, ignore_ones: bool = True) -> str:
    if ignore_ones and math.isclose(amount, 1, abs_tol=AMOUNT_TOL):
        return ""
    if math.isclose(amount, round(amount), abs_tol=AMOUNT_TOL, rel_tol=0):
        return str(round(amount))
    return str(round(amount, 8))


def _reduce_integer(sym_amt: dict[str, int]) -> tuple[str, int]:
    syms = [s for s in sort_symbols(sym_amt) if abs(sym_amt[s]) > AMOUNT_TOL]
    factor = abs(math.gcd(*sym_amt.values()))
    poly = ""
    if len(syms) >= 3:
        x_last, x_prev = ELEMENTS[syms[-1]][1], ELEMENTS[syms[-2]][1]
        if x_last is not None and x_prev is not None and x_last - x_prev < 1.65:
            pair = {s: sym_amt[s] // factor for s in syms[-2:]}
            poly_form, poly_factor = _reduce_integer(pair)
            if poly_factor != 1:
                poly = f"({poly_form}){poly_factor}"
    if poly:
        syms = syms[:-2]
    return "".join(s + _format_amount(sym_amt[s] / factor) for s in syms) + poly, factor


def reduced_formula(comp: Composition) -> str:
    """Pymatgen's ``Composition(comp).reduced_formula`` (e.g. ``Li3PS4``, ``O2``, ``Li6.5Ge0.5P0.5S5I1``)."""
    if all(abs(v - round(v)) < AMOUNT_TOL for v in comp.values()):
        ints = {k: round(v) for k, v in comp.items() if round(v) != 0}
        formula, _ = _reduce_integer(ints)
        return _SPECIAL_FORMULAS.get(formula, formula)
    return "".join(s + _format_amount(comp[s], ignore_ones=False) for s in sort_symbols(comp))


def formula_factor(comp: Composition) -> float:
    """Number of reduced formula units in ``comp`` (1 for non-integer compositions)."""
    if all(abs(v - round(v)) < AMOUNT_TOL for v in comp.values()):
        factor = reduce(math.gcd, (round(v) for v in comp.values()))
        formula, _ = _reduce_integer({k: round(v) for k, v in comp.items()})
        return factor / 2 if formula in _SPECIAL_FORMULAS else float(factor)
    return 1.0


def reduced_composition(comp: Composition) -> Composition:
    """The composition of one reduced formula unit (``Li2O2`` for ``Li4O4``)."""
    factor = formula_factor(comp)
    return {el: amt / factor for el, amt in comp.items()}


def _compact_amount(amount: float) -> str:
    """'' for 1, integers plain, short decimals as written, other simple fractions as p/q (1/3)."""
    text = _format_amount(amount)
    if len(text) <= 6:
        return text
    frac = Fraction(amount).limit_denominator(12)
    return f"{frac.numerator}/{frac.denominator}" if abs(float(frac) - amount) < _FRACTION_TOL else f"{amount:.4g}"


def format_composition(comp: Composition) -> str:
    """A compact formula for a composition as given (no reduction): ``Li0.5CoO2``, ``LiMn1/3Co1/3Ni1/3O2``.

    Used for virtual (non-integer) compositions, where pymatgen's ``reduced_formula`` would print
    ``Li1Mn0.33333333Co0.33333333Ni0.33333333O2``; the string parses back to the same composition.
    """
    return "".join(s + _compact_amount(comp[s]) for s in sort_symbols(comp) if comp[s] > AMOUNT_TOL)


def formula_as_read(formula: str) -> str:
    """The formula as this package reads it: pymatgen's reduced formula, or the compact form of a virtual one.

    ``CuSO4.5H2O`` -> ``CuH10SO9``; ``Li4O4`` -> ``Li2O2``; ``LiNi1/3Mn1/3Co1/3O2`` -> ``LiMn1/3Co1/3Ni1/3O2``.
    Reports show this, so a reader sees how a typed name was understood.
    """
    return composition_as_read(parse_formula(formula))


def composition_as_read(comp: Composition) -> str:
    """A parsed composition as reports name it (see :func:`formula_as_read`)."""
    if all(abs(v - round(v)) < AMOUNT_TOL for v in comp.values()):
        return reduced_formula(comp)
    return format_composition(comp)


def n_atoms(comp: Composition) -> float:
    """Total number of atoms."""
    return float(sum(comp.values()))


def chemsys(elements: object) -> str:
    """Canonical chemical-system key: alphabetical symbols joined by '-' (e.g. ``Cl-Li-P-S``)."""
    return "-".join(sorted(set(elements)))  # type: ignore[call-overload]


def parse_chemsys(text: str) -> tuple[str, ...]:
    """Parse ``Li-P-S-Cl`` (or ``LiPSCl``-style formula) into sorted unique element symbols."""
    parts = [p for p in re.split(r"[-,\s]+", text.strip()) if p]
    if len(parts) == 1 and parts[0] not in ELEMENTS:
        parts = list(parse_formula(parts[0]))
    unknown = [p for p in parts if p not in ELEMENTS]
    if unknown or not parts:
        msg = f"unknown element(s) {', '.join(unknown) or '(none given)'} in chemical system '{text}'"
        raise FormulaError(msg)
    return tuple(sorted(set(parts)))

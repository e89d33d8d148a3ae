"""Balanced reaction strings from phase amounts (shared by window and interface reports)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence


_COEFF_TOL = 1e-8  # coefficients below this are left out of a reaction
_PRINT_TOL = 1e-6  # a coefficient this close to 1 or an integer is printed as such


def format_coefficient(value: float) -> str:
    """A coefficient as printed in reactions: '' for 1, integers plain, else up to 4 decimals."""
    if abs(value - 1.0) < _PRINT_TOL:
        return ""
    if abs(value - round(value)) < _PRINT_TOL:
        return f"{round(value)} "
    return f"{value:.4f}".rstrip("0").rstrip(".") + " "


def format_side(terms: Sequence[tuple[float, str]]) -> str:
    """'2 Li2S + Li3P' from (coefficient, formula) pairs, skipping negligible terms."""
    return " + ".join(f"{format_coefficient(c)}{f}" for c, f in terms if c > _COEFF_TOL) or "(nothing)"


def reaction_string(reactants: Sequence[tuple[float, str]], products: Sequence[tuple[float, str]]) -> str:
    """'a + b -> c + d'; identical sides give 'a -> a' (no reaction)."""
    return f"{format_side(reactants)} -> {format_side(products)}"

"""Rounding and small phrases of reports: the only place where numbers become text.

Voltages to 0.01 V, energies to 1 meV/atom (3 decimals in eV/atom, integers in meV/atom),
mixing fractions to 3 decimals. Results keep full precision; JSON and CSV never pass through here.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from interfacestab.reports.model import ProvenanceLine

if TYPE_CHECKING:
    from collections.abc import Sequence

    from interfacestab.analyses.interface import InterfaceProfile
    from interfacestab.provenance import Provenance

NONE_TEXT = "none"
MISSING_TEXT = "–"
PASS_MARK = "✓"
FAIL_MARK = "✗"
ROW_MARK = "◀"


def fixed(value: float, digits: int) -> str:
    """Fixed-point text without a negative zero (``-0.0004`` -> ``0.000``)."""
    text = f"{value:.{digits}f}"
    return f"{0.0:.{digits}f}" if float(text) == 0 else text


def fmt_voltage(value: float | None) -> str:
    """A voltage to 0.01 V (``none`` for a missing limit)."""
    return NONE_TEXT if value is None else fixed(value, 2)


def fmt_voltage_fine(value: float | None) -> str:
    """A located voltage (a product change) to 1 mV (3 decimals)."""
    return NONE_TEXT if value is None else fixed(value, 3)


def fmt_energy(value: float | None) -> str:
    """An energy in eV/atom to 1 meV/atom (3 decimals)."""
    return NONE_TEXT if value is None else fixed(value, 3)


def fmt_meV(value_eV: float | None) -> str:
    """An energy given in eV/atom, shown in meV/atom to 1 meV/atom."""
    return NONE_TEXT if value_eV is None else fixed(value_eV * 1000.0, 0)


def fmt_kJ_per_mol(value: float) -> str:
    """A reaction energy in kJ/mol to 0.1 kJ/mol."""
    return fixed(value, 1)


def fmt_fraction(value: float) -> str:
    """A mixing fraction to 3 decimals."""
    return fixed(value, 3)


def fmt_score(value: float | None) -> str:
    """A scaled margin (screen score) to 2 decimals; ``–`` when missing or not finite."""
    return MISSING_TEXT if value is None or not math.isfinite(value) else fixed(value, 2)


def fmt_scan_value(value: float) -> str:
    """A value of a scan variable as written (``0.1``, ``0.25``)."""
    return f"{value:g}"


def fmt_ion_amount(value: float) -> str:
    """Ion taken up (+) or released (-) per formula unit, to 0.01 (``0`` when none)."""
    text = fixed(value, 2)
    if float(text) == 0:
        return "0"
    return text if text.startswith("-") else f"+{text}"


def fmt_phases(phases: Sequence[str]) -> str:
    """Phases joined as a sum (``Li2S + LiCl + P``); ``none`` when empty."""
    return " + ".join(phases) if phases else NONE_TEXT


def fmt_window(low_V: float | None, high_V: float | None) -> str:
    """``0.69 – 4.21`` (V); ``1.20 – none`` without an oxidation limit, ``–`` without a window."""
    if low_V is None:
        return MISSING_TEXT
    return f"{fmt_voltage(low_V)} – {fmt_voltage(high_V)}"


def mark(flag: bool) -> str:
    """The row marker (◀) of a highlighted row, else empty."""
    return ROW_MARK if flag else ""


def pass_mark(passed: bool) -> str:
    """✓ or ✗."""
    return PASS_MARK if passed else FAIL_MARK


def provenance_lines(provenance: Provenance, *, skip: Sequence[str] = ()) -> tuple[ProvenanceLine, ...]:
    """The provenance block of every report, in one layout (``skip``: convention keys left out).

    A result built over several chemical systems (a screen, a batch) has an empty ``chemsys``;
    its entry count line is then left out.
    """
    src = provenance.source
    lines = [
        ProvenanceLine("source", f"{src.name} — {src.description}" if src.description else src.name),
        ProvenanceLine("vintage", src.vintage + (f" ({src.db_version})" if src.db_version else "")),
        ProvenanceLine("thermo type", src.thermo_type),
    ]
    if provenance.chemsys:
        lines.append(ProvenanceLine("entries", f"{provenance.n_entries_in_chemsys} in {provenance.chemsys}"))
    lines += [
        ProvenanceLine(key, text, "convention") for key, text in provenance.conventions.items() if key not in skip
    ]
    lines.append(ProvenanceLine("interfacestab", provenance.package_version))
    lines += [ProvenanceLine("warning", text, "warning") for text in provenance.warnings]
    return tuple(lines)


def interface_energy_unit(result: InterfaceProfile) -> str:
    """Normalisation of an interface's reaction energies: ``eV/atom`` closed, ``eV per non-Li atom`` open."""
    return result.energy_basis.unit(result.ion)

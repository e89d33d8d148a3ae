"""Report lines of an interphase (shared by the window, interface, sweep and screen views; registers no view)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from interfacestab.reports.format import NONE_TEXT
from interfacestab.reports.model import Column, Item, Section

if TYPE_CHECKING:
    from collections.abc import Sequence

    from interfacestab.analyses.interphase import Interphase

#: Table column of a reaction's verdict (its CSV field is ``interphase_verdict``).
VERDICT_COLUMN = Column(("interphase_verdict", "interphase_conducting_phases"), "interphase", wrap=True)

#: Legend line of the verdict column.
VERDICT_LEGEND = (
    "interphase: passivating (every product an electronic insulator), mixed-conducting (a metal or "
    "small-gap product, named) or uncertain (no band gap, or a gap between the thresholds); evolved elemental "
    "gases (O2, F2, Cl2, N2, H2) form no layer and are not counted (only gases: no-layer); thresholds "
    "and sources under provenance"
)


def verdict_cell(interphase: Interphase | None) -> str:
    """``passivating``, ``mixed-conducting: Li15Ge4``, ``uncertain: Li3P``, ``no-layer: F2 gas``, ``–`` (none)."""
    if interphase is None:
        return "–"
    if str(interphase.verdict) == "no-layer":  # only gases evolved: name them
        gases = [
            f for f, why in zip(interphase.not_counted, interphase.not_counted_reasons, strict=False) if why == "gas"
        ]
        return f"{interphase.verdict}: {', '.join(gases)} gas"
    named = interphase.conducting_phases or interphase.uncertain_phases
    return (
        f"{interphase.verdict}: {', '.join(named)}"
        if named and str(interphase.verdict) != "passivating"
        else (str(interphase.verdict))
    )


def interphase_item(key: str, interphase: Interphase | None, *, none: str = NONE_TEXT) -> Item:
    """One line: the verdict with its reasons; the products' gaps, flags and the volume change under it."""
    if interphase is None:
        return Item(key, none)
    parts = [interphase.products_text()]
    gases = [f for f, why in zip(interphase.not_counted, interphase.not_counted_reasons, strict=False) if why == "gas"]
    if gases:
        parts.append(f"not counted: {', '.join(gases)} (gas, forms no layer)")
    detail = "; ".join([p for p in parts if p] + [interphase.volume_text()])
    if interphase.interdiffusion_phases:
        detail += f"; interdiffusion: {', '.join(interphase.interdiffusion_phases)}"
    return Item(key, interphase.summary(), detail)


def interphase_section(title: str, lines: Sequence[tuple[str, Interphase | None]]) -> tuple[Section, ...]:
    """A section of interphase lines, or nothing when no line has one."""
    if all(phase is None for _, phase in lines):
        return ()
    return (Section(title, tuple(interphase_item(key, phase) for key, phase in lines)),)

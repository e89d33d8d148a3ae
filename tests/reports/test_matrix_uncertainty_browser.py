"""``matrix --sigma --output page.html`` in a real browser: hovering a heatmap cell shows its sampled interval.

Skipped, with the reason, only when no Chromium (or Playwright) can be found.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from helpers.browser import browser_skip_reason, chromium
from helpers.cli_helpers import run_script

from interfacestab.analyses.matrix import interface_matrix
from interfacestab.analyses.uncertainty import UncertaintySettings

if TYPE_CHECKING:
    from pathlib import Path

_REASON = browser_skip_reason()
pytestmark = pytest.mark.skipif(_REASON is not None, reason=_REASON or "")


def test_hovering_a_sampled_cell_shows_its_interval(toy_data_store, tmp_path: Path) -> None:
    store = str(toy_data_store.path)
    page_path = tmp_path / "m.html"
    run = run_script("--store", store, "matrix", "--electrolytes", "Li3PS4", "--electrodes", "LiCoO2,Li",
                     "--sigma", "0.04", "--samples", "20", "--seed", "9", "--output", str(page_path), timeout=300)  # fmt: skip
    assert run.returncode == 0, run.stderr
    lib = interface_matrix(["Li3PS4"], ["LiCoO2", "Li"], store_path=store, workers=1,
                           uncertainty=UncertaintySettings(0.04, samples=20, seed=9))  # fmt: skip
    with chromium(tmp_path / "profile") as browser:
        page, log = browser.open(page_path)
        try:
            assert log.console_errors == [] and log.page_errors == [], (log.console_errors, log.page_errors)
            page.locator("#figure-1").scroll_into_view_if_needed()
            for col, cell in enumerate(lib.cells):
                x, y = page.evaluate(
                    """([r, c]) => {
                        const gd = document.getElementById("figure-1");
                        const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
                        const box = gd.getBoundingClientRect();
                        return [box.left + xa._offset + xa.c2p(c), box.top + ya._offset + ya.c2p(r)];
                    }""",
                    [0, col],
                )
                page.mouse.move(x - 30, y - 30)
                page.mouse.move(x, y, steps=4)
                label = page.locator("#figure-1 .hoverlayer .hovertext")
                label.first.wait_for(state="visible", timeout=10_000)
                shown = " ".join(label.all_text_contents())
                u = cell.uncertainty
                assert u is not None and cell.reaction_energy_eV_per_atom is not None
                point, low, high = cell.reaction_energy_eV_per_atom, u.reaction_energy.low, u.reaction_energy.high
                assert f"{cell.electrolyte} | {cell.electrode}" in shown
                assert f"E_rxn 90% interval (eV/atom): {point:.3f} ({low:.3f} to {high:.3f})" in shown
                assert "20 samples" in shown
        finally:
            page.close()

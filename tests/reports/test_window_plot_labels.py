"""Issue 12 review: the rotated stage labels of the window figure stay inside the upper axes."""

from __future__ import annotations

import pytest
from helpers.toy import li_x_toy

from interfacestab.analyses.window import stability_window, window_for
from interfacestab.reports.plots import STAGE_LABEL_GID, window_figure


def _label_boxes_inside(fig) -> None:
    """Every stage label lies within its axes and clear of the title (rendered extents, in pixels)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax_n = next(ax for ax in fig.axes if any(t.get_gid() == STAGE_LABEL_GID for t in ax.texts))
    box = ax_n.get_window_extent(renderer)
    title = ax_n.title.get_window_extent(renderer)
    labels = [t for t in ax_n.texts if t.get_gid() == STAGE_LABEL_GID]
    assert labels
    for t in labels:
        ext = t.get_window_extent(renderer)
        assert box.y0 - 1 <= ext.y0 and ext.y1 <= box.y1 + 1, (t.get_text(), ext, box)
        assert not ext.overlaps(title), t.get_text()


def test_toy_labels_inside_the_axes() -> None:
    """LiS: the Li2S stage is the top step; its label used to run up out of the axes."""
    _label_boxes_inside(window_figure(stability_window(li_x_toy(), "LiS", ion="Li")))


@pytest.mark.parametrize("max_voltage", [5.0, 8.0])
def test_argyrodite_with_reference_labels_inside_the_axes(snapshot_store, max_voltage: float) -> None:
    w = window_for(
        "Li6PS5Cl", reference="Li0.5In", at_voltages_V=[4.3], max_voltage_V=max_voltage, store=snapshot_store
    )
    _label_boxes_inside(window_figure(w))

"""With --sigma the figures draw the sampled intervals: bands on window limits, error bars on the interface minimum."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest

from interfacestab.analyses.interface import interface_for
from interfacestab.analyses.uncertainty import UncertaintySettings, add_interface_uncertainty, add_window_uncertainty
from interfacestab.analyses.window import window_for
from interfacestab.reports.interactive import interface_figures, window_figures
from interfacestab.reports.plots import interface_figure, window_figure

SETTINGS = UncertaintySettings(0.03, 60, 4)


@pytest.fixture(scope="module")
def window(toy_data_store):
    return add_window_uncertainty(window_for("Li3PS4", store=toy_data_store), SETTINGS, store=toy_data_store)


@pytest.fixture(scope="module")
def interface(toy_data_store):
    return add_interface_uncertainty(interface_for("Li3PS4", "LiCoO2", store=toy_data_store), SETTINGS,
                                     store=toy_data_store)  # fmt: skip


def _spans(ax) -> list[tuple[float, float]]:
    """x extents of the full-height rectangles (axvspan) of an axes."""
    out = []
    for patch in ax.patches:
        ext = patch.get_path().get_extents(patch.get_transform() - ax.transData)
        out.append((round(ext.x0, 9), round(ext.x1, 9)))
    return out


def test_window_figure_has_a_band_per_limit_on_both_panels(window) -> None:
    u = window.uncertainty
    assert u is not None and u.oxidation_limit_V is not None
    fig = window_figure(window)
    expected = {(round(i.low, 9), round(i.high, 9)) for i in (u.reduction_limit_V, u.oxidation_limit_V)}
    for ax in fig.axes[:2]:
        assert expected <= set(_spans(ax))
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert f"sampled {u.confidence * 100:g}% interval of each limit" in labels
    fig.savefig(io.BytesIO(), format="png", dpi=40)
    plain = window_figure(replace(window, uncertainty=None))
    assert not expected & set(_spans(plain.axes[0]))


def test_interface_figure_has_error_bars_on_the_minimum(interface) -> None:
    u = interface.uncertainty
    assert u is not None
    fig = interface_figure(interface)
    ax = fig.axes[0]
    bars = [c for c in ax.containers if c.get_label().startswith("minimum: sampled")]
    assert len(bars) == 1
    segments = [seg for coll in bars[0].lines[2] for seg in coll.get_segments()]
    ys = sorted({round(float(y), 9) for seg in segments for _, y in seg})
    assert round(u.reaction_energy.low, 9) in ys and round(u.reaction_energy.high, 9) in ys


def test_interactive_window_shapes_and_interface_error_bars(window, interface) -> None:
    u = window.uncertainty
    (fig,) = window_figures(window)
    bands = [s for s in fig.spec["layout"]["shapes"] if s.get("name") == "sampled interval"]
    assert {(s["x0"], s["xref"]) for s in bands} == {
        (i.low, ref) for i in (u.reduction_limit_V, u.oxidation_limit_V) for ref in ("x", "x2")
    }
    (ifig,) = interface_figures(interface)
    trace = next(t for t in ifig.spec["data"] if t["name"].startswith("minimum: sampled"))
    y = interface.minimum.reaction_energy_eV_per_normalising_atom
    assert y - trace["error_y"]["arrayminus"][0] == pytest.approx(interface.uncertainty.reaction_energy.low)
    assert y + trace["error_y"]["array"][0] == pytest.approx(interface.uncertainty.reaction_energy.high)


def test_the_same_figure_saves_to_the_same_svg_bytes(window, tmp_path) -> None:
    from interfacestab.reports.plots import save_figure

    one, two = tmp_path / "a.svg", tmp_path / "b.svg"
    save_figure(window_figure(window), one)
    save_figure(window_figure(window), two)
    assert one.read_bytes() == two.read_bytes()


def test_a_many_part_result_counts_its_models_and_methods(window) -> None:
    from interfacestab.reports.views.uncertainty import settings_text

    u = window.uncertainty
    same = settings_text(u, [u, u])
    assert f"method {u.method} (" in same
    other = "lp" if u.method != "lp" else "reactions"
    mixed = settings_text(u, [u, replace(u, method=other)])
    assert "methods " in mixed
    assert f"{u.method} (1: " in mixed and f"{other} (1: " in mixed


def test_screen_figure_key_gives_the_pass_probability(snapshot_store) -> None:
    from interfacestab.analyses.coatings import screen_coatings
    from interfacestab.reports.plots import screen_figure
    from interfacestab.reports.views.uncertainty import share_text

    sampled = screen_coatings(["Li3PO4", "LiTaO3", "LiNbO3"], "Li6PS5Cl", "LiCoO2", store_path=snapshot_store.path,
                              workers=1, uncertainty=UncertaintySettings(0.02, 20, 3), rank_by="probability")  # fmt: skip
    key = "\n".join(t.get_text() for ax in screen_figure(sampled).axes for t in ax.texts)
    for rank, r in enumerate(sampled.results, start=1):
        assert r.pass_probability is not None
        assert f"{rank}. " in key and f"P = {share_text(r.pass_probability['all'])}" in key
    assert "P: share of 20 samples passing every criterion" in key
    plain = screen_coatings(["Li3PO4"], "Li6PS5Cl", "LiCoO2", store_path=snapshot_store.path, workers=1)
    assert "P = " not in "\n".join(t.get_text() for ax in screen_figure(plain).axes for t in ax.texts)

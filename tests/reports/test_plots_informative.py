"""Figures that carry the information: numbered kinks with a reaction key, mutual curves, subscripts, x axis."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import pytest

from interfacestab.analyses.interface import interface_for
from interfacestab.analyses.sweep import interface_sweep_for
from interfacestab.reports.plots import (
    KINK_LABEL_GID,
    MUTUAL_GID,
    OPERATING_VOLTAGE_GID,
    STAGE_LABEL_GID,
    interface_figure,
    stage_label,
    sweep_figure,
    tex,
    window_figure,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _texts(fig: Figure) -> list[str]:
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    texts += [ax.get_title() for ax in fig.axes] + [ax.get_xlabel() for ax in fig.axes]
    return texts


def _draws(fig: Figure) -> None:
    """Render the figure: every mathtext string must parse."""
    fig.savefig(io.BytesIO(), format="png", dpi=50)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Li6PS5Cl", "Li$_{6}$PS$_{5}$Cl"),
        ("Li(CoO2)2", "Li(CoO$_{2}$)$_{2}$"),
        ("Li0.5CoO2", "Li$_{0.5}$CoO$_{2}$"),
        ("LiMn1/3O2", "LiMn$_{1/3}$O$_{2}$"),
        ("0.5 Li2S + 0.25 P -> LiCl", "0.5 Li$_{2}$S + 0.25 P -> LiCl"),  # coefficients stay
        ("cost $5", r"cost \$5"),
    ],
)
def test_tex_subscripts_amounts_only(text: str, expected: str) -> None:
    assert tex(text) == expected


@pytest.fixture(scope="module")
def closed(toy_data_store):
    return interface_for("Li3PS4", "LiCoO2", store=toy_data_store)


@pytest.fixture(scope="module")
def opened(toy_data_store):
    return interface_for("Li3PS4", "LiCoO2", voltage_V=3.0, store=toy_data_store)


def test_every_kink_is_numbered_and_listed(closed) -> None:
    fig = interface_figure(closed)
    ax, ax_key = fig.axes[0], fig.axes[1]
    labels = [t for t in ax.texts if t.get_gid() == KINK_LABEL_GID]
    assert len(closed.kinks) > 2
    assert [t.get_text() for t in labels] == [str(i) for i in range(1, len(closed.kinks) + 1)]
    for label, kink in zip(labels, closed.kinks, strict=True):
        assert label.xy == pytest.approx((kink.x_atomic_a, kink.reaction_energy_eV_per_atom))
    key = [t.get_text() for t in ax_key.texts]
    assert len(key) == len(closed.kinks)
    for line, kink in zip(key, closed.kinks, strict=True):
        assert tex(kink.reaction) in line
    assert "Li$_{3}$PS$_{4}$" in ax.get_title()
    assert not [ln for ln in ax.get_lines() if ln.get_gid() == MUTUAL_GID]  # closed: total == mutual
    _draws(fig)


def test_molar_axis_follows_the_switch(closed) -> None:
    fig = interface_figure(closed, x_axis="molar")
    curve = fig.axes[0].get_lines()[0]
    assert list(curve.get_xdata()) == pytest.approx([k.x_molar_a for k in closed.kinks])
    assert "molar" in fig.axes[0].get_xlabel()
    atomic = interface_figure(closed).axes[0].get_lines()[0]
    assert list(atomic.get_xdata()) == pytest.approx([k.x_atomic_a for k in closed.kinks])
    with pytest.raises(ValueError, match="atomic or molar"):
        interface_figure(closed, x_axis="weight")


def test_open_profile_draws_the_mutual_curve(opened) -> None:
    fig = interface_figure(opened)
    (mutual,) = [ln for ln in fig.axes[0].get_lines() if ln.get_gid() == MUTUAL_GID]
    assert list(mutual.get_ydata()) == pytest.approx(
        [k.mutual_reaction_energy_eV_per_nonion_atom for k in opened.kinks]
    )
    _draws(fig)


def test_sweep_draws_mutual_and_operating_voltage(toy_data_store) -> None:
    sweep = interface_sweep_for("Li3PS4", "LiCoO2", "2:4.5:0.5", store=toy_data_store)
    fig = sweep_figure(sweep, operating_voltage_V=4.2)
    ax = fig.axes[0]
    (mutual,) = [ln for ln in ax.get_lines() if ln.get_gid() == MUTUAL_GID]
    expected = [p.mutual_minimum.mutual_reaction_energy_eV_per_nonion_atom for p in sweep.points]
    assert list(mutual.get_ydata()) == pytest.approx(expected)
    (marker,) = [ln for ln in ax.get_lines() if ln.get_gid() == OPERATING_VOLTAGE_GID]
    assert list(marker.get_xdata()) == [4.2, 4.2]
    assert any("$_{" in t for t in _texts(fig))
    assert not [ln for ln in sweep_figure(sweep).axes[0].get_lines() if ln.get_gid() == OPERATING_VOLTAGE_GID]
    _draws(fig)


def test_stage_label_names_phases_with_subscripts(toy_data_store) -> None:
    from interfacestab.analyses.window import window_for

    window = window_for("Li3PS4", store=toy_data_store)
    for stage in window.profile:
        label = stage_label(stage)
        for phase in stage.phases:
            assert tex(phase) in label
        assert ("from" in label) == (stage.voltage_high_V is None)


def test_window_profile_labels_every_stage_with_its_phases(toy_data_store) -> None:
    from interfacestab.analyses.window import window_for

    window = window_for("Li3PS4", store=toy_data_store)
    fig = window_figure(window)
    labels = [t.get_text() for ax in fig.axes for t in ax.texts if t.get_gid() == STAGE_LABEL_GID]
    assert labels == [stage_label(stage) for stage in window.profile]
    _draws(fig)


def test_scan_template_is_written_with_subscripts(snapshot_store) -> None:
    from interfacestab.analyses.scan import window_scan
    from interfacestab.reports.plots import scan_figure, tex_template

    assert tex_template("Li6+xP1-xGexS5I", "x") == "Li$_{6+x}$P$_{1-x}$Ge$_{x}$S$_{5}$I"
    assert tex_template("LixCoO2", "x") == "Li$_{x}$CoO$_{2}$"
    fig = scan_figure(window_scan("Li6+xP1-xGexS5I", "x=0:0.2:0.1", store=snapshot_store))
    assert fig.axes[0].get_title().startswith("Li$_{6+x}$P$_{1-x}$Ge$_{x}$S$_{5}$I")
    _draws(fig)


def test_charged_cathode_plot_names_the_voltage_and_kink_numbers_do_not_overlap(snapshot_store) -> None:
    """Li6PS5Cl | LiCoO2 charged to 4.2 V: the title says so; no two kink numbers overlap; the key lists every kink."""
    from interfacestab.analyses.charging import charged_cathode_for, with_charged_b

    charged = charged_cathode_for("LiCoO2", 4.2, store=snapshot_store)
    result = with_charged_b(interface_for("Li6PS5Cl", charged.parsed, store=snapshot_store), charged)
    fig = interface_figure(result)
    ax, ax_key = fig.axes[0], fig.axes[1]
    assert "(LiCoO$_{2}$ charged to 4.2 V)" in ax.get_title()
    fig.canvas.draw()
    labels = [t for t in ax.texts if t.get_gid() == KINK_LABEL_GID]
    assert len(labels) >= 2
    for label in labels:  # each number sits on its own kink
        kink = result.kinks[int(label.get_text()) - 1]
        assert label.xy == pytest.approx((kink.x_atomic_a, kink.reaction_energy_eV_per_atom))
    to_pt = 72.0 / fig.dpi
    points = [[float(v) * to_pt for v in ax.transData.transform(t.xy)] for t in labels]
    for i, (ax_pt, ay_pt) in enumerate(points):  # two kinks within a few points: only one is numbered
        for bx_pt, by_pt in points[i + 1 :]:
            assert abs(ax_pt - bx_pt) >= 8.0 or abs(ay_pt - by_pt) >= 8.0, labels
    boxes = [t.get_window_extent() for t in labels]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b), (a, b)
    assert len(ax_key.texts) == len(result.kinks)
    _draws(fig)

"""Issue 12 review: a window sampled with --sigma says what its interval covers (caveats and legend)."""

from __future__ import annotations

import json
from dataclasses import replace

from helpers.output_parsers import parse_markdown
from helpers.toy import li_x_toy

from interfacestab.analyses.uncertainty import UncertaintySettings, with_window_uncertainty
from interfacestab.analyses.window import stability_window
from interfacestab.conventions import WINDOW_CAVEATS, WINDOW_SAMPLED_THERMODYNAMICS_CAVEAT
from interfacestab.reports import render_markdown
from interfacestab.reports.views.window import window_report


def _sampled():
    entries = li_x_toy()
    point = stability_window(entries, "LiS", ion="Li")
    return point, with_window_uncertainty(entries, point, UncertaintySettings(0.03, samples=20, seed=3, confidence=0.8))


def test_the_thermodynamics_caveat_follows_the_interval() -> None:
    point, sampled = _sampled()
    plain = [text for _, text in WINDOW_CAVEATS]
    assert list(point.caveats) == plain
    assert "no temperature, entropy or correction-scheme uncertainty" in point.caveats[0]
    # with an interval the caveat no longer says there is no uncertainty; the other caveats stay
    assert list(sampled.caveats) == [WINDOW_SAMPLED_THERMODYNAMICS_CAVEAT[1], *plain[1:]]
    assert "covers formation-energy errors under the stated model" in sampled.caveats[0]
    assert json.loads(json.dumps(sampled.to_dict()))["caveats"] == list(sampled.caveats)
    assert list(replace(sampled, uncertainty=None).caveats) == plain  # and back


def test_sampled_report_caveats_and_interval_legend() -> None:
    _, sampled = _sampled()
    assert {r["caveats"] for r in sampled.to_rows()} == {" | ".join(sampled.caveats)}
    doc = parse_markdown(render_markdown.render(window_report(sampled)))
    items = [item for lst in doc.lists for item in lst]
    assert f"thermodynamics: {WINDOW_SAMPLED_THERMODYNAMICS_CAVEAT[1]}" in items
    assert "interval: point value (low-high, 80% interval of the sampled limit; median in JSON)" in items


def test_unsampled_report_has_no_interval_legend() -> None:
    point, _ = _sampled()
    items = [item for lst in parse_markdown(render_markdown.render(window_report(point))).lists for item in lst]
    assert not any(item.startswith("interval:") for item in items)
    assert f"thermodynamics: {WINDOW_CAVEATS[0][1]}" in items

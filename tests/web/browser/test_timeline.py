"""The series' timeline page in real Chromium: reached from a scenario, every chart drawn."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from peacetalks.briefing.timeline import timeline_data
from peacetalks.scenario import load_series
from tests.web.browser.harness import Watched

pytestmark = pytest.mark.slow


def test_timeline_page_draws_every_chart(watched: Watched, artifacts: Path) -> None:
    """Check the link from the scenario page, then every chart as SVG with a line per actor."""
    page = watched.page
    page.goto("/scenarios/ukraine-2025")
    page.get_by_role("link", name="see how the positions moved over time").click()
    expect(page).to_have_url(re.compile(r"/series/ukraine$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Timeline of the series ukraine")
    timeline = timeline_data(load_series("ukraine"))
    expected = [f"figure-timeline-{issue['id']}" for issue in timeline["issues"]]
    charts = page.locator(".pt-chart")
    assert charts.evaluate_all("items => items.map(e => e.id)") == expected
    for issue, chart_id in zip(timeline["issues"], expected, strict=True):
        chart = page.locator(f"#{chart_id}")
        expect(chart).to_have_attribute("data-rendered", "true")
        assert chart.locator("svg.main-svg").count() >= 1
        # One line per actor with a position, and the forecast.
        assert chart.locator("g.trace.scatter").count() == len(issue["positions"]) + 1
        assert chart.locator(".xtitle").text_content() == "Date of the snapshot (as_of)"
    # The x axis is ticked at the documents' dates.
    ticks = page.locator("#figure-timeline-neutrality .xtick text").all_text_contents()
    assert ticks == [s["date"] for s in timeline["snapshots"]]
    page.locator("#figure-timeline-neutrality").scroll_into_view_if_needed()
    page.locator("section:has(#figure-timeline-neutrality)").screenshot(
        path=artifacts / "timeline-neutrality.png"
    )
    # The moves and their sources open under each chart.
    page.locator("#moves-neutrality summary").click()
    expect(page.locator("#moves-neutrality")).to_contain_text(
        "source d13-ukraine-memorandum-2025-06"
    )

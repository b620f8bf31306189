"""The series' timeline page, served by the app (the Chromium test draws its charts)."""

from __future__ import annotations

import json
import re

from peacetalks.briefing.timeline import timeline_data
from peacetalks.report.charts import timeline_figure
from peacetalks.scenario import load_series
from peacetalks.web.pages.charts import csp_safe
from tests.web.pages.conftest import TestClient


def test_timeline_page_shows_the_series(anonymous: TestClient) -> None:
    """Check the zone per date, the story and one chart per issue, as the command gives them."""
    response = anonymous.get("/series/ukraine")
    assert response.status_code == 200, response.text
    html = response.text
    timeline = timeline_data(load_series("ukraine"))
    for snapshot in timeline["snapshots"]:
        row = f'<tr data-snapshot="{snapshot["id"]}" data-zopa-count="{snapshot["zopa_count"]}">'
        assert row in html
    assert timeline["summary"][0].replace("'", "&#39;") in html
    for issue in timeline["issues"]:
        found = re.search(
            rf'<script type="application/json" id="figure-timeline-{issue["id"]}-data">(.*?)'
            "</script>",
            html,
            flags=re.DOTALL,
        )
        assert found is not None, issue["id"]
        figure = timeline_figure(timeline, issue=issue["id"])
        expected = {"data": csp_safe(figure["data"]), "layout": csp_safe(figure["layout"])}
        assert json.loads(found.group(1)) == json.loads(json.dumps(expected))


def test_scenario_page_links_to_its_series(anonymous: TestClient) -> None:
    """Check the link from a snapshot's page, and none from a scenario of no series."""
    # (The pages of the earlier snapshots fail on their map: they state no control shares.)
    page = anonymous.get("/scenarios/ukraine-2025").text
    assert '<a href="/series/ukraine">see how the positions moved over time</a>' in page
    assert 'id="series-link"' not in anonymous.get("/scenarios/pages-private").text


def test_unknown_series_is_a_404(anonymous: TestClient) -> None:
    """Check that a series with fewer than two readable snapshots says so."""
    response = anonymous.get("/series/nowhere")
    assert response.status_code == 404
    assert "No series &#39;nowhere&#39; with two or more snapshots" in response.text

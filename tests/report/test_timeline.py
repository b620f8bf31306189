"""The report's Timeline section and the timeline chart: the series' positions over time."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from peacetalks.briefing.timeline import timeline_data
from peacetalks.errors import ParameterError
from peacetalks.report.briefing import Briefing, build_briefing, series_snapshots
from peacetalks.report.charts import timeline_figure
from peacetalks.scenario import builtin_series, load_scenario
from peacetalks.scenario.models import Scenario


def series_issues(scenario: Scenario) -> list[str]:
    """Return the issue ids of the timeline the report on a built-in snapshot has."""
    timeline = _timeline(tuple(s.id for s in series_snapshots(scenario)))
    return [issue["id"] for issue in timeline["issues"]]


@cache
def _timeline(ids: tuple[str, ...]) -> dict[str, Any]:
    return timeline_data([load_scenario(i) for i in ids])


def test_series_snapshots_stop_at_the_scenario_date() -> None:
    """Check that a report's series holds the snapshots up to its own date, oldest first."""
    series = builtin_series()["ukraine"]
    june = load_scenario("ukraine-2025-06")
    assert [s.id for s in series_snapshots(june)] == series[: series.index(june.id) + 1]
    assert [s.id for s in series_snapshots(load_scenario("ukraine-2022-03"))] == [series[0]]
    # The scenario itself stands in for the built-in file of its id.
    edited = load_scenario("ukraine-2025").model_copy(update={"title": "Edited"})
    assert series_snapshots(edited)[-1] is edited


def test_timeline_chart_draws_every_position_at_its_date() -> None:
    """Check each actor's line against the positions of the files, dated by their as_of."""
    series = builtin_series()["ukraine"]
    timeline = _timeline(tuple(series))
    figure = timeline_figure(timeline, issue="neutrality")
    assert figure["layout"]["xaxis"]["tickvals"] == [s["date"] for s in timeline["snapshots"]]
    names = {a.id: a.name for s in series for a in load_scenario(s).actors}
    for trace in figure["data"][:-1]:
        actor = next(a for a, n in names.items() if trace["name"].startswith(n))
        expected = [
            (load_scenario(s).as_of.isoformat(), p.ideal)
            for s in series
            for p in load_scenario(s).positions
            if p.actor == actor and p.issue == "neutrality"
        ]
        assert list(zip(trace["x"], trace["y"], strict=True)) == expected
        assert len(trace["hovertemplate"]) == len(expected)
    forecast = figure["data"][-1]
    assert forecast["name"].startswith("Compromise forecast")
    entry = next(i for i in timeline["issues"] if i["id"] == "neutrality")
    assert forecast["y"] == [f["forecast"] for f in entry["forecast"] if f is not None]
    assert figure["table"]["columns"] == ["actor", *forecast["x"]]


def test_timeline_chart_refuses_an_unknown_issue() -> None:
    """Check the message for an issue the timeline does not have."""
    timeline = _timeline(tuple(builtin_series()["ukraine"][:2]))
    with pytest.raises(ParameterError, match="must be an issue of the timeline"):
        timeline_figure(timeline, issue="no-such-issue")


def test_report_has_a_timeline_section(ukraine: Scenario, ukraine_briefing: Briefing) -> None:
    """Check the section: its snapshots, zone of agreement per date and a chart per issue."""
    timeline = _timeline(tuple(s.id for s in series_snapshots(ukraine)))
    charts = [c for c in ukraine_briefing.charts if c.id.startswith("chart-timeline-")]
    assert [c.id for c in charts] == [f"chart-timeline-{i}" for i in series_issues(ukraine)]
    for chart in charts:
        issue = chart.id.removeprefix("chart-timeline-")
        assert chart.figure == timeline_figure(timeline, issue=issue)
    html = ukraine_briefing.html
    assert '<h2 id="timeline">Timeline of the series <code>ukraine</code></h2>' in html
    assert '<li><a href="#timeline">Timeline of the series</a></li>' in html
    for snapshot in timeline["snapshots"]:
        assert f"<td>{snapshot['date']}</td>" in html
        assert f"{snapshot['zopa_count']:,} of {snapshot['zopa_total']:,}" in html
    assert "What moved on Neutrality and NATO membership, and on what source" in html
    assert "source d13-ukraine-memorandum-2025-06" in html


def test_no_timeline_without_a_series(small: Scenario) -> None:
    """Check that a scenario of no series, or of a series not built in, has no section."""
    assert 'id="timeline"' not in build_briefing(small, runs=10).html
    named = small.model_copy(update={"series": "nowhere"})
    assert series_snapshots(named) == [named]
    assert 'id="timeline"' not in build_briefing(named, runs=10).html


def test_timeline_of_given_snapshots(small: Scenario) -> None:
    """Check that the snapshots given to build_briefing make the section."""
    later = small.model_copy(update={"id": "small-later", "as_of": small.as_of.replace(month=9)})
    briefing = build_briefing(later, runs=10, series=[small, later])
    assert [c.id for c in briefing.charts if c.id.startswith("chart-timeline-")] == [
        f"chart-timeline-{i.id}" for i in small.issues
    ]
    assert '<h2 id="timeline">Timeline of the series</h2>' in briefing.html

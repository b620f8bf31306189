"""Page: a series' timeline, how the positions moved from one dated snapshot to the next.

The snapshots are the scenarios the visitor may read whose ``series`` is the series id
(the built-in files, or the versions saved to the store in their place), ordered by
``as_of``; the page shows what ``peacetalks timeline`` prints: the story in sentences,
the zone of possible agreement per date and, per issue, a chart of each actor's position
over time (:func:`peacetalks.report.charts.timeline_figure`) with the moves and their
sources. Computing it takes a moment, so it is cached per set of scenario versions.
"""

from __future__ import annotations

import functools
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from peacetalks.briefing.timeline import timeline_data
from peacetalks.errors import PeacetalksError
from peacetalks.report.charts import timeline_figure
from peacetalks.storage.accounts import User
from peacetalks.web.pages._access import LoadedScenario, visible_scenarios
from peacetalks.web.pages._render import error_page, render, store_of
from peacetalks.web.pages.charts import Chart, csp_safe
from peacetalks.web.security import current_user

__all__ = ["router", "series_entries", "series_timeline"]

router = APIRouter()

CurrentUser = Annotated[User | None, Depends(current_user)]


def series_entries(request: Request, series_id: str, user: User | None) -> list[LoadedScenario]:
    """Return the scenarios of a series the user may read, oldest first."""
    found = [
        entry
        for entry in visible_scenarios(store_of(request), user)
        if entry.scenario.series == series_id
    ]
    return sorted(found, key=lambda entry: (entry.scenario.as_of, entry.id))


@functools.lru_cache(maxsize=16)
def _cached(
    entries: tuple[LoadedScenario, ...],
) -> tuple[dict[str, Any] | None, tuple[Chart, ...], str | None]:
    try:
        timeline = timeline_data([e.scenario for e in entries], labels=[e.id for e in entries])
    except PeacetalksError as e:
        return None, (), str(e)
    shown = []
    for issue in timeline["issues"]:
        figure = timeline_figure(timeline, issue=issue["id"])
        plot = {"data": csp_safe(figure["data"]), "layout": csp_safe(figure["layout"])}
        shown.append(
            Chart(
                f"figure-timeline-{issue['id']}",
                str(figure["title"]),
                plot,
                str(figure["summary"]),
                figure["table"],
                None,
            )
        )
    return timeline, tuple(shown), None


def series_timeline(
    entries: list[LoadedScenario],
) -> tuple[dict[str, Any] | None, tuple[Chart, ...], str | None]:
    """Return the timeline of the snapshots and one chart per issue, or why there is none."""
    return _cached(tuple(entries))


@router.get("/series/{series_id}", include_in_schema=False)
def timeline_page(request: Request, series_id: str, user: CurrentUser) -> Response:
    """Show how the positions of a series' snapshots moved over time, with the sources."""
    entries = series_entries(request, series_id, user)
    if len(entries) < 2:
        got = "none" if not entries else f"only {entries[0].id}"
        message = (
            f"No series {series_id!r} with two or more snapshots that you can read (got "
            f"{got}). A scenario joins a series by naming it in its 'series' field; open "
            "the scenario list to see the scenarios you can read."
        )
        return error_page(request, user, 404, "Series not found", message)
    timeline, charts, error = series_timeline(entries)
    if timeline is None:
        return error_page(request, user, 400, "No timeline", error or "")
    issues = {issue["id"]: issue for issue in timeline["issues"]}
    return render(
        request,
        "timeline.html",
        user,
        series_id=series_id,
        entries=entries,
        timeline=timeline,
        sections=[(chart, issues[chart.id.removeprefix("figure-timeline-")]) for chart in charts],
    )

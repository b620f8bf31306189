"""Page: a scenario's charts and a proposal's ratification table.

The charts: the Pareto front with proposals and bargaining solutions, the forecast with
its uncertainty band, positions by round, and the survival curve of a phased agreement.

The figures are Plotly figure dicts from :mod:`peacetalks.report.charts`, rendered in the
browser by the report's ``charts.js`` from ``<script type="application/json">`` blocks,
each with its summary and data table as text alternatives. Computing them takes a while,
so each is cached per scenario version and choice of actors, issue or agreement.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from peacetalks.defaults import MODEL_NAMES
from peacetalks.errors import PeacetalksError
from peacetalks.report import charts
from peacetalks.storage.accounts import User
from peacetalks.web.bounded import run_bounded
from peacetalks.web.pages._access import LoadedScenario, can_edit, compiled_scenario
from peacetalks.web.pages._render import render
from peacetalks.web.pages.scenarios import open_scenario
from peacetalks.web.security import current_user

__all__ = [
    "DEFAULT_FORECAST_MODEL",
    "FORECAST_MODELS",
    "Chart",
    "ChartChoice",
    "chart",
    "csp_safe",
    "ratification_table",
    "router",
]

router = APIRouter()

# The forecast chart's models: every model ``peacetalks forecast --model`` accepts.
FORECAST_MODELS = MODEL_NAMES
DEFAULT_FORECAST_MODEL = "compromise"

CurrentUser = Annotated[User | None, Depends(current_user)]
Choice = Annotated[str | None, Query(max_length=64)]

# Plotly draws these pseudo-HTML tags of chart text with style attributes, which the
# pages' CSP (style-src 'self') blocks; their text is kept, the tags are dropped.
_STYLED_TAGS = re.compile(r"</?(?:a|b|em|i|s|span|sub|sup|u)(?:\s[^<>]*)?>", re.IGNORECASE)


def csp_safe(value: Any) -> Any:
    """Return a figure (or part of one) without the text tags Plotly would style inline."""
    if isinstance(value, str):
        return _STYLED_TAGS.sub("", value)
    if isinstance(value, dict):
        return {key: csp_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [csp_safe(item) for item in value]
    return value


@dataclass(frozen=True)
class Chart:
    """One chart of the page: its figure and text alternatives, or why there is none."""

    id: str
    title: str
    figure: dict[str, Any] | None
    summary: str
    table: dict[str, Any] | None
    error: str | None


@dataclass(frozen=True)
class ChartChoice:
    """What the charts show: the Pareto chart's two actors, an issue, an agreement..."""

    x: str
    y: str
    issue: str
    agreement: str
    compare: str
    proposal: str
    model: str = DEFAULT_FORECAST_MODEL


def _key(kind: str, choice: ChartChoice) -> tuple[str, ...]:
    """Return the part of the choice a chart depends on (its cache key)."""
    keys = {
        "pareto": (choice.x, choice.y),
        "forecast": (choice.model,),
        "positions": (choice.issue,),
        "survival": (choice.agreement, choice.compare),
    }
    return keys[kind]


def _figure(entry: LoadedScenario, kind: str, key: tuple[str, ...]) -> dict[str, Any]:
    scenario = entry.scenario
    if kind == "pareto":
        return charts.pareto_figure(
            scenario, actors=(key[0], key[1]), compiled=compiled_scenario(entry)
        )
    if kind == "forecast":
        return charts.forecast_figure(scenario, model=key[0])
    if kind == "positions":
        return charts.positions_figure(scenario, issue=key[0])
    return charts.survival_figure(scenario, key[0], compare=key[1] or None)


@functools.lru_cache(maxsize=256)
def _cached_figure(
    entry: LoadedScenario, kind: str, key: tuple[str, ...]
) -> tuple[dict[str, Any] | None, str | None]:
    try:
        # In a process of its own, within the server's time and memory limits: a large
        # scenario's Pareto chart could otherwise take minutes and gigabytes here.
        figure = run_bounded(_figure, entry, kind, key, what=f"the {kind} chart")
    except PeacetalksError as e:
        return None, str(e)
    return {**figure, "data": csp_safe(figure["data"]), "layout": csp_safe(figure["layout"])}, None


def chart(entry: LoadedScenario, kind: str, title: str, choice: ChartChoice) -> Chart:
    """Return one chart of a scenario version, computed once per version and choice."""
    figure, error = _cached_figure(entry, kind, _key(kind, choice))
    if figure is None:
        return Chart(f"figure-{kind}", title, None, "", None, error)
    plot = {"data": figure["data"], "layout": figure["layout"]}
    return Chart(
        f"figure-{kind}", title, plot, str(figure.get("summary", "")), figure.get("table"), None
    )


@functools.lru_cache(maxsize=256)
def _cached_rows(
    entry: LoadedScenario, proposal_id: str
) -> tuple[list[dict[str, Any]], str | None]:
    try:
        rows = charts.ratification_rows(
            entry.scenario, proposal_id, compiled=compiled_scenario(entry)
        )
    except PeacetalksError as e:
        return [], str(e)
    return rows, None


def ratification_table(
    entry: LoadedScenario, proposal_id: str
) -> tuple[list[dict[str, Any]], str | None]:
    """Return the rows of a proposal's ratification table (one per body), or an error."""
    return _cached_rows(entry, proposal_id)


def _pick(requested: str | None, known: list[str], default: str = "") -> str:
    if requested is not None and requested in known:
        return requested
    return default if default in known else (known[0] if known else "")


def _choice(entry: LoadedScenario, query: dict[str, str | None]) -> ChartChoice:
    scenario = entry.scenario
    actors = [a.id for a in scenario.actors]
    default_x, default_y = ("", "")
    if len(actors) >= 2:
        try:
            default_x, default_y = charts.default_pair(compiled_scenario(entry))
        except PeacetalksError:
            default_x, default_y = actors[0], actors[1]
    x = _pick(query["x"], actors, default_x)
    y = _pick(query["y"], actors, default_y)
    if x == y and len(actors) >= 2:
        y = default_y if default_y != x else next(a for a in actors if a != x)
    agreements = [a.id for a in scenario.agreements]
    agreement = _pick(query["agreement"], agreements)
    compare = query["compare"] or ""
    if compare not in agreements or compare == agreement:
        compare = ""
    return ChartChoice(
        x=x,
        y=y,
        issue=_pick(query["issue"], [i.id for i in scenario.issues]),
        agreement=agreement,
        compare=compare,
        proposal=_pick(query["proposal"], [p.id for p in scenario.proposals]),
        model=_pick(query["model"], list(FORECAST_MODELS), DEFAULT_FORECAST_MODEL),
    )


@router.get("/scenarios/{scenario_id}/charts", include_in_schema=False)
def charts_page(
    request: Request,
    scenario_id: str,
    user: CurrentUser,
    x: Choice = None,
    y: Choice = None,
    issue: Choice = None,
    agreement: Choice = None,
    compare: Choice = None,
    proposal: Choice = None,
    model: Choice = None,
) -> Response:
    """Show the scenario's charts and a proposal's ratification table."""
    entry = open_scenario(request, scenario_id, user)
    if isinstance(entry, Response):
        return entry
    scenario = entry.scenario
    query = {
        "x": x,
        "y": y,
        "issue": issue,
        "agreement": agreement,
        "compare": compare,
        "proposal": proposal,
        "model": model,
    }
    choice = _choice(entry, query)
    shown = [
        chart(entry, "pareto", "Pareto front, proposals and fair compromises", choice),
        chart(
            entry,
            "forecast",
            f"Forecast with its uncertainty band ({choice.model} model)",
            choice,
        ),
        chart(entry, "positions", "Positions by round", choice),
    ]
    if choice.agreement:
        shown.append(chart(entry, "survival", "Survival of a phased agreement", choice))
    rows, ratification_error = (
        ratification_table(entry, choice.proposal) if choice.proposal else ([], None)
    )
    return render(
        request,
        "charts.html",
        user,
        entry=entry,
        scenario=scenario,
        tab="charts",
        may_edit=can_edit(entry, user),
        charts=shown,
        choice=choice,
        items={
            "actors": [(a.id, a.name) for a in scenario.actors],
            "issues": [(i.id, i.name) for i in scenario.issues],
            "agreements": [(a.id, a.title) for a in scenario.agreements],
            "proposals": [(p.id, p.title) for p in scenario.proposals],
            "models": [(m, m) for m in FORECAST_MODELS],
        },
        rows=rows,
        ratification_error=ratification_error,
    )

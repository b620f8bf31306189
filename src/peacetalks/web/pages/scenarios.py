"""Pages: the scenario list, a scenario and its deal builder.

The scenario page shows actors, issues and options, positions with their sources, the
proposals judged by every actor, and the sources; the deal builder evaluates a deal as
its options are picked.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from peacetalks.briefing import Assessment, assess_deal, assess_proposal
from peacetalks.briefing.deals import deal_amendment
from peacetalks.errors import NotFoundError, ScenarioError
from peacetalks.geo.territory import has_map
from peacetalks.geo.territory_map import TerritoryMap
from peacetalks.scenario import Scenario
from peacetalks.storage.accounts import User
from peacetalks.web.pages._access import (
    LoadedScenario,
    LoginRequiredError,
    can_create,
    can_edit,
    compiled_scenario,
    load_visible,
    visible_scenarios,
)
from peacetalks.web.pages._render import error_page, login_redirect, render, store_of
from peacetalks.web.pages.evaluation import EVALUATE_PATH
from peacetalks.web.security import current_user
from peacetalks.web.territory import deal_map

__all__ = [
    "DEAL_FIELD_PREFIX",
    "EVALUATE_URL",
    "deal_from_query",
    "deal_labels",
    "open_scenario",
    "proposal_assessments",
    "router",
    "territory_map_of",
]

router = APIRouter()

# Query fields of the deal builder's form: ``issue.<issue id>=<option id>``.
DEAL_FIELD_PREFIX = "issue."
# The JSON endpoint the deal builder's script posts ``{"deal": {...}}`` to.
EVALUATE_URL = EVALUATE_PATH

CurrentUser = Annotated[User | None, Depends(current_user)]


def open_scenario(
    request: Request, scenario_id: str, user: User | None
) -> LoadedScenario | Response:
    """Return the scenario the user may read, or the page to show instead (login, 404)."""
    try:
        return load_visible(store_of(request), scenario_id, user)
    except LoginRequiredError:
        return login_redirect(request)
    except NotFoundError as e:
        return error_page(request, user, 404, "Scenario not found", str(e))


@functools.lru_cache(maxsize=32)
def proposal_assessments(entry: LoadedScenario) -> tuple[Assessment, ...]:
    """Return every proposal of a scenario version judged by every actor (cached)."""
    compiled = compiled_scenario(entry)
    return tuple(
        assess_proposal(entry.scenario, p.id, compiled=compiled) for p in entry.scenario.proposals
    )


@functools.lru_cache(maxsize=64)
def _cached_map(
    entry: LoadedScenario, deal: tuple[tuple[str, str], ...], id_prefix: str
) -> TerritoryMap:
    return deal_map(entry.scenario, dict(deal), id_prefix=id_prefix)[1]


def territory_map_of(
    entry: LoadedScenario, deal: Mapping[str, str], id_prefix: str
) -> TerritoryMap | None:
    """Return the map of a deal (cached per version), or None when there is nothing to map.

    Nothing to map: no territorial issue, or no control shares (an earlier file of a
    series); see :func:`peacetalks.geo.territory.has_map`.
    """
    if not has_map(entry.scenario):
        return None
    return _cached_map(entry, tuple(sorted(deal.items())), id_prefix)


def deal_from_query(scenario: Scenario, query: Mapping[str, str]) -> tuple[dict[str, str], str]:
    """Return the deal a builder's query describes, and its starting proposal id ("" if none).

    The deal starts from the proposal named by ``proposal`` (if any), then takes every
    ``issue.<id>`` field; issues left out take their default option, or their first.
    """
    deal: dict[str, str] = {}
    start = query.get("proposal", "")
    if start:
        try:
            deal.update(scenario.proposal(start).deal)
        except KeyError:
            start = ""
    for issue in scenario.issues:
        chosen = query.get(DEAL_FIELD_PREFIX + issue.id)
        if chosen:
            deal[issue.id] = chosen
        elif issue.id not in deal:
            deal[issue.id] = issue.default or issue.options[0].id
    return deal, start


def deal_labels(scenario: Scenario) -> dict[str, Any]:
    """Return the names the deal builder's script shows: actors, issues and options."""
    return {
        "actors": {a.id: a.name for a in scenario.actors},
        "issues": {
            issue.id: {"name": issue.name, "options": {o.id: o.label for o in issue.options}}
            for issue in scenario.issues
        },
    }


def _sources(scenario: Scenario) -> dict[str, Any]:
    return {source.id: source for source in scenario.sources}


@router.get("/", include_in_schema=False)
def scenario_list(request: Request, user: CurrentUser) -> Response:
    """List the scenarios the visitor may read."""
    entries = visible_scenarios(store_of(request), user)
    return render(
        request,
        "scenarios.html",
        user,
        entries=entries,
        may_create=can_create(user),
    )


@router.get("/scenarios/{scenario_id}", include_in_schema=False)
def scenario_page(request: Request, scenario_id: str, user: CurrentUser) -> Response:
    """Show a scenario: actors, issues and options, positions with sources, proposals."""
    entry = open_scenario(request, scenario_id, user)
    if isinstance(entry, Response):
        return entry
    scenario = entry.scenario
    positions: dict[str, list[Any]] = {issue.id: [] for issue in scenario.issues}
    for position in scenario.positions:
        positions[position.issue].append(position)
    return render(
        request,
        "scenario.html",
        user,
        entry=entry,
        scenario=scenario,
        tab="overview",
        may_edit=can_edit(entry, user),
        positions=positions,
        actor_names={a.id: a.name for a in scenario.actors},
        option_labels={i.id: {o.id: o.label for o in i.options} for i in scenario.issues},
        sources=_sources(scenario),
        saved=request.query_params.get("saved", "")[:12],
        assessments=proposal_assessments(entry),
        territory=territory_map_of(entry, {}, "line-map"),
    )


@router.get("/scenarios/{scenario_id}/deal", include_in_schema=False)
def deal_builder(request: Request, scenario_id: str, user: CurrentUser) -> Response:
    """Build a deal one issue at a time and see who accepts it, who blocks it and why."""
    entry = open_scenario(request, scenario_id, user)
    if isinstance(entry, Response):
        return entry
    scenario = entry.scenario
    deal, start = deal_from_query(scenario, request.query_params)
    problems: tuple[Any, ...] = ()
    try:
        assessment = assess_deal(scenario, deal, compiled=compiled_scenario(entry))
    except ScenarioError as e:
        # A hand-edited address named an unknown option: start again from the defaults.
        problems = e.problems
        deal, start = deal_from_query(scenario, {})
        assessment = assess_deal(scenario, deal, compiled=compiled_scenario(entry))
    return render(
        request,
        "deal.html",
        user,
        entry=entry,
        scenario=scenario,
        tab="deal",
        may_edit=can_edit(entry, user),
        deal=assessment.deal,
        start=start,
        assessment=assessment,
        amendment=None
        if assessment.passes
        else deal_amendment(compiled_scenario(entry), assessment.deal),
        problems=problems,
        field_prefix=DEAL_FIELD_PREFIX,
        evaluate_url=EVALUATE_URL.format(scenario_id=entry.id),
        labels=deal_labels(scenario),
        territory=territory_map_of(entry, assessment.deal, "deal-map"),
        territory_url=f"/api/scenarios/{entry.id}/territory",
        deal_json=json.dumps(
            {i.id: assessment.deal[i.id] for i in scenario.issues},
            ensure_ascii=False,
            separators=(",", ":"),
        ),
    )

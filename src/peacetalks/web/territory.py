"""The territory map of a deal for the API and the pages: which deal a query names, and its map.

``GET /api/scenarios/{id}/territory`` and the deal builder read a deal the same way: the
options of a proposal (``proposal=ID``), then every ``issue.<issue id>=<option id>``
field; issues left out take their default option. The answer is the document of
``peacetalks territory --json`` with the map (docs/territory.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from peacetalks.errors import NotFoundError, ParameterError
from peacetalks.geo.territory import territorial_issues, territory_outcome
from peacetalks.geo.territory_map import TerritoryMap, territory_map
from peacetalks.scenario.models import Scenario

__all__ = [
    "ISSUE_PREFIX",
    "deal_map",
    "has_territory",
    "territory_deal",
    "territory_document",
]

# Query fields naming an option: ``issue.<issue id>=<option id>`` (as the deal builder's).
ISSUE_PREFIX = "issue."
_OTHER_FIELDS = ("proposal", "version")


def has_territory(scenario: Scenario) -> bool:
    """Return whether the scenario has an issue that changes who administers a region."""
    return bool(territorial_issues(scenario))


def territory_deal(scenario: Scenario, query: Mapping[str, str]) -> tuple[dict[str, str], str]:
    """Return the deal a query names (issue id to option id) and the name of the map.

    The deal starts from the proposal ``proposal`` names (if any) and takes every
    ``issue.<id>`` field. The name is the proposal's title when its territorial options
    are unchanged, else "" (the map is then titled by the chosen options' labels).

    Raises
    ------
    NotFoundError
        If the proposal is unknown (the message lists the scenario's proposals).
    ParameterError
        If a field names an unknown issue or option, or is not a field of the query.
    """
    deal: dict[str, str] = {}
    name = ""
    proposal_id = query.get("proposal", "")
    if proposal_id:
        try:
            proposal = scenario.proposal(proposal_id)
        except KeyError:
            known = ", ".join(p.id for p in scenario.proposals) or "(none)"
            msg = (
                f"scenario {scenario.id!r} has no proposal {proposal_id!r}. "
                f"Expected one of: {known}."
            )
            raise NotFoundError(msg, kind="proposal", value=proposal_id) from None
        deal.update(proposal.deal)
        name = proposal.title
    issues = {i.id: i for i in scenario.issues}
    territorial = {i.id for i in territorial_issues(scenario)}
    for field, option in query.items():
        if field in _OTHER_FIELDS:
            continue
        if not field.startswith(ISSUE_PREFIX):
            msg = (
                f"unknown query field {field!r}. Expected proposal=ID, version=N or "
                f"{ISSUE_PREFIX}<issue id>=<option id>."
            )
            raise ParameterError(msg, parameter=field, value=option)
        issue_id = field.removeprefix(ISSUE_PREFIX)
        issue = issues.get(issue_id)
        if issue is None:
            known = ", ".join(issues)
            msg = f"scenario {scenario.id!r} has no issue {issue_id!r}. Expected one of: {known}."
            raise ParameterError(msg, parameter=field, value=option)
        if option not in {o.id for o in issue.options}:
            known = ", ".join(o.id for o in issue.options)
            msg = f"issue {issue_id!r} has no option {option!r}. Expected one of: {known}."
            raise ParameterError(msg, parameter=field, value=option)
        if name and issue_id in territorial and deal.get(issue_id) != option:
            name = ""
        deal[issue_id] = option
    return deal, name


def deal_map(
    scenario: Scenario, deal: Mapping[str, str], *, name: str = "", id_prefix: str
) -> tuple[dict[str, Any], TerritoryMap]:
    """Return the territory document of a deal and its map.

    Raises
    ------
    ParameterError
        If the scenario has no territorial issue or an option is unknown.
    """
    from peacetalks.cli.territory import territory_data

    outcome = territory_outcome(scenario, deal)
    drawn = territory_map(scenario, outcome, name=name or None, id_prefix=id_prefix)
    return territory_data(scenario, outcome), drawn


def territory_document(
    scenario: Scenario, query: Mapping[str, str], *, id_prefix: str = "territory"
) -> dict[str, Any]:
    """Return the API's answer: ``peacetalks territory --json``'s document and the map.

    ``proposal`` is the proposal the query starts from (None without one); ``map`` has
    ``svg`` (a self-contained SVG), ``title`` and ``summary`` (its text alternative).
    """
    if not has_territory(scenario):
        msg = (
            f"scenario {scenario.id!r} has no territorial issue: no issue has a "
            "'territory' scale or options with 'regions' (docs/territory.md), so it has no map."
        )
        raise ParameterError(msg, parameter="scenario_id", value=scenario.id)
    deal, name = territory_deal(scenario, query)
    data, drawn = deal_map(scenario, deal, name=name, id_prefix=id_prefix)
    data["proposal"] = query.get("proposal") or None
    data["map"] = {"svg": drawn.svg, "title": drawn.title, "summary": drawn.summary}
    return data

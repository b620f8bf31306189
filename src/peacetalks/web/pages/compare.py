"""The compare page: proposals side by side, as ``peacetalks compare`` shows them.

``/scenarios/{id}/compare?p=A&p=B`` compares the proposals named (two to
:data:`~peacetalks.briefing.compare.MAX_COMPARED`); without ``p`` it shows the choice
only. The numbers are ``compare_data``'s, so ``evaluate``'s, for the scenario version
read (cached per version and choice).
"""

from __future__ import annotations

import functools
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from peacetalks.briefing.compare import MAX_COMPARED, compare_data
from peacetalks.errors import PeacetalksError
from peacetalks.storage.accounts import User
from peacetalks.web.pages._access import LoadedScenario, can_edit
from peacetalks.web.pages._render import render
from peacetalks.web.pages.scenarios import open_scenario
from peacetalks.web.security import current_user

__all__ = ["router"]

router = APIRouter()

CurrentUser = Annotated[User | None, Depends(current_user)]


@functools.lru_cache(maxsize=32)
def _compared(entry: LoadedScenario, chosen: tuple[str, ...]) -> dict[str, Any]:
    return compare_data(entry.scenario, chosen)


@router.get("/scenarios/{scenario_id}/compare", include_in_schema=False)
def compare_page(
    request: Request,
    scenario_id: str,
    user: CurrentUser,
    p: Annotated[list[str] | None, Query(max_length=MAX_COMPARED + 1)] = None,
) -> Response:
    """Compare proposals: where their options differ, each actor's verdict, the fixes."""
    entry = open_scenario(request, scenario_id, user)
    if isinstance(entry, Response):
        return entry
    scenario = entry.scenario
    chosen = tuple(dict.fromkeys(x[:64] for x in (p or [])))
    data = None
    problem = ""
    if chosen:
        try:
            data = _compared(entry, chosen)
        except PeacetalksError as e:
            problem = str(e)
    labels = {i.id: {o.id: o.label for o in i.options} for i in scenario.issues}
    return render(
        request,
        "compare.html",
        user,
        entry=entry,
        scenario=scenario,
        tab="compare",
        may_edit=can_edit(entry, user),
        chosen=chosen,
        data=data,
        problem=problem,
        max_compared=MAX_COMPARED,
        issue_names={i.id: i.name for i in scenario.issues},
        option_labels=labels,
        titles={pr.id: pr.title for pr in scenario.proposals},
    )

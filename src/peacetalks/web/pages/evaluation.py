"""The deal builder's JSON endpoint: judge a deal at once, for anyone who may read the scenario.

The API's evaluate analysis runs as a recorded job for analysts; the deal builder asks
for a verdict on every pick, also for anonymous readers of a built-in scenario, so it
has this small read-only route instead. Nothing is recorded. Errors have the API's JSON
shape (``{"error": {"type", "message", "problems"?}}``).
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from peacetalks.briefing import assess_deal
from peacetalks.briefing.deals import deal_amendment
from peacetalks.errors import ParameterError, PeacetalksError
from peacetalks.storage.accounts import User
from peacetalks.web.errors import error_body, status_of
from peacetalks.web.pages._access import LoginRequiredError, compiled_scenario, load_visible
from peacetalks.web.pages._render import store_of
from peacetalks.web.security import check_csrf, current_user

__all__ = ["EVALUATE_PATH", "MAX_DEAL_BYTES", "router"]

router = APIRouter()

EVALUATE_PATH = "/pages-api/scenarios/{scenario_id}/evaluate"
# A deal names at most a thousand issues by ids of at most 64 characters.
MAX_DEAL_BYTES = 200_000

CurrentUser = Annotated[User | None, Depends(current_user)]


def _deal(body: bytes) -> dict[str, str]:
    """Return the deal of a ``{"deal": {issue: option}}`` body, or raise ParameterError."""
    expected = 'Send {"deal": {"issue id": "option id", ...}} as JSON.'
    if len(body) > MAX_DEAL_BYTES:
        msg = f"The request body is {len(body):,} bytes; at most {MAX_DEAL_BYTES:,}. {expected}"
        raise ParameterError(msg, parameter="deal", value=None)
    try:
        data: Any = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        msg = f"The request body is not valid JSON: {e}. {expected}"
        raise ParameterError(msg, parameter="deal", value=None) from None
    deal = data.get("deal") if isinstance(data, dict) else None
    if not isinstance(deal, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in deal.items()
    ):
        msg = f"The request body must have a 'deal' mapping issue ids to option ids. {expected}"
        raise ParameterError(msg, parameter="deal", value=None)
    return deal


def _assess(
    request: Request, scenario_id: str, user: User | None, deal: dict[str, str]
) -> dict[str, Any]:
    """Return the deal's assessment and, when it is blocked, its smallest amendment."""
    entry = load_visible(store_of(request), scenario_id, user)
    compiled = compiled_scenario(entry)
    assessment = assess_deal(entry.scenario, deal, compiled=compiled)
    data = assessment.to_dict()
    data["amendment"] = None if assessment.passes else deal_amendment(compiled, deal)
    return data


def _error(error: PeacetalksError, status_code: int | None = None) -> Response:
    return JSONResponse(error_body(error), status_code=status_code or status_of(error))


@router.post(EVALUATE_PATH, include_in_schema=False)
async def evaluate_deal(request: Request, scenario_id: str, user: CurrentUser) -> Response:
    """Return the assessment of a deal (``Assessment.to_dict()``): who accepts, who blocks.

    A blocked deal also carries ``amendment``: the smallest change every veto holder would
    accept (``deal_amendment``); None when the deal passes.
    """
    try:
        check_csrf(request)
        deal = _deal(await request.body())
        assessed = await run_in_threadpool(_assess, request, scenario_id, user, deal)
    except LoginRequiredError:
        msg = f"Scenario {scenario_id!r} is private. Sign in to evaluate deals on it."
        return _error(ParameterError(msg, parameter="scenario_id", value=scenario_id), 401)
    except PeacetalksError as e:
        return _error(e)
    return JSONResponse(assessed)

"""The territory map of a deal: ``GET /api/scenarios/{id}/territory``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from peacetalks.web.api._deps import ERRORS, CurrentUser, load_version
from peacetalks.web.territory import territory_document

__all__ = ["router"]

router = APIRouter(prefix="/scenarios", tags=["scenarios"])

_DESCRIPTION = """\
Who administers what under a deal: area and pre-war population that change hands, region
by region, relative to the line at the scenario's ``as_of``, and the map.

The deal is a proposal's (``proposal=ID``) with every ``issue.<issue id>=<option id>``
field of the query on top (as the deal builder's address); issues left out take their
default option, so no field at all gives the line itself. The answer is what
``peacetalks territory --json`` prints (``scenario``, ``as_of``, ``options``, ``regions``,
``totals``) with ``proposal`` and ``map``: ``{"svg", "title", "summary"}``, a
self-contained SVG with its title and text alternative. An unknown proposal answers 404;
an unknown issue, option or query field, or a scenario without a territorial issue, 422.
"""


@router.get("/{scenario_id}/territory", responses=ERRORS, description=_DESCRIPTION)
def get_territory(
    request: Request,
    scenario_id: str,
    user: CurrentUser,
    proposal: Annotated[
        str | None,
        Query(max_length=200, description="Start from this proposal's options."),
    ] = None,
    version: Annotated[
        int | None, Query(ge=1, le=2**31 - 1, description="A version number (default: newest).")
    ] = None,
) -> dict[str, Any]:
    """Return the territorial outcome of a deal and its map."""
    entry = load_version(request, scenario_id, version, user)
    query = dict(request.query_params)
    if proposal is not None:
        query["proposal"] = proposal
    return territory_document(entry.scenario, query)

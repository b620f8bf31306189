"""The server-rendered pages: scenarios, the deal builder, charts, the editor, sign-in.

``router`` holds every HTML route; ``create_app`` includes it beside the JSON API and
passes ``render_error_page`` to the error handlers for paths outside ``/api``. The
pages need no script to work (forms post to the server); their scripts (in
``web/static/js``) add the live deal verdict and the editor's jumps to faulty lines.
"""

from __future__ import annotations

from fastapi import APIRouter

from peacetalks.web.pages import (
    account,
    analyses,
    charts,
    compare,
    editor,
    evaluation,
    proposals,
    scenarios,
    timeline,
)
from peacetalks.web.pages._render import render_error_page

__all__ = ["render_error_page", "router"]

router = APIRouter()
# The editor goes first: its /scenarios/new must win over /scenarios/{scenario_id}.
router.include_router(editor.router)
router.include_router(account.router)
router.include_router(scenarios.router)
router.include_router(charts.router)
router.include_router(compare.router)
router.include_router(evaluation.router)
router.include_router(timeline.router)
router.include_router(analyses.router)
router.include_router(proposals.router)

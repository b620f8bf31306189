"""The JSON API, mounted under ``/api``: scenarios, analyses as jobs, events, accounts.

Every unsafe request (POST, PUT, PATCH, DELETE) that carries a session cookie needs the
session's CSRF token in the ``X-CSRF-Token`` header; requests signed with an API token
(``Authorization: Bearer pt_...``) need none. Errors answer with one JSON shape (see
:mod:`peacetalks.web.errors`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from peacetalks import __version__
from peacetalks.web import security as _security
from peacetalks.web.api import analyses, auth, events, scenarios, territory, users

__all__ = ["health", "router"]

router = APIRouter(dependencies=[Depends(_security.csrf_protect)])


@router.get("/health", tags=["server"])
def health() -> dict[str, Any]:
    """Say that the server is up, and its version."""
    return {"status": "ok", "version": __version__}


router.include_router(auth.router)
router.include_router(users.router)
router.include_router(scenarios.router)
router.include_router(territory.router)
router.include_router(analyses.router)
router.include_router(events.router)

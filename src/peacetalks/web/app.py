"""The web application: the JSON API under ``/api``, the pages, static files and security.

``create_app(WebSettings(...))`` opens the store (migrating it), saves the built-in
scenarios to it (owned by nobody: readable by all, changed by admins only), marks the
runs a stopped server left unfinished as failed, and starts the job runner.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from peacetalks import __version__
from peacetalks.report import assets_path
from peacetalks.scenario.load import builtin_scenarios, resolve_scenario_path
from peacetalks.storage import Store, open_store
from peacetalks.web import api, bounded, pages
from peacetalks.web.api._deps import ScenarioCache
from peacetalks.web.errors import API_PREFIX, install_error_handlers
from peacetalks.web.jobs import JobRunner, fail_unfinished_runs
from peacetalks.web.limits import BodyLimitMiddleware
from peacetalks.web.security import SECURITY_HEADERS, LoginThrottle, SecurityHeadersMiddleware
from peacetalks.web.settings import WebSettings

__all__ = ["STATIC_DIR", "create_app", "seed_builtin_scenarios"]

STATIC_DIR = Path(__file__).resolve().parent / "static"
_log = logging.getLogger("peacetalks.web")


def seed_builtin_scenarios(store: Store) -> list[str]:
    """Save every built-in scenario to the store, owned by nobody; return the ids saved.

    A built-in scenario whose packaged text was saved before (as any version) is left
    alone, so that an admin's later versions stay the newest; a packaged text that changed
    (a new release) is saved as a new version. An id that a user took for their own
    scenario is skipped, with a warning.
    """
    existing = set(store.scenario_ids())
    saved = []
    for scenario_id in builtin_scenarios():
        text = resolve_scenario_path(scenario_id).read_text(encoding="utf-8")
        if scenario_id in existing:
            owner = store.scenario_owner(scenario_id)
            if owner is not None:
                _log.warning(
                    "the built-in scenario %r is not saved: %r owns a scenario with its id",
                    scenario_id,
                    owner,
                )
                continue
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
            if digest in {v.sha256 for v in store.scenario_versions(scenario_id)}:
                continue
        store.save_scenario(text, owner=None)
        saved.append(scenario_id)
    return saved


def create_app(settings: WebSettings | None = None) -> FastAPI:
    """Return the web application on the store named by the settings.

    Parameters
    ----------
    settings : WebSettings, optional
        Where the store is and the limits; the defaults when omitted.

    Raises
    ------
    StorageError
        If the store cannot be opened or migrated.
    """
    settings = settings if settings is not None else WebSettings()
    store = open_store(settings.db)
    seed_builtin_scenarios(store)
    failed = fail_unfinished_runs(store)
    if failed:
        _log.warning("%d analysis run(s) left unfinished by a stopped server marked failed", failed)
    jobs = JobRunner(
        store,
        seconds=settings.job_seconds,
        workers=settings.job_workers,
        quota=settings.job_quota,
        memory_bytes=settings.job_memory_mb << 20,
    )
    bounded.configure(
        seconds=settings.page_seconds,
        memory_bytes=settings.job_memory_mb << 20,
        workers=settings.job_workers,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            jobs.close()
            store.close()

    app = FastAPI(
        title="peacetalks",
        version=__version__,
        summary="Model multi-party peace negotiations and compute on them.",
        description=(
            "The JSON API of peacetalks: scenarios (with versions and sharing), analyses as "
            "jobs (evaluate, deals, forecast, ratify, stress, negotiate, compare, timeline), "
            "agreement events, and accounts. Sign in with POST /api/auth/login (then send "
            "the X-CSRF-Token header on unsafe requests) or send an API token as "
            "'Authorization: Bearer pt_...'. See docs/web.md."
        ),
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.jobs = jobs
    app.state.scenario_cache = ScenarioCache()
    app.state.login_throttle = LoginThrottle(settings.login_attempts, settings.login_window_seconds)
    install_error_handlers(app, render_page=pages.render_error_page, headers=dict(SECURITY_HEADERS))
    app.add_middleware(BodyLimitMiddleware, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeadersMiddleware)
    app.include_router(api.router, prefix=API_PREFIX)
    if STATIC_DIR.is_dir():
        app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.mount("/assets", StaticFiles(directory=assets_path()), name="assets")
    app.include_router(pages.router)
    return app

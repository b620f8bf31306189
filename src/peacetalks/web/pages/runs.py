"""Pages: the signed-in user's analysis runs, and one run with its progress and result.

``/runs`` lists the runs the user started (admins: also everyone's). ``/runs/{id}`` shows a
run's status and progress; a small script (``static/js/run.js``) follows it through
``GET /api/runs/{id}`` and reloads the page when it is over, and a plain link does the
same without script. A finished run shows a summary of its main figures
(:mod:`peacetalks.web.pages.run_summary`) and its JSON document to download. A run is
readable by its owner and admins only, as in the API.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from peacetalks.errors import StorageError
from peacetalks.storage import AnalysisRun
from peacetalks.storage.accounts import User
from peacetalks.web.api.analyses import run_error, run_scenario
from peacetalks.web.pages._access import is_admin
from peacetalks.web.pages._render import error_page, login_redirect, render, store_of
from peacetalks.web.pages.run_summary import KIND_TITLES, summarise
from peacetalks.web.security import current_user

__all__ = ["router"]

router = APIRouter()

CurrentUser = Annotated[User | None, Depends(current_user)]
RunId = Annotated[int, Path(ge=1, le=2**63 - 1)]
_LISTED = 200


def _when(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _row(run: AnalysisRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "kind": run.kind,
        "title": KIND_TITLES.get(run.kind, run.kind),
        "scenario": run_scenario(run),
        "version": run.scenario_version,
        "status": run.status,
        "progress": run.progress,
        "owner": run.owner,
        "started": _when(run.started_at),
        "started_iso": run.started_at.isoformat(),
    }


def _open_run(
    request: Request, run_id: int, user: User | None
) -> tuple[User, AnalysisRun] | Response:
    """Return the user and a run they may read, or the response that refuses it.

    An anonymous visitor is sent to sign in; a run that is not the user's (unless they
    are an admin) is answered as a missing one.
    """
    if user is None:
        return login_redirect(request)
    try:
        run = store_of(request).run(run_id)
    except StorageError:
        run = None
    if run is not None and (is_admin(user) or run.owner == user.username):
        return user, run
    message = f"No analysis run {run_id} of yours. Open your runs to see the ones you started."
    return error_page(request, user, 404, "Run not found", message)


@router.get("/runs", include_in_schema=False)
def runs_page(request: Request, user: CurrentUser) -> Response:
    """List the user's runs, newest first (admins: also everyone else's)."""
    if user is None:
        return login_redirect(request)
    store = store_of(request)
    newest = store.runs(owner=user.username, newest=_LISTED, results=False)
    mine = [_row(run) for run in reversed(newest)]
    others: list[dict[str, Any]] = []
    if is_admin(user):
        everyone = store.runs(newest=2 * _LISTED, results=False)
        others = [_row(r) for r in reversed(everyone) if r.owner != user.username][:_LISTED]
    return render(request, "runs.html", user, mine=mine, others=others, admin=is_admin(user))


@router.get("/runs/{run_id}", include_in_schema=False)
def run_page(request: Request, run_id: RunId, user: CurrentUser) -> Response:
    """Show a run: its status and progress, then its summary and downloads."""
    found = _open_run(request, run_id, user)
    if isinstance(found, Response):
        return found
    user, run = found
    error = (run_error(run) or {}).get("message")
    summary = summarise(run.kind, run.results) if run.status == "succeeded" else None
    return render(
        request,
        "run.html",
        user,
        run=_row(run),
        parameters=json.dumps(run.parameters, indent=2, ensure_ascii=False),
        finished=_when(run.finished_at),
        duration=run.duration_seconds,
        error=error or run.error,
        summary=summary,
    )


@router.get("/runs/{run_id}/results.json", include_in_schema=False)
def run_results(request: Request, run_id: RunId, user: CurrentUser) -> Response:
    """Download a finished run's results: the document the matching command prints."""
    found = _open_run(request, run_id, user)
    if isinstance(found, Response):
        return found
    user, run = found
    if run.status != "succeeded" or not isinstance(run.results, dict):
        message = (
            f"Run {run_id} has no results to download: it is {run.status}. Open the run's "
            "page and wait until it succeeds."
        )
        return error_page(request, user, 404, "No results yet", message)
    filename = f"{run.scenario_id}-{run.kind}-{run.id}.json"
    return Response(
        json.dumps(run.results, indent=2, ensure_ascii=False) + "\n",
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )

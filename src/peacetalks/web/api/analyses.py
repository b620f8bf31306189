"""Analyses as jobs: start one on a scenario, follow its progress, read its results."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from peacetalks.errors import NotFoundError, StorageError
from peacetalks.storage import AnalysisRun, Store
from peacetalks.storage.accounts import User
from peacetalks.web.api._deps import (
    ERRORS,
    Analyst,
    RowId,
    SignedIn,
    StoreDep,
    VersionedScenario,
    jobs_of,
    load_version,
    settings_of,
    store_of,
)
from peacetalks.web.runners import (
    LONG_KINDS,
    CompareParameters,
    DealsParameters,
    EvaluateParameters,
    ForecastParameters,
    Kind,
    NegotiateParameters,
    Parameters,
    RatifyParameters,
    StressTestParameters,
    TimelineParameters,
    check_analysis,
    other_scenarios,
)
from peacetalks.web.security import has_role

__all__ = ["router", "run_document", "start_analysis"]

router = APIRouter(tags=["analyses"])
VersionQuery = Annotated[
    int | None, Query(ge=1, le=2**31 - 1, description="Scenario version (default: newest).")
]
WaitQuery = Annotated[
    bool,
    Query(description="Answer when the run is over (up to the job time limit), not at once."),
]
StatusName = Literal["queued", "running", "succeeded", "failed"]


def _url(run_id: int) -> str:
    return f"/api/runs/{run_id}"


def run_scenario(run: AnalysisRun) -> str | None:
    """Return how the run's owner named its scenario (the storage key for older runs)."""
    named = run.inputs.get("scenario") if isinstance(run.inputs, dict) else None
    return named if isinstance(named, str) and run.scenario_id is not None else run.scenario_id


def run_error(run: AnalysisRun) -> dict[str, Any] | None:
    """Return a failed run's error as ``{"type", "message", ...}``; None for other runs."""
    if run.status != "failed":
        return None
    detail = run.results.get("error") if isinstance(run.results, dict) else None
    return detail if isinstance(detail, dict) else {"type": "Error", "message": run.error}


def run_document(run: AnalysisRun) -> dict[str, Any]:
    """Return a run as the API shows it: status, progress, timings, results or error."""
    error = run_error(run)
    results = None if run.status == "failed" else run.results
    return {
        "id": run.id,
        "kind": run.kind,
        "scenario": run_scenario(run),
        "scenario_version": run.scenario_version,
        "status": run.status,
        "progress": run.progress,
        "parameters": run.parameters,
        "owner": run.owner,
        "started_at": run.started_at.isoformat(),
        "finished_at": None if run.finished_at is None else run.finished_at.isoformat(),
        "duration_seconds": run.duration_seconds,
        "results": results,
        "error": error,
        "url": _url(run.id),
    }


def _series_members(
    request: Request, entry: VersionedScenario, user: User
) -> list[VersionedScenario]:
    """Return the other scenarios of the entry's series the user reads, one per date.

    A copy of a snapshot keeps its ``series`` and ``as_of``; of two scenarios dated the
    same day (which a timeline cannot order) the analysed one is kept, else a built-in
    one, else the first by id.
    """
    series = entry.scenario.series
    if series is None:
        return []
    store = store_of(request)
    readable = [
        item
        for item in store.visible_scenarios(user.username, admin=has_role(user, "admin"))
        if item.key != entry.key
    ]
    readable.sort(key=lambda item: (item.owner is not None, item.ref))
    dates = {entry.scenario.as_of}
    found = []
    for item in readable:
        if series not in store.scenario_text(item.key):  # cheap: no parse of the others
            continue
        other = load_version(request, item.ref, None, user)
        if other.scenario.series == series and other.scenario.as_of not in dates:
            dates.add(other.scenario.as_of)
            found.append(other)
    return found


def _others(
    request: Request, kind: str, entry: VersionedScenario, values: dict[str, Any], user: User
) -> list[VersionedScenario]:
    ids = other_scenarios(kind, values)
    if ids is None:
        others = _series_members(request, entry, user)
        values["snapshots"] = [other.id for other in others]
        return others
    return [load_version(request, scenario_id, None, user) for scenario_id in ids]


def start_analysis(
    request: Request,
    kind: str,
    scenario_id: str,
    version: int | None,
    parameters: Parameters,
    user: User,
) -> AnalysisRun:
    """Check an analysis of a scenario version and queue it as a job owned by the user.

    The API's endpoints and the analyses page both start runs here. Compare's ``at`` and
    the timeline's snapshots are loaded (their newest versions, if the user may read
    them) and handed to the job; a timeline without ``snapshots`` records the ones found.

    Raises
    ------
    NotFoundError
        If a scenario, version or id the parameters name is unknown or not readable.
    ParameterError
        If the parameters do not fit the scenario (see :func:`check_analysis`).
    TooManyJobsError
        If the user already has the most analyses queued or running.
    """
    entry = load_version(request, scenario_id, version, user)
    values = parameters.model_dump(mode="json")
    others = _others(request, kind, entry, values, user)
    check_analysis(kind, entry.scenario, values, [other.scenario for other in others])
    return jobs_of(request).submit(
        kind,
        scenario_id=entry.key,
        version=entry.version,
        text=entry.text,
        parameters=values,
        owner=user.username,
        others=tuple((f"{o.id} version {o.version}", o.text) for o in others),
        ref=entry.id,
    )


async def _answer(
    request: Request,
    response: Response,
    kind: str,
    scenario_id: str,
    version: int | None,
    parameters: Parameters,
    user: User,
    wait: bool,
) -> dict[str, Any]:
    run = await run_in_threadpool(
        start_analysis, request, kind, scenario_id, version, parameters, user
    )
    response.headers["Location"] = _url(run.id)
    if wait:
        seconds = settings_of(request).job_seconds + 15
        finished = await run_in_threadpool(jobs_of(request).wait, run.id, seconds)
        run = await run_in_threadpool(store_of(request).run, run.id)
        if finished and run.status in ("succeeded", "failed"):
            response.status_code = 200
            return run_document(run)
    response.status_code = 202
    return {"id": run.id, "status": run.status, "progress": run.progress, "url": _url(run.id)}


_ACCEPTED: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    202: {"description": "The run is queued: follow it at its url."},
}


def _endpoint(kind: str, model: type[Parameters]) -> Callable[..., Any]:
    long = "Reports its progress as it goes. " if kind in LONG_KINDS else ""

    async def start(
        request: Request,
        response: Response,
        scenario_id: str,
        body: Parameters,
        user: Analyst,
        version: VersionQuery = None,
        wait: WaitQuery = False,
    ) -> dict[str, Any]:
        return await _answer(request, response, kind, scenario_id, version, body, user, wait)

    # The body's model is the kind's own (annotations are strings under __future__).
    start.__annotations__["body"] = model
    start.__name__ = f"start_{kind}"
    start.__doc__ = (
        f"{(model.__doc__ or '').strip().splitlines()[0]}\n\n"
        f"Runs as a job (analysts and admins): answers 202 with the run's id and url; "
        f"{long}With ``wait=true``, answers 200 with the finished run."
    )
    return start


for _kind, _model in (
    ("evaluate", EvaluateParameters),
    ("deals", DealsParameters),
    ("forecast", ForecastParameters),
    ("ratify", RatifyParameters),
    ("stress", StressTestParameters),
    ("negotiate", NegotiateParameters),
    ("compare", CompareParameters),
    ("timeline", TimelineParameters),
):
    router.add_api_route(
        f"/scenarios/{{scenario_id}}/analyses/{_kind}",
        _endpoint(_kind, _model),
        methods=["POST"],
        status_code=202,
        responses=_ACCEPTED,
        summary=f"Start a {_kind} analysis",
    )


def _readable_run(store: Store, run_id: int, user: User) -> AnalysisRun:
    run: AnalysisRun | None
    try:
        run = store.run(run_id)
    except StorageError:
        run = None
    if run is None or not (has_role(user, "admin") or run.owner == user.username):
        msg = f"No analysis run {run_id} of yours. List your runs with GET /api/runs."
        raise NotFoundError(msg, kind="run", value=str(run_id))
    return run


@router.get("/runs/{run_id}", responses=ERRORS)
def get_run(run_id: RowId, user: SignedIn, store: StoreDep) -> dict[str, Any]:
    """Return a run: its status, progress (0 to 1), timings, and results or error."""
    return run_document(_readable_run(store, run_id, user))


def _results(store: Store, run_id: int, user: User) -> tuple[AnalysisRun, dict[str, Any]]:
    run = _readable_run(store, run_id, user)
    if run.status != "succeeded" or not isinstance(run.results, dict):
        msg = (
            f"Run {run_id} has no results to download: it is {run.status}. Wait until it "
            f"succeeds (GET /api/runs/{run_id})."
        )
        raise NotFoundError(msg, kind="results", value=str(run_id))
    return run, run.results


@router.get("/runs/{run_id}/tables", responses=ERRORS)
def run_tables(run_id: RowId, user: SignedIn, store: StoreDep) -> dict[str, Any]:
    """List the tables of a finished run's results, each with its CSV download.

    The tables are those ``--csv`` writes from the same JSON document: every list of
    records, named by its path (see the README, "Tables as CSV").
    """
    from peacetalks.briefing.tables import document_tables

    _, results = _results(store, run_id, user)
    tables = document_tables(results)
    return {
        "run": run_id,
        "tables": [
            {"name": name, "rows": len(rows), "csv": f"{_url(run_id)}/tables/{name}.csv"}
            for name, rows in tables.items()
        ],
        "xlsx": f"{_url(run_id)}/results.xlsx",
    }


@router.get(
    "/runs/{run_id}/tables/{name}.csv",
    responses={**ERRORS, 200: {"content": {"text/csv": {}}}},
    response_class=Response,
)
def run_table_csv(
    run_id: RowId,
    name: Annotated[str, Path(max_length=200)],
    user: SignedIn,
    store: StoreDep,
) -> Response:
    """Download one table of a finished run's results as CSV."""
    import io

    from peacetalks.briefing.tables import document_tables
    from peacetalks.formats.export import table_csv

    run, results = _results(store, run_id, user)
    tables = document_tables(results)
    if name not in tables:
        msg = (
            f"Run {run_id} has no table {name!r}. Its tables: {', '.join(tables)} "
            f"(GET /api/runs/{run_id}/tables)."
        )
        raise NotFoundError(msg, kind="table", value=name)
    buffer = io.StringIO()
    table_csv(tables[name], buffer)
    filename = f"{run.scenario_id}-{run.kind}-{run_id}.{name}.csv"
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get(
    "/runs/{run_id}/results.xlsx",
    responses={**ERRORS, 200: {"content": {_XLSX: {}}}},
    response_class=Response,
)
def run_xlsx(run_id: RowId, user: SignedIn, store: StoreDep) -> Response:
    """Download a finished run's results as an Excel workbook, one sheet per table."""
    import io

    from peacetalks.formats.export import write_xlsx

    run, results = _results(store, run_id, user)
    buffer = io.BytesIO()
    write_xlsx(results, buffer)
    filename = f"{run.scenario_id}-{run.kind}-{run_id}.xlsx"
    return Response(
        buffer.getvalue(),
        media_type=_XLSX,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/runs", responses=ERRORS)
def list_runs(
    user: SignedIn,
    store: StoreDep,
    kind: Annotated[Kind | None, Query(description="Only this analysis.")] = None,
    scenario: Annotated[str | None, Query(max_length=64)] = None,
    status: Annotated[StatusName | None, Query()] = None,
    everyone: Annotated[bool, Query(description="Admins: the runs of every user.")] = False,
    limit: Annotated[int, Query(ge=1, le=1000, description="At most this many runs.")] = 100,
) -> dict[str, Any]:
    """List your runs (admins: everyone's with ``everyone=true``), newest first."""
    admin = has_role(user, "admin")
    owner = None if everyone and admin else user.username
    key = None
    if scenario is not None:  # a reference, resolved for this user (ids are per owner)
        found = store.find_scenario(scenario, user.username, admin=admin)
        if found is None:
            return {"runs": []}
        key = found.key
    runs = store.runs(
        kind=kind, scenario_id=key, owner=owner, status=status, newest=limit, results=False
    )
    documents = []
    for run in reversed(runs):
        document = run_document(run)
        document.pop("results")
        documents.append(document)
    return {"runs": documents}

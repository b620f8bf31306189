"""Implementation events of an agreement (add, list, import a file) and its tracking score."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from peacetalks.agreements.stress import find_agreement
from peacetalks.agreements.tracking import track_agreement
from peacetalks.errors import ScenarioError
from peacetalks.formats.events import (
    EVENT_FORMATS,
    MAX_EVENT_ROWS,
    Event,
    EventFormat,
    read_events,
)
from peacetalks.scenario.agreements import Agreement
from peacetalks.scenario.models import Scenario
from peacetalks.storage.accounts import User
from peacetalks.web.api._deps import (
    ERRORS,
    Analyst,
    CurrentUser,
    VersionedScenario,
    check_writable,
    load_version,
    store_of,
)
from peacetalks.web.imports import Upload, safe_name

__all__ = ["EventsBody", "router"]

router = APIRouter(prefix="/scenarios/{scenario_id}/agreements/{agreement}", tags=["events"])


class EventsBody(BaseModel):
    """Events to add, as in an events YAML file (``date``, ``kind``, ``provision``, ...)."""

    model_config = ConfigDict(extra="forbid")

    events: Annotated[list[dict[str, Any]], Field(max_length=MAX_EVENT_ROWS)]


def _agreement(
    request: Request, scenario_id: str, agreement: str, user: User | None
) -> tuple[VersionedScenario, Agreement]:
    entry = load_version(request, scenario_id, None, user)
    return entry, find_agreement(entry.scenario, agreement)


def _default_provision(agreement: Agreement) -> str:
    for phase in agreement.phases:
        if phase.kind == "ceasefire":
            return phase.id
    return agreement.phases[0].id


def _read(
    scenario: Scenario,
    chosen: Agreement,
    upload: Upload,
    format: EventFormat,
    provision: str | None,
) -> tuple[list[Event], int]:
    targets = {o.id for o in chosen.provisions} | {p.id for p in chosen.phases}
    with tempfile.TemporaryDirectory(prefix="peacetalks-events-") as tmp:
        path = Path(tmp) / upload.filename
        path.write_bytes(upload.content)
        try:
            return read_events(
                path,
                format=format,
                provision=provision or _default_provision(chosen),
                provisions=targets,
                actors=[(a.id, a.name) for a in scenario.actors],
            )
        except ScenarioError as e:
            raise ScenarioError(e.problems, upload.filename) from None


def _event_data(event: Event) -> dict[str, Any]:
    return event.model_dump(mode="json", exclude_none=True)


@router.get("/events", responses=ERRORS)
def list_events(
    request: Request, scenario_id: str, agreement: str, user: CurrentUser
) -> dict[str, Any]:
    """List the recorded events of an agreement, in date order."""
    entry, _ = _agreement(request, scenario_id, agreement, user)
    events = store_of(request).events(entry.key, agreement=agreement)
    return {
        "scenario": entry.id,
        "agreement": agreement,
        "events": [_event_data(e) for e in events],
    }


def _record(
    request: Request,
    scenario_id: str,
    agreement: str,
    user: User,
    upload: Upload,
    format: EventFormat,
    provision: str | None,
) -> dict[str, Any]:
    store = store_of(request)
    check_writable(store, scenario_id, user)
    entry, chosen = _agreement(request, scenario_id, agreement, user)
    events, skipped = _read(entry.scenario, chosen, upload, format, provision)
    added = store.add_events(entry.key, events, agreement=agreement)
    return {
        "scenario": entry.id,
        "agreement": agreement,
        "added": added,
        "skipped_rows": skipped,
    }


@router.post("/events", status_code=201, responses=ERRORS)
async def add_events(
    request: Request, scenario_id: str, agreement: str, body: EventsBody, user: Analyst
) -> dict[str, Any]:
    """Record events of an agreement (its scenario's owner or an admin).

    Each event is checked as in an events file: the line numbers of problems are those
    of the request body.
    """
    del body  # validated for its shape; the raw body is read so that lines match
    raw = await request.body()
    upload = Upload("request.json", raw)
    return await run_in_threadpool(
        _record, request, scenario_id, agreement, user, upload, "events", None
    )


@router.post("/events/import", status_code=201, responses=ERRORS)
async def import_events(
    request: Request,
    scenario_id: str,
    agreement: str,
    user: Analyst,
    file: Annotated[UploadFile, File(description="Events YAML or CSV, OSCE, ACLED or UCDP.")],
    format: Annotated[
        EventFormat, Form(description=f"One of {', '.join(EVENT_FORMATS)}.")
    ] = "auto",
    provision: Annotated[
        str | None,
        Form(max_length=64, description="Provision of OSCE/ACLED/UCDP rows (default: ceasefire)."),
    ] = None,
) -> dict[str, Any]:
    """Record the events of a file, as ``peacetalks track --events FILE`` reads it."""
    upload = Upload(safe_name(file.filename or "events.csv"), await file.read())
    return await run_in_threadpool(
        _record, request, scenario_id, agreement, user, upload, format, provision
    )


@router.get("/track", responses=ERRORS)
def track(
    request: Request,
    scenario_id: str,
    agreement: str,
    user: CurrentUser,
    as_of: Annotated[dt.date | None, Query(description="Ignore events after this date.")] = None,
) -> dict[str, Any]:
    """Score the agreement's implementation from its events (Peace Accords Matrix, 0-100)."""
    entry, chosen = _agreement(request, scenario_id, agreement, user)
    events = store_of(request).events(entry.key, agreement=agreement)
    result = track_agreement(chosen, events, as_of=as_of)
    return {"scenario": entry.id, **result.to_dict()}

"""Scenarios: list, read, create, update, validate, import, versions and sharing."""

from __future__ import annotations

import threading
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Header, Query, Request, Response, UploadFile
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from peacetalks.errors import Problem, ScenarioError, StorageError
from peacetalks.scenario.load import parse_scenario, scenario_to_data
from peacetalks.scenario.models import Scenario
from peacetalks.scenario.yaml_nodes import MAX_BYTES
from peacetalks.storage import OWNER_SEPARATOR, ScenarioRef, Store
from peacetalks.storage.accounts import User
from peacetalks.web.api._deps import (
    ERRORS,
    Analyst,
    CurrentUser,
    ScenarioCache,
    SignedIn,
    StoreDep,
    check_readable,
    check_writable,
    is_builtin_id,
    load_version,
)
from peacetalks.web.errors import ConflictError, PreconditionFailedError
from peacetalks.web.imports import FORMATS, ImportFormat, Upload, import_scenario
from peacetalks.web.security import has_role

__all__ = [
    "EVERYONE",
    "ScenarioText",
    "ShareBody",
    "router",
]

router = APIRouter(prefix="/scenarios", tags=["scenarios"])
# The grantee of a share with every signed-in user, in DELETE /shares/{grantee}.
EVERYONE = "*"
VersionQuery = Annotated[
    int | None, Query(ge=1, le=2**31 - 1, description="A version number (default: newest).")
]
# One scenario write at a time, so that checking an id is free and saving it is atomic.
_WRITES = threading.Lock()


class ScenarioText(BaseModel):
    """A scenario as YAML text, with an optional file name for the error messages."""

    model_config = ConfigDict(extra="forbid")

    yaml: Annotated[str, Field(max_length=MAX_BYTES, description="The scenario as YAML.")]
    filename: Annotated[
        str | None, Field(max_length=200, description="Names the text in error messages.")
    ] = None


class ShareBody(BaseModel):
    """Whom to share a scenario with: a username, or null for every signed-in user."""

    model_config = ConfigDict(extra="forbid")

    username: Annotated[str, Field(min_length=1, max_length=64)] | None


def _url(scenario_id: str) -> str:
    return f"/api/scenarios/{scenario_id}"


def _summary(
    request: Request, store: Store, found: ScenarioRef, user: User | None
) -> dict[str, Any]:
    cache: ScenarioCache = request.app.state.scenario_cache
    entry = cache.get(store, found, None)
    owner = found.owner
    return {
        "id": found.ref,
        "name": found.name,
        "title": entry.scenario.title,
        "as_of": entry.scenario.as_of.isoformat(),
        "version": entry.version,
        "owner": owner,
        "builtin": owner is None,
        "can_edit": _can_edit(user, owner),
        "url": _url(found.ref),
    }


def _can_edit(user: User | None, owner: str | None) -> bool:
    return has_role(user, "admin") or (
        user is not None and has_role(user, "analyst") and owner == user.username
    )


def _parse(body: ScenarioText) -> Scenario:
    return parse_scenario(body.yaml, source=body.filename)


def _saved(
    ref: str, owner: str | None, scenario: Scenario, number: int, *, created: bool
) -> dict[str, Any]:
    """Return the answer to a save: ``ref`` names the scenario for the user who saved."""
    return {
        "id": ref,
        "name": scenario.id,
        "version": number,
        "created": created,
        "title": scenario.title,
        "owner": owner,
        "url": _url(ref),
    }


def _taken_id_problem(store: Store, scenario_id: str, user: User) -> str | None:
    """Return why the user may not create a scenario of this id, or None if they may.

    Ids are per owner, so only the user's own scenarios and the built-in ones (owned by
    nobody, readable by all) can take an id: another user's private scenario never
    does, and its existence does not show here.
    """
    own = f"{scenario_id}{OWNER_SEPARATOR}{user.username}"
    if store.find_scenario(own, user.username) is not None:
        return (
            f"You have a scenario with the id {scenario_id!r} already. Save a new version "
            f"of it with PUT /api/scenarios/{scenario_id}, or choose another id."
        )
    if is_builtin_id(store, scenario_id, user):
        return (
            f"{scenario_id!r} is the id of a built-in scenario. Choose another id for your "
            "own copy."
        )
    return None


def _create(store: Store, text: str, scenario: Scenario, user: User) -> dict[str, Any]:
    with _WRITES:
        problem = _taken_id_problem(store, scenario.id, user)
        if problem is not None:
            raise ConflictError(problem)
        version = _save(store, text, owner=user.username)
    # The creator's own scenario: its bare id names it for them (see Store.find_scenario).
    return _saved(scenario.id, user.username, scenario, version, created=True)


def _save(
    store: Store,
    text: str,
    *,
    owner: str | None = None,
    key: str | None = None,
    base: str | None = None,
) -> int:
    try:
        return store.save_scenario(text, owner=owner, key=key, base=base).number
    except StorageError as e:
        if e.kind == "changed":
            raise PreconditionFailedError(f"{e} (If-Match named {base!r}.)") from None
        if e.kind == "scenario":
            raise ConflictError(str(e)) from None
        raise


@router.get("", responses=ERRORS)
def list_scenarios(request: Request, user: CurrentUser, store: StoreDep) -> dict[str, Any]:
    """List the scenarios you may read: built-in ones, yours, and those shared with you."""
    username = None if user is None else user.username
    found = store.visible_scenarios(username, admin=has_role(user, "admin"))
    return {"scenarios": [_summary(request, store, item, user) for item in found]}


@router.post("", status_code=201, responses={**ERRORS, 409: ERRORS[422]})
def create_scenario(body: ScenarioText, user: Analyst, store: StoreDep) -> dict[str, Any]:
    """Create a scenario from YAML (analysts and admins); it is private until shared."""
    scenario = _parse(body)
    return _create(store, body.yaml, scenario, user)


@router.post("/validate", responses=ERRORS)
def validate_scenario(body: ScenarioText, _user: SignedIn) -> dict[str, Any]:
    """Check a scenario's YAML; answer what ``peacetalks validate --json`` prints.

    Invalid scenarios answer 200 with ``valid: false`` and every problem with its field
    path, line and message.
    """
    try:
        scenario = _parse(body)
    except ScenarioError as e:
        problems = [{"path": p.path, "line": p.line, "message": p.message} for p in e.problems]
        return {"valid": False, "source": e.source, "problems": problems}
    return {"valid": True, "id": scenario.id, "problems": []}


def _lint_document(label: str, text: str) -> dict[str, Any]:
    """Return what ``peacetalks lint --json`` prints for one scenario's text."""
    from peacetalks.scenario.lint import lint_texts

    problems = lint_texts([(label, text)])
    errors = sum(p.severity == "error" for p in problems)
    return {
        "problems": [p.to_dict() for p in problems],
        "errors": errors,
        "warnings": len(problems) - errors,
    }


@router.post("/lint", responses=ERRORS)
def lint_scenario_text(body: ScenarioText, _user: SignedIn) -> dict[str, Any]:
    """Check a scenario's provenance and consistency; answer what ``peacetalks lint --json`` prints.

    Each problem has ``file``, ``line``, ``field``, ``code``, ``severity`` (``error`` or
    ``warning``) and ``message``; a text that does not load answers its load errors with
    the code ``invalid``. The codes are listed in docs/lint.md.
    """
    return _lint_document(body.filename or "scenario.yaml", body.yaml)


@router.post("/import", status_code=201, responses={**ERRORS, 409: ERRORS[422]})
async def import_files(
    user: Analyst,
    store: StoreDep,
    files: Annotated[list[UploadFile], File(description="The file(s) to import.")],
    format: Annotated[
        ImportFormat,
        Form(description=f"One of {', '.join(FORMATS)}; auto tells by the file names."),
    ] = "auto",
) -> dict[str, Any]:
    """Import a scenario from files: YAML, a GENIUS domain, or a KTAB SMP CSV or XML.

    A GENIUS domain is sent as one zip archive of its folder, or as its XML files (the
    domain file and one utility file per party) in several ``files`` fields.
    """
    uploads = []
    for upload in files:
        content = await upload.read()
        uploads.append(Upload(upload.filename or "", content))
    text, scenario = await run_in_threadpool(import_scenario, uploads, format)
    return await run_in_threadpool(_create, store, text, scenario, user)


@router.get("/{scenario_id}", responses=ERRORS)
def get_scenario(
    request: Request,
    scenario_id: str,
    user: CurrentUser,
    store: StoreDep,
    version: VersionQuery = None,
) -> dict[str, Any]:
    """Return a version of a scenario: its YAML and its data (as ``peacetalks show --json``)."""
    entry = load_version(request, scenario_id, version, user)
    owner = store.scenario_owner(entry.key)
    versions = store.scenario_versions(entry.key)
    return {
        "id": entry.id,
        "name": entry.scenario.id,
        "version": entry.version,
        "versions": len(versions),
        "sha256": entry.sha256,
        "created_at": versions[entry.version - 1].created_at.isoformat(),
        "owner": owner,
        "builtin": owner is None,
        "can_edit": _can_edit(user, owner),
        "yaml": entry.text,
        "scenario": scenario_to_data(entry.scenario),
    }


@router.get(
    "/{scenario_id}/yaml",
    response_class=PlainTextResponse,
    responses={**ERRORS, 200: {"content": {"application/yaml": {}}}},
)
def get_scenario_yaml(
    request: Request, scenario_id: str, user: CurrentUser, version: VersionQuery = None
) -> Response:
    """Return a version of a scenario as its YAML text, byte for byte as saved."""
    entry = load_version(request, scenario_id, version, user)
    return PlainTextResponse(entry.text, media_type="application/yaml; charset=utf-8")


@router.get("/{scenario_id}/lint", responses=ERRORS)
def lint_saved_scenario(
    request: Request, scenario_id: str, user: CurrentUser, version: VersionQuery = None
) -> dict[str, Any]:
    """Check a saved version's provenance and consistency, as ``peacetalks lint --json``."""
    entry = load_version(request, scenario_id, version, user)
    return _lint_document(entry.id, entry.text)


@router.put(
    "/{scenario_id}",
    responses={
        **ERRORS,
        409: ERRORS[422],
        412: {"model": ERRORS[422]["model"], "description": "If-Match is not the newest."},
    },
)
def update_scenario(
    scenario_id: str,
    body: ScenarioText,
    user: Analyst,
    store: StoreDep,
    if_match: Annotated[
        str | None,
        Header(
            max_length=200,
            description='The `sha256` of the version edited ("..." quotes optional): the '
            "save is refused with 412 if another version is the newest by then.",
        ),
    ] = None,
) -> dict[str, Any]:
    """Save a new version of a scenario (its owner or an admin).

    Text equal to the newest version makes no new version (``created: false``). With
    ``If-Match: "<sha256>"`` the save is made only if that version is still the newest
    (412 otherwise), so that a script never overwrites a version it has not seen.
    """
    found = check_writable(store, scenario_id, user)
    scenario = _parse(body)
    if scenario.id != found.name:
        msg = (
            f"The scenario's id is {scenario.id!r}, not {found.name!r} as in the address. "
            f"Keep 'id: {found.name}', or create a new scenario with POST /api/scenarios."
        )
        raise ScenarioError([_id_problem(msg, body.yaml)], body.filename)
    base = None if if_match is None else if_match.strip().removeprefix("W/").strip('"')
    with _WRITES:
        before = store.scenario_versions(found.key)[-1].number
        number = _save(store, body.yaml, key=found.key, base=base)
    return _saved(found.ref, found.owner, scenario, number, created=number != before)


def _id_problem(message: str, text: str) -> Problem:
    line = next(
        (n for n, row in enumerate(text.splitlines(), start=1) if row.startswith("id:")), None
    )
    return Problem("id", message, line)


@router.get("/{scenario_id}/versions", responses=ERRORS)
def list_versions(scenario_id: str, user: CurrentUser, store: StoreDep) -> dict[str, Any]:
    """List the saved versions of a scenario, oldest first."""
    found = check_readable(store, scenario_id, user)
    return {
        "id": found.ref,
        "versions": [
            {
                "version": v.number,
                "sha256": v.sha256,
                "created_at": v.created_at.isoformat(),
                "url": f"{_url(found.ref)}?version={v.number}",
            }
            for v in store.scenario_versions(found.key)
        ],
    }


def _shares(store: Store, found: ScenarioRef) -> dict[str, Any]:
    grantees = store.shares(found.key)
    return {
        "id": found.ref,
        "everyone": None in grantees,
        "users": [g for g in grantees if g is not None],
    }


@router.get("/{scenario_id}/shares", responses=ERRORS)
def list_shares(scenario_id: str, user: SignedIn, store: StoreDep) -> dict[str, Any]:
    """Return whom a scenario is shared with (its owner or an admin)."""
    return _shares(store, check_writable(store, scenario_id, user))


@router.post("/{scenario_id}/shares", responses=ERRORS)
def share(scenario_id: str, body: ShareBody, user: Analyst, store: StoreDep) -> dict[str, Any]:
    """Share a scenario (read only) with a user, or with everyone signed in (``null``)."""
    found = check_writable(store, scenario_id, user)
    store.share_scenario(found.key, body.username)
    return _shares(store, found)


@router.delete("/{scenario_id}/shares/{grantee}", responses=ERRORS)
def unshare(scenario_id: str, grantee: str, user: Analyst, store: StoreDep) -> dict[str, Any]:
    """Withdraw a share: ``grantee`` is a username, or ``*`` for everyone signed in."""
    found = check_writable(store, scenario_id, user)
    store.unshare_scenario(found.key, None if grantee == EVERYONE else grantee)
    return _shares(store, found)

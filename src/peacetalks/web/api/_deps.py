"""What the API's endpoints share: the store, access checks, scenario versions, error docs."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from pydantic import BaseModel

from peacetalks.errors import NotFoundError, StorageError
from peacetalks.scenario.load import builtin_scenarios, parse_scenario
from peacetalks.scenario.models import Scenario
from peacetalks.storage import OWNER_SEPARATOR, ScenarioRef, Store
from peacetalks.storage.accounts import User
from peacetalks.web.errors import PermissionDeniedError
from peacetalks.web.jobs import JobRunner
from peacetalks.web.security import current_user, has_role, require_role, require_user
from peacetalks.web.settings import WebSettings

__all__ = [
    "ERRORS",
    "Admin",
    "Analyst",
    "CurrentUser",
    "ErrorBody",
    "ErrorDetail",
    "RowId",
    "ScenarioCache",
    "SignedIn",
    "StoreDep",
    "VersionedScenario",
    "check_readable",
    "check_writable",
    "is_builtin_id",
    "jobs_of",
    "load_version",
    "settings_of",
    "store_of",
]


# The id of a stored row (a run, a token) in a path: a positive 64-bit integer, as the
# databases store it; a larger number is refused with 422 before any query.
RowId = Annotated[int, Path(ge=1, le=2**63 - 1, description="Id of the stored record.")]


class ErrorDetail(BaseModel):
    """What went wrong: the error's type, its message, and (for scenarios) each problem."""

    type: str
    message: str
    problems: list[dict[str, Any]] | None = None


class ErrorBody(BaseModel):
    """The body of every error response."""

    error: ErrorDetail


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


ERRORS: dict[int | str, dict[str, Any]] = {
    400: _error("The request cannot be read (malformed JSON, an unreadable upload)."),
    401: _error("Not signed in, or an unknown API token."),
    403: _error("The role or ownership does not allow it, or the CSRF token is missing."),
    404: _error("No such scenario, version, run or user (or not one you may read)."),
    413: _error("The request body is larger than the server accepts."),
    422: _error("The request or the scenario is invalid; the message says where."),
}


def store_of(request: Request) -> Store:
    """Return the application's store."""
    store: Store = request.app.state.store
    return store


def settings_of(request: Request) -> WebSettings:
    """Return the application's settings."""
    settings: WebSettings = request.app.state.settings
    return settings


def jobs_of(request: Request) -> JobRunner:
    """Return the application's job runner."""
    jobs: JobRunner = request.app.state.jobs
    return jobs


StoreDep = Annotated[Store, Depends(store_of)]
CurrentUser = Annotated[User | None, Depends(current_user)]
SignedIn = Annotated[User, Depends(require_user)]
Analyst = Annotated[User, Depends(require_role("analyst"))]
Admin = Annotated[User, Depends(require_role("admin"))]


def _unknown(scenario_id: str) -> NotFoundError:
    msg = (
        f"No scenario {scenario_id!r} that you may read. List the scenarios you can read "
        "with GET /api/scenarios; sign in to see your own and those shared with you."
    )
    return NotFoundError(msg, kind="scenario", value=scenario_id)


def check_readable(store: Store, scenario_id: str, user: User | None) -> ScenarioRef:
    """Return the scenario a reference names for the user; 404 unless they may read it.

    A private scenario of someone else answers exactly as a missing one (ids are per
    owner: see :meth:`~peacetalks.storage.Store.find_scenario`).
    """
    username = None if user is None else user.username
    found = store.find_scenario(scenario_id, username, admin=has_role(user, "admin"))
    if found is None:
        raise _unknown(scenario_id)
    return found


def is_builtin_id(store: Store, scenario_id: str, user: User) -> bool:
    """Return whether an id is a built-in scenario's (owned by nobody, readable by all).

    Ids are per owner, so only these and the user's own scenarios can take an id the
    user saves under; another user's private scenario never does.
    """
    stored = store.find_scenario(f"{scenario_id}{OWNER_SEPARATOR}", user.username)
    return stored is not None or scenario_id in builtin_scenarios()


def check_writable(store: Store, scenario_id: str, user: User) -> ScenarioRef:
    """Return the scenario if the user may change it (its owner or an admin).

    A scenario the user may not read answers 404; one they may read but not change, 403.
    """
    found = check_readable(store, scenario_id, user)
    owner = found.owner
    if has_role(user, "admin") or (owner is not None and owner == user.username):
        return found
    whose = "it is built in" if owner is None else f"it belongs to {owner!r}"
    msg = (
        f"You may not change scenario {found.ref!r}: {whose}. Save a copy of your own with "
        "POST /api/scenarios."
    )
    raise PermissionDeniedError(msg)


@dataclass(frozen=True)
class VersionedScenario:
    """One saved version of a scenario, parsed.

    ``id`` is how the user names it (see :class:`~peacetalks.storage.ScenarioRef`),
    ``key`` its storage key.
    """

    id: str
    key: str
    version: int
    sha256: str
    text: str
    scenario: Scenario


class ScenarioCache:
    """Parsed scenario versions, by id, version and digest (parsing takes ~0.1 s).

    Parameters
    ----------
    size : int
        Versions kept; the least recently used go first.
    """

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self._items: OrderedDict[tuple[str, int, str], VersionedScenario] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, store: Store, found: ScenarioRef, version: int | None) -> VersionedScenario:
        """Return a version (the newest when ``version`` is None), parsing it once.

        Raises
        ------
        StorageError
            If the scenario or the version is unknown.
        """
        key = found.key
        versions = store.scenario_versions(key)
        chosen = versions[-1] if version is None else None
        for entry in versions if version is not None else ():
            if entry.number == version:
                chosen = entry
        if chosen is None:
            msg = (
                f"Scenario {found.ref!r} has no version {version!r}; its versions are 1 to "
                f"{versions[-1].number}. List them with GET /api/scenarios/{found.ref}/versions."
            )
            raise StorageError(msg, kind="version", value=version)
        cached = (key, chosen.number, chosen.sha256)
        with self._lock:
            hit = self._items.get(cached)
            if hit is not None:
                self._items.move_to_end(cached)
                return replace(hit, id=found.ref)
        text = store.scenario_text(key, chosen.number)
        scenario = parse_scenario(text, source=f"{found.ref} version {chosen.number}")
        item = VersionedScenario(
            id=found.ref,
            key=key,
            version=chosen.number,
            sha256=chosen.sha256,
            text=text,
            scenario=scenario,
        )
        with self._lock:
            self._items[cached] = item
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return item


def load_version(
    request: Request, scenario_id: str, version: int | None, user: User | None
) -> VersionedScenario:
    """Return a version of a scenario the user may read (404 otherwise)."""
    store = store_of(request)
    found = check_readable(store, scenario_id, user)
    cache: ScenarioCache = request.app.state.scenario_cache
    return cache.get(store, found, version)

"""Which scenarios a visitor may read and change, and loading them by version.

A scenario lives either in the store (saved through the editor or the API, with an owner)
or, for the built-in scenarios not yet saved to the store, in the package's data files.
Built-in scenarios (owner None) are readable by anyone; a private scenario is readable by
its owner, an admin and those it is shared with; changing one needs its owner or an admin.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field

from peacetalks.errors import NotFoundError, StorageError
from peacetalks.scenario import (
    CompiledScenario,
    Scenario,
    builtin_scenarios,
    compile_scenario,
    parse_scenario,
    resolve_scenario_path,
)
from peacetalks.storage import ScenarioRef, Store
from peacetalks.storage.accounts import User

__all__ = [
    "WRITER_ROLES",
    "LoadedScenario",
    "LoginRequiredError",
    "can_create",
    "can_edit",
    "compiled_scenario",
    "is_admin",
    "load_visible",
    "visible_scenarios",
]

WRITER_ROLES = ("analyst", "admin")


class LoginRequiredError(Exception):
    """The page needs a signed-in user (the visitor is anonymous)."""


@dataclass(frozen=True)
class LoadedScenario:
    """One version of a scenario with its text and model.

    Equal (and hashed) by id and text digest only, so the caches of charts and compiled
    tables are keyed by the scenario version. ``id`` is how the visitor names it (the
    scenario's own id unless that names another scenario for them: see
    :meth:`~peacetalks.storage.Store.find_scenario`); ``key`` is its storage key (None
    for a built-in scenario read from the package's files).
    """

    id: str
    sha: str
    version: int | None
    owner: str | None
    stored: bool
    text: str = field(compare=False, repr=False)
    scenario: Scenario = field(compare=False, repr=False)
    key: str | None = field(default=None, compare=False)

    @property
    def builtin(self) -> bool:
        """Return whether the scenario is built in (nobody owns it)."""
        return self.owner is None


def is_admin(user: User | None) -> bool:
    """Return whether the user is signed in with the admin role."""
    return user is not None and user.role == "admin"


def can_create(user: User | None) -> bool:
    """Return whether the user may save new scenarios (analysts and admins)."""
    return user is not None and user.role in WRITER_ROLES


def can_edit(entry: LoadedScenario, user: User | None) -> bool:
    """Return whether the user may save a new version of the scenario."""
    if user is None or user.role not in WRITER_ROLES:
        return False
    return is_admin(user) or (entry.owner is not None and entry.owner == user.username)


@functools.lru_cache(maxsize=64)
def _parse(sha: str, label: str, text: str) -> Scenario:
    # ``sha`` leads the key so two versions never share an entry; ``text`` completes it.
    return parse_scenario(text, source=label)


@functools.lru_cache(maxsize=32)
def compiled_scenario(entry: LoadedScenario) -> CompiledScenario:
    """Return the compiled tables of a scenario version (cached per version)."""
    return compile_scenario(entry.scenario)


def _builtin_text(scenario_id: str) -> str:
    return resolve_scenario_path(scenario_id).read_text(encoding="utf-8")


def _stored(store: Store, found: ScenarioRef) -> LoadedScenario:
    newest = store.scenario_versions(found.key)[-1]
    text = store.scenario_text(found.key, newest.number)
    label = f"{found.ref} version {newest.number}"
    return LoadedScenario(
        id=found.ref,
        sha=newest.sha256,
        version=newest.number,
        owner=found.owner,
        stored=True,
        text=text,
        scenario=_parse(newest.sha256, label, text),
        key=found.key,
    )


def _from_file(scenario_id: str) -> LoadedScenario:
    text = _builtin_text(scenario_id)
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return LoadedScenario(
        id=scenario_id,
        sha=sha,
        version=None,
        owner=None,
        stored=False,
        text=text,
        scenario=_parse(sha, f"{scenario_id}.yaml", text),
    )


def _not_found(scenario_id: str) -> NotFoundError:
    msg = (
        f"No scenario {scenario_id!r} that you can read. Open the scenario list to see "
        "the scenarios you can read, or sign in to see your own."
    )
    return NotFoundError(msg, kind="scenario", value=scenario_id)


def load_visible(store: Store, scenario_id: str, user: User | None) -> LoadedScenario:
    """Return the newest version of a scenario the user may read.

    Raises
    ------
    LoginRequiredError
        If the visitor is anonymous and the scenario is not public: private, or not
        there at all (both send the visitor to sign in, so the answer does not tell
        that a private scenario exists).
    NotFoundError
        If there is no such scenario, or the signed-in user may not read it (the
        message is the same, for the same reason).
    """
    username = None if user is None else user.username
    try:
        found = store.find_scenario(scenario_id, username, admin=is_admin(user))
    except StorageError as e:
        if e.kind != "ambiguous":
            raise
        raise NotFoundError(str(e), kind="scenario", value=scenario_id) from None
    if found is not None:
        return _stored(store, found)
    if scenario_id in builtin_scenarios():
        return _from_file(scenario_id)
    if user is None:
        raise LoginRequiredError(scenario_id)
    raise _not_found(scenario_id)


def visible_scenarios(store: Store, user: User | None) -> list[LoadedScenario]:
    """Return the newest version of every scenario the user may read, by id."""
    username = None if user is None else user.username
    found = [
        _stored(store, item) for item in store.visible_scenarios(username, admin=is_admin(user))
    ]
    named = {entry.id for entry in found}
    found += [_from_file(b) for b in builtin_scenarios() if b not in named]
    return sorted(found, key=lambda entry: entry.id)

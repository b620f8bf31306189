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

from peacetalks.errors import NotFoundError
from peacetalks.scenario import (
    CompiledScenario,
    Scenario,
    builtin_scenarios,
    compile_scenario,
    parse_scenario,
    resolve_scenario_path,
)
from peacetalks.storage import Store
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
    tables are keyed by the scenario version.
    """

    id: str
    sha: str
    version: int | None
    owner: str | None
    stored: bool
    text: str = field(compare=False, repr=False)
    scenario: Scenario = field(compare=False, repr=False)

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


def _stored(store: Store, scenario_id: str) -> LoadedScenario:
    newest = store.scenario_versions(scenario_id)[-1]
    text = store.scenario_text(scenario_id, newest.number)
    label = f"{scenario_id} version {newest.number}"
    return LoadedScenario(
        id=scenario_id,
        sha=newest.sha256,
        version=newest.number,
        owner=store.scenario_owner(scenario_id),
        stored=True,
        text=text,
        scenario=_parse(newest.sha256, label, text),
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
    if scenario_id in store.scenario_ids():
        if store.can_read(scenario_id, username, admin=is_admin(user)):
            return _stored(store, scenario_id)
        if user is None:
            raise LoginRequiredError(scenario_id)
        raise _not_found(scenario_id)
    if scenario_id in builtin_scenarios():
        return _from_file(scenario_id)
    if user is None:
        raise LoginRequiredError(scenario_id)
    raise _not_found(scenario_id)


def visible_scenarios(store: Store, user: User | None) -> list[LoadedScenario]:
    """Return the newest version of every scenario the user may read, by id."""
    username = None if user is None else user.username
    ids = set(store.visible_scenario_ids(username, admin=is_admin(user)))
    saved = set(store.scenario_ids())
    found = [_stored(store, scenario_id) for scenario_id in sorted(ids)]
    found += [_from_file(b) for b in builtin_scenarios() if b not in saved]
    return sorted(found, key=lambda entry: entry.id)

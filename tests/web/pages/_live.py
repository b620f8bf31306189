"""A live ``peacetalks serve`` with three accounts, for page tests over httpx.

Shared by the page tests that post forms as a browser would (the editor's form, the deal
builder's "save as proposal"): the server runs as users start it, and the tests read
what it saved straight from its store.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from peacetalks.storage import open_store
from peacetalks.storage.accounts import Role
from tests.web._server import serving_process

PASSWORD = "correct horse battery staple"
# ann and bob are analysts, vic a viewer.
USERS: tuple[tuple[str, Role], ...] = (("ann", "analyst"), ("bob", "analyst"), ("vic", "viewer"))
_CSRF = re.compile(r'name="csrf_token" value="([^"]*)"')
Maker = Callable[[str | None], httpx.Client]


@dataclass(frozen=True)
class Live:
    """The running server's address and data directory."""

    url: str
    data: Path

    def text(self, scenario_id: str) -> str:
        """Return the newest saved text of a scenario, read from the store directly."""
        with open_store(self.data) as store:
            return store.scenario_text(scenario_id)

    def versions(self, scenario_id: str) -> int:
        """Return how many versions of a scenario are saved (0 when there is none)."""
        with open_store(self.data) as store:
            if scenario_id not in store.scenario_ids():
                return 0
            return len(store.scenario_versions(scenario_id))


@contextmanager
def live_server(data: Path, scenarios: Iterable[tuple[str, str]] = ()) -> Iterator[Live]:
    """Serve a fresh data folder with :data:`USERS` and the ``(text, owner)`` scenarios."""
    with open_store(data) as store:
        for username, role in USERS:
            store.accounts.create_user(username, PASSWORD, role=role)
        for text, owner in scenarios:
            store.save_scenario(text, owner=owner)
    with serving_process(data, data / "server.log") as running:
        yield Live(running.url, data)


def csrf_token(page: str) -> str:
    """Return the CSRF token of the first form of a page."""
    found = _CSRF.search(page)
    assert found is not None, "the page has no form with a CSRF token"
    return found.group(1)


def signed_in(live: Live, username: str | None) -> httpx.Client:
    """Return a client of the server, signed in through the login form unless None."""
    client = httpx.Client(base_url=live.url, timeout=120)
    if username is not None:
        page = client.get("/login")
        data = {"username": username, "password": PASSWORD, "csrf_token": csrf_token(page.text)}
        response = client.post("/login", data=data)
        assert response.status_code == 303, response.text
    return client


def clients(live: Live) -> Iterator[Maker]:
    """Yield a maker of clients (signed in as the user given, or anonymous); close them after.

    A test module's ``client`` fixture is ``yield from clients(live)``.
    """
    made: list[httpx.Client] = []

    def make(username: str | None) -> httpx.Client:
        made.append(signed_in(live, username))
        return made[-1]

    yield make
    for one in made:
        one.close()

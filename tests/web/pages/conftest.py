"""An app on a fresh store with four users and a private scenario, and signed-in clients."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():
    # Starlette asks for the httpx2 fork under its test client; httpx works the same here.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

from peacetalks.scenario import dump_scenario, load_scenario
from peacetalks.storage import Store
from peacetalks.storage.accounts import Role
from peacetalks.web.app import create_app
from peacetalks.web.settings import WebSettings

__all__ = ["PASSWORD", "PRIVATE_ID", "TestClient", "client_for", "form_token", "private_text"]

PASSWORD = "correct horse battery staple"
PRIVATE_ID = "pages-private"
USERS: dict[str, Role] = {"ann": "analyst", "bob": "analyst", "vic": "viewer", "ada": "admin"}
DATA = Path(__file__).resolve().parents[2] / "data"
_CSRF = re.compile(r'name="csrf_token" value="([^"]*)"')


def private_text(scenario_id: str = PRIVATE_ID, title: str = "A private one") -> str:
    """Return the small test scenario as YAML under another id and title."""
    scenario = load_scenario(DATA / "small.yaml")
    return dump_scenario(scenario.model_copy(update={"id": scenario_id, "title": title}))


def form_token(html: str) -> str:
    """Return the first CSRF token of a page's forms."""
    found = _CSRF.search(html)
    assert found is not None, "the page has no form with a CSRF token"
    return found.group(1)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    """Return the app on a fresh store with ann, bob (analysts), vic (viewer), ada (admin)."""
    data = tmp_path_factory.mktemp("pages")
    application = create_app(WebSettings(db=str(data)))
    with TestClient(application):  # runs the app's startup and shutdown
        store: Store = application.state.store
        for username, role in USERS.items():
            store.accounts.create_user(username, PASSWORD, role=role)
        store.save_scenario(private_text(), owner="bob")
        yield application


def client_for(app: FastAPI, username: str | None) -> TestClient:
    """Return a client of the app, signed in through the login form unless None."""
    client = TestClient(app)
    if username is not None:
        page = client.get("/login")
        response = client.post(
            "/login",
            data={"username": username, "password": PASSWORD, "csrf_token": form_token(page.text)},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
    return client


@pytest.fixture
def anonymous(app: FastAPI) -> TestClient:
    """Return a client that is not signed in."""
    return client_for(app, None)


@pytest.fixture
def ann(app: FastAPI) -> TestClient:
    """Return a client signed in as ann (analyst)."""
    return client_for(app, "ann")


@pytest.fixture
def bob(app: FastAPI) -> TestClient:
    """Return a client signed in as bob (analyst, owner of the private scenario)."""
    return client_for(app, "bob")

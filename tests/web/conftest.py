"""The real app on a real store, served by uvicorn on a free loopback port, and its users.

The API tests run once on SQLite and once on PostgreSQL (``$PEACETALKS_TEST_POSTGRES``;
without it the PostgreSQL cases are skipped, except under CI, where that is a failure).
One server per backend serves the whole session: tests use their own scenario ids.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy import URL, create_engine, text
from sqlalchemy.exc import SQLAlchemyError
from typer.testing import CliRunner

from peacetalks.cli import app as cli
from peacetalks.scenario import dump_scenario, load_scenario
from peacetalks.storage import Store
from peacetalks.storage.accounts import Role
from peacetalks.storage.engine import store_url
from peacetalks.web import WebSettings, create_app

POSTGRES_ENV = "PEACETALKS_TEST_POSTGRES"
PASSWORD = "correct horse battery staple"
USERS: dict[str, Role] = {"ada": "admin", "ann": "analyst", "bob": "analyst", "vic": "viewer"}
DATA = Path(__file__).resolve().parents[1] / "data"
# Small enough to test the 413 answer cheaply; large enough for every built-in scenario.
MAX_BODY = 400_000


class LiveServer:
    """An app served by uvicorn in a thread, on a free port of 127.0.0.1."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self.port: int = self._socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, log_level="warning", lifespan="on", ws="none")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    def start(self) -> None:
        """Start serving; return once the server accepts requests."""
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                pytest.fail("the test server did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        """Stop serving (running the app's shutdown) and wait for it."""
        self._server.should_exit = True
        self._thread.join(timeout=30)
        self._socket.close()


@contextmanager
def serving(settings: WebSettings) -> Iterator[LiveServer]:
    """Create the app with these settings and serve it for the block."""
    server = LiveServer(create_app(settings))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class Api:
    """A running server with the users ada (admin), ann, bob (analysts) and vic (viewer)."""

    url: str
    app: FastAPI
    backend: str
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def store(self) -> Store:
        """Return the app's store."""
        store: Store = self.app.state.store
        return store

    def client(self, username: str | None = None) -> httpx.Client:
        """Return a client signed in with the user's API token (anonymous for None)."""
        headers = {} if username is None else {"Authorization": f"Bearer {self.tokens[username]}"}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60)

    @contextmanager
    def session(self, username: str) -> Iterator[tuple[httpx.Client, str]]:
        """Give a client signed in with a session cookie, and the session's CSRF token."""
        with httpx.Client(base_url=self.url, timeout=60) as client:
            response = client.post(
                "/api/auth/login", json={"username": username, "password": PASSWORD}
            )
            assert response.status_code == 200, response.text
            yield client, response.json()["csrf_token"]


def add_users(store: Store) -> dict[str, str]:
    """Create the test users; return an API token for each."""
    tokens = {}
    for username, role in USERS.items():
        store.accounts.create_user(username, PASSWORD, role)
        tokens[username] = store.accounts.create_token(username, "tests")[0]
    return tokens


def postgres_server_url() -> URL:
    """Return the URL of the test PostgreSQL server, or skip (fail under CI) without one."""
    configured = os.environ.get(POSTGRES_ENV)
    if not configured:
        if os.environ.get("CI"):
            pytest.fail(
                f"{POSTGRES_ENV} is not set, so the API tests cannot run on PostgreSQL. "
                ".ci/run must start PostgreSQL and export it."
            )
        pytest.skip(f"the PostgreSQL cases need {POSTGRES_ENV}=postgresql://user@host:port/db")
    return store_url(configured)


@contextmanager
def postgres_database() -> Iterator[str]:
    """Make a database of its own on the test server for the block; drop it afterwards."""
    server = postgres_server_url()
    name = f"peacetalks_web_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except SQLAlchemyError as e:
        admin.dispose()
        pytest.fail(f"cannot create a test database on {server}: {e}")
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """Return a server on a fresh store of each backend, with the four test users."""
    with _store_target(request.param, tmp_path_factory) as db:
        settings = WebSettings(db=db, max_body_bytes=MAX_BODY, job_seconds=60, login_attempts=1000)
        with serving(settings) as server:
            tokens = add_users(server.app.state.store)
            yield Api(server.url, server.app, request.param, tokens)


@contextmanager
def _store_target(backend: str, factory: pytest.TempPathFactory) -> Iterator[str]:
    """Return where a fresh store lives: a SQLite data directory or a PostgreSQL URL."""
    if backend == "sqlite":
        yield str(factory.mktemp("web-api"))
        return
    with postgres_database() as url:
        yield url


def new_id(prefix: str = "t") -> str:
    """Return a scenario id no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def small_text(scenario_id: str, title: str = "A small test negotiation") -> str:
    """Return the small hand-checked scenario as YAML under another id."""
    scenario = load_scenario(DATA / "small.yaml")
    return dump_scenario(scenario.model_copy(update={"id": scenario_id, "title": title}))


def create(api: Api, username: str, scenario_id: str) -> str:
    """Save the small scenario under an id, owned by the user; return its YAML."""
    text = small_text(scenario_id)
    with api.client(username) as client:
        response = client.post("/api/scenarios", json={"yaml": text})
    assert response.status_code == 201, response.text
    return text


def wait_for(client: httpx.Client, url: str, timeout: float = 60) -> dict[str, Any]:
    """Poll a run until it finished; return its document."""
    deadline = time.monotonic() + timeout
    while True:
        document: dict[str, Any] = client.get(url).json()
        if document["status"] in ("succeeded", "failed"):
            return document
        assert time.monotonic() < deadline, f"the run did not finish: {document}"
        time.sleep(0.05)


_RUNNER = CliRunner()


def cli_json(args: list[str]) -> dict[str, Any]:
    """Return what ``peacetalks ARGS`` prints as JSON (the command must succeed)."""
    result = _RUNNER.invoke(cli, args)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def run_job(api: Api, scenario: str, kind: str, body: dict[str, Any], user: str = "ann") -> Any:
    """Run an analysis through the API, waiting for it; check it succeeded, return it."""
    with api.client(user) as client:
        response = client.post(f"/api/scenarios/{scenario}/analyses/{kind}?wait=true", json=body)
    assert response.status_code == 200, response.text
    document = response.json()
    assert document["status"] == "succeeded", document["error"]
    assert document["progress"] == 1.0
    assert document["kind"] == kind
    return document

"""Fixtures of the storage tests: a fresh store on real SQLite and on real PostgreSQL.

The PostgreSQL cases use the server named by ``$PEACETALKS_TEST_POSTGRES``. Each test
session makes its own throw-away database on that server (so that concurrent runs and
other test suites do not meet), and each test starts from an empty schema in it.
Without the variable the PostgreSQL cases are skipped, except under CI (``$CI`` set),
where that is a failure: ``.ci/run`` must start PostgreSQL.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import URL, MetaData, create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from peacetalks.scenario import resolve_scenario_path
from peacetalks.storage import Store, open_store
from peacetalks.storage.engine import store_url

POSTGRES_ENV = "PEACETALKS_TEST_POSTGRES"
BACKENDS = ("sqlite", "postgresql")


def postgres_server_url() -> URL:
    """Return the URL of the test PostgreSQL server, or skip (fail under CI) without one."""
    configured = os.environ.get(POSTGRES_ENV)
    if not configured:
        if os.environ.get("CI"):
            pytest.fail(
                f"{POSTGRES_ENV} is not set, so the PostgreSQL storage tests cannot run. "
                ".ci/run must start PostgreSQL (source .ci/services.sh) and export it, "
                "e.g. postgresql://postgres@127.0.0.1:54329/peacetalks_test."
            )
        pytest.skip(
            f"PostgreSQL cases need {POSTGRES_ENV}=postgresql://user@host:port/db "
            "(a server where the user may create databases)"
        )
    return store_url(configured)


def _reset_schema(url: URL) -> None:
    """Drop every table, view and sequence of ``url``'s public schema."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            try:
                connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
            except SQLAlchemyError:
                # Not the schema's owner: drop the tables one by one instead.
                metadata = MetaData()
                metadata.reflect(connection)
                metadata.drop_all(connection)
                connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[URL]:
    """Return the URL of a database made for this test session, dropped at its end.

    When the server refuses ``CREATE DATABASE``, the configured database itself is used.
    """
    server = postgres_server_url()
    name = f"peacetalks_t_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except SQLAlchemyError:
        admin.dispose()
        yield server
        return
    try:
        yield server.set(database=name)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """Return a data directory that does not exist yet."""
    return tmp_path / "data"


@pytest.fixture(params=BACKENDS)
def store_target(request: pytest.FixtureRequest, data_dir: Path) -> str | Path:
    """Return where a fresh, empty store lives: a SQLite data directory or a PostgreSQL URL."""
    if request.param == "sqlite":
        return data_dir
    url: URL = request.getfixturevalue("postgres_database")
    _reset_schema(url)
    return url.render_as_string(hide_password=False)


@pytest.fixture
def store(store_target: str | Path) -> Iterator[Store]:
    """Return a store opened on an empty database of each backend, closed after the test."""
    with open_store(store_target) as opened:
        yield opened


@pytest.fixture
def sqlite_store(data_dir: Path) -> Iterator[Store]:
    """Return a SQLite store opened in a fresh data directory, for SQLite-only tests."""
    with open_store(data_dir) as opened:
        yield opened


@pytest.fixture
def ukraine_text() -> str:
    """Return the YAML text of the built-in 'ukraine-2025' scenario."""
    return resolve_scenario_path("ukraine-2025").read_text(encoding="utf-8")

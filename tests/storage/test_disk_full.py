"""A full database: signing in and reading keep working (issue 18).

The database is made full the way SQLite itself reports it: ``PRAGMA max_page_count`` at
the file's current size, so that a write needing a new page fails with SQLITE_FULL
("database or disk is full"), as on a full disk.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select

from peacetalks.storage import StorageError, Store, open_store
from peacetalks.storage.accounts import is_full
from peacetalks.storage.models import SessionRow
from peacetalks.web import WebSettings, create_app
from tests.web.pages.conftest import TestClient

PASSWORD = "correct horse battery staple"


def _fill(engine: Engine) -> Any:
    """Stop the SQLite file from growing past its current number of pages.

    Returns the connection listener that does it (``event.remove`` lifts the limit).
    """
    with engine.connect() as connection:
        pages = int(connection.exec_driver_sql("PRAGMA page_count").scalar() or 0)

    @event.listens_for(engine, "connect")
    def _limit(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA max_page_count = {pages}")
        cursor.close()

    engine.dispose()
    return _limit


def _sessions_in_database(store: Store) -> int:
    with store.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(SessionRow)).scalar_one())


@pytest.fixture
def full_store(tmp_path: Path) -> Iterator[Store]:
    """Return a SQLite store with ann and bob whose database has no room for a session."""
    store = open_store(tmp_path / "data")
    store.accounts.create_user("ann", PASSWORD)
    store.accounts.create_user("bob", PASSWORD)
    _fill(store.engine)
    # Use up the free room of the last pages: sessions until one cannot be stored.
    for _ in range(10_000):
        before = _sessions_in_database(store)
        store.accounts.create_session("bob")
        if _sessions_in_database(store) == before:
            break
    else:
        pytest.fail("the database never filled up")
    yield store
    store.close()


def test_a_full_database_is_recognised(full_store: Store) -> None:
    """Check that a write to the full database fails with SQLITE_FULL, seen as full."""

    def fill_with_accounts() -> None:
        for k in range(1_000):
            full_store.accounts.create_user(f"user{k}", PASSWORD)

    with pytest.raises(StorageError) as info:  # until an account finds no room
        fill_with_accounts()
    assert info.value.kind == "database"
    assert is_full(info.value)
    assert "database or disk is full" in str(info.value)


def test_sign_in_works_while_the_database_is_full(full_store: Store) -> None:
    """Check a session started on a full database: it works, ends, and is not stored."""
    accounts = full_store.accounts
    before = _sessions_in_database(full_store)
    assert accounts.authenticate("ann", PASSWORD) is not None
    secret, csrf = accounts.create_session("ann")
    assert _sessions_in_database(full_store) == before
    found = accounts.session(secret)
    assert found is not None
    assert found[0].username == "ann"
    assert found[1] == csrf
    assert accounts.session(secret + "x") is None
    accounts.end_session(secret)
    assert accounts.session(secret) is None


def test_a_password_change_ends_sessions_kept_in_memory(tmp_path: Path) -> None:
    """Check that sessions started while full end when the password changes, but one."""
    store = open_store(tmp_path / "data")
    try:
        store.accounts.create_user("ann", PASSWORD)
        engine = store.engine
        listener = _fill(engine)
        kept_in_memory: list[str] = []
        while len(kept_in_memory) < 3:
            before = _sessions_in_database(store)
            secret, _ = store.accounts.create_session("ann")
            if _sessions_in_database(store) == before:
                kept_in_memory.append(secret)
        stored = _sessions_in_database(store)
        # Room again (the disk was cleared): the change itself is stored.
        event.remove(engine, "connect", listener)
        engine.dispose()
        first, *others = kept_in_memory
        ended = store.accounts.set_password("ann", "a new long password", keep_session=first)
        assert ended == stored + len(others)
        assert store.accounts.session(first) is not None
        assert all(store.accounts.session(other) is None for other in others)
    finally:
        store.close()


def test_pages_sign_in_and_read_while_the_database_is_full(tmp_path: Path) -> None:
    """Check the sign-in form and a scenario page of a server whose database is full."""
    application = create_app(WebSettings(db=str(tmp_path / "data")))
    with TestClient(application) as client:
        store: Store = application.state.store
        store.accounts.create_user("ann", PASSWORD)
        _fill(store.engine)
        while True:
            before = _sessions_in_database(store)
            store.accounts.create_session("ann")
            if _sessions_in_database(store) == before:
                break
        page = client.get("/login")
        token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        response = client.post(
            "/login",
            data={"username": "ann", "password": PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        account = client.get("/account")
        assert account.status_code == 200
        assert "ann" in account.text
        assert client.get("/scenarios/ukraine-2025").status_code == 200

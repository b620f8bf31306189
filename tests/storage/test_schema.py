import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from peacetalks.storage import (
    StorageError,
    Store,
    downgrade_schema,
    integrity_check,
    open_store,
    upgrade_schema,
)
from peacetalks.storage.engine import DATA_ENV, default_data_dir, store_url
from peacetalks.storage.models import Base
from peacetalks.storage.schema import MIGRATIONS, current_revision, head_revision

TABLES_0001 = {
    "agreement_events",
    "alembic_version",
    "analysis_runs",
    "scenario_versions",
    "scenarios",
}
TABLES = TABLES_0001 | {"api_tokens", "scenario_shares", "sessions", "users"}
START = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)


def test_open_creates_data_dir_and_schema(data_dir: Path) -> None:
    """Check that opening a missing data directory creates it, the file and every table."""
    assert not data_dir.exists()
    with open_store(data_dir) as store:
        assert set(inspect(store.engine).get_table_names()) == TABLES
        assert current_revision(store.engine) == head_revision() == "0003"
    assert (data_dir / "peacetalks.db").is_file()


def test_open_creates_schema_on_each_backend(store: Store) -> None:
    """Check that opening an empty database creates every table at the newest revision."""
    assert set(inspect(store.engine).get_table_names()) == TABLES
    assert current_revision(store.engine) == "0003"


def test_reopen_keeps_data(store_target: str | Path, ukraine_text: str) -> None:
    """Check that a second open of the same database migrates nothing and keeps the data."""
    with open_store(store_target) as store:
        store.save_scenario(ukraine_text)
        store.accounts.create_user("mediator", "a long enough passphrase")
    with open_store(store_target) as store:
        assert [v.number for v in store.scenario_versions("ukraine-2025")] == [1]
        assert store.accounts.user("mediator").role == "analyst"


def test_models_match_migrations(store: Store) -> None:
    """Check that the ORM classes and the migrated schema do not differ."""
    with store.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_downgrade_upgrade_round_trip(store: Store) -> None:
    """Check that downgrading to base drops the tables and upgrading restores them."""
    downgrade_schema(store.engine, "base")
    assert set(inspect(store.engine).get_table_names()) == {"alembic_version"}
    assert current_revision(store.engine) is None
    upgrade_schema(store.engine)
    assert set(inspect(store.engine).get_table_names()) == TABLES
    assert current_revision(store.engine) == "0003"


def _run_columns(store: Store) -> set[str]:
    return {column["name"] for column in inspect(store.engine).get_columns("analysis_runs")}


def test_accounts_revision_down_and_up_keeps_runs(store: Store, ukraine_text: str) -> None:
    """Check that 0002 goes down to 0001 and back with the runs and scenarios kept."""
    store.save_scenario(ukraine_text, owner="mediator")
    store.accounts.create_user("mediator", "a long enough passphrase")
    store.share_scenario("ukraine-2025", None)
    run = store.start_run("forecast", inputs={"n": 1}, parameters={}, owner="mediator")
    store.set_run_progress(run.id, 0.25)
    downgrade_schema(store.engine, "0001")
    assert current_revision(store.engine) == "0001"
    assert set(inspect(store.engine).get_table_names()) == TABLES_0001
    assert {"progress", "owner"}.isdisjoint(_run_columns(store))
    assert {"kind", "inputs", "status"} <= _run_columns(store)
    with store.engine.connect() as connection:
        assert connection.scalar(text("SELECT kind FROM analysis_runs")) == "forecast"
        assert connection.scalar(text("SELECT owner FROM scenarios")) == "mediator"
    upgrade_schema(store.engine)
    assert current_revision(store.engine) == "0003"
    assert set(inspect(store.engine).get_table_names()) == TABLES
    again = store.run(run.id)
    # The columns come back with their defaults; the account tables come back empty.
    assert (again.kind, again.inputs, again.status) == ("forecast", {"n": 1}, "queued")
    assert (again.progress, again.owner) == (0.0, None)
    assert store.accounts.count_users() == 0
    assert store.shares("ukraine-2025") == []
    assert integrity_check(store) == []


def test_upgrade_from_0001_with_old_runs(store: Store, ukraine_text: str) -> None:
    """Check that runs recorded under 0001 get progress 0 and no owner when migrated."""
    downgrade_schema(store.engine, "base")
    upgrade_schema(store.engine, "0001")
    with store.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO analysis_runs (kind, inputs, parameters, status, started_at) "
                "VALUES ('deals', '{}', '[]', 'succeeded', :start)"
            ),
            {"start": START},
        )
    upgrade_schema(store.engine)
    (run,) = store.runs()
    assert (run.kind, run.status, run.progress, run.owner) == ("deals", "succeeded", 0.0, None)
    assert run.parameters == []
    store.set_run_progress(run.id, 0.5)  # a finished run is final
    assert store.run(run.id).progress == 0.0


def test_wal_and_foreign_keys_on_every_connection(sqlite_store: Store) -> None:
    """Check that each new pooled connection has WAL, foreign keys and full sync on."""
    store = sqlite_store
    connections = [store.engine.connect() for _ in range(3)]
    try:
        for connection in connections:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2
    finally:
        for connection in connections:
            connection.close()


def test_wal_is_persistent_in_the_file(sqlite_store: Store, data_dir: Path) -> None:
    """Check that the database file itself is in WAL mode, as a plain sqlite3 client sees."""
    with sqlite3.connect(data_dir / "peacetalks.db") as plain:
        assert plain.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    plain.close()


def test_migrations_ship_as_importable_files() -> None:
    """Check that the revision files sit inside the package and import cleanly."""
    import importlib

    assert (MIGRATIONS / "env.py").is_file()
    assert (MIGRATIONS / "script.py.mako").is_file()
    module = importlib.import_module("peacetalks.storage.migrations.versions.v0001_initial")
    assert module.revision == "0001"
    assert module.down_revision is None
    module = importlib.import_module("peacetalks.storage.migrations.versions.v0002_accounts")
    assert module.revision == "0002"
    assert module.down_revision == "0001"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("postgresql://u:p@db.example/peace", "postgresql+psycopg://u:***@db.example/peace"),
        ("postgresql+psycopg://u@h/p", "postgresql+psycopg://u@h/p"),
        ("sqlite:///tmp/x.db", "sqlite:///tmp/x.db"),
    ],
)
def test_store_url_for_urls(target: str, expected: str) -> None:
    """Check that URLs pass through, a bare postgresql:// meaning psycopg 3."""
    assert store_url(target).render_as_string(hide_password=True) == expected


def test_store_url_for_paths(tmp_path: Path) -> None:
    """Check that a directory gets peacetalks.db inside and a *.db path is the file itself."""
    assert store_url(tmp_path / "d").database == str((tmp_path / "d" / "peacetalks.db").resolve())
    assert store_url(tmp_path / "e" / "mine.db").database == str(tmp_path / "e" / "mine.db")
    assert (tmp_path / "e").is_dir()


def test_default_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Check that PEACETALKS_DATA wins over ~/.local/share/peacetalks."""
    monkeypatch.setenv(DATA_ENV, str(tmp_path))
    assert default_data_dir() == tmp_path
    monkeypatch.delenv(DATA_ENV)
    assert default_data_dir() == Path.home() / ".local" / "share" / "peacetalks"


def test_unwritable_data_dir_is_a_storage_error(tmp_path: Path) -> None:
    """Check that a data directory that cannot be created gives a clear error."""
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(StorageError, match=r"Cannot create the data directory") as info:
        open_store(blocker / "data")
    assert info.value.kind == "database"


@pytest.mark.parametrize("kind", ["device", "file"])
def test_a_file_or_device_given_as_data_dir_is_refused(tmp_path: Path, kind: str) -> None:
    """Check that /dev/null or a plain file is not taken for a data directory."""
    target = Path("/dev/null")
    if kind == "file":
        target = tmp_path / "notes.txt"
        target.write_text("x", encoding="utf-8")
    with pytest.raises(StorageError) as info:
        open_store(target)
    assert str(info.value) == (
        f"The data directory {str(target)!r} is not a folder (it is a file or a device). "
        "Give a folder, a SQLite file ending in .db, or a database URL, or set the "
        "PEACETALKS_DATA environment variable."
    )
    assert info.value.kind == "database"
    assert target.exists()

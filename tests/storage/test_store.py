import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

import peacetalks.storage
from peacetalks.errors import ParameterError, PeacetalksError, ScenarioError
from peacetalks.formats.events import Event
from peacetalks.scenario import parse_scenario
from peacetalks.storage import StorageError, Store, integrity_check, open_store
from peacetalks.storage.models import ScenarioRow, ScenarioVersionRow
from peacetalks.storage.schema import downgrade_schema

START = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)


def _count_rows(store: Store) -> tuple[int, int]:
    with store.engine.connect() as connection:
        scenarios = connection.scalar(select(func.count()).select_from(ScenarioRow))
        versions = connection.scalar(select(func.count()).select_from(ScenarioVersionRow))
    return scenarios or 0, versions or 0


def test_all_is_sorted_and_complete() -> None:
    """Check that peacetalks.storage.__all__ is sorted and names real objects."""
    exported = list(peacetalks.storage.__all__)
    assert exported == sorted(exported, key=lambda n: (not n.isupper(), not n[:1].isupper(), n))
    assert all(hasattr(peacetalks.storage, name) for name in exported)


def test_storage_error_inherits() -> None:
    """Check that StorageError is both a PeacetalksError and a RuntimeError."""
    assert issubclass(StorageError, PeacetalksError)
    assert issubclass(StorageError, RuntimeError)


def test_same_text_twice_makes_one_version(store: Store, ukraine_text: str) -> None:
    """Check that saving unchanged text returns the existing version."""
    first = store.save_scenario(ukraine_text)
    second = store.save_scenario(ukraine_text)
    assert first == second
    assert first.number == 1
    assert [v.number for v in store.scenario_versions("ukraine-2025")] == [1]
    assert store.scenario_ids() == ["ukraine-2025"]


def test_changed_text_makes_a_new_version(store: Store, ukraine_text: str) -> None:
    """Check that a changed text becomes version 2, and version 1 stays loadable."""
    store.save_scenario(ukraine_text)
    changed = ukraine_text + "\n# revised after the Geneva round\n"
    version = store.save_scenario(changed)
    assert version.number == 2
    versions = store.scenario_versions("ukraine-2025")
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].sha256 != versions[1].sha256
    assert store.scenario_text("ukraine-2025", 1) == ukraine_text
    assert store.scenario_text("ukraine-2025") == changed


def test_load_returns_an_equal_scenario(store: Store, ukraine_text: str) -> None:
    """Check that a loaded version equals the scenario parsed from the saved text."""
    store.save_scenario(ukraine_text)
    assert store.load_scenario_version("ukraine-2025") == parse_scenario(ukraine_text)
    assert store.load_scenario_version("ukraine-2025", 1) == parse_scenario(ukraine_text)


def test_owner_is_recorded(store: Store, ukraine_text: str) -> None:
    """Check that the owner given on first save is stored."""
    store.save_scenario(ukraine_text, owner="analyst-1")
    with store.engine.connect() as connection:
        owner = connection.scalar(select(ScenarioRow.owner))
    assert owner == "analyst-1"


def test_invalid_scenario_is_refused_and_writes_nothing(store: Store, ukraine_text: str) -> None:
    """Check that an invalid text raises the loader's own error and leaves the store as it was."""
    broken = ukraine_text.replace("actors:", "actorz:", 1)
    with pytest.raises(ScenarioError) as expected:
        parse_scenario(broken)
    with pytest.raises(ScenarioError) as info:
        store.save_scenario(broken)
    assert str(info.value) == str(expected.value)
    assert _count_rows(store) == (0, 0)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda s: s.scenario_versions("nowhere"),
            "No scenario 'nowhere' in the store. Saved scenarios: ukraine-2025. Save it with save_scenario.",
        ),
        (
            lambda s: s.load_scenario_version("nowhere"),
            "No scenario 'nowhere' in the store. Saved scenarios: ukraine-2025. Save it with save_scenario.",
        ),
        (
            lambda s: s.load_scenario_version("ukraine-2025", 7),
            "Scenario 'ukraine-2025' has no version 7; its versions are 1 to 1.",
        ),
        (
            lambda s: s.add_events("nowhere", []),
            "No scenario 'nowhere' in the store. Saved scenarios: ukraine-2025. Save it with save_scenario.",
        ),
        (
            lambda s: s.record_run(
                "evaluate",
                inputs={},
                parameters={},
                started_at=START,
                scenario_id="ukraine-2025",
                scenario_version=3,
            ),
            "Scenario 'ukraine-2025' has no version 3; its versions are 1 to 1.",
        ),
    ],
)
def test_unknown_ids_and_versions(
    store: Store, ukraine_text: str, call: object, message: str
) -> None:
    """Check the exact message for an unknown scenario id or version."""
    store.save_scenario(ukraine_text)
    assert callable(call)
    with pytest.raises(StorageError) as info:
        call(store)
    assert str(info.value) == message


def test_unknown_scenario_in_empty_store(store: Store) -> None:
    """Check that an empty store says it has no scenarios yet."""
    with pytest.raises(StorageError, match=r"The store has no scenarios yet\.") as info:
        store.scenario_versions("ukraine-2025")
    assert info.value.kind == "scenario"
    assert info.value.value == "ukraine-2025"


def test_runs_round_trip(store: Store, ukraine_text: str) -> None:
    """Check that a recorded run comes back with its data, seed and duration."""
    store.save_scenario(ukraine_text)
    finished = START + dt.timedelta(seconds=2.5)
    recorded = store.record_run(
        "forecast",
        scenario_id="ukraine-2025",
        inputs={"scenario": "ukraine-2025", "issues": ["territory"]},
        parameters={"rounds": 10, "model": "bdm"},
        seed=2**40 + 7,
        results={"positions": [[0.1, 0.2], [0.3, 0.4]], "converged": True},
        started_at=START,
        finished_at=finished,
    )
    store.record_run("evaluate", inputs=[], parameters={}, started_at=START, status="running")
    assert recorded.id >= 1
    assert recorded.scenario_version == 1
    assert recorded.duration_seconds == 2.5
    runs = store.runs(kind="forecast")
    assert runs == [recorded]
    assert runs[0].started_at == START
    assert runs[0].finished_at == finished
    assert [run.kind for run in store.runs()] == ["forecast", "evaluate"]
    assert store.runs(scenario_id="ukraine-2025") == [recorded]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"status": "done"},
            "The 'status' parameter of Store.record_run must be one of 'queued', 'running', 'succeeded', 'failed'. Got 'done' instead.",
        ),
        (
            {"seed": 2**64},
            "The 'seed' parameter of Store.record_run must be a 64-bit signed int. Got 18446744073709551616 instead.",
        ),
        (
            {"started_at": dt.datetime(2025, 3, 1, 12, 0)},
            "The 'started_at' parameter of Store.record_run must be a timezone-aware datetime. Got 2025-03-01T12:00:00 instead. Use datetime.now(UTC).",
        ),
        (
            {"scenario_version": 1},
            "The 'scenario_version' parameter of Store.record_run needs a 'scenario_id'. Got a version without a scenario.",
        ),
    ],
)
def test_record_run_validates(store: Store, kwargs: dict[str, object], message: str) -> None:
    """Check the exact message for each bad argument of record_run, and that nothing is written."""
    arguments: dict[str, object] = {"inputs": {}, "parameters": {}, "started_at": START}
    arguments.update(kwargs)
    with pytest.raises(ParameterError) as info:
        store.record_run("evaluate", **arguments)  # type: ignore[arg-type]
    assert str(info.value) == message
    assert store.runs() == []


def test_events_round_trip(store: Store, ukraine_text: str) -> None:
    """Check that events come back equal, in date order, filtered by agreement."""
    store.save_scenario(ukraine_text)
    events = [
        Event(
            date=dt.date(2025, 4, 2),
            kind="violation",
            provision="ceasefire",
            party="russia",
            count=3,
            explosions=40,
            fatalities=2,
            region="Donetsk",
            source="OSCE SMM daily report",
            note="shelling near the line",
        ),
        Event(date=dt.date(2025, 3, 30), kind="step", level=2, source="UN monitors"),
    ]
    assert store.add_events("ukraine-2025", events, agreement="ceasefire-2025") == 2
    store.add_events("ukraine-2025", [Event(date=dt.date(2025, 5, 1), kind="report", source="x")])
    assert store.events("ukraine-2025", agreement="ceasefire-2025") == [events[1], events[0]]
    assert len(store.events("ukraine-2025")) == 3


def test_failed_write_leaves_nothing(store: Store, ukraine_text: str) -> None:
    """Check that a batch of events that fails half way is not partly written."""
    store.save_scenario(ukraine_text)
    good = Event(date=dt.date(2025, 4, 2), kind="step", source="monitors")
    # Skips validation, so that the database's NOT NULL on 'source' is what refuses it.
    unchecked: dict[str, Any] = {"date": dt.date(2025, 4, 3), "kind": "step", "source": None}
    bad = Event.model_construct(**unchecked)
    with pytest.raises(StorageError, match=r"refused the operation") as info:
        store.add_events("ukraine-2025", [good, bad])
    assert info.value.kind == "database"
    assert store.events("ukraine-2025") == []


def test_integrity_check_after_writes(
    sqlite_store: Store, ukraine_text: str, data_dir: Path
) -> None:
    """Check that the file passes SQLite's integrity and foreign key checks after writes."""
    store = sqlite_store
    for n in range(5):
        store.save_scenario(ukraine_text + f"\n# edit {n}\n")
    store.record_run(
        "deals", inputs={}, parameters={}, started_at=START, scenario_id="ukraine-2025"
    )
    store.close()
    with sqlite3.connect(data_dir / "peacetalks.db") as plain:
        assert plain.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert plain.execute("PRAGMA foreign_key_check").fetchall() == []
        assert plain.execute("SELECT count(*) FROM scenario_versions").fetchone() == (5,)
    plain.close()


def test_integrity_check_finds_nothing_wrong(store: Store, ukraine_text: str) -> None:
    """Check that integrity_check reports no problem on a store after writes, on each backend."""
    store.save_scenario(ukraine_text, owner="mediator")
    store.accounts.create_user("mediator", "a long enough passphrase")
    store.share_scenario("ukraine-2025", "mediator")
    store.record_run("deals", inputs={}, parameters={}, started_at=START, owner="mediator")
    assert integrity_check(store) == []


def test_integrity_check_reports_an_old_schema(store: Store) -> None:
    """Check that a database behind the newest revision is reported."""
    downgrade_schema(store.engine, "0001")
    assert integrity_check(store) == [
        "the schema is at revision '0001', not the newest '0003'; "
        "open the store with open_store to migrate it"
    ]


def test_integrity_check_reports_a_dangling_foreign_key(
    sqlite_store: Store, ukraine_text: str, data_dir: Path
) -> None:
    """Check that SQLite's foreign_key_check finds a row whose parent was removed behind its back."""
    sqlite_store.save_scenario(ukraine_text)
    # A plain client without foreign keys on (SQLite's default) deletes the parent.
    plain = sqlite3.connect(data_dir / "peacetalks.db", isolation_level=None)
    try:
        plain.execute("DELETE FROM scenarios")
    finally:
        plain.close()
    assert integrity_check(sqlite_store) == [
        "foreign_key_check: row 1 of 'scenario_versions' points to a missing row of 'scenarios'"
    ]


def test_integrity_check_reports_a_damaged_file(tmp_path: Path, small_text: str) -> None:
    """Check that a SQLite file with overwritten pages is reported, not raised."""
    path = tmp_path / "broken.db"
    with open_store(path) as store:
        store.save_scenario(small_text)
        for n in range(40):
            store.record_run(
                "deals", inputs={"n": n, "pad": "x" * 2000}, parameters={}, started_at=START
            )
        with store.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 8 * page
    data[3 * page : 6 * page] = b"\xa5" * (3 * page)
    path.write_bytes(bytes(data))
    with open_store(path) as store:
        problems = integrity_check(store)
    assert problems
    assert all(isinstance(problem, str) and problem for problem in problems)

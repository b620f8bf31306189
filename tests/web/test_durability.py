"""Acknowledged writes survive SIGKILL of the server, on SQLite and on PostgreSQL.

Writer threads stream writes through the API of a real ``peacetalks serve``: new versions
of their scenario (the title changes each time, with non-ASCII text) and agreement
events (two per request, so a request is all there or not at all). A write counts as
acknowledged once its 2xx answer arrived. The server is killed with SIGKILL while
requests are in flight, several times at different moments, and restarted on the same
database. After each kill:

- every acknowledged version is there, byte for byte, under the number the server gave;
  every acknowledged event is there once, as sent;
- nothing else is there but writes that were in flight at the kill (all or nothing);
- the requests cut by the kill and those made after it fail on the client with a
  connection error (no answer, no hang), and no write made after the kill is stored;
- the database passes its integrity check (``integrity_check`` and, on SQLite,
  ``PRAGMA integrity_check`` through :mod:`sqlite3`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from peacetalks.storage import integrity_check, open_store
from peacetalks.storage.engine import DATABASE_FILE
from tests.web._load import scenario_text
from tests.web._server import ServerProcess, start_server
from tests.web.conftest import postgres_database

USERNAME = "writer"
PASSWORD = "correct horse battery staple"
WRITERS = 3
# Acknowledged writes (this round) after which the server is killed: different moments.
KILL_AFTER = (1, 9, 4, 16)
ROUND_SECONDS = 30.0  # bounds on a round's waits, far above what they take (~1 s)
REQUEST_SECONDS = 15.0


def digest(text: str) -> str:
    """Return the SHA-256 of a text's UTF-8 bytes, as the store records it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Ledger:
    """What the writers attempted and what the server acknowledged, per scenario."""

    scenario_ids: list[str]
    lock: threading.Lock = field(default_factory=threading.Lock)
    # version number -> text, acknowledged
    versions: dict[str, dict[int, str]] = field(default_factory=dict)
    # digests of every version text sent before a kill (acknowledged or not)
    sent_versions: dict[str, set[str]] = field(default_factory=dict)
    # note -> event, acknowledged; notes of events sent before a kill, by request
    events: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    sent_events: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    # digests and notes of the writes made after a kill: never stored
    after_kill: set[str] = field(default_factory=set)
    outstanding: int = 0
    acknowledged: int = 0
    failures: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        for scenario_id in self.scenario_ids:
            self.versions[scenario_id] = {}
            self.sent_versions[scenario_id] = set()
            self.events[scenario_id] = {}
            self.sent_events[scenario_id] = []


class Writer(threading.Thread):
    """Streams writes to one scenario until the server dies, then tries once more and stops."""

    def __init__(
        self, index: int, url: str, token: str, ledger: Ledger, killed: threading.Event
    ) -> None:
        super().__init__(name=f"writer-{index}", daemon=True)
        self.index = index
        self.scenario_id = ledger.scenario_ids[index]
        self.url = url
        self.token = token
        self.ledger = ledger
        self.killed = killed
        self.count = 0

    def run(self) -> None:
        """Write until the server is killed, then make one more write (which must fail)."""
        headers = {"Authorization": f"Bearer {self.token}"}
        with httpx.Client(base_url=self.url, headers=headers, timeout=REQUEST_SECONDS) as client:
            while True:
                after = self.killed.is_set()
                if not self._write(client, after=after) or after:
                    return

    def _problem(self, message: str) -> bool:
        with self.ledger.lock:
            self.ledger.problems.append(f"{self.name}: {message}")
        return False

    def _write(self, client: httpx.Client, *, after: bool) -> bool:
        """Make one write; return whether to go on (False after a problem)."""
        ledger = self.ledger
        number = self.count
        self.count += 1
        serial = f"{self.index}-{number}-{time.monotonic_ns()}"
        if (number + self.index) % 2 == 0:  # versions and events in turn
            text = scenario_text(self.scenario_id, f"Durability {serial}: перемирʼя — ü")
            marks: tuple[str, ...] = (digest(text),)
            path = f"/api/scenarios/{self.scenario_id}"
            body: dict[str, Any] = {"yaml": text}
            method = "PUT"
        else:
            day = dt.date(2025, 6, 2) + dt.timedelta(days=number % 300)
            events = [
                {
                    "date": day.isoformat(),
                    "kind": "violation",
                    "provision": f"{party}-holds",
                    "party": party,
                    "source": "memo",
                    "note": f"write {serial} {party}",
                }
                for party in ("north", "south")
            ]
            marks = tuple(e["note"] for e in events)
            path = f"/api/scenarios/{self.scenario_id}/agreements/truce/events"
            body, method = {"events": events}, "POST"
        with ledger.lock:
            if after:
                ledger.after_kill.update(marks)
            elif method == "PUT":
                ledger.sent_versions[self.scenario_id].add(marks[0])
            else:
                ledger.sent_events[self.scenario_id].append(marks)
            ledger.outstanding += 1
        try:
            response = client.request(method, path, json=body)
        except httpx.TimeoutException as e:
            return self._problem(f"{method} {path} timed out instead of failing: {e!r}")
        except httpx.TransportError as e:
            with ledger.lock:
                ledger.failures.append(f"{'after' if after else 'at'} the kill: {e!r}")
            if not after and not self.killed.wait(ROUND_SECONDS):
                return self._problem(f"{method} {path} failed but the server was not killed")
            return True
        finally:
            with ledger.lock:
                ledger.outstanding -= 1
        if after:
            return self._problem(f"{method} {path} was answered after the kill")
        if not response.is_success:
            return self._problem(f"{method} {path}: {response.status_code} {response.text}")
        with ledger.lock:
            if method == "PUT":
                ledger.versions[self.scenario_id][response.json()["version"]] = body["yaml"]
            else:
                for event in body["events"]:
                    ledger.events[self.scenario_id][event["note"]] = event
            ledger.acknowledged += 1
        return True


def check_versions(ledger: Ledger, scenario_id: str, stored: dict[int, str]) -> None:
    """Check the stored versions (number -> digest) of a scenario against the ledger."""
    assert sorted(stored) == list(range(1, len(stored) + 1)), "version numbers have gaps"
    for number, text in ledger.versions[scenario_id].items():
        assert stored.get(number) == digest(text), f"acknowledged version {number} is not there"
    for number, sha in stored.items():
        if number > 1:  # version 1 was saved before the writers started
            assert sha in ledger.sent_versions[scenario_id], f"version {number} was never sent"
            assert sha not in ledger.after_kill, f"version {number} was sent after the kill"


def check_events(ledger: Ledger, scenario_id: str, stored: list[dict[str, Any]]) -> None:
    """Check the stored events of a scenario against the ledger."""
    notes = Counter(str(e.get("note")) for e in stored)
    assert [n for n, count in notes.items() if count > 1] == [], "events stored twice"
    by_note = {str(e.get("note")): e for e in stored}
    for note, sent in ledger.events[scenario_id].items():
        assert note in by_note, f"acknowledged event {note!r} is not there"
        got = by_note[note]
        assert {k: str(got[k]) for k in sent} == sent, f"event {note!r} changed"
    for marks in ledger.sent_events[scenario_id]:
        present = [m in notes for m in marks]
        assert all(present) or not any(present), f"request {marks} is stored in part"
    notes_sent = {m for marks in ledger.sent_events[scenario_id] for m in marks}
    assert set(notes) <= notes_sent, f"events never sent: {set(notes) - notes_sent}"


def check_through_api(server: ServerProcess, token: str, ledger: Ledger) -> None:
    """Check every acknowledged write through the restarted server's API."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=REQUEST_SECONDS) as client:
        for scenario_id in ledger.scenario_ids:
            listed = client.get(f"/api/scenarios/{scenario_id}/versions")
            assert listed.status_code == 200, listed.text
            stored = {v["version"]: v["sha256"] for v in listed.json()["versions"]}
            check_versions(ledger, scenario_id, stored)
            acknowledged = ledger.versions[scenario_id]
            if acknowledged:
                number = max(acknowledged)
                got = client.get(f"/api/scenarios/{scenario_id}/yaml?version={number}")
                assert got.status_code == 200, got.text
                assert got.content == acknowledged[number].encode("utf-8")
            events = client.get(f"/api/scenarios/{scenario_id}/agreements/truce/events")
            assert events.status_code == 200, events.text
            check_events(ledger, scenario_id, events.json()["events"])


def check_store(db: str, ledger: Ledger) -> None:
    """Check every acknowledged write, byte for byte, and the integrity, through the store."""
    with open_store(db) as store:
        assert integrity_check(store) == []
        for scenario_id in ledger.scenario_ids:
            versions = store.scenario_versions(scenario_id)
            check_versions(ledger, scenario_id, {v.number: v.sha256 for v in versions})
            for number, text in ledger.versions[scenario_id].items():
                assert store.scenario_text(scenario_id, number) == text
            events = store.events(scenario_id, agreement="truce")
            check_events(ledger, scenario_id, [e.model_dump(mode="json") for e in events])


@contextmanager
def database(backend: str, tmp_path: Path) -> Iterator[str]:
    """Return a fresh store's location: a SQLite data directory or a PostgreSQL URL."""
    if backend == "sqlite":
        yield str(tmp_path / "data")
        return
    with postgres_database() as url:
        yield url


def kill_while_writing(server: ServerProcess, ledger: Ledger, target: int) -> None:
    """Wait for ``target`` more acknowledged writes, then SIGKILL during a request."""
    with ledger.lock:
        goal = ledger.acknowledged + target
    deadline = time.monotonic() + ROUND_SECONDS
    while True:
        with ledger.lock:
            reached = ledger.acknowledged >= goal and ledger.outstanding > 0
            problems = list(ledger.problems)
        assert problems == [], problems
        if reached:
            break
        assert time.monotonic() < deadline, "the writers made too little progress"
        time.sleep(0.001)
    server.kill()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_acknowledged_writes_survive_sigkill(backend: str, tmp_path: Path) -> None:
    """Kill the server in a stream of writes four times; every acknowledged write is kept."""
    log = tmp_path / "server.log"
    with database(backend, tmp_path) as db:
        scenario_ids = [f"durable-{i}" for i in range(WRITERS)]
        with open_store(db) as store:
            store.accounts.create_user(USERNAME, PASSWORD, role="analyst")
            token, _ = store.accounts.create_token(USERNAME, "durability test")
            for scenario_id in scenario_ids:
                store.save_scenario(scenario_text(scenario_id, "Start"), owner=USERNAME)
        ledger = Ledger(scenario_ids)
        server = start_server(db, log)
        try:
            for target in KILL_AFTER:
                killed = threading.Event()
                writers = [Writer(i, server.url, token, ledger, killed) for i in range(WRITERS)]
                for writer in writers:
                    writer.start()
                try:
                    kill_while_writing(server, ledger, target)
                finally:
                    server.kill()
                    killed.set()
                    for writer in writers:
                        writer.join(ROUND_SECONDS)
                assert not any(w.is_alive() for w in writers), "a writer hangs after the kill"
                assert ledger.problems == []
                check_store(db, ledger)  # the database as the kill left it
                server = start_server(db, log)
                check_through_api(server, token, ledger)
        finally:
            server.stop()
        check_store(db, ledger)
        after = [f for f in ledger.failures if f.startswith("after")]
        assert len(after) == WRITERS * len(KILL_AFTER), ledger.failures
        assert any(ledger.versions.values()), "no version was acknowledged"
        assert any(ledger.events.values()), "no event was acknowledged"
        if backend == "sqlite":
            connection = sqlite3.connect(Path(db) / DATABASE_FILE)
            try:
                assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
                assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
            finally:
                connection.close()

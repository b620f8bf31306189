"""The store: a small typed API over the database, one transaction per write."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self

from sqlalchemy import Engine, Select, delete, func, or_, select, text
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from peacetalks.errors import ParameterError, StorageError
from peacetalks.formats.events import Event
from peacetalks.scenario import Scenario, parse_scenario
from peacetalks.storage.accounts import Accounts, normalize_username
from peacetalks.storage.engine import IMMEDIATE, create_store_engine, store_url
from peacetalks.storage.models import (
    AgreementEventRow,
    AnalysisRunRow,
    ScenarioRow,
    ScenarioShareRow,
    ScenarioVersionRow,
)
from peacetalks.storage.schema import current_revision, head_revision, upgrade_schema

__all__ = [
    "EVERYONE",
    "RUN_STATUSES",
    "AnalysisRun",
    "RunStatus",
    "ScenarioVersion",
    "Store",
    "integrity_check",
    "open_store",
]

RunStatus = Literal["queued", "running", "succeeded", "failed"]
RUN_STATUSES: tuple[str, ...] = ("queued", "running", "succeeded", "failed")
_FINISHED = ("succeeded", "failed")
_SEED_RANGE = (-(2**63), 2**63 - 1)
# The grantee of a share with every signed-in user ('*' is never a valid username).
EVERYONE = "*"


@dataclass(frozen=True)
class ScenarioVersion:
    """One saved version of a scenario (its text is read with ``load_scenario_version``)."""

    scenario_id: str
    number: int
    sha256: str
    created_at: dt.datetime


@dataclass(frozen=True)
class AnalysisRun:
    """One recorded analysis run."""

    id: int
    kind: str
    scenario_id: str | None
    scenario_version: int | None
    inputs: Any
    parameters: Any
    seed: int | None
    results: Any
    status: RunStatus
    error: str | None
    started_at: dt.datetime
    finished_at: dt.datetime | None
    duration_seconds: float | None
    progress: float = 0.0
    owner: str | None = None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _version(row: ScenarioVersionRow) -> ScenarioVersion:
    return ScenarioVersion(row.scenario_id, row.number, row.sha256, row.created_at)


def _run(row: AnalysisRunRow) -> AnalysisRun:
    status: RunStatus = row.status  # type: ignore[assignment]  # the column holds RUN_STATUSES
    return AnalysisRun(
        id=row.id,
        kind=row.kind,
        scenario_id=row.scenario_id,
        scenario_version=row.scenario_version,
        inputs=row.inputs,
        parameters=row.parameters,
        seed=row.seed,
        results=row.results,
        status=status,
        error=row.error,
        started_at=row.started_at,
        finished_at=row.finished_at,
        duration_seconds=row.duration_seconds,
        progress=row.progress,
        owner=row.owner,
    )


def _check_status(status: str, where: str) -> None:
    if status not in RUN_STATUSES:
        msg = (
            f"The 'status' parameter of {where} must be one of "
            f"{', '.join(map(repr, RUN_STATUSES))}. Got {status!r} instead."
        )
        raise ParameterError(msg, parameter="status", value=status)


def _check_progress(progress: float, where: str) -> float:
    if (
        isinstance(progress, bool)
        or not isinstance(progress, int | float)
        or not math.isfinite(progress)
        or not 0.0 <= progress <= 1.0
    ):
        msg = (
            f"The 'progress' parameter of {where} must be a number from 0 to 1 (the share "
            f"done). Got {progress!r} instead."
        )
        raise ParameterError(msg, parameter="progress", value=progress)
    return float(progress)


def _check_seed(seed: int | None, where: str) -> None:
    if seed is not None and not _SEED_RANGE[0] <= seed <= _SEED_RANGE[1]:
        msg = f"The 'seed' parameter of {where} must be a 64-bit signed int. Got {seed} instead."
        raise ParameterError(msg, parameter="seed", value=seed)


def _check_owner(owner: str | None, where: str) -> str | None:
    return None if owner is None else normalize_username(owner, where=where)


class Store:
    """Scenarios with every saved version, analysis runs and agreement events.

    Open one with :func:`open_store`. Every write runs in one transaction: it is all
    there after it returns, or none of it is.

    Parameters
    ----------
    engine : Engine
        An engine on a database already migrated to the newest schema.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._reads = sessionmaker(engine, expire_on_commit=False)
        self._writes = sessionmaker(
            engine.execution_options(**{IMMEDIATE: True}), expire_on_commit=False
        )
        self.accounts = Accounts(self._transaction)

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _transaction(self, *, write: bool) -> Iterator[Session]:
        sessions = self._writes if write else self._reads
        try:
            with sessions() as session, session.begin():
                yield session
        except StorageError:
            raise
        except SQLAlchemyError as e:
            where = self.engine.url.render_as_string(hide_password=True)
            msg = (
                f"The database at {where!r} refused the operation: {getattr(e, 'orig', None) or e}."
            )
            raise StorageError(msg, kind="database", value=where) from e

    # -- scenarios -----------------------------------------------------------------

    def save_scenario(self, text: str, *, owner: str | None = None) -> ScenarioVersion:
        """Validate and save a scenario's YAML text; return its newest version.

        A new version is made only when the text differs from the newest saved one.

        Parameters
        ----------
        text : str
            The scenario as YAML; it is stored as given, byte for byte.
        owner : str or None
            The owner recorded when the scenario is first saved.

        Raises
        ------
        ScenarioError
            If the text is not a valid scenario; nothing is written.
        """
        scenario = parse_scenario(text)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        try:
            with self._transaction(write=True) as session:
                row = session.get(ScenarioRow, scenario.id)
                now = _now()
                if row is None:
                    row = ScenarioRow(id=scenario.id, owner=owner, created_at=now, updated_at=now)
                    session.add(row)
                    latest = None
                else:
                    latest = session.scalars(
                        select(ScenarioVersionRow)
                        .where(ScenarioVersionRow.scenario_id == scenario.id)
                        .order_by(ScenarioVersionRow.number.desc())
                        .limit(1)
                    ).first()
                if latest is not None and latest.sha256 == digest and latest.yaml_text == text:
                    return _version(latest)
                version = ScenarioVersionRow(
                    scenario_id=scenario.id,
                    number=1 if latest is None else latest.number + 1,
                    yaml_text=text,
                    sha256=digest,
                    created_at=now,
                )
                row.updated_at = now
                session.add(version)
                session.flush()
                return _version(version)
        except StorageError as e:
            if isinstance(e.__cause__, IntegrityError):
                msg = (
                    f"Scenario {scenario.id!r} was saved by someone else at the same time. "
                    "Load its newest version and save again."
                )
                raise StorageError(msg, kind="scenario", value=scenario.id) from e
            raise

    def scenario_ids(self) -> list[str]:
        """Return the ids of the saved scenarios, sorted."""
        with self._transaction(write=False) as session:
            return list(session.scalars(select(ScenarioRow.id).order_by(ScenarioRow.id)))

    def scenario_versions(self, scenario_id: str) -> list[ScenarioVersion]:
        """Return every saved version of a scenario, oldest first.

        Raises
        ------
        StorageError
            If no scenario has this id.
        """
        with self._transaction(write=False) as session:
            self._require_scenario(session, scenario_id)
            rows = session.scalars(
                select(ScenarioVersionRow)
                .where(ScenarioVersionRow.scenario_id == scenario_id)
                .order_by(ScenarioVersionRow.number)
            )
            return [_version(row) for row in rows]

    def scenario_text(self, scenario_id: str, version: int | None = None) -> str:
        """Return the YAML text of a version (the newest when ``version`` is None).

        Raises
        ------
        StorageError
            If no scenario has this id, or it has no such version.
        """
        with self._transaction(write=False) as session:
            return self._version_row(session, scenario_id, version).yaml_text

    def load_scenario_version(self, scenario_id: str, version: int | None = None) -> Scenario:
        """Return the scenario of a saved version (the newest when ``version`` is None).

        Raises
        ------
        StorageError
            If no scenario has this id, or it has no such version.
        """
        with self._transaction(write=False) as session:
            row = self._version_row(session, scenario_id, version)
            text, number = row.yaml_text, row.number
        return parse_scenario(text, source=f"{scenario_id} version {number}")

    def _require_scenario(self, session: Session, scenario_id: str) -> ScenarioRow:
        row = session.get(ScenarioRow, scenario_id)
        if row is None:
            known = list(session.scalars(select(ScenarioRow.id).order_by(ScenarioRow.id)))
            listing = ", ".join(known[:20]) + (", …" if len(known) > 20 else "")
            saved = f"Saved scenarios: {listing}." if known else "The store has no scenarios yet."
            msg = f"No scenario {scenario_id!r} in the store. {saved} Save it with save_scenario."
            raise StorageError(msg, kind="scenario", value=scenario_id)
        return row

    def _version_row(
        self, session: Session, scenario_id: str, version: int | None
    ) -> ScenarioVersionRow:
        self._require_scenario(session, scenario_id)
        newest = session.scalar(
            select(func.max(ScenarioVersionRow.number)).where(
                ScenarioVersionRow.scenario_id == scenario_id
            )
        )
        number = newest if version is None else version
        row = session.scalars(
            select(ScenarioVersionRow).where(
                ScenarioVersionRow.scenario_id == scenario_id,
                ScenarioVersionRow.number == number,
            )
        ).first()
        if row is None:
            msg = (
                f"Scenario {scenario_id!r} has no version {version!r}; "
                f"its versions are 1 to {newest}."
            )
            raise StorageError(msg, kind="version", value=version)
        return row

    # -- analysis runs -------------------------------------------------------------

    def record_run(
        self,
        kind: str,
        *,
        inputs: Any,
        parameters: Any,
        started_at: dt.datetime,
        finished_at: dt.datetime | None = None,
        results: Any = None,
        seed: int | None = None,
        status: RunStatus = "succeeded",
        error: str | None = None,
        scenario_id: str | None = None,
        scenario_version: int | None = None,
        owner: str | None = None,
    ) -> AnalysisRun:
        """Record one analysis run and return it with its id.

        For a run that is recorded once it is over; a job that reports its progress uses
        :meth:`start_run` and :meth:`finish_run` instead.

        Parameters
        ----------
        kind : str
            The analysis: ``"evaluate"``, ``"deals"``, ``"forecast"``, ….
        inputs, parameters, results : JSON-compatible data
            What went in, how it was set, and what came out.
        started_at, finished_at : datetime
            Timezone-aware; the duration is ``finished_at - started_at``.
        seed : int or None
            The seed the run's generator was made from.
        status : {"queued", "running", "succeeded", "failed"}
            A succeeded run has progress 1, any other 0.
        error : str or None
            The message of a failed run.
        scenario_id, scenario_version : str, int or None
            The saved scenario version the run analysed; the version must exist.
        owner : str or None
            The username of who asked for the run.

        Raises
        ------
        StorageError
            If the scenario or version is unknown, or the database refuses the write.
        ParameterError
            If an argument is out of its range.
        """
        where = "Store.record_run"
        _check_status(status, where)
        _check_seed(seed, where)
        owner = _check_owner(owner, where)
        for name, stamp in (("started_at", started_at), ("finished_at", finished_at)):
            if stamp is not None and stamp.tzinfo is None:
                msg = (
                    f"The {name!r} parameter of Store.record_run must be a timezone-aware "
                    f"datetime. Got {stamp.isoformat()} instead. Use datetime.now(UTC)."
                )
                raise ParameterError(msg, parameter=name, value=stamp)
        duration = None if finished_at is None else (finished_at - started_at).total_seconds()
        with self._transaction(write=True) as session:
            number = self._run_version(session, scenario_id, scenario_version, where)
            row = AnalysisRunRow(
                kind=kind,
                scenario_id=scenario_id,
                scenario_version=number,
                inputs=inputs,
                parameters=parameters,
                seed=seed,
                results=results,
                status=status,
                error=error,
                started_at=started_at,
                finished_at=finished_at,
                duration_seconds=duration,
                progress=1.0 if status == "succeeded" else 0.0,
                owner=owner,
            )
            session.add(row)
            session.flush()
            return _run(row)

    def _run_version(
        self, session: Session, scenario_id: str | None, scenario_version: int | None, where: str
    ) -> int | None:
        if scenario_id is not None:
            return self._version_row(session, scenario_id, scenario_version).number
        if scenario_version is not None:
            msg = (
                f"The 'scenario_version' parameter of {where} needs a "
                "'scenario_id'. Got a version without a scenario."
            )
            raise ParameterError(msg, parameter="scenario_version", value=scenario_version)
        return None

    def runs(
        self,
        *,
        kind: str | None = None,
        scenario_id: str | None = None,
        owner: str | None = None,
        status: RunStatus | None = None,
    ) -> list[AnalysisRun]:
        """Return the recorded runs, oldest first, optionally of one kind, owner, etc.

        Parameters
        ----------
        kind, scenario_id, owner, status : str or None
            Keep only the runs with this value (``None``: any).
        """
        query = select(AnalysisRunRow).order_by(AnalysisRunRow.id)
        if kind is not None:
            query = query.where(AnalysisRunRow.kind == kind)
        if scenario_id is not None:
            query = query.where(AnalysisRunRow.scenario_id == scenario_id)
        if owner is not None:
            query = query.where(AnalysisRunRow.owner == owner.lower())
        if status is not None:
            _check_status(status, "Store.runs")
            query = query.where(AnalysisRunRow.status == status)
        with self._transaction(write=False) as session:
            return [_run(row) for row in session.scalars(query)]

    # -- analysis runs as jobs -----------------------------------------------------

    def start_run(
        self,
        kind: str,
        *,
        inputs: Any,
        parameters: Any,
        seed: int | None = None,
        scenario_id: str | None = None,
        scenario_version: int | None = None,
        owner: str | None = None,
        status: RunStatus = "queued",
    ) -> AnalysisRun:
        """Record a run that has not finished yet (a job) and return it with its id.

        Parameters
        ----------
        kind : str
            The analysis: ``"evaluate"``, ``"forecast"``, ….
        inputs, parameters : JSON-compatible data
            What goes in and how it is set.
        seed : int or None
            The seed of the run's generator (64-bit signed).
        scenario_id, scenario_version : str, int or None
            The saved scenario version analysed (the newest when no version is given).
        owner : str or None
            The username of who asked for the run.
        status : {"queued", "running"}
            ``"queued"`` until a worker picks it up (:meth:`set_run_status`).

        Raises
        ------
        ParameterError
            If an argument is out of its range.
        StorageError
            If the scenario or version is unknown.
        """
        where = "Store.start_run"
        if status not in ("queued", "running"):
            msg = (
                f"The 'status' parameter of {where} must be 'queued' or 'running' (a run "
                f"that has not finished). Got {status!r} instead. Use record_run for a "
                "finished run."
            )
            raise ParameterError(msg, parameter="status", value=status)
        _check_seed(seed, where)
        owner = _check_owner(owner, where)
        with self._transaction(write=True) as session:
            number = self._run_version(session, scenario_id, scenario_version, where)
            row = AnalysisRunRow(
                kind=kind,
                scenario_id=scenario_id,
                scenario_version=number,
                inputs=inputs,
                parameters=parameters,
                seed=seed,
                results=None,
                status=status,
                error=None,
                started_at=_now(),
                finished_at=None,
                duration_seconds=None,
                progress=0.0,
                owner=owner,
            )
            session.add(row)
            session.flush()
            return _run(row)

    def set_run_status(
        self, run_id: int, status: RunStatus, *, progress: float | None = None
    ) -> None:
        """Set a run's status (and progress, if given).

        Going from ``"queued"`` to ``"running"`` restarts the clock, so that the duration
        is the time spent running. Setting ``"succeeded"`` or ``"failed"`` finishes the run
        like :meth:`finish_run`. A finished run is final: changes to it are ignored.

        Raises
        ------
        ParameterError
            If the status or progress is out of range.
        StorageError
            With ``kind="run"`` if there is no run with this id.
        """
        where = "Store.set_run_status"
        _check_status(status, where)
        value = None if progress is None else _check_progress(progress, where)
        with self._transaction(write=True) as session:
            row = self._require_run(session, run_id)
            if row.status in _FINISHED:
                return
            now = _now()
            if status == "running" and row.status == "queued":
                row.started_at = now
            if status in _FINISHED:
                row.finished_at = now
                row.duration_seconds = (now - row.started_at).total_seconds()
                if status == "succeeded" and value is None:
                    value = 1.0
            row.status = status
            if value is not None:
                row.progress = value

    def set_run_progress(self, run_id: int, progress: float) -> None:
        """Set the share of a run that is done, from 0 to 1 (ignored once it finished).

        Raises
        ------
        ParameterError
            If the progress is not a number from 0 to 1.
        StorageError
            With ``kind="run"`` if there is no run with this id.
        """
        value = _check_progress(progress, "Store.set_run_progress")
        with self._transaction(write=True) as session:
            row = self._require_run(session, run_id)
            if row.status not in _FINISHED:
                row.progress = value

    def finish_run(
        self, run_id: int, *, results: Any = None, error: str | None = None
    ) -> AnalysisRun:
        """Finish a run: ``"succeeded"`` with its results, or ``"failed"`` with an error.

        Sets the finish time and the duration (since the run started running); a
        succeeded run gets progress 1. A run that already finished keeps its first
        outcome (say, a time-out) and is returned unchanged.

        Raises
        ------
        StorageError
            With ``kind="run"`` if there is no run with this id.
        """
        with self._transaction(write=True) as session:
            row = self._require_run(session, run_id)
            if row.status not in _FINISHED:
                now = _now()
                row.status = "succeeded" if error is None else "failed"
                row.results = results
                row.error = error
                row.finished_at = now
                row.duration_seconds = (now - row.started_at).total_seconds()
                if error is None:
                    row.progress = 1.0
            return _run(row)

    def run(self, run_id: int) -> AnalysisRun:
        """Return one run by id.

        Raises
        ------
        StorageError
            With ``kind="run"`` if there is no run with this id.
        """
        with self._transaction(write=False) as session:
            return _run(self._require_run(session, run_id))

    def _require_run(self, session: Session, run_id: int) -> AnalysisRunRow:
        row = session.get(AnalysisRunRow, run_id) if isinstance(run_id, int) else None
        if row is None:
            newest = session.scalar(select(func.max(AnalysisRunRow.id)))
            known = "the store has no runs yet" if newest is None else f"the newest is {newest}"
            msg = f"No analysis run {run_id!r} in the store; {known}. List them with runs()."
            raise StorageError(msg, kind="run", value=run_id)
        return row

    # -- who may read a scenario ---------------------------------------------------

    def scenario_owner(self, scenario_id: str) -> str | None:
        """Return the owner of a saved scenario, or ``None`` if it has none.

        Raises
        ------
        StorageError
            If no scenario has this id.
        """
        with self._transaction(write=False) as session:
            return self._require_scenario(session, scenario_id).owner

    def share_scenario(self, scenario_id: str, username: str | None) -> None:
        """Let a user (or, with ``None``, every signed-in user) read a scenario.

        Sharing twice is the same as sharing once.

        Raises
        ------
        StorageError
            If no scenario has this id (``kind="scenario"``) or no user this username
            (``kind="user"``).
        """
        grantee = self._grantee(username, "Store.share_scenario")
        try:
            with self._transaction(write=True) as session:
                self._require_scenario(session, scenario_id)
                if grantee != EVERYONE:
                    self.accounts._require_user(session, grantee)
                if session.get(ScenarioShareRow, (scenario_id, grantee)) is None:
                    session.add(
                        ScenarioShareRow(
                            scenario_id=scenario_id, grantee=grantee, created_at=_now()
                        )
                    )
        except StorageError as e:
            # The same share made at the same time by another writer: it is there.
            if not isinstance(e.__cause__, IntegrityError):
                raise

    def unshare_scenario(self, scenario_id: str, username: str | None) -> None:
        """Withdraw a share made with :meth:`share_scenario`; a missing share is ignored.

        Raises
        ------
        StorageError
            If no scenario has this id.
        """
        grantee = self._grantee(username, "Store.unshare_scenario")
        with self._transaction(write=True) as session:
            self._require_scenario(session, scenario_id)
            session.execute(
                delete(ScenarioShareRow).where(
                    ScenarioShareRow.scenario_id == scenario_id,
                    ScenarioShareRow.grantee == grantee,
                )
            )

    def shares(self, scenario_id: str) -> list[str | None]:
        """Return who a scenario is shared with: ``None`` (everyone) first, then usernames.

        Raises
        ------
        StorageError
            If no scenario has this id.
        """
        with self._transaction(write=False) as session:
            self._require_scenario(session, scenario_id)
            grantees = session.scalars(
                select(ScenarioShareRow.grantee)
                .where(ScenarioShareRow.scenario_id == scenario_id)
                .order_by(ScenarioShareRow.grantee)
            )
            found = list(grantees)
        users: list[str | None] = [name for name in found if name != EVERYONE]
        return [None, *users] if EVERYONE in found else users

    def can_read(self, scenario_id: str, username: str | None, *, admin: bool = False) -> bool:
        """Return whether a user (``None``: not signed in) may read a scenario.

        An admin reads everything; a scenario without an owner is readable by all; else
        its owner, the users it is shared with and, if shared with everyone, every
        signed-in user. An unknown scenario gives ``False``.
        """
        query = self._visible(username, admin=admin).where(ScenarioRow.id == scenario_id)
        with self._transaction(write=False) as session:
            return session.scalar(query) is not None

    def visible_scenario_ids(self, username: str | None, *, admin: bool = False) -> list[str]:
        """Return the ids of the scenarios a user may read (see :meth:`can_read`), sorted."""
        query = self._visible(username, admin=admin).order_by(ScenarioRow.id)
        with self._transaction(write=False) as session:
            return list(session.scalars(query))

    @staticmethod
    def _grantee(username: str | None, where: str) -> str:
        return EVERYONE if username is None else normalize_username(username, where=where)

    @staticmethod
    def _visible(username: str | None, *, admin: bool) -> Select[str]:
        query = select(ScenarioRow.id)
        if admin:
            return query
        if username is None:
            return query.where(ScenarioRow.owner.is_(None))
        name = username.lower()
        shared = select(ScenarioShareRow.scenario_id).where(
            ScenarioShareRow.grantee.in_([name, EVERYONE])
        )
        return query.where(
            or_(
                ScenarioRow.owner.is_(None),
                func.lower(ScenarioRow.owner) == name,
                ScenarioRow.id.in_(shared),
            )
        )

    # -- agreement events ----------------------------------------------------------

    def add_events(
        self, scenario_id: str, events: Iterable[Event], *, agreement: str | None = None
    ) -> int:
        """Add implementation events of a saved scenario's agreement; return how many.

        Raises
        ------
        StorageError
            If no scenario has this id; then no event is added.
        """
        with self._transaction(write=True) as session:
            self._require_scenario(session, scenario_id)
            rows = [
                AgreementEventRow(
                    scenario_id=scenario_id,
                    agreement=agreement,
                    date=item.date,
                    kind=item.kind,
                    provision=item.provision,
                    party=item.party,
                    level=item.level,
                    count=item.count,
                    explosions=item.explosions,
                    fatalities=item.fatalities,
                    region=item.region,
                    source=item.source,
                    note=item.note,
                )
                for item in events
            ]
            session.add_all(rows)
            return len(rows)

    def events(self, scenario_id: str, *, agreement: str | None = None) -> list[Event]:
        """Return a scenario's events in date order (those of one agreement if given).

        Raises
        ------
        StorageError
            If no scenario has this id.
        """
        query = (
            select(AgreementEventRow)
            .where(AgreementEventRow.scenario_id == scenario_id)
            .order_by(AgreementEventRow.date, AgreementEventRow.id)
        )
        if agreement is not None:
            query = query.where(AgreementEventRow.agreement == agreement)
        with self._transaction(write=False) as session:
            self._require_scenario(session, scenario_id)
            return [
                Event.model_validate(
                    {
                        "date": row.date,
                        "kind": row.kind,
                        "provision": row.provision,
                        "party": row.party,
                        "level": row.level,
                        "count": row.count,
                        "explosions": row.explosions,
                        "fatalities": row.fatalities,
                        "region": row.region,
                        "source": row.source,
                        "note": row.note,
                    }
                )
                for row in session.scalars(query)
            ]


def open_store(target: str | Path | None = None) -> Store:
    """Open the store, creating it and migrating its schema to the newest as needed.

    Parameters
    ----------
    target : str, Path or None
        A database URL (``postgresql+psycopg://user:pw@host/db``), a SQLite file
        (``*.db``), a data directory (``peacetalks.db`` inside it), or ``None`` for
        ``$PEACETALKS_DATA`` or ``~/.local/share/peacetalks``.

    Raises
    ------
    StorageError
        If the database cannot be reached, created or migrated.
    """
    url = store_url(target)
    engine = create_store_engine(url)
    try:
        upgrade_schema(engine)
    except SQLAlchemyError as e:
        engine.dispose()
        where = url.render_as_string(hide_password=True)
        reason = getattr(e, "orig", None) or e
        msg = f"Cannot open or migrate the database at {where!r}: {reason}."
        raise StorageError(msg, kind="database", value=where) from e
    return Store(engine)


def integrity_check(store: Store) -> list[str]:
    """Return the problems found in a store's database; an empty list when it is sound.

    On SQLite this runs ``PRAGMA integrity_check`` (pages, indexes, constraints) and
    ``PRAGMA foreign_key_check``; on PostgreSQL, which checks itself, a cheap query. On
    both it checks that the schema is at the newest revision.

    Parameters
    ----------
    store : Store
        An open store.
    """
    problems: list[str] = []
    try:
        with store.engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                for (line,) in connection.exec_driver_sql("PRAGMA integrity_check"):
                    if line != "ok":
                        problems.append(f"integrity_check: {line}")
                for table, rowid, parent, _ in connection.exec_driver_sql(
                    "PRAGMA foreign_key_check"
                ):
                    problems.append(
                        f"foreign_key_check: row {rowid} of {table!r} points to a missing "
                        f"row of {parent!r}"
                    )
            else:
                connection.execute(text("SELECT count(*) FROM scenarios"))
    except SQLAlchemyError as e:
        problems.append(f"the database cannot be read: {getattr(e, 'orig', None) or e}")
        return problems
    try:
        revision, head = current_revision(store.engine), head_revision()
    except SQLAlchemyError as e:
        problems.append(f"the schema revision cannot be read: {getattr(e, 'orig', None) or e}")
        return problems
    if revision != head:
        problems.append(
            f"the schema is at revision {revision!r}, not the newest {head!r}; "
            "open the store with open_store to migrate it"
        )
    return problems

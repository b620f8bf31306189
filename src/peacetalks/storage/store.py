"""The store: a small typed API over the database, one transaction per write."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from peacetalks.errors import ParameterError, StorageError
from peacetalks.scenario import Scenario, parse_scenario
from peacetalks.scenario.events import Event
from peacetalks.storage.engine import IMMEDIATE, create_store_engine, store_url
from peacetalks.storage.models import (
    AgreementEventRow,
    AnalysisRunRow,
    ScenarioRow,
    ScenarioVersionRow,
)
from peacetalks.storage.schema import upgrade_schema

__all__ = ["RUN_STATUSES", "AnalysisRun", "RunStatus", "ScenarioVersion", "Store", "open_store"]

RunStatus = Literal["running", "succeeded", "failed"]
RUN_STATUSES: tuple[str, ...] = ("running", "succeeded", "failed")
_SEED_RANGE = (-(2**63), 2**63 - 1)


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
    )


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
    ) -> AnalysisRun:
        """Record one analysis run and return it with its id.

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
        status : {"running", "succeeded", "failed"}
        error : str or None
            The message of a failed run.
        scenario_id, scenario_version : str, int or None
            The saved scenario version the run analysed; the version must exist.

        Raises
        ------
        StorageError
            If the scenario or version is unknown, or the database refuses the write.
        ParameterError
            If an argument is out of its range.
        """
        if status not in RUN_STATUSES:
            msg = (
                f"The 'status' parameter of Store.record_run must be one of "
                f"{', '.join(map(repr, RUN_STATUSES))}. Got {status!r} instead."
            )
            raise ParameterError(msg)
        if seed is not None and not _SEED_RANGE[0] <= seed <= _SEED_RANGE[1]:
            msg = (
                "The 'seed' parameter of Store.record_run must be a 64-bit signed int. "
                f"Got {seed} instead."
            )
            raise ParameterError(msg)
        for name, stamp in (("started_at", started_at), ("finished_at", finished_at)):
            if stamp is not None and stamp.tzinfo is None:
                msg = (
                    f"The {name!r} parameter of Store.record_run must be a timezone-aware "
                    f"datetime. Got {stamp.isoformat()} instead. Use datetime.now(UTC)."
                )
                raise ParameterError(msg)
        duration = None if finished_at is None else (finished_at - started_at).total_seconds()
        with self._transaction(write=True) as session:
            number = scenario_version
            if scenario_id is not None:
                number = self._version_row(session, scenario_id, scenario_version).number
            elif scenario_version is not None:
                msg = (
                    "The 'scenario_version' parameter of Store.record_run needs a "
                    "'scenario_id'. Got a version without a scenario."
                )
                raise ParameterError(msg)
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
            )
            session.add(row)
            session.flush()
            return _run(row)

    def runs(self, *, kind: str | None = None, scenario_id: str | None = None) -> list[AnalysisRun]:
        """Return the recorded runs, oldest first, optionally of one kind or scenario."""
        query = select(AnalysisRunRow).order_by(AnalysisRunRow.id)
        if kind is not None:
            query = query.where(AnalysisRunRow.kind == kind)
        if scenario_id is not None:
            query = query.where(AnalysisRunRow.scenario_id == scenario_id)
        with self._transaction(write=False) as session:
            return [_run(row) for row in session.scalars(query)]

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

"""The store's foundation: connections, one transaction per write, and its records."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal, Self

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from peacetalks.errors import ParameterError, StorageError
from peacetalks.storage.accounts import Accounts, normalize_username
from peacetalks.storage.engine import IMMEDIATE
from peacetalks.storage.models import (
    AnalysisRunRow,
    ScenarioRow,
    ScenarioVersionRow,
)

__all__ = [
    "EVERYONE",
    "OWNER_SEPARATOR",
    "RUN_STATUSES",
    "AnalysisRun",
    "RunStatus",
    "ScenarioRef",
    "ScenarioVersion",
    "StoreBase",
]

RunStatus = Literal["queued", "running", "succeeded", "failed"]
RUN_STATUSES: tuple[str, ...] = ("queued", "running", "succeeded", "failed")
_FINISHED = ("succeeded", "failed")
_SEED_RANGE = (-(2**63), 2**63 - 1)
# The grantee of a share with every signed-in user ('*' is never a valid username).
EVERYONE = "*"
# Joins a scenario's id and its owner in a reference ("plan~alice"); '~' is in neither.
OWNER_SEPARATOR = "~"


@dataclass(frozen=True)
class ScenarioVersion:
    """One saved version of a scenario (its text is read with ``load_scenario_version``)."""

    scenario_id: str
    number: int
    sha256: str
    created_at: dt.datetime


@dataclass(frozen=True)
class ScenarioRef:
    """A saved scenario as one user names it.

    Attributes
    ----------
    key : str
        The storage key the store's other methods take.
    name : str
        The id in the scenario's YAML (unique per owner).
    owner : str or None
        Its owner; None for a scenario owned by nobody (built in).
    ref : str
        How the user names it: the bare id when that resolves to it for them, else
        ``id~owner`` (``id~`` for one owned by nobody).
    """

    key: str
    name: str
    owner: str | None
    ref: str


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


def _run(row: AnalysisRunRow, *, results: bool = True) -> AnalysisRun:
    status: RunStatus = row.status  # type: ignore[assignment]  # the column holds RUN_STATUSES
    return AnalysisRun(
        id=row.id,
        kind=row.kind,
        scenario_id=row.scenario_id,
        scenario_version=row.scenario_version,
        inputs=row.inputs,
        parameters=row.parameters,
        seed=row.seed,
        results=row.results if results else None,
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


class StoreBase:
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

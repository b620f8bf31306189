"""Analysis runs: recorded, and run as jobs with status and progress."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from peacetalks.errors import ParameterError, StorageError
from peacetalks.storage._base import (
    _FINISHED,
    AnalysisRun,
    RunStatus,
    StoreBase,
    _check_owner,
    _check_progress,
    _check_seed,
    _check_status,
    _now,
    _run,
)
from peacetalks.storage.models import (
    AnalysisRunRow,
)

__all__ = ["AnalysisRuns"]


class AnalysisRuns(StoreBase):
    """Analysis runs: recorded, and run as jobs with status and progress."""

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
        return self._insert_run(
            where,
            scenario_id,
            scenario_version,
            kind=kind,
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

    def _insert_run(
        self,
        where: str,
        scenario_id: str | None,
        scenario_version: int | None,
        **fields: Any,
    ) -> AnalysisRun:
        """Insert one run row for the saved scenario version it analysed; return it."""
        with self._transaction(write=True) as session:
            number = self._run_version(session, scenario_id, scenario_version, where)
            row = AnalysisRunRow(scenario_id=scenario_id, scenario_version=number, **fields)
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
        newest: int | None = None,
        results: bool = True,
    ) -> list[AnalysisRun]:
        """Return the recorded runs, oldest first, optionally of one kind, owner, etc.

        Parameters
        ----------
        kind, scenario_id, owner, status : str or None
            Keep only the runs with this value (``None``: any).
        newest : int or None
            Only the newest this many (still oldest first); ``None``: all.
        results : bool
            False leaves the results out (``results`` None) except for failed runs,
            whose results hold the error: listings then read no result documents.
        """
        query = select(AnalysisRunRow).order_by(AnalysisRunRow.id.desc())
        if not results:
            query = query.options(defer(AnalysisRunRow.results))
        if kind is not None:
            query = query.where(AnalysisRunRow.kind == kind)
        if scenario_id is not None:
            query = query.where(AnalysisRunRow.scenario_id == scenario_id)
        if owner is not None:
            query = query.where(AnalysisRunRow.owner == owner.lower())
        if status is not None:
            _check_status(status, "Store.runs")
            query = query.where(AnalysisRunRow.status == status)
        if newest is not None:
            query = query.limit(max(newest, 0))
        with self._transaction(write=False) as session:
            found = [
                _run(row, results=results or row.status == "failed")
                for row in session.scalars(query)
            ]
        return found[::-1]

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
        return self._insert_run(
            where,
            scenario_id,
            scenario_version,
            kind=kind,
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

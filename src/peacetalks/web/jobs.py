"""Analyses as jobs: each runs in its own process, with a time limit and reported progress.

``POST /api/scenarios/{id}/analyses/{kind}`` records a run (``queued``) and hands it to
the :class:`JobRunner`. A few runner threads (``job_workers``) take the runs in turn; each
starts a process (multiprocessing's ``forkserver`` context: a clean, fast fork of a
server process that has the analysis modules imported) and listens on a pipe for its
progress and its result. A process that outlives ``job_seconds`` is killed and its run
fails with a message saying so; the server itself never computes, so it stays responsive.
"""

from __future__ import annotations

import collections
import contextlib
import json
import logging
import math
import multiprocessing
import queue
import threading
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing import forkserver
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from peacetalks.errors import PeacetalksError
from peacetalks.scenario.load import parse_scenario
from peacetalks.storage import AnalysisRun, Store
from peacetalks.web.bounded import end_process, limit_memory
from peacetalks.web.errors import TooManyJobsError, error_body
from peacetalks.web.runners import run_analysis

__all__ = ["RESTART_ERROR", "JobRunner", "fail_unfinished_runs"]

RESTART_ERROR = (
    "The server stopped before this run finished (it was restarted or shut down). "
    "Start the analysis again."
)
_log = logging.getLogger("peacetalks.web.jobs")
# Progress is written to the store at most this often (seconds), and sent by the job's
# process when it moved by at least this share.
_PROGRESS_INTERVAL = 0.25
_PROGRESS_STEP = 0.01


@dataclass(frozen=True)
class _Job:
    run_id: int
    kind: str
    text: str
    source: str
    parameters: dict[str, Any]
    # The further scenarios compare and timeline read: (source, YAML) pairs.
    others: tuple[tuple[str, str], ...] = ()


def _failure(type_name: str, message: str) -> dict[str, Any]:
    return {"type": type_name, "message": message}


def _work(
    connection: Connection,
    kind: str,
    text: str,
    source: str,
    parameters: dict[str, Any],
    memory_bytes: int,
    others: tuple[tuple[str, str], ...] = (),
) -> None:
    """Run one analysis in the job's process; send progress, then the result or the error."""
    sent = -1.0
    last = 0.0

    def progress(done: int, total: int) -> None:
        nonlocal sent, last
        share = min(1.0, done / total) if total > 0 else 1.0
        now = time.monotonic()
        if share - sent >= _PROGRESS_STEP and (now - last >= _PROGRESS_INTERVAL or share >= 1):
            connection.send(("progress", share))
            sent, last = share, now

    try:
        limit_memory(memory_bytes)
        scenario = parse_scenario(text, source=source)
        further = [parse_scenario(other, source=label) for label, other in others]
        result = run_analysis(kind, scenario, parameters, progress, others=further)
        document = json.dumps(result, ensure_ascii=False, allow_nan=False)
        connection.send(("done", document))
    except PeacetalksError as e:
        connection.send(("error", error_body(e)["error"]))
    except MemoryError:
        megabytes = memory_bytes >> 20
        message = (
            f"The {kind} analysis needed more memory than the server's limit of "
            f"{megabytes:,} MB per analysis and was stopped. Ask for less work (fewer runs, "
            "a smaller scenario), run it with the command line, or ask the administrator to "
            "raise the limit (peacetalks serve --job-memory-mb)."
        )
        connection.send(("error", _failure("MemoryLimitExceeded", message)))
    except Exception as e:  # a bug: report it on the run (and the log), never hide it
        traceback.print_exc()
        message = (
            f"The {kind} analysis failed unexpectedly ({type(e).__name__}: {e}). This is a "
            "bug of peacetalks; the server's log has the traceback."
        )
        connection.send(("error", _failure("InternalError", message)))
    finally:
        connection.close()


def fail_unfinished_runs(store: Store) -> int:
    """Mark the runs left ``queued`` or ``running`` (by a server that stopped) as failed.

    Returns
    -------
    int
        How many runs were marked.
    """
    count = 0
    for status in ("queued", "running"):
        for run in store.runs(status=status):
            error = _failure("ServerRestarted", RESTART_ERROR)
            store.finish_run(run.id, results={"error": error}, error=RESTART_ERROR)
            count += 1
    return count


class JobRunner:
    """Runs analyses in their own processes, a few at a time, each within a time limit.

    Parameters
    ----------
    store : Store
        Where the runs are recorded.
    seconds : float
        The time limit of one analysis (from when it starts running).
    workers : int
        Analyses that run at the same time; the others wait, ``queued``.
    quota : int
        Analyses one owner may have queued or running at once (runs without an owner
        are not counted).
    memory_bytes : int
        Address space of each analysis' process; past it the analysis fails with
        ``MemoryLimitExceeded``.
    """

    def __init__(
        self,
        store: Store,
        *,
        seconds: float,
        workers: int,
        quota: int = 4,
        memory_bytes: int = 2 << 30,
    ) -> None:
        self.store = store
        self.memory_bytes = memory_bytes
        self.seconds = seconds
        self.workers = workers
        self.quota = quota
        self._owner_of: dict[int, str] = {}
        self._unfinished: collections.Counter[str] = collections.Counter()
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["peacetalks.web.jobs"])
        # Start the fork server now, in the background, so that the first job is quick.
        threading.Thread(
            target=forkserver.ensure_running, name="peacetalks-forkserver", daemon=True
        ).start()
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._finished: dict[int, threading.Event] = {}
        self._processes: dict[int, BaseProcess] = {}
        self._closed = False

    def submit(
        self,
        kind: str,
        *,
        scenario_id: str,
        version: int,
        text: str,
        parameters: dict[str, Any],
        owner: str | None,
        others: tuple[tuple[str, str], ...] = (),
        ref: str | None = None,
    ) -> AnalysisRun:
        """Record a queued run of an analysis on a scenario version and queue it.

        Parameters
        ----------
        kind : str
            The analysis (see :data:`peacetalks.web.runners.KINDS`).
        scenario_id, version : str, int
            The saved scenario version analysed (``scenario_id`` its storage key).
        text : str
            That version's YAML.
        parameters : dict
            The analysis' parameters (JSON-ready).
        owner : str or None
            Who asked for the run.
        others : tuple of (str, str)
            The further scenarios the analysis reads (compare's ``at``, a timeline's
            snapshots): each its source label and YAML. Not recorded on the run.
        ref : str or None
            How the owner named the scenario (recorded in the run's inputs and messages);
            the storage key when None.

        Raises
        ------
        TooManyJobsError
            If the owner already has ``quota`` analyses queued or running.
        """
        with self._quota(owner):
            seed = parameters.get("seed")
            run = self.store.start_run(
                kind,
                inputs={"scenario": ref or scenario_id, "version": version},
                parameters=parameters,
                seed=seed if isinstance(seed, int) else None,
                scenario_id=scenario_id,
                scenario_version=version,
                owner=owner,
            )
            with self._lock:
                if self._closed:
                    self.store.finish_run(run.id, results=None, error=RESTART_ERROR)
                    if owner is not None:
                        self._unfinished[owner] -= 1
                    return self.store.run(run.id)
                self._finished[run.id] = threading.Event()
                if owner is not None:
                    self._owner_of[run.id] = owner
                while len(self._threads) < self.workers:
                    thread = threading.Thread(
                        target=self._serve,
                        name=f"peacetalks-jobs-{len(self._threads)}",
                        daemon=True,
                    )
                    thread.start()
                    self._threads.append(thread)
            source = f"{ref or scenario_id} version {version}"
            self._queue.put(_Job(run.id, kind, text, source, parameters, others))
            return run

    @contextlib.contextmanager
    def _quota(self, owner: str | None) -> Iterator[None]:
        """Count a run against its owner's quota; refuse one past it (TooManyJobsError)."""
        if owner is None:
            yield
            return
        with self._lock:
            if self._unfinished[owner] >= self.quota:
                msg = (
                    f"You have {self._unfinished[owner]} analyses queued or running, the "
                    "most this server runs for one user at once. Wait for one to finish "
                    "(GET /api/runs lists them), or ask the administrator to raise "
                    "--job-quota."
                )
                raise TooManyJobsError(msg)
            self._unfinished[owner] += 1
        try:
            yield
        except BaseException:
            with self._lock:
                self._unfinished[owner] -= 1
            raise

    def wait(self, run_id: int, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for a run to finish; return whether it did."""
        with self._lock:
            event = self._finished.get(run_id)
        return True if event is None else event.wait(timeout)

    def running(self) -> int:
        """Return how many analyses' processes are alive."""
        with self._lock:
            return len(self._processes)

    def close(self) -> None:
        """Stop: kill the running analyses and fail them and the queued ones."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            processes = list(self._processes.values())
            threads = list(self._threads)
        for _ in threads:
            self._queue.put(None)
        for process in processes:
            if process.pid is not None and process.exitcode is None:
                process.kill()
        for thread in threads:
            thread.join(timeout=10)
        while True:
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                break
            if job is not None:
                self._finish(job.run_id, None, _failure("ServerRestarted", RESTART_ERROR))

    def _serve(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            if self._closed:
                self._finish(job.run_id, None, _failure("ServerRestarted", RESTART_ERROR))
                continue
            try:
                results, error = self._run(job)
            except PeacetalksError as e:  # the store refused a write
                results, error = None, error_body(e)["error"]
            self._finish(job.run_id, results, error)

    def _finish(self, run_id: int, results: Any, error: dict[str, Any] | None) -> None:
        try:
            if error is None:
                self.store.finish_run(run_id, results=results)
            else:
                self.store.finish_run(run_id, results={"error": error}, error=error["message"])
        except PeacetalksError:
            _log.exception("cannot record the end of analysis run %s", run_id)
        finally:
            with self._lock:
                event = self._finished.pop(run_id, None)
                owner = self._owner_of.pop(run_id, None)
                if owner is not None:
                    self._unfinished[owner] -= 1
            if event is not None:
                event.set()

    def _timeout(self, job: _Job) -> dict[str, Any]:
        limit = f"{self.seconds:g} second" + ("" if self.seconds == 1 else "s")
        message = (
            f"The {job.kind} analysis took longer than the server's limit of {limit} and was "
            "stopped. Ask for less work (fewer runs or rounds), run it with the command line, "
            "or ask the administrator to raise the limit (peacetalks serve --job-seconds)."
        )
        return _failure("TimeLimitExceeded", message)

    def _run(self, job: _Job) -> tuple[Any, dict[str, Any] | None]:
        self.store.set_run_status(job.run_id, "running", progress=0.0)
        receiver, sender = self._context.Pipe(duplex=False)
        process = self._context.Process(
            target=_work,
            args=(
                sender,
                job.kind,
                job.text,
                job.source,
                job.parameters,
                self.memory_bytes,
                job.others,
            ),
            name=f"peacetalks-run-{job.run_id}",
            daemon=True,
        )
        with self._lock:
            self._processes[job.run_id] = process
        written = 0.0
        try:
            process.start()
            sender.close()
            # The clock starts once the process exists: the fork server's own start (the
            # first job after the server started) does not count against the job.
            deadline = time.monotonic() + self.seconds
            while True:
                if self._closed:  # close() may come before this process was started
                    return None, _failure("ServerRestarted", RESTART_ERROR)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None, self._timeout(job)
                if not receiver.poll(min(remaining, 0.5)):
                    if not process.is_alive() and not receiver.poll(0):
                        return None, self._died(job, process)
                    continue
                try:
                    kind, payload = receiver.recv()
                except EOFError:
                    return None, self._died(job, process)
                if kind == "done":
                    return json.loads(payload), None
                if kind == "error":
                    return None, payload
                now = time.monotonic()
                if now - written >= _PROGRESS_INTERVAL and math.isfinite(payload):
                    self.store.set_run_progress(job.run_id, min(max(float(payload), 0.0), 1.0))
                    written = now
        finally:
            end_process(process, receiver, sender)
            with self._lock:
                self._processes.pop(job.run_id, None)
            if process.pid is not None and process.exitcode is not None:
                process.close()

    def _died(self, job: _Job, process: BaseProcess) -> dict[str, Any]:
        process.join(timeout=5)
        if self._closed:  # killed by close(): the server is stopping
            return _failure("ServerRestarted", RESTART_ERROR)
        code = process.exitcode
        how = f"exit code {code}" if code is not None and code >= 0 else f"signal {-(code or 0)}"
        message = (
            f"The process of the {job.kind} analysis stopped without a result ({how}); it "
            "may have run out of memory. Ask for less work, or run it with the command line."
        )
        return _failure("JobFailed", message)

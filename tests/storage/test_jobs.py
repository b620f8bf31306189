import datetime as dt
import math

import pytest

from peacetalks.errors import ParameterError
from peacetalks.storage import RUN_STATUSES, AnalysisRun, StorageError, Store


def _start(store: Store, **kwargs: object) -> AnalysisRun:
    arguments: dict[str, object] = {"inputs": {"scenario": "x"}, "parameters": {"runs": 10}}
    arguments.update(kwargs)
    return store.start_run("forecast", **arguments)  # type: ignore[arg-type]


def test_statuses() -> None:
    """Check the run statuses, in the order a job goes through them."""
    assert RUN_STATUSES == ("queued", "running", "succeeded", "failed")


def test_start_progress_finish(store: Store, ukraine_text: str) -> None:
    """Check a job's life: queued, running with progress, succeeded with results."""
    store.save_scenario(ukraine_text)
    before = dt.datetime.now(dt.UTC)
    run = _start(store, seed=7, scenario_id="ukraine-2025", owner="Envoy")
    assert (run.status, run.progress, run.owner) == ("queued", 0.0, "envoy")
    assert (run.scenario_id, run.scenario_version, run.seed) == ("ukraine-2025", 1, 7)
    assert run.results is None
    assert run.finished_at is None
    assert run.duration_seconds is None
    assert before <= run.started_at <= dt.datetime.now(dt.UTC)
    assert store.run(run.id) == run
    store.set_run_status(run.id, "running", progress=0.1)
    running = store.run(run.id)
    assert (running.status, running.progress) == ("running", 0.1)
    assert running.started_at >= run.started_at  # the clock restarts when it runs
    store.set_run_progress(run.id, 0.75)
    assert store.run(run.id).progress == 0.75
    finished = store.finish_run(run.id, results={"mean": [0.4, 0.6]})
    assert (finished.status, finished.progress, finished.error) == ("succeeded", 1.0, None)
    assert finished.results == {"mean": [0.4, 0.6]}
    assert finished.finished_at is not None
    assert finished.duration_seconds == (finished.finished_at - running.started_at).total_seconds()
    assert finished.duration_seconds >= 0
    assert store.run(run.id) == finished


def test_failed_job(store: Store) -> None:
    """Check that finishing with an error fails the run and keeps its progress."""
    run = _start(store, status="running")
    assert run.status == "running"
    store.set_run_progress(run.id, 0.5)
    failed = store.finish_run(run.id, error="Timed out after 120 s.")
    assert (failed.status, failed.error, failed.progress) == (
        "failed",
        "Timed out after 120 s.",
        0.5,
    )
    assert failed.results is None
    assert failed.finished_at is not None


def test_finished_run_is_final(store: Store) -> None:
    """Check that a second finish, a status or a progress after the end change nothing."""
    run = _start(store)
    first = store.finish_run(run.id, error="Timed out after 120 s.")
    assert store.finish_run(run.id, results={"late": True}) == first
    store.set_run_status(run.id, "running", progress=0.2)
    store.set_run_progress(run.id, 0.9)
    assert store.run(run.id) == first


def test_set_run_status_to_an_end(store: Store) -> None:
    """Check that set_run_status with a final status sets the finish time and duration."""
    done = _start(store)
    store.set_run_status(done.id, "succeeded")
    succeeded = store.run(done.id)
    assert (succeeded.status, succeeded.progress) == ("succeeded", 1.0)
    assert succeeded.finished_at is not None
    assert succeeded.duration_seconds is not None
    broken = _start(store)
    store.set_run_status(broken.id, "failed", progress=0.3)
    failed = store.run(broken.id)
    assert (failed.status, failed.progress) == ("failed", 0.3)
    assert failed.finished_at is not None


def test_unknown_run(store: Store) -> None:
    """Check the message for an unknown run id, in an empty store and after a run."""
    with pytest.raises(StorageError) as info:
        store.run(1)
    assert str(info.value) == (
        "No analysis run 1 in the store; the store has no runs yet. List them with runs()."
    )
    assert (info.value.kind, info.value.value) == ("run", 1)
    run = _start(store)
    missing = run.id + 1
    for call in (
        lambda: store.run(missing),
        lambda: store.set_run_status(missing, "running"),
        lambda: store.set_run_progress(missing, 0.5),
        lambda: store.finish_run(missing, results={}),
    ):
        with pytest.raises(StorageError) as found:
            call()
        assert str(found.value) == (
            f"No analysis run {missing} in the store; the newest is {run.id}. "
            "List them with runs()."
        )


@pytest.mark.parametrize("progress", [-0.1, 1.5, math.nan, math.inf, True, "half"])
def test_progress_validated(store: Store, progress: object) -> None:
    """Check that progress must be a number from 0 to 1."""
    run = _start(store, status="running")
    with pytest.raises(ParameterError) as info:
        store.set_run_progress(run.id, progress)  # type: ignore[arg-type]
    assert str(info.value) == (
        "The 'progress' parameter of Store.set_run_progress must be a number from 0 to 1 "
        f"(the share done). Got {progress!r} instead."
    )
    with pytest.raises(ParameterError, match=r"Store.set_run_status"):
        store.set_run_status(run.id, "running", progress=progress)  # type: ignore[arg-type]
    assert store.run(run.id).progress == 0.0


def test_status_validated(store: Store) -> None:
    """Check that an unknown status, or a finished one for start_run, is refused."""
    with pytest.raises(ParameterError) as info:
        _start(store, status="succeeded")
    assert str(info.value) == (
        "The 'status' parameter of Store.start_run must be 'queued' or 'running' (a run that "
        "has not finished). Got 'succeeded' instead. Use record_run for a finished run."
    )
    run = _start(store)
    with pytest.raises(ParameterError, match=r"must be one of 'queued', 'running', 'succeeded'"):
        store.set_run_status(run.id, "paused")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match=r"64-bit signed int"):
        _start(store, seed=2**63)
    with pytest.raises(ParameterError, match=r"'username' parameter of Store.start_run"):
        _start(store, owner="no spaces please")
    with pytest.raises(ParameterError, match=r"needs a 'scenario_id'"):
        _start(store, scenario_version=1)
    with pytest.raises(StorageError, match=r"No scenario 'nowhere'"):
        _start(store, scenario_id="nowhere")
    assert [r.id for r in store.runs()] == [run.id]


def test_runs_filter_by_owner_and_status(store: Store) -> None:
    """Check that runs() filters by owner (any case) and status, and record_run takes an owner."""
    mine = _start(store, owner="envoy")
    theirs = _start(store, owner="rival")
    anonymous = _start(store)
    recorded = store.record_run(
        "deals",
        inputs={},
        parameters={},
        started_at=dt.datetime(2025, 3, 1, tzinfo=dt.UTC),
        finished_at=dt.datetime(2025, 3, 1, 0, 0, 2, tzinfo=dt.UTC),
        owner="envoy",
    )
    assert (recorded.owner, recorded.progress, recorded.status) == ("envoy", 1.0, "succeeded")
    store.finish_run(theirs.id, results=[])
    assert [r.id for r in store.runs(owner="ENVOY")] == [mine.id, recorded.id]
    assert [r.id for r in store.runs(owner="envoy", kind="forecast")] == [mine.id]
    assert [r.id for r in store.runs(status="queued")] == [mine.id, anonymous.id]
    assert [r.id for r in store.runs(status="succeeded")] == [theirs.id, recorded.id]
    assert len(store.runs()) == 4


def test_listing_the_newest_runs_without_their_results(store: Store) -> None:
    """Check ``newest`` (oldest first still) and ``results=False`` (failed runs keep theirs)."""
    runs = [_start(store, owner="ann") for _ in range(5)]
    for run in runs[:4]:
        store.finish_run(run.id, results={"big": list(range(100))})
    failed = store.finish_run(runs[4].id, results={"error": {"type": "X"}}, error="boom")
    listed = store.runs(owner="ann", newest=3, results=False)
    assert [r.id for r in listed] == [r.id for r in runs[2:]]
    assert [r.results for r in listed[:2]] == [None, None]
    assert listed[2].status == "failed"
    assert listed[2].results == failed.results
    assert listed[2].error == "boom"
    full = store.runs(owner="ann")
    assert [r.id for r in full] == [r.id for r in runs]
    assert full[0].results == {"big": list(range(100))}
    assert store.runs(newest=0) == []

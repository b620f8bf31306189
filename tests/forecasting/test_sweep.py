from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from peacetalks.errors import ParameterError, ScenarioError
from peacetalks.forecasting.sweep import SweepAxis, read_sweep_spec, sweep, sweep_points
from peacetalks.formats.readers import read_forecast_input
from peacetalks.formats.smp_csv import read_smp_csv
from peacetalks.scenario.stakeholders import StakeholderTable
from tests.conftest import DATA

SMP = DATA / "ktab" / "smp"
CLUSTER_TIMEOUT = 60.0


@pytest.fixture(scope="module")
def ukraine() -> StakeholderTable:
    return read_forecast_input("ukraine-2025")[0]


@pytest.fixture(scope="module")
def dummy() -> StakeholderTable:
    return read_smp_csv(SMP / "dummyData_3Dim.csv")


def test_ktab_ranges_include_both_ends() -> None:
    """Check that min, delta, max enumerates like KTAB, max included, without float drift."""
    assert SweepAxis.from_range("capability:a", 0.1, 0.1, 0.5).values == (0.1, 0.2, 0.3, 0.4, 0.5)
    assert SweepAxis.from_range("capability:a", 50, 40, 150).values == (50.0, 90.0, 130.0)
    assert SweepAxis.from_range("capability:a", 1, 1, 1).values == (1.0,)


def test_points_are_the_cross_product() -> None:
    """Check that the points are every combination, the first axis varying slowest."""
    points = sweep_points(
        [SweepAxis("capability:a", (1.0, 2.0)), SweepAxis("model:q", (0.5, 1.0, 1.5))]
    )
    assert len(points) == 6
    assert points[0] == {"capability:a": 1.0, "model:q": 0.5}
    assert points[3] == {"capability:a": 2.0, "model:q": 0.5}
    assert sweep_points([]) == [{}]


@pytest.mark.parametrize(
    ("axis", "message"),
    [
        (
            SweepAxis("capability:nobody", (1.0,)),
            "The sweep parameter 'capability:nobody' is invalid: unknown actor 'nobody'",
        ),
        (
            SweepAxis("salience:russia:territory", (1.5,)),
            "The sweep parameter 'salience:russia:territory' is invalid: a salience must be in "
            "[0, 1] (KTAB's 0-100 divided by 100).",
        ),
        (
            SweepAxis("model:q", (1.0,)),
            "The sweep parameter 'model:q' is invalid: the compromise model takes no options.",
        ),
        (
            SweepAxis("weight:russia", (1.0,)),
            "The sweep parameter 'weight:russia' is invalid: it must start with one of "
            "capability:, salience:, position:, model:.",
        ),
    ],
)
def test_bad_axes(ukraine: StakeholderTable, axis: SweepAxis, message: str) -> None:
    """Check the message for each bad swept parameter."""
    with pytest.raises(ParameterError) as info:
        sweep(ukraine, "compromise", axes=[axis], workers=0)
    assert str(info.value).startswith(message)


def test_bad_range() -> None:
    """Check that a range needs a positive delta."""
    with pytest.raises(ParameterError, match="needs delta > 0 and max >= min"):
        SweepAxis.from_range("capability:a", 1, 0, 2)


def test_same_seed_same_numbers_on_pool_and_in_process(ukraine: StakeholderTable) -> None:
    """Check that the process pool gives the numbers of the in-process run, by seed."""
    local = sweep(ukraine, "compromise", runs=300, seed=5, workers=2, runs_per_task=100)
    serial = sweep(ukraine, "compromise", runs=300, seed=5, workers=0, runs_per_task=100)
    other = sweep(ukraine, "compromise", runs=300, seed=6, workers=0, runs_per_task=100)
    assert local.backend == "process"
    assert serial.backend == "serial"
    assert local.n_tasks == 3
    assert local.values is not None
    assert serial.values is not None
    assert other.values is not None
    np.testing.assert_array_equal(local.values, serial.values)
    assert not np.array_equal(local.values, other.values)
    assert local.values.shape == (1, 300, ukraine.n_issues)


def test_summaries_stream_and_match_the_draws(
    ukraine: StakeholderTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Check the streamed mean, sd and quantiles against numpy, and that draws can go."""
    from peacetalks.forecasting import sweep as module

    axis = SweepAxis.from_range("capability:russia", 10, 90, 100)
    kept = sweep(ukraine, "compromise", axes=[axis], runs=1000, seed=3, workers=0)
    assert kept.values is not None
    width = (ukraine.scale[:, 1] - ukraine.scale[:, 0]) / module.SUMMARY_BINS
    for k in range(2):
        draws = kept.values[k]
        np.testing.assert_allclose(kept.mean[k], draws.mean(axis=0), rtol=1e-12)
        np.testing.assert_allclose(kept.sd[k], draws.std(axis=0), rtol=1e-6, atol=1e-9)
        for level, got in ((5, kept.p5), (50, kept.p50), (95, kept.p95)):
            expected = np.percentile(draws, level, axis=0)
            assert np.all(np.abs(got[k] - expected) <= width + 1e-9)
    monkeypatch.setattr(module, "KEEP_VALUES", 10)
    dropped = sweep(ukraine, "compromise", axes=[axis], runs=1000, seed=3, workers=0)
    assert dropped.values is None
    assert dropped.to_dict()["points"] == kept.to_dict()["points"]


def test_sensitivity_points_move_the_forecast(ukraine: StakeholderTable) -> None:
    """Check that a swept capability sets the input: more weight pulls the forecast its way."""
    actor = ukraine.actor_ids.index("russia")
    axis = SweepAxis.from_range("capability:russia", 10, 90, 100)
    result = sweep(ukraine, "compromise", axes=[axis], workers=0)
    assert result.values is not None
    low, high = result.values[0, 0], result.values[1, 0]
    position = ukraine.positions[actor]
    finite = np.isfinite(position) & (ukraine.saliences[actor] > 0)
    assert np.all(np.abs(high - position)[finite] <= np.abs(low - position)[finite] + 1e-9)
    data = result.to_dict()
    assert data["sweep"]["parameters"] == {"capability:russia": [10.0, 100.0]}
    assert [p["parameters"] for p in data["points"]] == [
        {"capability:russia": 10.0},
        {"capability:russia": 100.0},
    ]


def test_smp_model_options_are_swept(dummy: StakeholderTable) -> None:
    """Check that model:OPTION sweeps an SMP sub-model, each point as a direct run gives it."""
    from peacetalks.forecasting.smp import SmpModel

    axis = SweepAxis("model:voting_rule", ("Proportional", "PropCbc"))
    result = sweep(dummy, "smp", axes=[axis], workers=0)
    assert result.values is not None
    for k, rule in enumerate(("Proportional", "PropCbc")):
        direct = SmpModel(voting_rule=rule).fit(dummy).predict()  # type: ignore[arg-type]
        np.testing.assert_array_equal(result.values[k, 0], direct)


def test_progress_is_reported(ukraine: StakeholderTable) -> None:
    """Check that progress counts model runs up to the total."""
    calls: list[tuple[int, int]] = []
    sweep(
        ukraine,
        "compromise",
        runs=50,
        seed=1,
        workers=0,
        runs_per_task=20,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls == [(20, 50), (40, 50), (50, 50)]


def test_read_sweep_spec(tmp_path: Path) -> None:
    """Check that a specification file gives KTAB ranges and lists, and errors with a line."""
    path = tmp_path / "spec.yaml"
    path.write_text(
        "parameters:\n"
        "  capability:russia: {min: 50, delta: 50, max: 150}\n"
        "  model:voting_rule: [Proportional, PropCbc]\n",
        encoding="utf-8",
    )
    axes = read_sweep_spec(path)
    assert axes == (
        SweepAxis("capability:russia", (50.0, 100.0, 150.0)),
        SweepAxis("model:voting_rule", ("Proportional", "PropCbc")),
    )
    path.write_text("parameters:\n  capability:russia: {min: 5}\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        read_sweep_spec(path)
    assert str(info.value).startswith("spec.yaml, line 2, parameters.capability:russia: expected")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    """Stop the workers, then the scheduler (so workers do not wait for a lost scheduler)."""
    for process in reversed(processes):
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start a real scheduler and two workers on loopback; yield the scheduler's address."""
    distributed: Any = pytest.importorskip("distributed")
    folder = tmp_path_factory.mktemp("dask")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    common = ["--no-dashboard", "--host", "127.0.0.1"]
    worker = ["--no-nanny", "--nthreads", "1", "--local-directory", str(folder)]
    processes: list[subprocess.Popen[bytes]] = []
    logs = [
        (folder / name).open("wb") for name in ("scheduler.log", "worker-1.log", "worker-2.log")
    ]
    try:
        processes.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "distributed.cli.dask_scheduler",
                    "--port",
                    str(port),
                    *common,
                ],
                stdout=logs[0],
                stderr=subprocess.STDOUT,
            )
        )
        for k in (1, 2):
            processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "distributed.cli.dask_worker",
                        address,
                        *worker,
                        *common,
                    ],
                    stdout=logs[k],
                    stderr=subprocess.STDOUT,
                )
            )
        deadline = time.monotonic() + CLUSTER_TIMEOUT
        client = None
        while client is None:
            try:
                client = distributed.Client(address, timeout="5s", set_as_default=False)
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        try:
            client.wait_for_workers(2, timeout=max(1.0, deadline - time.monotonic()))
        finally:
            client.close()
        yield address
    finally:
        _stop(processes)
        for log in logs:
            log.close()


def test_dask_cluster_gives_the_local_numbers(
    dask_cluster: str, ukraine: StakeholderTable, dummy: StakeholderTable
) -> None:
    """Check that a sweep on a real Dask cluster gives the local pool's numbers, bit for bit."""
    axis = SweepAxis.from_range("capability:russia", 50, 50, 100)
    kwargs: dict[str, Any] = {"axes": [axis], "runs": 400, "seed": 11, "runs_per_task": 100}
    local = sweep(ukraine, "compromise", **kwargs)
    remote = sweep(ukraine, "compromise", cluster=dask_cluster, **kwargs)
    assert remote.backend == "dask"
    assert local.backend == "process"
    assert remote.n_tasks == local.n_tasks == 8
    np.testing.assert_array_equal(remote.values, local.values)
    assert remote.to_dict()["points"] == local.to_dict()["points"]
    # SMP with stochastic transitions: the KTAB seed of each task comes from the sweep's seed.
    options = {"transitions": "Stochastic", "max_turns": 20}
    smp_axis = SweepAxis("capability:SActor-00", (60.0, 120.0))
    smp_local = sweep(dummy, "smp", options=options, axes=[smp_axis], seed=4)
    smp_remote = sweep(dummy, "smp", options=options, axes=[smp_axis], seed=4, cluster=dask_cluster)
    np.testing.assert_array_equal(smp_remote.values, smp_local.values)


def test_unreachable_cluster(ukraine: StakeholderTable, monkeypatch: pytest.MonkeyPatch) -> None:
    """Check that an address where no scheduler listens gives a clear error."""
    pytest.importorskip("distributed")
    monkeypatch.setattr("peacetalks.forecasting.sweep._CONNECT_TIMEOUT", 1.0)
    address = f"tcp://127.0.0.1:{_free_port()}"
    with pytest.raises(ParameterError, match="Cannot reach the Dask scheduler"):
        sweep(ukraine, "compromise", cluster=address, seed=1)

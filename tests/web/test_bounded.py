"""Bounded work: page computations and analyses within time and memory limits (issue 18)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest

from peacetalks.errors import ParameterError
from peacetalks.storage import open_store
from peacetalks.web import bounded
from peacetalks.web.bounded import PageWorkError, run_bounded
from tests.big_scenario import big_scenario
from tests.web._server import serving_process
from tests.web.conftest import PASSWORD


def _sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "slept"


def _allocate(megabytes: int) -> int:
    return int(np.ones(megabytes << 17).sum())  # 8 bytes a float: megabytes << 20 bytes


def _refuse() -> None:
    raise ParameterError("runs must be at least 1. Got 0 instead.", parameter="runs", value=0)


@pytest.fixture
def tight() -> Iterator[None]:
    """Pages' limits of 2 seconds and 512 MB for the test, the defaults after."""
    bounded.configure(seconds=2.0, memory_bytes=512 << 20, workers=1)
    yield
    bounded.configure(seconds=20.0, memory_bytes=2 << 30, workers=2)


def test_a_result_comes_back(tight: None) -> None:
    """Check a quick computation returns its value from its own process."""
    assert run_bounded(_sleep, 0.01, what="a nap") == "slept"
    assert run_bounded(_allocate, 64, what="an array") == 64 << 17


@pytest.mark.parametrize(
    ("function", "args", "message"),
    [
        (
            _sleep,
            (60.0,),
            "A nap takes longer than the 2 seconds a page may compute, so it was stopped.",
        ),
        (
            _allocate,
            (4096,),
            "A nap needs more than the 512 MB a page may use, so it was stopped.",
        ),
        (_refuse, (), "runs must be at least 1. Got 0 instead."),
    ],
    ids=["time", "memory", "own-error"],
)
def test_past_a_limit_the_page_is_told_why(
    tight: None, function: object, args: tuple[object, ...], message: str
) -> None:
    """Check each way out is a PageWorkError with its message, within the time limit."""
    start = time.monotonic()
    with pytest.raises(PageWorkError) as info:
        run_bounded(function, *args, what="a nap")  # type: ignore[arg-type]
    assert str(info.value).startswith(message)
    assert time.monotonic() - start < 30


def _peak_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0]) / 1024


@pytest.mark.slow
def test_charts_of_a_huge_scenario_are_refused_and_the_server_stays_small(
    tmp_path: Path,
) -> None:
    """Check the 200 issues x 50 options charts page answers within its limit, small."""
    data = tmp_path / "data"
    with open_store(data) as store:
        store.accounts.create_user("ann", PASSWORD, "analyst")
        store.save_scenario(big_scenario(), owner="ann")
    extra = ["--page-seconds", "3", "--job-memory-mb", "1024"]
    with (
        serving_process(data, tmp_path / "serve.log", extra=extra) as server,
        httpx.Client(base_url=server.url, timeout=120) as client,
    ):
        login = client.post("/api/auth/login", json={"username": "ann", "password": PASSWORD})
        assert login.status_code == 200
        start = time.monotonic()
        page = client.get("/scenarios/big/charts")
        took = time.monotonic() - start
        health = client.get("/api/health")
        peak = _peak_mb(server.process.pid)
    assert page.status_code == 200
    assert "The pareto chart takes longer than the 3 seconds a page may compute" in page.text
    assert "peacetalks deals SCENARIO --pareto" in page.text
    assert health.status_code == 200
    # Three charts at most 3 s each (plus process starts); unbounded it took minutes.
    assert took < 60
    # Unbounded, the page's Pareto chart alone grew the server past 1.7 GB.
    assert peak < 600, peak

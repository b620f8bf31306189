"""The JSON documents shared by the CLI and the web API: progress changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from peacetalks.briefing import (
    deal_space,
    evaluation_data,
    negotiation_document,
    scenario_forecast,
    stress_document,
)
from peacetalks.errors import ParameterError
from peacetalks.forecasting.montecarlo import chunk_runs
from peacetalks.scenario import load_scenario


class Recorder:
    """Records the progress calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []

    def __call__(self, done: int, total: int) -> None:
        """Record one call."""
        self.calls.append((done, total))


def _check(calls: list[tuple[int, int]]) -> None:
    assert calls, "no progress was reported"
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert calls[-1][0] == calls[-1][1]


@pytest.mark.parametrize("protocol", ["alternating", "single-text"])
def test_negotiation_in_chunks_is_the_same(small_path: Path, protocol: str) -> None:
    """Check that reporting progress (runs in chunks) gives the very same runs and seeds."""
    scenario = load_scenario(small_path)
    recorder = Recorder()
    plain = negotiation_document(scenario, protocol=protocol, runs=23, seed=7)
    chunked = negotiation_document(scenario, protocol=protocol, runs=23, seed=7, progress=recorder)
    assert chunked == plain
    _check(recorder.calls)
    assert recorder.calls[0] == (10, 23)


def test_forecast_with_progress_is_the_same(small_path: Path) -> None:
    """Check that a Monte Carlo reported by chunks gives the same numbers."""
    scenario = load_scenario(small_path)
    recorder = Recorder()
    chunk = chunk_runs(len(scenario.actors), len(scenario.issues))
    runs = 2 * chunk + 7
    plain = scenario_forecast(scenario, runs=runs, seed=3)
    reported = scenario_forecast(scenario, runs=runs, seed=3, progress=recorder)
    assert reported == plain
    assert recorder.calls == [(chunk, runs), (2 * chunk, runs), (runs, runs)]


def test_deal_space_reports_each_part(small_path: Path) -> None:
    """Check that the deal space reports one step per part computed."""
    scenario = load_scenario(small_path)
    recorder = Recorder()
    data = deal_space(scenario, base="split", progress=recorder)
    assert recorder.calls == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert data == deal_space(scenario, base="split")


def test_stress_reports_periods() -> None:
    """Check that the stress test reports each period and the same result."""
    scenario = load_scenario("ukraine-2025")
    recorder = Recorder()
    plain = stress_document(scenario, "monitored-phased-relief", runs=50, seed=1)
    reported = stress_document(
        scenario, "monitored-phased-relief", runs=50, seed=1, progress=recorder
    )
    assert reported == plain
    _check(recorder.calls)
    assert recorder.calls[-1] == (plain["periods"], plain["periods"])


def test_evaluation_needs_one_of_proposal_or_deal(small_path: Path) -> None:
    """Check the CLI's message when both or neither are given."""
    scenario = load_scenario(small_path)
    with pytest.raises(ParameterError) as caught:
        evaluation_data(scenario)
    assert str(caught.value) == "Give exactly one of --proposal ID or --deal FILE. Got neither."
    assert evaluation_data(scenario, proposal="split")["id"] == "split"

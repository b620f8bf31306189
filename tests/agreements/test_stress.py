"""The stress test: reproducibility, shapes of its curves, and its monotone properties."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peacetalks.agreements import (
    Design,
    StressParameters,
    compare_designs,
    compile_design,
    simulate,
    stress_test,
    wilson_interval,
)
from peacetalks.errors import NotFoundError, ParameterError
from peacetalks.scenario import Scenario, load_scenario

_UNIT = st.integers(0, 1000).map(lambda k: k / 1000)


@st.composite
def designs(draw: st.DrawFn) -> Design:
    """Return a small random design: 1-4 phases, 1-3 parties."""
    n_phases = draw(st.integers(1, 4))
    n_parties = draw(st.integers(1, 3))
    lengths = np.array([draw(st.integers(1, 6)) for _ in range(n_phases)], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    quiet = np.array([draw(st.integers(0, int(n))) for n in lengths], dtype=np.int64)

    def table() -> npt.NDArray[np.float64]:
        return np.array([[draw(_UNIT) for _ in range(n_parties)] for _ in range(n_phases)])

    bound = np.array([[draw(st.booleans()) for _ in range(n_parties)] for _ in range(n_phases)])
    bound = np.logical_or.accumulate(bound, axis=0)
    bound[0, 0] = True
    return Design(
        agreement="random",
        phase_ids=tuple(f"p{k}" for k in range(n_phases)),
        phase_names=tuple(f"Phase {k}" for k in range(n_phases)),
        parties=tuple(f"a{i}" for i in range(n_parties)),
        columns=np.arange(n_parties, dtype=np.int64),
        starts=starts,
        lengths=lengths,
        quiet=quiet,
        detection=np.array([draw(_UNIT) for _ in range(n_phases)]),
        temptation=table(),
        reward=table(),
        cost=table(),
        bound=bound,
        steps=bound
        & np.array([[draw(st.booleans()) for _ in range(n_parties)] for _ in range(n_phases)]),
    )


# Walkouts and escalation made frequent, so that collapses happen in small samples.
HARSH = StressParameters(base_violation=0.2, base_walkout=0.02, collapse_threshold=2.0)


def _pair(
    base: Design, other: Design, seed: int, periods: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    first, second = simulate(
        [base, other],
        runs=64,
        periods=periods,
        n_columns=len(base.parties),
        rng=seed,
        parameters=HARSH,
    )
    return first.collapse, second.collapse


@settings(max_examples=150, deadline=None)
@given(designs(), st.data(), st.integers(0, 2**32 - 1), st.integers(1, 30))
def test_better_detection_never_lowers_survival(
    design: Design, data: st.DataObject, seed: int, periods: int
) -> None:
    """Check that raising detection never makes the agreement collapse sooner, run by run."""
    extra = np.array([data.draw(_UNIT) for _ in design.detection])
    better = dataclasses.replace(design, detection=np.minimum(design.detection + extra, 1.0))
    base, improved = _pair(design, better, seed, periods)
    assert (improved >= base).all()


@settings(max_examples=150, deadline=None)
@given(designs(), st.data(), st.integers(0, 2**32 - 1), st.integers(1, 30))
def test_larger_snapback_cost_never_lowers_survival(
    design: Design, data: st.DataObject, seed: int, periods: int
) -> None:
    """Check that raising consequence costs never makes the agreement collapse sooner."""
    extra = np.array([[data.draw(_UNIT) for _ in row] for row in design.cost])
    costlier = dataclasses.replace(design, cost=design.cost + extra)
    base, deterred = _pair(design, costlier, seed, periods)
    assert (deterred >= base).all()


@settings(max_examples=100, deadline=None)
@given(designs(), st.data(), st.integers(0, 2**32 - 1), st.integers(1, 30))
def test_lower_temptation_never_lowers_survival(
    design: Design, data: st.DataObject, seed: int, periods: int
) -> None:
    """Check that lowering every temptation never makes the agreement collapse sooner."""
    cut = np.array([[data.draw(_UNIT) for _ in row] for row in design.temptation])
    calmer = dataclasses.replace(design, temptation=design.temptation * cut)
    base, calm = _pair(design, calmer, seed, periods)
    assert (calm >= base).all()


@settings(max_examples=100, deadline=None)
@given(designs(), st.integers(0, 2**32 - 1), st.integers(1, 30))
def test_curves_are_well_formed(design: Design, seed: int, periods: int) -> None:
    """Check that survival stays in [0, 1] and never rises; reaching never rises along phases."""
    (outcome,) = simulate(
        [design],
        runs=64,
        periods=periods,
        n_columns=len(design.parties),
        rng=seed,
        parameters=HARSH,
    )
    survival = np.array([(outcome.collapse >= t).mean() for t in range(periods + 1)])
    assert survival[0] == 1.0
    assert ((survival >= 0) & (survival <= 1)).all()
    assert (np.diff(survival) <= 0).all()
    reach = np.array([(outcome.furthest >= k).mean() for k in range(len(design.phase_ids))])
    assert (np.diff(reach) <= 0).all()
    assert outcome.completed.mean() <= reach[-1]


def test_same_seed_same_numbers(truce: Scenario) -> None:
    """Check that the same seed gives the same result, and another seed another one."""
    first = stress_test(truce, "truce", runs=500, rng=7, parameters=HARSH).to_dict()
    again = stress_test(truce, "truce", runs=500, rng=7, parameters=HARSH).to_dict()
    other = stress_test(truce, "truce", runs=500, rng=8, parameters=HARSH).to_dict()
    assert first == again
    assert first["survival"] != other["survival"]


def test_result_shape(truce: Scenario) -> None:
    """Check the result: one reach per phase, survival from t = 0 to the horizon, bands."""
    result = stress_test(truce, "truce", runs=300, rng=1)
    data = result.to_dict()
    assert [p["id"] for p in data["phases"]] == ["ceasefire", "withdrawal"]
    # 28 days = 4 weeks, 56 days = 8 weeks: the timetable is 12 periods.
    assert data["periods"] == 12
    assert [p["start_day"] for p in data["phases"]] == [0, 28]
    assert data["phases"][0]["reach_probability"] == 1.0
    assert len(data["survival"]) == 13
    for point in data["survival"]:
        assert point["low"] <= point["p"] <= point["high"]
    assert data["survival"][0] == {
        "t": 0,
        "day": 0,
        "p": 1.0,
        "low": pytest.approx(0.98734, abs=1e-4),
        "high": 1.0,
    }


def test_horizon_shorter_than_the_timetable(truce: Scenario) -> None:
    """Check that a phase starting after the horizon is reported as not reached."""
    data = stress_test(truce, "truce", runs=100, periods=3, rng=1).to_dict()
    later = data["phases"][1]
    assert later["within_horizon"] is False
    assert later["reach_probability"] == 0.0


def test_compile_design_of_the_truce(truce: Scenario) -> None:
    """Check the arrays of the small agreement against the YAML by hand."""
    design = compile_design(truce.agreements[0], actors=["north", "south", "broker"])
    assert design.parties == ("north", "south")
    assert design.columns.tolist() == [0, 1]
    assert design.lengths.tolist() == [4, 8]
    assert design.starts.tolist() == [0, 4]
    assert design.quiet.tolist() == [2, 0]
    assert design.detection.tolist() == [0.5, 0.0]
    assert design.temptation.tolist() == [[0.2, 0.1], [0.0, 0.0]]
    assert design.cost.tolist() == [[0.2, 0.0], [0.0, 0.0]]
    assert design.bound.tolist() == [[True, True], [True, True]]
    assert design.steps.tolist() == [[False, False], [True, False]]


def test_no_temptation_no_pressure_rarely_breaks(truce: Scenario) -> None:
    """Check the base rates: with default parameters the small truce mostly holds."""
    result = stress_test(truce, "truce", runs=4000, rng=3)
    # Two parties, 12 weeks, a walkout rate of 0.05% a week raised by small temptations.
    assert 0.97 < result.survival[-1] <= 1.0


def test_compare_uses_common_random_numbers() -> None:
    """Check that comparing a design with itself gives identical curves and zero difference."""
    scenario = load_scenario("ukraine-2025")
    comparison = compare_designs(
        scenario, "monitored-phased-relief", "monitored-phased-relief", runs=300, rng=2
    )
    difference = comparison.difference()
    assert difference["final_survival"] == {"difference": 0.0, "low": 0.0, "high": 0.0}
    assert difference["runs_that_last_longer"] == 0


def test_builtin_designs_differ() -> None:
    """Check that the two built-in designs give different, well-formed results."""
    scenario = load_scenario("ukraine-2025")
    comparison = compare_designs(
        scenario, "monitored-phased-relief", "oil-first-un-peacekeepers", runs=2000, rng=1
    )
    for result in (comparison.base, comparison.other):
        reach = [p.reach_probability for p in result.phases]
        assert reach == sorted(reach, reverse=True)
    assert comparison.base.survival[-1] != comparison.other.survival[-1]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"base_violation": 0.0},
            "The 'base_violation' parameter of StressParameters must be a number in (0, 0.5]. "
            "Got 0.0 instead.",
        ),
        (
            {"escalation_verified": 2.0},
            "The 'escalation_verified' parameter of StressParameters must be a number in "
            "[0, 1]. Got 2.0 instead.",
        ),
        (
            {"period_days": 0},
            "The 'period_days' parameter of StressParameters must be an int in [1, 365]. "
            "Got 0 instead.",
        ),
        (
            {"escalation_decay": 1.5},
            "The 'escalation_decay' parameter of StressParameters must be a number in [0, 1]. "
            "Got 1.5 instead.",
        ),
    ],
)
def test_bad_parameters(kwargs: dict[str, float], message: str) -> None:
    """Check that bad parameters are refused with the project's sentence."""
    with pytest.raises(ParameterError) as info:
        StressParameters(**kwargs)  # type: ignore[arg-type]
    assert str(info.value) == message


def test_bad_runs_and_unknown_agreement(truce: Scenario) -> None:
    """Check the errors for a bad run count and an unknown agreement id."""
    with pytest.raises(ParameterError, match=r"The 'runs' parameter of simulate"):
        stress_test(truce, "truce", runs=0)
    with pytest.raises(NotFoundError) as info:
        stress_test(truce, "peace")
    assert str(info.value) == "scenario 'small' has no agreement 'peace'. Its agreements: truce."


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [(0, 10, 0.0, 0.27753), (10, 10, 0.72247, 1.0), (5, 10, 0.23659, 0.76341)],
)
def test_wilson_interval(k: int, n: int, low: float, high: float) -> None:
    """Check the Wilson interval against values computed by hand."""
    assert wilson_interval(k, n) == pytest.approx((low, high), abs=1e-5)


def test_runs_beyond_a_chunk_are_reproducible_and_alike() -> None:
    """Check that runs in several chunks repeat with the seed and behave like one chunk."""
    from peacetalks.agreements import simulation

    scenario = load_scenario("ukraine-2025")
    agreement = scenario.agreements[0]
    design = simulation.compile_design(agreement, actors=[a.id for a in scenario.actors])
    n_columns = len(scenario.actors)

    def run(**more: Any) -> simulation.RunOutcomes:
        return simulation.simulate(
            [design], runs=3000, periods=40, n_columns=n_columns, rng=5, **more
        )[0]

    whole = run()
    original = simulation.CHUNK_RUNS
    calls: list[tuple[int, int]] = []
    try:
        simulation.CHUNK_RUNS = 1024
        chunked = run(progress=lambda d, t: calls.append((d, t)))
        again = run()
    finally:
        simulation.CHUNK_RUNS = original
    np.testing.assert_array_equal(chunked.collapse, again.collapse)
    assert chunked.collapse.shape == whole.collapse.shape == (3000,)
    # Other draws, the same process: the share still alive at the end agrees.
    held = [float(np.mean(r.collapse == 40)) for r in (whole, chunked)]
    assert abs(held[0] - held[1]) < 0.05
    assert calls[-1] == (3 * 40, 3 * 40)
    assert [d for d, _ in calls] == list(range(1, 121))

"""Compromise, median and Nash-point models, Monte Carlo and sensitivity."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peacetalks.errors import NotFittedError, NotFoundError, ParameterError
from peacetalks.forecasting.compromise import CompromiseModel, MedianModel
from peacetalks.forecasting.montecarlo import draw_inputs, monte_carlo
from peacetalks.forecasting.nash_point import NashPointModel
from peacetalks.forecasting.sensitivity import one_at_a_time, what_if
from peacetalks.forecasting.weighted import weighted_mean, weighted_median
from peacetalks.scenario import load_scenario
from peacetalks.scenario.stakeholders import StakeholderTable

# Emission standards (BDM 1994, as in Scholz et al. 2011, Table 1): years until standards.
EMISSION = StakeholderTable.build(
    actor_ids=["nl", "be", "lu", "de", "fr", "it", "uk", "ie", "dk", "gr"],
    issue_ids=["years"],
    positions=[[4], [7], [4], [4], [10], [10], [10], [7], [4], [7]],
    saliences=np.array([[80], [40], [20], [80], [60], [60], [90], [10], [100], [70]]) / 100,
    capabilities=[0.08, 0.08, 0.03, 0.16, 0.16, 0.16, 0.16, 0.05, 0.05, 0.08],
    scale=[[4, 10]],
    position_ranges=np.array([[[3, 5]]] * 10)
    + np.array([[4], [7], [4], [4], [10], [10], [10], [7], [4], [7]])[:, :, None]
    - 4,
    name="emission",
)


def test_compromise_of_emission_by_hand() -> None:
    """Check the weighted mean of the emission case: 7.39 years (Scholz et al. round 1 mean 7.4)."""
    forecast = CompromiseModel().fit(EMISSION).predict()
    weights = np.array(
        [
            0.08 * 80,
            0.08 * 40,
            0.03 * 20,
            0.16 * 80,
            0.16 * 60,
            0.16 * 60,
            0.16 * 90,
            0.05 * 10,
            0.05 * 100,
            0.08 * 70,
        ]
    )
    positions = np.array([4, 7, 4, 4, 10, 10, 10, 7, 4, 7])
    assert forecast[0] == pytest.approx((weights * positions).sum() / weights.sum())
    assert round(forecast[0], 1) == 7.4


def test_median_of_emission_by_hand() -> None:
    """Check the weighted median of the emission case: 7 (cumulative weight crosses half there)."""
    assert MedianModel().fit(EMISSION).predict()[0] == pytest.approx(7.0)


@pytest.mark.parametrize(
    ("values", "weights", "expected"),
    [
        ([1.0, 2.0, 3.0], [1.0, 1.0, 1.0], 2.0),
        ([1.0, 2.0], [1.0, 1.0], 1.5),
        ([1.0, 2.0, 9.0], [1.0, 1.0, 3.0], 9.0),
        ([5.0, np.nan, 1.0], [1.0, 9.0, 1.0], 3.0),
        ([3.0, 1.0, 2.0], [0.0, 1.0, 1.0], 1.5),
    ],
)
def test_weighted_median_cases(values: list[float], weights: list[float], expected: float) -> None:
    """Check the weighted median on hand-worked cases, NaN ignored, even splits averaged."""
    got = weighted_median(np.array(values)[:, None], np.array(weights)[:, None])
    assert got[0] == pytest.approx(expected)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 100), st.floats(0.01, 10)), min_size=1, max_size=12))
def test_weighted_median_minimises_weighted_distance(rows: list[tuple[float, float]]) -> None:
    """Check that the weighted median minimises the weighted sum of absolute distances."""
    values = np.array([r[0] for r in rows])
    weights = np.array([r[1] for r in rows])
    median = weighted_median(values[:, None], weights[:, None])[0]
    cost = np.abs(values - median) @ weights
    assert (
        cost
        <= (np.abs(values[:, None] - values[None, :]) * weights[:, None]).sum(axis=0).min() + 1e-6
    )
    assert weighted_mean(values[:, None], weights[:, None])[0] == pytest.approx(
        np.average(values, weights=weights)
    )


@pytest.mark.parametrize(("reference", "expected"), [(np.nan, 50.0), (0.0, 20.0)])
def test_nash_point_two_actors_by_hand(reference: float, expected: float) -> None:
    """Check the Nash point of equal actors at 20 and 80.

    Without a status quo gains count from utility 0 and the point is the midpoint 50.
    With the status quo at 0, a gains (0.2 - |x-20|/100) and b gains x/100 over it; the
    product rises up to x = 20 and falls after it, so the actor nearer the status quo wins.
    """
    table = StakeholderTable.build(
        actor_ids=["a", "b"],
        issue_ids=["x"],
        positions=[[20], [80]],
        saliences=[[1], [1]],
        capabilities=[1, 1],
        reference=[reference],
    )
    assert NashPointModel().fit(table).predict()[0] == pytest.approx(expected, abs=0.1)


def test_nash_point_stays_where_the_status_quo_allows() -> None:
    """Check that an actor near the status quo keeps the Nash point between them."""
    table = StakeholderTable.build(
        actor_ids=["a", "b"],
        issue_ids=["x"],
        positions=[[90], [10]],
        saliences=[[1], [1]],
        capabilities=[1, 1],
        reference=[100],
    )
    # a gains only on (80, 100): the point lies there.
    assert 80 < NashPointModel().fit(table).predict()[0] < 100


def test_models_need_fit() -> None:
    """Check that predict before fit says how to fix it."""
    with pytest.raises(
        NotFittedError,
        match=r"This CompromiseModel is not fitted yet. Call 'fit' before 'predict'.",
    ):
        CompromiseModel().predict()


def test_bad_grid() -> None:
    """Check the message for a bad Nash grid."""
    with pytest.raises(
        ParameterError,
        match=r"The 'grid' parameter of NashPointModel must be an int in \[11, 100001\]. Got 3 instead.",
    ):
        NashPointModel(grid=3)


def test_scenario_models_give_one_value_per_issue() -> None:
    """Check that every model forecasts every issue of the built-in scenario within 0-100."""
    scenario = load_scenario("ukraine-2025")
    for model in (CompromiseModel(), MedianModel(), NashPointModel()):
        values = model.fit(scenario).predict()
        assert values.shape == (len(scenario.issues),)
        assert np.all((values >= 0) & (values <= 100))


def test_monte_carlo_reproducible_and_contains_point() -> None:
    """Check that the same seed gives the same runs and the 5-95% band holds the forecast."""
    scenario = load_scenario("ukraine-2025")
    model = CompromiseModel().fit(scenario)
    first = monte_carlo(model, 2000, rng=7)
    second = monte_carlo(model, 2000, rng=7)
    assert first.values is not None
    assert second.values is not None
    np.testing.assert_array_equal(first.values, second.values)
    assert np.all(first.p5 <= first.deterministic)
    assert np.all(first.deterministic <= first.p95)
    assert first.counts.sum(axis=1).tolist() == [2000] * len(scenario.issues)
    other = monte_carlo(model, 2000, rng=8).values
    assert other is not None
    assert not np.array_equal(other, first.values)


def test_draws_stay_in_ranges() -> None:
    """Check that draws stay within each range and equal the point where there is none."""
    positions, saliences, capabilities = draw_inputs(EMISSION, 500, rng=1)
    ranges = EMISSION.position_ranges
    assert np.all(positions >= ranges[..., 0] - 1e-12)
    assert np.all(positions <= ranges[..., 1] + 1e-12)
    np.testing.assert_array_equal(saliences, np.broadcast_to(EMISSION.saliences, saliences.shape))
    np.testing.assert_array_equal(capabilities[0], EMISSION.capabilities)


def test_monte_carlo_bad_runs() -> None:
    """Check the message for a bad number of runs."""
    with pytest.raises(
        ParameterError,
        match=r"The 'n_runs' parameter of monte_carlo must be an int in \[1, 10000000\]. Got 0 instead.",
    ):
        monte_carlo(CompromiseModel().fit(EMISSION), 0)


def test_sensitivity_of_emission() -> None:
    """Check the tornado: moving the UK's position moves the mean by its weight share."""
    sens = one_at_a_time(CompromiseModel().fit(EMISSION))
    rows = sens.tornado(0, limit=30)
    assert [r["swing"] for r in rows] == sorted((r["swing"] for r in rows), reverse=True)
    weights = EMISSION.capabilities * EMISSION.saliences[:, 0]
    share = weights / weights.sum()
    uk = next(r for r in rows if r["actor"] == "uk" and r["parameter"] == "position")
    assert uk["swing"] == pytest.approx(share[6] * 2.0)


def test_what_if_drop_actor() -> None:
    """Check that dropping the only actor at 4 with a heavy weight raises the mean."""
    result = what_if(CompromiseModel().fit(EMISSION), drop=("de",))
    assert result["issues"][0]["difference"] > 0
    with pytest.raises(NotFoundError, match="unknown actor 'xx' to drop"):
        what_if(CompromiseModel().fit(EMISSION), drop=("xx",))

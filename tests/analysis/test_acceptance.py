"""Acceptance under uncertainty: draws, exact bounds, p_pass and the deciding judgements."""

from __future__ import annotations

import copy
import itertools
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from peacetalks.analysis.acceptance import (
    _median_of_runs,
    acceptance_draws,
    draw_acceptance_inputs,
    utility_bounds,
    utility_draws,
)
from peacetalks.briefing.proposals import assess_deal
from peacetalks.briefing.robustness import acceptance_inputs, check_runs, deal_robustness
from peacetalks.errors import ParameterError
from peacetalks.scenario import compile_scenario, parse_scenario
from peacetalks.scenario.compile import CompiledScenario
from peacetalks.scenario.models import Scenario
from tests.scenario_strategies import scenario_data

_fraction = st.floats(0, 1, allow_nan=False, allow_infinity=False)


@st.composite
def uncertain_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """Draw a valid scenario whose positions and reservations carry ranges."""
    data = draw(scenario_data(max_actors=3, max_issues=3))
    for actor in data["actors"]:
        r = actor["reservation"]
        actor["uncertainty"] = {
            "reservation": [r - draw(_fraction) * r, r + draw(_fraction) * (1 - r)]
        }
    for position in data["positions"]:
        x, s = position["ideal"], position["salience"]
        position["uncertainty"] = {
            "position": [x - draw(_fraction) * x, x + draw(_fraction) * (100 - x)],
            "salience": [s - draw(_fraction) * s, s + draw(_fraction) * (1 - s)],
        }
    return data


def _load(data: dict[str, Any]) -> Scenario:
    return parse_scenario(yaml.safe_dump(data, sort_keys=False), source="random.yaml")


def _deals(compiled: CompiledScenario) -> list[np.ndarray]:
    ranges = [range(int(c)) for c in compiled.option_counts]
    return [np.array(d, dtype=np.int64) for d in itertools.islice(itertools.product(*ranges), 6)]


def _widen(data: dict[str, Any], amount: float) -> dict[str, Any]:
    """Return the scenario with every range widened by ``amount`` of its room to grow."""
    wide = copy.deepcopy(data)
    for actor in wide["actors"]:
        low, high = actor["uncertainty"]["reservation"]
        actor["uncertainty"]["reservation"] = [low * (1 - amount), high + (1 - high) * amount]
    for position in wide["positions"]:
        low, high = position["uncertainty"]["position"]
        position["uncertainty"]["position"] = [low * (1 - amount), high + (100 - high) * amount]
        low, high = position["uncertainty"]["salience"]
        position["uncertainty"]["salience"] = [low * (1 - amount), high + (1 - high) * amount]
    return wide


@settings(max_examples=150, deadline=None)
@given(uncertain_scenarios(), st.floats(0.05, 1))
def test_widening_a_range_keeps_p_pass_strictly_between(
    data: dict[str, Any], amount: float
) -> None:
    """Check that widening ranges never makes p_pass exactly 0 or 1 when it was between."""
    narrow, wide = compile_scenario(_load(data)), compile_scenario(_load(_widen(data, amount)))
    for deal in _deals(narrow):
        # Few draws, so that the draws often miss a rare outcome: the exact bounds must
        # still keep p_pass off 0 and 1.
        before = deal_robustness(narrow, deal, runs=8, seed=1).p_pass
        after = deal_robustness(wide, deal, runs=8, seed=2).p_pass
        if 0.0 < before < 1.0:
            assert 0.0 < after < 1.0


@settings(max_examples=60, deadline=None)
@given(uncertain_scenarios())
def test_draws_stay_within_the_exact_bounds(data: dict[str, Any]) -> None:
    """Check that every drawn utility lies within the exact bounds over the ranges."""
    compiled = compile_scenario(_load(data))
    inputs = acceptance_inputs(compiled, runs=300, seed=2)
    for deal in _deals(compiled):
        values = utility_draws(
            inputs,
            compiled.option_positions,
            compiled.utilities,
            compiled.derived,
            compiled.quadratic,
            deal[None, :],
        )[:, :, 0]
        low, high = utility_bounds(
            compiled.option_positions,
            compiled.utilities,
            compiled.derived,
            compiled.quadratic,
            compiled.position_ranges,
            compiled.salience_ranges,
            deal,
        )
        assert (values >= low[None, :] - 1e-9).all()
        assert (values <= high[None, :] + 1e-9).all()


@settings(max_examples=40, deadline=None)
@given(uncertain_scenarios())
def test_bounds_are_reached_at_a_corner(data: dict[str, Any]) -> None:
    """Check the bounds against every corner of the salience box (brute force)."""
    compiled = compile_scenario(_load(data))
    deal = _deals(compiled)[0]
    n_issues = compiled.n_issues
    x = compiled.option_positions[np.arange(n_issues), deal]
    low, high = utility_bounds(
        compiled.option_positions,
        compiled.utilities,
        compiled.derived,
        compiled.quadratic,
        compiled.position_ranges,
        compiled.salience_ranges,
        deal,
    )
    for a in range(compiled.n_actors):
        issues = [i for i in range(n_issues) if compiled.has_position[a, i]]
        ideals = [compiled.position_ranges[a, i] for i in issues]
        sals = [compiled.salience_ranges[a, i] for i in issues]
        values = []
        for ideal in itertools.product(*ideals):
            for sal in itertools.product(*sals):
                weights = np.array(sal)
                if weights.sum() <= 0:
                    values.append(0.0)
                    continue
                utils = []
                for k, i in enumerate(issues):
                    if compiled.derived[a, i]:
                        d = abs(x[i] - ideal[k]) / 100
                        utils.append(1 - d * d if compiled.quadratic[a, i] else 1 - d)
                    else:
                        utils.append(compiled.utilities[a, i, deal[i]])
                values.append(float((weights * np.array(utils)).sum() / weights.sum()))
        # The worst ideal is at an end of its range, as is the best unless the option lies
        # inside the range (then the best is the option itself, which corners may miss).
        assert low[a] == pytest.approx(min(values), abs=1e-9)
        assert high[a] >= max(values) - 1e-9


def _small() -> dict[str, Any]:
    return {
        "id": "pair",
        "title": "Two parties",
        "as_of": "2025-01-01",
        "sources": [
            {
                "id": "s",
                "author": "A",
                "title": "T",
                "date": "2025-01",
                "address": "https://example.org",
                "kind": "stated",
            }
        ],
        "actors": [
            {
                "id": "a",
                "name": "A",
                "capability": 1,
                "veto": True,
                "reservation": 0.5,
                "source": "s",
                "uncertainty": {"reservation": [0.4, 0.6]},
            },
            {
                "id": "b",
                "name": "B",
                "capability": 1,
                "veto": True,
                "reservation": 0.5,
                "source": "s",
                "uncertainty": {"reservation": [0.4, 0.6]},
            },
        ],
        "issues": [
            {
                "id": "x",
                "name": "X",
                "scale": {"low": "l", "high": "h"},
                "options": [
                    {"id": "lo", "label": "Low", "position": 0},
                    {"id": "mid", "label": "Middle", "position": 50},
                    {"id": "hi", "label": "High", "position": 100},
                ],
            }
        ],
        "positions": [
            {
                "actor": "a",
                "issue": "x",
                "ideal": 0,
                "salience": 1,
                "source": "s",
                "uncertainty": {"position": [0, 20]},
            },
            {
                "actor": "b",
                "issue": "x",
                "ideal": 100,
                "salience": 1,
                "source": "s",
                "uncertainty": {"position": [80, 100]},
            },
        ],
    }


def test_a_deal_every_draw_accepts_has_p_pass_one() -> None:
    """Check that a deal both accept whatever the ranges has p_pass exactly 1."""
    data = _small()
    data["actors"][0]["uncertainty"] = {"reservation": [0.1, 0.3]}
    data["actors"][0]["reservation"] = 0.2
    data["actors"][1]["uncertainty"] = {"reservation": [0.1, 0.3]}
    data["actors"][1]["reservation"] = 0.2
    scenario = _load(data)
    result = assess_deal(scenario, {"x": "mid"})
    assert result.passes
    assert result.p_pass == 1.0
    assert [a.p_accept for a in result.actors] == [1.0, 1.0]
    assert not result.fragile


def test_disjoint_wishes_and_a_red_line_give_zero() -> None:
    """Check that a red line makes p_accept exactly 0, whatever the ranges."""
    data = _small()
    data["positions"][1]["red_lines"] = ["lo"]
    result = assess_deal(_load(data), {"x": "lo"})
    assert result.actors[1].p_accept == 0.0
    assert result.p_pass == 0.0
    assert result.deciding == ()


def test_reservation_decides_a_close_verdict() -> None:
    """Check the worked example: margin 0 at the middle; the reservations' ranges decide it."""
    data = _small()
    # At 'mid' each actor's utility is 0.5 at the stated ideal: exactly its reservation.
    result = assess_deal(_load(data), {"x": "mid"}, runs=4000, seed=3)
    assert result.passes
    assert [round(a.margin, 12) for a in result.actors] == [0.0, 0.0]
    assert result.fragile
    ids = [d.id for d in result.deciding]
    assert "a.reservation" in ids
    assert "b.reservation" in ids
    deciding = next(d for d in result.deciding if d.id == "a.reservation")
    assert deciding.flips
    assert (deciding.passes_at_low, deciding.passes_at_high) == (True, False)
    assert deciding.describe("the deal") == (
        "a's reservation (0.40-0.60) decides the deal: it passes at 0.40 and fails at 0.60"
    )
    # Each accepts when its drawn utility beats its drawn reservation; both must.
    p_a, p_b = (float(a.p_accept or 0.0) for a in result.actors)
    p_pass = float(result.p_pass or 0.0)
    assert 0.0 < p_pass <= min(p_a, p_b)
    assert p_pass == pytest.approx(p_a * p_b, abs=0.03)  # independent actors


def test_same_seed_same_numbers_and_common_draws() -> None:
    """Check that a seed fixes the draws, and that every deal is judged on the same draws."""
    compiled = compile_scenario(_load(_small()))
    first = deal_robustness(compiled, np.array([1]), runs=500, seed=9)
    again = deal_robustness(compiled, np.array([1]), runs=500, seed=9)
    assert first == again
    inputs = acceptance_inputs(compiled, runs=500, seed=9)
    accepted = acceptance_draws(
        inputs,
        compiled.option_positions,
        compiled.utilities,
        compiled.derived,
        compiled.quadratic,
        compiled.red_lines,
        np.array([[0], [1], [2]]),
    )
    assert accepted.shape == (500, 2, 3)
    assert first.p_pass == float(accepted[:, :, 1].all(axis=1).mean())


@pytest.mark.parametrize(
    ("runs", "message"),
    [
        (
            0,
            "The '--runs' parameter of the acceptance Monte Carlo must be an int in [1, 50000]. Got 0 instead.",
        ),
        (
            50_001,
            "The '--runs' parameter of the acceptance Monte Carlo must be an int in [1, 50000]. Got 50001 instead.",
        ),
        (
            True,
            "The '--runs' parameter of the acceptance Monte Carlo must be an int in [1, 50000]. Got True instead.",
        ),
    ],
)
def test_runs_are_checked(runs: int, message: str) -> None:
    """Check the message for a bad number of draws."""
    with pytest.raises(ParameterError) as info:
        check_runs(runs)
    assert str(info.value) == message


def test_draw_count_is_checked() -> None:
    """Check the kernel's own bound on runs."""
    point = np.zeros((1, 1))
    with pytest.raises(ParameterError, match=r"must be an int in \[1, 1000000\]. Got 0 instead."):
        draw_acceptance_inputs(
            point, np.zeros((1, 1, 2)), point, np.zeros((1, 1, 2)), np.zeros(1), np.zeros((1, 2)), 0
        )


@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 9), st.integers(1, 4), st.integers(1, 3)),
        elements=st.one_of(st.floats(-10, 10), st.just(np.nan)),
    )
)
@settings(max_examples=200, deadline=None)
def test_median_of_runs_is_numpys_median(values: npt.NDArray[np.float64]) -> None:
    """Check the partition median against np.median (NaN columns included)."""
    np.testing.assert_array_equal(_median_of_runs(values), np.median(values, axis=0, keepdims=True))

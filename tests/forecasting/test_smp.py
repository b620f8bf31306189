from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from peacetalks.errors import ParameterError
from peacetalks.forecasting._smp_kernels import (
    coalitions,
    condorcet,
    interpolate,
    victory_matrix,
)
from peacetalks.forecasting._smp_prng import KTAB_DEFAULT_SEED, KtabRandom
from peacetalks.forecasting.registry import make_model
from peacetalks.forecasting.smp import SmpModel, smp_data
from peacetalks.formats.smp_csv import read_smp_csv
from peacetalks.scenario.stakeholders import StakeholderTable
from tests.conftest import DATA

KTAB = DATA / "ktab"
SMP = KTAB / "smp"
REFERENCE = KTAB / "smp-reference-outputs"
SCENARIOS = ["SOE-Pol-Comp", "dummyData_3Dim"]


@dataclass(frozen=True)
class KtabLog:
    """The lines of a KTAB reference log that a run must reproduce."""

    n_states: int
    positions: list[list[list[str]]]  # turn 1.. -> actor -> dimension, "%.4f" on 0-100
    changes: list[str]  # "Fractional change compared to first step", per turn
    probabilities: dict[str, list[str]]  # actor -> win probability per state, "%.4f"
    history: list[tuple[str, list[str]]]  # per actor and dimension: "%.1f" per state


def _read_log(name: str, n_actors: int) -> KtabLog:
    lines = (REFERENCE / f"20170530_ref-{name}.txt").read_text().splitlines()
    rows = [lines[k + 1].split() for k, line in enumerate(lines) if re.match(r"postn +\d+ ,", line)]
    positions = [rows[t : t + n_actors] for t in range(0, len(rows), n_actors)]
    changes = [
        line.split(":")[1].split()[0] for line in lines if line.startswith("Fractional change")
    ]
    probabilities = {}
    for line in lines:
        if m := re.match(r"(.+), prob : (.+)$", line):
            probabilities[m.group(1).strip()] = m.group(2).split()
    start = lines.index("History of actor positions over time: ") + 1
    end = lines.index("History of actors' winning probabilities: ")
    history = [(line.split(",")[0], line.split(":")[-1].split()) for line in lines[start:end]]
    states = next(line for line in lines if line.startswith("There were"))
    return KtabLog(int(states.split()[2]), positions, changes, probabilities, history)


@pytest.fixture(scope="module", params=SCENARIOS)
def reproduction(request: pytest.FixtureRequest) -> tuple[StakeholderTable, Any, KtabLog]:
    table = read_smp_csv(SMP / f"{request.param}.csv")
    trajectory = SmpModel().fit(table).run()
    return table, trajectory, _read_log(request.param, len(table.actor_ids))


def test_reproduces_ktab_number_of_turns(
    reproduction: tuple[StakeholderTable, Any, KtabLog],
) -> None:
    """Check that the run has as many states as KTAB's, and stops because it converged."""
    _, trajectory, log = reproduction
    assert len(trajectory.states) == log.n_states
    assert len(log.positions) == log.n_states - 1
    assert trajectory.converged


def test_reproduces_ktab_positions_every_turn(
    reproduction: tuple[StakeholderTable, Any, KtabLog],
) -> None:
    """Check every position of every turn against KTAB's log, to its four decimals."""
    _, trajectory, log = reproduction
    for turn, expected in enumerate(log.positions, start=1):
        got = [[f"{v:.4f}" for v in row] for row in trajectory.states[turn].positions * 100.0]
        assert got == expected, f"turn {turn}"


def test_reproduces_ktab_position_history(
    reproduction: tuple[StakeholderTable, Any, KtabLog],
) -> None:
    """Check KTAB's table of positions over time (one decimal), initial state included."""
    table, trajectory, log = reproduction
    n_dims = len(table.issue_ids)
    assert len(log.history) == len(table.actor_ids) * n_dims
    for row, (actor, expected) in enumerate(log.history):
        a, d = divmod(row, n_dims)
        assert actor == table.actor_ids[a]
        assert [f"{100.0 * s.positions[a, d]:.1f}" for s in trajectory.states] == expected


def test_reproduces_ktab_fractional_changes(
    reproduction: tuple[StakeholderTable, Any, KtabLog],
) -> None:
    """Check KTAB's regression lines "Fractional change compared to first step"."""
    _, trajectory, log = reproduction
    assert [f"{step.change:.4f}" for step in trajectory.steps] == log.changes


def test_reproduces_ktab_win_probabilities(
    reproduction: tuple[StakeholderTable, Any, KtabLog],
) -> None:
    """Check KTAB's regression lines "prob :": every actor's win probability every turn."""
    table, trajectory, log = reproduction
    assert set(log.probabilities) == set(table.actor_ids)
    for a, actor in enumerate(table.actor_ids):
        got = [f"{state.win_probabilities[a]:.4f}" for state in trajectory.states]
        assert got == log.probabilities[actor], actor


def test_forecast_json_has_turns_and_final() -> None:
    """Check the JSON output: turns with positions per actor and dimension, and final."""
    table = read_smp_csv(SMP / "dummyData_3Dim.csv")
    data = SmpModel().fit(table).forecast().to_dict()
    json.dumps(data)
    assert data["model"] == "smp"
    assert len(data["turns"]) == 11
    assert len(data["rounds"]) == 11
    first = data["turns"][0]
    assert first["turn"] == 0
    assert first["positions"]["SActor-00"] == {"Pstn1": 75.79, "Pstn2": 6.37, "Pstn3": 70.45}
    assert "challenges" not in first
    turn = data["turns"][1]
    assert turn["positions"]["SActor-04"]["Pstn2"] == pytest.approx(44.72)
    assert turn["win_probabilities"]["SActor-00"] == pytest.approx(0.6059, abs=5e-5)
    assert {"actor": "SActor-03", "target": "SActor-00"}.items() <= turn["challenges"][3].items()
    final = data["final"]
    assert final["turn"] == 10
    assert final["converged"] is True
    assert final["win_probabilities"]["SActor-05"] == pytest.approx(0.4009, abs=5e-5)
    assert final["most_likely"]["position"]["Pstn1"] == pytest.approx(79.88)
    expected = sum(
        final["win_probabilities"][a] * final["positions"][a]["Pstn1"]
        for a in ("SActor-00", "SActor-02", "SActor-03", "SActor-04", "SActor-05")
    )
    assert final["expected_outcome"]["Pstn1"] == pytest.approx(expected)
    assert data["issues"][0]["forecast"] == pytest.approx(expected)
    assert data["effective_power"]["SActor-00"]["Pstn1"] == pytest.approx(102.543 * 0.4953)


def test_smp_data_matches_forecast() -> None:
    """Check that smp_data on a run gives the turns and final state of the forecast."""
    table = read_smp_csv(SMP / "SOE-Pol-Comp.csv")
    model = SmpModel().fit(table)
    data = smp_data(table, model.run(), model)
    forecast = model.forecast().to_dict()
    assert data["turns"] == forecast["turns"]
    assert data["final"] == forecast["final"]
    assert data["parameters"]["voting_rule"] == "Proportional"
    assert data["parameters"]["seed"] == KTAB_DEFAULT_SEED


def test_predict_and_simulate_agree() -> None:
    """Check that the batched kernel gives predict's forecast on every run."""
    table = read_smp_csv(SMP / "dummyData_3Dim.csv")
    model = SmpModel().fit(table)
    batch = model.simulate(
        np.stack([table.positions] * 2),
        np.stack([table.saliences] * 2),
        np.stack([table.capabilities] * 2),
    )
    assert batch.shape == (2, 3)
    np.testing.assert_array_equal(batch[0], model.predict())
    np.testing.assert_array_equal(batch[1], model.predict())


def test_registry_makes_smp() -> None:
    """Check that the CLI's registry builds the model by name, with a seed."""
    model = make_model("smp", seed=7)
    assert isinstance(model, SmpModel)
    assert model.options.seed == 7


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"voting_rule": "Prop"},
            "The 'voting_rule' parameter of SmpModel must be one of Binary, PropBin, "
            "Proportional, PropCbc, Cubic, ASymProsp. Got 'Prop' instead.",
        ),
        (
            {"max_turns": 0},
            "The 'max_turns' parameter of SmpModel must be an int in [1, 10000]. Got 0 instead.",
        ),
        (
            {"seed": -1},
            "The 'seed' parameter of SmpModel must be an int in [0, 18446744073709551615]. "
            "Got -1 instead.",
        ),
        (
            {"min_delta_ratio": 1.5},
            "The 'min_delta_ratio' parameter of SmpModel must be a float in [0, 1). Got 1.5 instead.",
        ),
    ],
)
def test_bad_parameters(options: dict[str, Any], message: str) -> None:
    """Check the message for each bad parameter."""
    with pytest.raises(ParameterError) as info:
        SmpModel(**options)
    assert str(info.value) == message


def test_missing_position_runs_issue_by_issue() -> None:
    """Check that a run needs every position, and that forecasts then go issue by issue."""
    table = read_smp_csv(SMP / "dummyData_3Dim.csv")
    positions = np.array(table.positions)
    positions[2, 1] = np.nan
    broken = StakeholderTable.build(
        actor_ids=table.actor_ids,
        issue_ids=table.issue_ids,
        positions=positions,
        saliences=table.saliences,
        capabilities=table.capabilities,
        name="broken",
    )
    model = SmpModel().fit(broken)
    with pytest.raises(ParameterError, match="every actor needs a position within the scale"):
        model.run()
    forecast = model.forecast()
    assert forecast.extra == {"by_issue": True}
    assert forecast.rounds is None
    one_dimensional = SmpModel().fit(
        StakeholderTable.build(
            actor_ids=table.actor_ids[:2] + table.actor_ids[3:],
            issue_ids=table.issue_ids[1:2],
            positions=np.delete(positions, 2, axis=0)[:, 1:2],
            saliences=np.delete(np.array(table.saliences), 2, axis=0)[:, 1:2],
            capabilities=np.delete(np.array(table.capabilities), 2),
            name="dimension 2 without actor 2",
        )
    )
    assert forecast.values[1] == pytest.approx(one_dimensional.predict()[0])


@pytest.mark.parametrize(
    "option",
    [
        {"victory_model": "Square"},
        {"victory_model": "Quartic"},
        {"victory_model": "Octic"},
        {"victory_model": "Binary"},
        {"voting_rule": "Binary"},
        {"voting_rule": "PropBin"},
        {"voting_rule": "PropCbc"},
        {"voting_rule": "Cubic"},
        {"voting_rule": "ASymProsp"},
        {"pce_model": "MarkovIncentive"},
        {"pce_model": "MarkovUniform"},
        {"big_r_range": "Min"},
        {"big_r_range": "Max"},
        {"big_r_adjust": "Full"},
        {"big_r_adjust": "TwoThirds"},
        {"big_r_adjust": "Half"},
        {"big_r_adjust": "No"},
        {"third_party_commit": "FullCommit"},
        {"third_party_commit": "NoCommit"},
        {"interpolation": "S1P1"},
        {"interpolation": "S2PMax"},
        {"bargain_model": "InitRcvrInterp"},
        {"bargain_model": "PWCompInterp"},
        {"transitions": "Stochastic"},
    ],
)
def test_every_sub_model_runs(option: dict[str, Any]) -> None:
    """Check that each of KTAB's sub-models runs and keeps positions and probabilities sane."""
    table = read_smp_csv(SMP / "dummyData_3Dim.csv")
    trajectory = SmpModel(max_turns=30, **option).fit(table).run()
    for state in trajectory.states:
        assert np.all((state.positions >= 0) & (state.positions <= 1))
        assert state.unique_probabilities.sum() == pytest.approx(1.0)
    assert 2 <= len(trajectory.states) <= 31


def test_stochastic_runs_depend_on_the_seed_only() -> None:
    """Check that stochastic transitions repeat with a seed and differ across seeds."""
    table = read_smp_csv(SMP / "SOE-Pol-Comp.csv")

    def run(seed: int) -> list[np.ndarray]:
        model = SmpModel(transitions="Stochastic", seed=seed).fit(table)
        return [s.positions for s in model.run().states]

    first, again, other = run(3), run(3), run(4)
    assert len(first) == len(again)
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert len(first) != len(other) or any(
        not np.array_equal(a, b) for a, b in zip(first, other, strict=True)
    )


def test_ktab_random_is_the_64_bit_mersenne_twister() -> None:
    """Check the raw words against std::mt19937_64 (the 10000th output for seed 5489)."""
    rng = KtabRandom(5489)
    assert rng.word() == 14514284786278117030
    for _ in range(9998):
        rng.word()
    assert rng.word() == 9981545732273789042
    assert 0.0 <= KtabRandom().uniform() <= 1.0


def test_ktab_random_selects_by_cumulative_probability() -> None:
    """Check that select returns the first index whose cumulative probability covers the draw."""
    draw = KtabRandom(11).uniform()
    index = KtabRandom(11).select(np.array([0.25, 0.25, 0.5]))
    assert index == int(np.searchsorted(np.cumsum([0.25, 0.25, 0.5]), draw))


strengths = arrays(
    np.float64, (4, 4), elements=st.floats(1e-8, 1e3, allow_nan=False, allow_infinity=False)
)


@given(strengths)
def test_victory_probabilities_are_complementary(c: np.ndarray) -> None:
    """Check that P[i, j] + P[j, i] = 1 for every victory model."""
    for model in ("Linear", "Square", "Quartic", "Octic", "Binary"):
        p = victory_matrix(model, c)
        np.testing.assert_allclose(p + p.T, 1.0, atol=1e-9)


@given(arrays(np.float64, (5, 3), elements=st.floats(0, 1)))
def test_condorcet_probabilities_sum_to_one(u: np.ndarray) -> None:
    """Check that every election gives a probability distribution over the options."""
    weights = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    c = coalitions("Proportional", weights, u)
    for pce in ("Conditional", "MarkovIncentive", "MarkovUniform"):
        p, _ = condorcet(c, "Linear", pce)
        assert p.sum() == pytest.approx(1.0)
        assert np.all(p >= 0)


@given(
    arrays(np.float64, (3, 2), elements=st.floats(0, 1)),
    arrays(np.float64, (3, 2), elements=st.floats(0, 1)),
    arrays(np.float64, (3, 1), elements=st.floats(0, 1)),
)
def test_bargains_lie_between_the_positions(x: np.ndarray, y: np.ndarray, p: np.ndarray) -> None:
    """Check that interpolated bargains lie between the two sides' positions (to rounding)."""
    s = np.full((3, 2), 0.5)
    for mode in ("S1P1", "S2P2", "S2PMax"):
        for b in interpolate(mode, (x, s, p), (y, s, 1 - p)):
            assert np.all(b >= np.minimum(x, y) - 5e-5)
            assert np.all(b <= np.maximum(x, y) + 5e-5)

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peacetalks.errors import NotFittedError, ParameterError
from peacetalks.forecasting.compromise import CompromiseModel
from peacetalks.forecasting.procedural import (
    ProceduralModel,
    Procedure,
    eu_procedures,
    win_set,
)
from peacetalks.formats.deu import read_deu
from peacetalks.scenario.stakeholders import StakeholderTable
from tests.conftest import DATA

FloatArray = npt.NDArray[np.float64]
DEU = DATA / "deu" / "deu3_blksv.csv"
QUOTAS = {"majority": 0.5, "qualified": 0.74, "unanimity": 1.0}


@dataclass(frozen=True)
class Issue:
    """One issue: positions (NaN for absent actors), weights, status quo, rule, vetoes."""

    positions: FloatArray
    weights: FloatArray
    saliences: FloatArray
    reference: float
    rule: str
    veto: npt.NDArray[np.bool_]


@st.composite
def issues(draw: st.DrawFn, *, reference: float | None = None) -> Issue:
    """Draw a single-issue setting on whole numbers, so win-set ends fall on the grid."""
    n = draw(st.integers(2, 6))
    positions = np.array(draw(st.lists(st.integers(0, 100), min_size=n, max_size=n)), float)
    absent = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    absent[0] = False
    positions[absent] = np.nan
    weights = np.array(draw(st.lists(st.integers(1, 10), min_size=n, max_size=n)), float)
    saliences = np.array(
        draw(st.lists(st.sampled_from([0.25, 0.5, 1.0]), min_size=n, max_size=n)), float
    )
    q = float(draw(st.integers(0, 100))) if reference is None else reference
    rule = draw(st.sampled_from(sorted(QUOTAS)))
    veto = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n))) & ~absent
    return Issue(positions, weights, saliences, q, rule, veto)


def _table(issue: Issue) -> StakeholderTable:
    n = issue.positions.size
    return StakeholderTable.build(
        actor_ids=[f"a{k}" for k in range(n)],
        issue_ids=["x"],
        positions=issue.positions[:, None],
        saliences=np.where(np.isnan(issue.positions), 0.0, issue.saliences)[:, None],
        capabilities=issue.weights,
        reference=[issue.reference],
        veto=issue.veto,
    )


def _bounds(issue: Issue) -> tuple[float, float]:
    low, high = win_set(
        issue.positions[None, :, None],
        np.array([issue.reference]),
        issue.weights[None, :, None],
        np.array([QUOTAS[issue.rule]]),
        np.ones((issue.positions.size, 1), bool),
        issue.veto[:, None],
        np.array([[0.0, 100.0]]),
    )
    return float(low[0, 0]), float(high[0, 0])


@settings(max_examples=200, deadline=None)
@given(issues())
def test_win_set_matches_brute_force(issue: Issue) -> None:
    """Check that the win-set is exactly the points the required coalition and vetoes prefer."""
    low, high = _bounds(issue)
    present = ~np.isnan(issue.positions)
    p, w = issue.positions[present], issue.weights[present]
    q = issue.reference
    need = QUOTAS[issue.rule] * w.sum()
    for x in np.arange(0.0, 100.5, 0.5):
        prefers = np.abs(x - p) <= np.abs(q - p)
        vetoes_agree = bool(np.all(prefers[issue.veto[present]]))
        expected = w[prefers].sum() >= need - 1e-9 and vetoes_agree
        assert (low <= x <= high) == expected, x


@settings(max_examples=100, deadline=None)
@given(issues(reference=0.0))
def test_unanimity_from_one_end_keeps_the_forecast_in_the_win_set(issue: Issue) -> None:
    """Check that under unanimity with the status quo at 0, pull=1 stays below every 2p."""
    table = _table(issue)
    model = ProceduralModel({"x": Procedure("unanimity")}, pull=1.0).fit(table)
    forecast = model.predict()[0]
    present = issue.positions[~np.isnan(issue.positions)]
    assert 0.0 <= forecast <= min(100.0, 2.0 * present.min()) + 1e-9


@settings(max_examples=100, deadline=None)
@given(issues(), st.integers(0, 5))
def test_a_veto_holder_at_the_status_quo_keeps_it(issue: Issue, who: int) -> None:
    """Check that a veto holder standing at the status quo makes the forecast the status quo."""
    who = who % issue.positions.size
    positions = issue.positions.copy()
    positions[who] = issue.reference
    veto = np.zeros(positions.size, bool)
    veto[who] = True
    table = _table(
        Issue(positions, issue.weights, issue.saliences, issue.reference, issue.rule, veto)
    )
    model = ProceduralModel({"x": Procedure(issue.rule)}, pull=1.0).fit(table)
    assert model.predict()[0] == pytest.approx(issue.reference)


@settings(max_examples=60, deadline=None)
@given(issues())
def test_pull_moves_linearly_from_compromise_to_win_set(issue: Issue) -> None:
    """Check that the forecast is the compromise at pull 0, in the win-set at 1, linear between."""
    table = _table(issue)
    procedures = {"x": Procedure(issue.rule)}

    def forecast(pull: float) -> float:
        model = ProceduralModel(procedures, exponent=1.0, unanimity_exponent=1.0, pull=pull)
        return float(model.fit(table).predict()[0])

    centre = float(CompromiseModel().fit(table).predict()[0])
    strict = forecast(1.0)
    low, high = _bounds(issue)
    assert forecast(0.0) == pytest.approx(centre)
    assert low - 1e-9 <= strict <= high + 1e-9
    assert forecast(0.25) == pytest.approx(centre + 0.25 * (strict - centre))


def test_without_procedure_it_is_the_compromise_model() -> None:
    """Check that exponents 1 and pull 0 give the compromise model's forecast on DEU."""
    table = read_deu(DEU).table
    ours = ProceduralModel(exponent=1.0, unanimity_exponent=1.0).fit(table).predict()
    np.testing.assert_allclose(ours, CompromiseModel().fit(table).predict())


def test_unknown_reference_puts_no_bound() -> None:
    """Check that an issue without a status quo gets the compromise even with pull=1."""
    table = StakeholderTable.build(
        actor_ids=["a", "b"],
        issue_ids=["x"],
        positions=[[0.0], [100.0]],
        saliences=[[1.0], [1.0]],
        capabilities=[1.0, 3.0],
        veto=[True, True],
    )
    model = ProceduralModel(exponent=1.0, pull=1.0).fit(table)
    assert model.predict()[0] == pytest.approx(75.0)


def test_unanimity_flattens_power() -> None:
    """Check that the unanimity exponent, not the other one, weighs a unanimity issue."""
    table = StakeholderTable.build(
        actor_ids=["big", "small"],
        issue_ids=["u", "q"],
        positions=[[0.0, 0.0], [100.0, 100.0]],
        saliences=np.ones((2, 2)),
        capabilities=[4.0, 1.0],
    )
    procedures = {"u": Procedure("unanimity"), "q": Procedure("qualified")}
    model = ProceduralModel(procedures, exponent=1.0, unanimity_exponent=0.0).fit(table)
    np.testing.assert_allclose(model.predict(), [50.0, 20.0])


def test_simulate_is_batched_over_runs(rng: np.random.Generator) -> None:
    """Check that simulating many runs at once equals simulating each run alone."""
    table = read_deu(DEU).table
    model = ProceduralModel(eu_procedures(read_deu(DEU)), pull=0.5).fit(table)
    shape = (3, *table.positions.shape)
    positions = np.clip(table.positions + rng.normal(0, 10, shape), 0, 100)
    saliences = np.broadcast_to(table.saliences, shape).copy()
    capabilities = table.capabilities * rng.uniform(0.5, 1.5, (3, table.n_actors))
    together = model.simulate(positions, saliences, capabilities)
    for r in range(3):
        alone = model.simulate(positions[r : r + 1], saliences[r : r + 1], capabilities[r : r + 1])
        np.testing.assert_allclose(together[r], alone[0])


def test_eu_procedures_give_the_parliament_a_veto_under_codecision() -> None:
    """Check that the EU procedures let the Council vote and the EP veto only under COD."""
    data = read_deu(DEU)
    procedures = eu_procedures(data)
    assert set(procedures) == set(data.table.issue_ids)
    for issue, kind, rule in zip(
        data.table.issue_ids, data.procedures, data.voting_rules, strict=True
    ):
        procedure = procedures[issue]
        assert procedure.rule == rule
        assert procedure.voters == data.council
        assert procedure.vetoes == (("ep",) if kind == "COD" else ())


def test_defaults_beat_the_compromise_model_in_sample() -> None:
    """Check that the default procedural model's DEU error is below the compromise model's."""
    data = read_deu(DEU)
    table = data.table
    ours = ProceduralModel(eu_procedures(data)).fit(table).predict()
    assert np.mean(np.abs(ours - table.outcome)) == pytest.approx(22.769, abs=0.001)
    strict = ProceduralModel(eu_procedures(data), exponent=1.0, unanimity_exponent=1.0, pull=1.0)
    assert np.mean(np.abs(strict.fit(table).predict() - table.outcome)) == pytest.approx(
        31.514, abs=0.001
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"quota": 0.5},
            "The 'quota' parameter of ProceduralModel must be a number in (0.5, 1]. Got 0.5 instead.",
        ),
        (
            {"quota": 1.2},
            "The 'quota' parameter of ProceduralModel must be a number in (0.5, 1]. Got 1.2 instead.",
        ),
        (
            {"exponent": -1.0},
            "The 'exponent' parameter of ProceduralModel must be a number in [0, inf]. Got -1.0 instead.",
        ),
        (
            {"unanimity_exponent": float("nan")},
            "The 'unanimity_exponent' parameter of ProceduralModel must be a number in [0, inf]. Got nan instead.",
        ),
        (
            {"pull": 1.5},
            "The 'pull' parameter of ProceduralModel must be a number in [0, 1]. Got 1.5 instead.",
        ),
    ],
)
def test_bad_parameters_are_reported(kwargs: dict[str, Any], message: str) -> None:
    """Check that each bad parameter raises a ParameterError naming it and its range."""
    with pytest.raises(ParameterError) as info:
        ProceduralModel(**kwargs)
    assert str(info.value) == message
    assert info.value.parameter == next(iter(kwargs))


def test_bad_rule_is_reported() -> None:
    """Check that an unknown voting rule names the known ones."""
    with pytest.raises(ParameterError) as info:
        Procedure("plurality")
    assert str(info.value) == (
        "The 'rule' parameter of Procedure must be one of majority, qualified, unanimity. "
        "Got 'plurality' instead."
    )


def test_unknown_actor_in_a_procedure_is_reported() -> None:
    """Check that a procedure naming an actor the table lacks says which and what is known."""
    table = StakeholderTable.build(
        actor_ids=["a", "b"],
        issue_ids=["x"],
        positions=[[0.0], [100.0]],
        saliences=[[1.0], [1.0]],
        capabilities=[1.0, 1.0],
        reference=[0.0],
    )
    model = ProceduralModel({"x": Procedure("majority", voters=("a", "zz"))}, pull=1.0)
    with pytest.raises(ParameterError) as info:
        model.fit(table).predict()
    assert str(info.value) == (
        "The procedure of issue 'x' names actor(s) 'zz' that the table does not have. "
        "Known actors: a, b."
    )


def test_predict_before_fit_is_reported() -> None:
    """Check that predicting before fitting raises NotFittedError."""
    with pytest.raises(NotFittedError, match="This ProceduralModel is not fitted yet"):
        ProceduralModel().predict()

from __future__ import annotations

import functools

import numpy as np
import numpy.typing as npt
import pytest

from peacetalks.errors import ParameterError
from peacetalks.forecasting.backtest import Tuned, backtest, take_issues
from peacetalks.forecasting.base import ForecastModel
from peacetalks.forecasting.compromise import CompromiseModel, MedianModel
from peacetalks.forecasting.procedural import ProceduralModel, eu_procedures
from peacetalks.formats.deu import read_deu
from peacetalks.scenario.stakeholders import StakeholderTable
from tests.conftest import DATA

FloatArray = npt.NDArray[np.float64]
DEU = DATA / "deu" / "deu3_blksv.csv"


class ConstantModel(ForecastModel):
    """Forecast the same value on every issue: a one-parameter family to tune."""

    name = "constant"

    def __init__(self, value: float = 50.0) -> None:
        super().__init__()
        self.value = value

    def simulate(
        self, positions: FloatArray, saliences: FloatArray, capabilities: FloatArray
    ) -> FloatArray:
        """Return ``value`` for every run and issue."""
        return np.full((positions.shape[0], positions.shape[2]), self.value)


class EqualCapabilityModel(CompromiseModel):
    """The compromise model with every actor's capability set to 1."""

    name = "compromise (equal capability)"

    def simulate(
        self, positions: FloatArray, saliences: FloatArray, capabilities: FloatArray
    ) -> FloatArray:
        """Return the salience-weighted mean of positions."""
        return super().simulate(positions, saliences, np.ones_like(capabilities))


def _outcomes(outcome: list[float]) -> StakeholderTable:
    n = len(outcome)
    return StakeholderTable.build(
        actor_ids=["a"],
        issue_ids=[f"i{k}" for k in range(n)],
        positions=np.full((1, n), 50.0),
        saliences=np.ones((1, n)),
        capabilities=[1.0],
        outcome=outcome,
    )


@pytest.fixture(scope="module")
def deu() -> StakeholderTable:
    """Return the DEU III issues with an outcome."""
    return read_deu(DEU).table


def test_reproduces_the_reported_deu_baselines(deu: StakeholderTable) -> None:
    """Check that the DEU baselines come out as reported: 23.2, 23.7 and 27.6."""
    result = backtest(deu, [CompromiseModel(), EqualCapabilityModel(), MedianModel()], rng=0)
    assert result["compromise"].mae == pytest.approx(23.2, abs=0.3)
    assert result["compromise (equal capability)"].mae == pytest.approx(23.7, abs=0.3)
    assert result["median"].mae == pytest.approx(27.6, abs=0.3)
    assert result["compromise"].n_issues == 353
    assert result["compromise"].in_sample_mae == result["compromise"].mae
    assert not result["compromise"].is_tuned


def test_band_of_the_compromise_holds_about_80_percent(deu: StakeholderTable) -> None:
    """Check the compromise's 80% band on DEU III: +/-38.4 points, 79.6% of held-out outcomes."""
    score = backtest(deu, [CompromiseModel()], rng=0)["compromise"]
    assert score.band80 == pytest.approx(38.351, abs=0.001)
    assert score.coverage80 == pytest.approx(281 / 353)
    assert len(score.fold_band80) == 10


def test_procedural_model_is_scored_out_of_sample(deu: StakeholderTable) -> None:
    """Check that a tuned procedural model is cross-validated, with its in-sample fit apart."""
    proc = functools.partial(ProceduralModel, eu_procedures(read_deu(DEU)))
    grid = {"exponent": [0.5, 1.0], "unanimity_exponent": [0.25, 1.0], "pull": [0.0, 0.25]}
    result = backtest(deu, [CompromiseModel(), Tuned("procedural", proc, grid)], folds=5, rng=0)
    score = result["procedural"]
    assert score.is_tuned
    assert len(score.params) == 5
    assert score.best_params == {"exponent": 0.5, "unanimity_exponent": 0.25, "pull": 0.0}
    assert score.in_sample_mae == pytest.approx(22.769, abs=0.001)
    assert score.mae == pytest.approx(22.984, abs=0.001)
    assert score.in_sample_mae < score.mae < result["compromise"].mae
    mean, se = result.difference("procedural", "compromise")
    assert mean == pytest.approx(score.mae - result["compromise"].mae)
    assert 0 < se < 1


def test_folds_partition_the_issues_with_an_outcome() -> None:
    """Check that the folds are disjoint, cover every issue with an outcome, and are balanced."""
    outcome = [float(k % 7) for k in range(23)]
    outcome[4] = outcome[11] = np.nan
    result = backtest(_outcomes(outcome), [ConstantModel()], folds=4, rng=1)
    joined = np.concatenate(result.folds)
    assert sorted(joined.tolist()) == [k for k in range(23) if k not in (4, 11)]
    assert len(set(joined.tolist())) == joined.size
    assert {fold.size for fold in result.folds} <= {5, 6}


def test_same_seed_gives_same_result(deu: StakeholderTable) -> None:
    """Check that a seed fixes the folds and every number; another seed moves the folds."""
    models: list[ForecastModel | Tuned] = [
        CompromiseModel(),
        Tuned("procedural", ProceduralModel, {"exponent": [0.5, 1.0]}),
    ]
    first = backtest(deu, models, folds=5, rng=7)
    again = backtest(deu, models, folds=5, rng=7)
    other = backtest(deu, models, folds=5, rng=8)
    for a, b in zip(first.folds, again.folds, strict=True):
        np.testing.assert_array_equal(a, b)
    for a_score, b_score in zip(first.scores, again.scores, strict=True):
        assert a_score.mae == b_score.mae
        assert a_score.fold_mae == b_score.fold_mae
        assert a_score.params == b_score.params
    assert any(not np.array_equal(a, b) for a, b in zip(first.folds, other.folds, strict=True))


def test_tuning_uses_only_the_training_folds() -> None:
    """Check that each fold's parameter is the best on the other folds, scored on its own."""
    rng = np.random.default_rng(3)
    outcome = rng.integers(0, 101, 30).astype(float)
    table = _outcomes(outcome.tolist())
    values = [0.0, 25.0, 50.0, 75.0, 100.0]
    result = backtest(table, [Tuned("constant", ConstantModel, {"value": values})], folds=3, rng=5)
    score = result["constant"]
    for fold, params, fold_mae in zip(result.folds, score.params, score.fold_mae, strict=True):
        train = np.setdiff1d(np.arange(30), fold)
        errors = [np.mean(np.abs(v - outcome[train])) for v in values]
        assert params == {"value": values[int(np.argmin(errors))]}
        assert fold_mae == pytest.approx(np.mean(np.abs(params["value"] - outcome[fold])))
    expected = np.concatenate(
        [np.abs(p["value"] - outcome[f]) for f, p in zip(result.folds, score.params, strict=True)]
    )
    assert score.mae == pytest.approx(expected.mean())
    assert score.se == pytest.approx(expected.std(ddof=1) / np.sqrt(30))


def test_errors_are_on_the_0_100_scale() -> None:
    """Check that an issue scored on 0-10 has its error multiplied by 10."""
    table = StakeholderTable.build(
        actor_ids=["a"],
        issue_ids=["x", "y"],
        positions=[[5.0, 5.0]],
        saliences=[[1.0, 1.0]],
        capabilities=[1.0],
        scale=[[0.0, 10.0], [0.0, 10.0]],
        outcome=[7.0, 4.0],
    )
    result = backtest(table, [CompromiseModel()], folds=2, rng=0)
    assert result["compromise"].mae == pytest.approx(15.0)


def test_take_issues_keeps_issue_arrays_aligned(deu: StakeholderTable) -> None:
    """Check that a subset of issues carries its own positions, reference and outcome."""
    part = take_issues(deu, [5, 2])
    assert part.issue_ids == (deu.issue_ids[5], deu.issue_ids[2])
    np.testing.assert_array_equal(part.positions, deu.positions[:, [5, 2]])
    np.testing.assert_array_equal(part.reference, deu.reference[[5, 2]])
    np.testing.assert_array_equal(part.outcome, deu.outcome[[5, 2]])
    assert part.actor_ids == deu.actor_ids


def test_result_table_lists_models_best_first(deu: StakeholderTable) -> None:
    """Check that the text summary puts the lowest error first."""
    text = backtest(deu, [MedianModel(), CompromiseModel()], rng=0).to_text()
    lines = text.splitlines()
    assert lines[1].startswith("compromise")
    assert lines[2].startswith("median")


def test_unknown_model_name_is_reported(deu: StakeholderTable) -> None:
    """Check that asking for a model not in the backtest names the known ones."""
    result = backtest(deu, [CompromiseModel()], rng=0)
    with pytest.raises(KeyError, match="No model is named 'nash' in this backtest"):
        result["nash"]


@pytest.mark.parametrize(
    ("models", "folds", "message"),
    [
        (
            [ConstantModel()],
            1,
            "The 'folds' parameter of backtest must be an int in [2, 6] (the issues with an outcome). Got 1 instead.",
        ),
        (
            [ConstantModel()],
            7,
            "The 'folds' parameter of backtest must be an int in [2, 6] (the issues with an outcome). Got 7 instead.",
        ),
        (
            [ConstantModel()],
            True,
            "The 'folds' parameter of backtest must be an int in [2, 6] (the issues with an outcome). Got True instead.",
        ),
        (
            [ConstantModel(), ConstantModel(10.0)],
            2,
            "The 'models' parameter of backtest must have unique names. Got 'constant' more than once; wrap a model in Tuned with its own name and an empty grid to rename it.",
        ),
        (
            [Tuned("c", ConstantModel, {"value": []})],
            2,
            "The grid of 'c' is empty. Give every parameter at least one value.",
        ),
    ],
)
def test_bad_arguments_are_reported(
    models: list[ForecastModel | Tuned], folds: int, message: str
) -> None:
    """Check that each bad argument raises a ParameterError with the exact message."""
    with pytest.raises(ParameterError) as info:
        backtest(_outcomes([1.0, 2.0, 3.0, 4.0, 5.0, 6.0]), models, folds=folds, rng=0)
    assert str(info.value) == message


def test_renamed_model_through_an_empty_grid() -> None:
    """Check that Tuned with an empty grid scores one model plainly under its own name."""
    table = _outcomes([10.0, 20.0, 30.0, 40.0])
    result = backtest(
        table,
        [ConstantModel(), Tuned("twenty", functools.partial(ConstantModel, 20.0))],
        rng=0,
        folds=2,
    )
    assert result["twenty"].mae == pytest.approx(10.0)
    assert not result["twenty"].is_tuned


def test_band_width_is_learned_on_the_training_folds() -> None:
    """Check that each fold's band comes from the other folds' errors and is scored on its own."""
    rng = np.random.default_rng(4)
    outcome = rng.uniform(0, 100, 40)
    table = _outcomes(outcome.tolist())
    result = backtest(table, [ConstantModel()], folds=4, rng=2)
    score = result["constant"]
    errors = np.abs(50.0 - outcome)
    inside = 0
    for fold, width in zip(result.folds, score.fold_band80, strict=True):
        train = np.setdiff1d(np.arange(40), fold)
        assert width == pytest.approx(np.quantile(errors[train], 0.8))
        inside += int((errors[fold] <= width).sum())
    assert score.coverage80 == pytest.approx(inside / 40)
    assert score.band80 == pytest.approx(np.quantile(errors, 0.8))


def test_tuned_band_uses_the_errors_of_the_point_chosen_on_the_training_folds() -> None:
    """Check that a tuned model's band in a fold comes from the grid point chosen without it."""
    rng = np.random.default_rng(6)
    outcome = rng.uniform(0, 100, 30)
    table = _outcomes(outcome.tolist())
    values = [20.0, 50.0, 80.0]
    result = backtest(table, [Tuned("constant", ConstantModel, {"value": values})], folds=3, rng=1)
    score = result["constant"]
    inside = 0
    for fold, params, width in zip(result.folds, score.params, score.fold_band80, strict=True):
        train = np.setdiff1d(np.arange(30), fold)
        assert width == pytest.approx(np.quantile(np.abs(params["value"] - outcome[train]), 0.8))
        inside += int((np.abs(params["value"] - outcome[fold]) <= width).sum())
    assert score.coverage80 == pytest.approx(inside / 30)


def test_processes_give_the_same_figures_and_report_progress(deu: StakeholderTable) -> None:
    """Check that spreading models and issue slices over two processes changes nothing."""
    table = take_issues(deu, np.flatnonzero(~np.isnan(deu.outcome))[:60])
    procedural = Tuned(
        "procedural",
        functools.partial(ProceduralModel, eu_procedures(read_deu(DEU))),
        {"exponent": [0.5, 1.0], "pull": [0.0, 0.5]},
    )
    models: list[ForecastModel | Tuned] = [CompromiseModel(), MedianModel(), procedural]
    calls: list[tuple[int, int]] = []
    here = backtest(table, models, folds=5, rng=3)
    pooled = backtest(
        table, models, folds=5, rng=3, workers=2, progress=lambda d, t: calls.append((d, t))
    )
    for a, b in zip(here.scores, pooled.scores, strict=True):
        np.testing.assert_array_equal(a.errors, b.errors)
        assert (a.mae, a.coverage80, a.best_params, a.params) == (
            b.mae,
            b.coverage80,
            b.best_params,
            b.params,
        )
    total = calls[-1][1]
    assert [d for d, _ in calls] == list(range(1, total + 1))
    assert total > 2  # models and issue slices, not one task


def test_a_forecast_of_an_issue_depends_on_that_issue_only(deu: StakeholderTable) -> None:
    """Check the independence the pool relies on: slices forecast as the whole table does."""
    from peacetalks.forecasting.registry import MODELS, make_model

    table = take_issues(deu, np.arange(24))
    for name in MODELS:
        whole = make_model(name).fit(table).predict()
        parts = np.concatenate(
            [
                make_model(name).fit(take_issues(table, part)).predict()
                for part in np.array_split(np.arange(24), 3)
            ]
        )
        np.testing.assert_allclose(parts, whole, equal_nan=True, err_msg=name)

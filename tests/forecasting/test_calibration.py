from __future__ import annotations

import numpy as np
import pytest

from peacetalks.briefing.backtest import backtest_data
from peacetalks.forecasting.calibration import band80, deu_accuracy
from peacetalks.forecasting.registry import MODELS
from peacetalks.formats.deu import read_deu
from tests.conftest import DATA

DEU = DATA / "deu" / "deu3_blksv.csv"


def test_every_model_has_stored_accuracy() -> None:
    """Check that the package ships an out-of-sample error and a band for every model."""
    table = deu_accuracy()
    assert set(table.models) == set(MODELS)
    assert (table.n_issues, table.folds, table.seed) == (353, 10, 0)
    assert table.command.startswith("python scripts/measure_forecast_errors.py")
    for accuracy in table.models.values():
        assert accuracy.n_issues == 353
        assert 15 < accuracy.mae < 35
        # The half-width that holds 80% of the errors is wider than the mean error.
        assert accuracy.mae < accuracy.band80 <= 100
        assert 0.75 <= accuracy.coverage80 <= 0.85
    assert table.get("oracle") is None


def test_stored_figures_are_the_measured_ones() -> None:
    """Check the figures of the baseline model against the backtest in docs/forecasting.md."""
    compromise = deu_accuracy().models["compromise"]
    assert compromise.mae == pytest.approx(23.22, abs=0.005)
    assert compromise.se == pytest.approx(1.03, abs=0.005)


@pytest.mark.parametrize(
    ("values", "scale", "half_width", "expected"),
    [
        ([50.0], [[0.0, 100.0]], 10.0, [[40.0, 60.0]]),
        ([5.0], [[0.0, 100.0]], 10.0, [[0.0, 15.0]]),
        ([98.0], [[0.0, 100.0]], 10.0, [[88.0, 100.0]]),
        ([5.0], [[0.0, 10.0]], 10.0, [[4.0, 6.0]]),
        ([4.0], [[4.0, 10.0]], 50.0, [[4.0, 7.0]]),
        ([np.nan], [[0.0, 100.0]], 10.0, [[np.nan, np.nan]]),
    ],
)
def test_band_is_scaled_to_the_issue_and_clipped(
    values: list[float], scale: list[list[float]], half_width: float, expected: list[list[float]]
) -> None:
    """Check that the band's half-width is on a 0-100 scale, rescaled and clipped per issue."""
    got = band80(np.array(values), np.array(scale), half_width)
    np.testing.assert_allclose(got, expected)


@pytest.mark.slow
def test_stored_figures_match_a_fresh_backtest() -> None:
    """Check that the stored figures are what the backtest gives today on DEU III."""
    stored = deu_accuracy()
    deu = read_deu(DEU)
    fresh = backtest_data(deu.table, list(MODELS), deu=deu, folds=stored.folds, seed=stored.seed)
    for entry in fresh["models"]:
        accuracy = stored.models[entry["name"]]
        assert accuracy.mae == pytest.approx(entry["mae"], abs=1e-4)
        assert accuracy.se == pytest.approx(entry["se"], abs=1e-4)
        assert accuracy.band80 == pytest.approx(entry["band80"], abs=1e-4)
        assert accuracy.coverage80 == pytest.approx(entry["coverage80"], abs=1e-4)
        assert accuracy.params == entry["best_params"]

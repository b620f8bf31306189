"""How well each forecasting model forecast known outcomes: the backtest as a document."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from peacetalks.forecasting.backtest import Tuned, backtest
from peacetalks.forecasting.base import ForecastModel
from peacetalks.forecasting.procedural import ProceduralModel, eu_procedures
from peacetalks.forecasting.registry import make_model
from peacetalks.formats.deu import DeuData
from peacetalks.scenario.stakeholders import StakeholderTable

__all__ = ["PROCEDURAL_GRID", "backtest_data"]

# The procedural model's parameters are chosen by cross-validation on this grid.
PROCEDURAL_GRID = {
    "exponent": [0.25, 0.5, 0.75, 1.0],
    "unanimity_exponent": [0.0, 0.25, 0.5, 0.75, 1.0],
    "pull": [0.0, 0.1, 0.25, 0.5, 1.0],
}


def _candidates(name: str, deu: DeuData | None) -> ForecastModel | Tuned:
    if name == "procedural":
        procedures = eu_procedures(deu) if deu is not None else None
        return Tuned("procedural", functools.partial(ProceduralModel, procedures), PROCEDURAL_GRID)
    return make_model(name)


def backtest_data(
    table: StakeholderTable,
    names: list[str],
    *,
    deu: DeuData | None = None,
    folds: int = 10,
    seed: int = 0,
    workers: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Return each model's mean absolute error on the table's outcomes, cross-validated.

    ``models`` lists, per model, ``name``, ``mae`` (out of fold for tuned models), ``se``,
    ``in_sample_mae``, ``n_issues``, ``best_params``, ``fold_mae``, ``band80`` (half-width
    of the 80% band on the 0-100 scale: the 80% quantile of the out-of-sample absolute
    errors), ``coverage80`` (share of held-out outcomes inside the band learned on the
    other folds) and ``fold_band80`` (the half-width learned for each fold). ``workers``
    processes share the work (0: this process; the figures are the same) and
    ``progress(done, total)`` is called after each of its tasks.
    """
    result = backtest(
        table,
        [_candidates(n, deu) for n in names],
        folds=folds,
        rng=seed,
        workers=workers,
        progress=progress,
    )
    return {
        "source": table.name,
        "folds": folds,
        "seed": seed,
        "n_issues": len(result.scores[0].errors) if result.scores else 0,
        "models": [
            {
                "name": score.name,
                "mae": score.mae,
                "se": score.se,
                "in_sample_mae": score.in_sample_mae,
                "n_issues": score.n_issues,
                "tuned": bool(score.params),
                "best_params": score.best_params,
                "fold_mae": list(score.fold_mae),
                "band80": score.band80,
                "coverage80": score.coverage80,
                "fold_band80": list(score.fold_band80),
            }
            for score in result.scores
        ],
    }

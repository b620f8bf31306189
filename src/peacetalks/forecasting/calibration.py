"""How good each model's forecasts have been: stored out-of-sample errors and 80% bands.

The figures come from a cross-validated backtest on the DEU III data (353 issues of EU
legislation with known outcomes; see :mod:`peacetalks.forecasting.backtest`), measured
once by ``scripts/measure_forecast_errors.py`` and stored with the package in
``peacetalks/data/forecast_errors.json``, so that a forecast can say how far off its
model has been without the data file at run time.

Every forecast's 80% band is the forecast plus or minus the model's ``band80`` (the 80%
quantile of its out-of-sample absolute errors on a 0-100 scale), scaled to the issue's
scale and clipped to it. ``coverage80`` says how often such a band, learned on nine
folds, held the outcome of the tenth.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["AccuracyTable", "ModelAccuracy", "band80", "deu_accuracy"]

FloatArray = npt.NDArray[np.float64]

RESOURCE = "forecast_errors.json"
"""The file in ``peacetalks.data`` that holds the figures."""


@dataclass(frozen=True)
class ModelAccuracy:
    """One model's out-of-sample accuracy on the DEU III data (0-100 scale).

    Attributes
    ----------
    model : str
    mae : float
        Mean absolute error, out of sample.
    se : float
        Standard error of ``mae``.
    band80 : float
        Half-width of the 80% band: the 80% quantile of the absolute errors.
    coverage80 : float
        Share of held-out outcomes inside the band learned on the other folds.
    n_issues : int
    params : dict
        Parameters chosen by cross-validation (tuned models); empty otherwise.
    """

    model: str
    mae: float
    se: float
    band80: float
    coverage80: float
    n_issues: int
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the record as JSON-ready data (``model`` is left out: it is the key)."""
        return {
            "mae": self.mae,
            "se": self.se,
            "band80": self.band80,
            "coverage80": self.coverage80,
            "n_issues": self.n_issues,
            "params": dict(self.params),
        }


@dataclass(frozen=True)
class AccuracyTable:
    """Every model's stored accuracy, with how and when it was measured.

    Attributes
    ----------
    data : str
        The data set, cited.
    n_issues : int
    folds, seed : int
        The cross-validation.
    measured : str
        ISO date of the measurement.
    command : str
        The command that produced the figures.
    models : dict from model name to ModelAccuracy
    """

    data: str
    n_issues: int
    folds: int
    seed: int
    measured: str
    command: str
    models: dict[str, ModelAccuracy]

    def get(self, model: str) -> ModelAccuracy | None:
        """Return a model's accuracy, or None if it was not measured."""
        return self.models.get(model)

    def about(self) -> dict[str, Any]:
        """Return how the figures were measured, JSON-ready (without the figures)."""
        return {
            "data": self.data,
            "n_issues": self.n_issues,
            "folds": self.folds,
            "seed": self.seed,
            "measured": self.measured,
            "command": self.command,
        }


def _table(document: dict[str, Any]) -> AccuracyTable:
    return AccuracyTable(
        data=document["data"],
        n_issues=int(document["n_issues"]),
        folds=int(document["folds"]),
        seed=int(document["seed"]),
        measured=document["measured"],
        command=document["command"],
        models={
            name: ModelAccuracy(
                model=name,
                mae=float(entry["mae"]),
                se=float(entry["se"]),
                band80=float(entry["band80"]),
                coverage80=float(entry["coverage80"]),
                n_issues=int(entry["n_issues"]),
                params=dict(entry.get("params", {})),
            )
            for name, entry in document["models"].items()
        },
    )


@functools.cache
def deu_accuracy() -> AccuracyTable:
    """Return the stored out-of-sample accuracy of every model on DEU III."""
    text = resources.files("peacetalks.data").joinpath(RESOURCE).read_text(encoding="utf-8")
    return _table(json.loads(text))


def band80(values: FloatArray, scale: FloatArray, half_width: float) -> FloatArray:
    """Return the 80% band around each forecast, clipped to the issue's scale.

    Parameters
    ----------
    values : ndarray of shape (n_issues,)
        Forecasts; NaN where there is none.
    scale : ndarray of shape (n_issues, 2)
        Low and high end of each issue's scale.
    half_width : float
        Half-width on a 0-100 scale (a model's ``band80``).

    Returns
    -------
    ndarray of shape (n_issues, 2)
        Low and high end of each band; NaN where there is no forecast.
    """
    low, high = scale[:, 0], scale[:, 1]
    reach = half_width * (high - low) / 100.0
    bands: FloatArray = np.stack(
        [np.clip(values - reach, low, high), np.clip(values + reach, low, high)], axis=1
    )
    return bands

"""The compromise model: the capability x salience weighted mean of positions (Achen)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from peacetalks.forecasting.base import ForecastModel
from peacetalks.forecasting.weighted import weighted_mean, weighted_median

__all__ = ["CompromiseModel", "MedianModel"]

FloatArray = npt.NDArray[np.float64]


class CompromiseModel(ForecastModel):
    """Forecast each issue at the capability x salience weighted mean of positions.

    Achen's compromise model: every actor pulls the outcome towards its position in
    proportion to its clout on the issue. It is the baseline that the DEU studies report
    (mean absolute error 23.2 on the 0-100 scale with GDP as capability).
    """

    name = "compromise"

    def simulate(
        self, positions: FloatArray, saliences: FloatArray, capabilities: FloatArray
    ) -> FloatArray:
        """Return the weighted mean per run and issue, of shape (n_runs, n_issues)."""
        weights = capabilities[:, :, None] * saliences
        return weighted_mean(positions, weights, axis=1)

    def mean_weights(
        self, positions: FloatArray, saliences: FloatArray, capabilities: FloatArray
    ) -> FloatArray:
        """Return capability x salience, of shape (n_actors, n_issues)."""
        weights: FloatArray = capabilities[:, None] * saliences
        return weights


class MedianModel(ForecastModel):
    """Forecast each issue at the capability x salience weighted median of positions.

    The position that no weighted majority would vote to move away from (Black's median
    voter with weighted votes).
    """

    name = "median"

    def simulate(
        self, positions: FloatArray, saliences: FloatArray, capabilities: FloatArray
    ) -> FloatArray:
        """Return the weighted median per run and issue, of shape (n_runs, n_issues)."""
        weights = capabilities[:, :, None] * saliences
        return weighted_median(positions, weights, axis=1)

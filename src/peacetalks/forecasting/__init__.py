"""Forecasting models: where each issue will settle, how sure that is, and what moves it.

(The sweep function itself is ``peacetalks.forecasting.sweep.sweep``; it is not re-exported
here, so that the name keeps meaning the module.)

Every model has one shape: ``fit(table_or_scenario)`` returns the model, ``predict()``
one value per issue on the issue's scale, ``forecast()`` the value with its rounds, and a
batched kernel ``simulate`` that Monte Carlo and sensitivity call once on all variants.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from peacetalks import _lazy

if TYPE_CHECKING:
    from peacetalks.forecasting.backtest import (
        BacktestResult,
        ModelScore,
        Tuned,
        backtest,
    )
    from peacetalks.forecasting.base import (
        Forecast,
        ForecastModel,
        Round,
        as_table,
    )
    from peacetalks.forecasting.compromise import (
        CompromiseModel,
        MedianModel,
    )
    from peacetalks.forecasting.expected_utility import (
        BdmScholzModel,
        ExpectedUtilityModel,
    )
    from peacetalks.forecasting.montecarlo import (
        MonteCarloResult,
        draw_inputs,
        monte_carlo,
    )
    from peacetalks.forecasting.nash_point import (
        NashPointModel,
    )
    from peacetalks.forecasting.procedural import (
        ProceduralModel,
        Procedure,
        eu_procedures,
    )
    from peacetalks.forecasting.registry import (
        make_model,
    )
    from peacetalks.forecasting.sensitivity import (
        Sensitivity,
        one_at_a_time,
        what_if,
    )
    from peacetalks.forecasting.smp import (
        SmpModel,
        smp_data,
    )
    from peacetalks.forecasting.sweep import (
        SweepAxis,
        SweepResult,
        read_sweep_spec,
        sweep_points,
    )
    from peacetalks.forecasting.weighted import (
        weighted_mean,
        weighted_median,
    )

# Each name is imported from its module on first use (see peacetalks._lazy).
_WHERE = {
    "BacktestResult": "peacetalks.forecasting.backtest",
    "ModelScore": "peacetalks.forecasting.backtest",
    "Tuned": "peacetalks.forecasting.backtest",
    "backtest": "peacetalks.forecasting.backtest",
    "Forecast": "peacetalks.forecasting.base",
    "ForecastModel": "peacetalks.forecasting.base",
    "Round": "peacetalks.forecasting.base",
    "as_table": "peacetalks.forecasting.base",
    "CompromiseModel": "peacetalks.forecasting.compromise",
    "MedianModel": "peacetalks.forecasting.compromise",
    "BdmScholzModel": "peacetalks.forecasting.expected_utility",
    "ExpectedUtilityModel": "peacetalks.forecasting.expected_utility",
    "MonteCarloResult": "peacetalks.forecasting.montecarlo",
    "draw_inputs": "peacetalks.forecasting.montecarlo",
    "monte_carlo": "peacetalks.forecasting.montecarlo",
    "NashPointModel": "peacetalks.forecasting.nash_point",
    "ProceduralModel": "peacetalks.forecasting.procedural",
    "Procedure": "peacetalks.forecasting.procedural",
    "eu_procedures": "peacetalks.forecasting.procedural",
    "make_model": "peacetalks.forecasting.registry",
    "Sensitivity": "peacetalks.forecasting.sensitivity",
    "one_at_a_time": "peacetalks.forecasting.sensitivity",
    "what_if": "peacetalks.forecasting.sensitivity",
    "SmpModel": "peacetalks.forecasting.smp",
    "smp_data": "peacetalks.forecasting.smp",
    "SweepAxis": "peacetalks.forecasting.sweep",
    "SweepResult": "peacetalks.forecasting.sweep",
    "read_sweep_spec": "peacetalks.forecasting.sweep",
    "sweep_points": "peacetalks.forecasting.sweep",
    "weighted_mean": "peacetalks.forecasting.weighted",
    "weighted_median": "peacetalks.forecasting.weighted",
}

__all__ = [
    "BacktestResult",
    "BdmScholzModel",
    "CompromiseModel",
    "ExpectedUtilityModel",
    "Forecast",
    "ForecastModel",
    "MedianModel",
    "ModelScore",
    "MonteCarloResult",
    "NashPointModel",
    "ProceduralModel",
    "Procedure",
    "Round",
    "Sensitivity",
    "SmpModel",
    "SweepAxis",
    "SweepResult",
    "Tuned",
    "as_table",
    "backtest",
    "draw_inputs",
    "eu_procedures",
    "make_model",
    "monte_carlo",
    "one_at_a_time",
    "read_sweep_spec",
    "smp_data",
    "sweep_points",
    "weighted_mean",
    "weighted_median",
    "what_if",
]

__getattr__ = _lazy.exports(__name__, _WHERE)

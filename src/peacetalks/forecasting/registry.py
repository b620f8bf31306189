"""The forecasting models by name, as the command line and the web API offer them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from peacetalks.errors import ParameterError
from peacetalks.forecasting.base import ForecastModel
from peacetalks.forecasting.compromise import CompromiseModel, MedianModel
from peacetalks.forecasting.expected_utility import BdmScholzModel, ExpectedUtilityModel
from peacetalks.forecasting.nash_point import NashPointModel
from peacetalks.forecasting.procedural import ProceduralModel
from peacetalks.forecasting.smp import SmpModel

__all__ = ["MODELS", "make_model"]

# name -> (factory taking the options the model accepts, the options it accepts)
MODELS: dict[str, tuple[Callable[..., ForecastModel], tuple[str, ...]]] = {
    "compromise": (CompromiseModel, ()),
    "median": (MedianModel, ()),
    "nash": (NashPointModel, ()),
    "bdm": (ExpectedUtilityModel, ("rounds", "q")),
    "bdm-scholz": (BdmScholzModel, ("rounds", "q")),
    "procedural": (ProceduralModel, ()),
    "smp": (SmpModel, ("seed",)),
}


def make_model(name: str, **options: Any) -> ForecastModel:
    """Return a new model by name, passing the options it accepts and ignoring unset ones.

    Raises
    ------
    ParameterError
        If the name is unknown, or an option is set that the model does not take.
    """
    if name not in MODELS:
        msg = f"unknown model {name!r}. Expected one of: {', '.join(MODELS)}."
        raise ParameterError(msg, parameter="model", value=name)
    factory, accepted = MODELS[name]
    given = {key: value for key, value in options.items() if value is not None}
    refused = sorted(set(given) - set(accepted))
    if refused:
        takes = ", ".join(accepted) if accepted else "no options"
        msg = f"the {name} model does not take {', '.join(refused)} (it takes {takes})."
        raise ParameterError(msg, parameter=refused[0], value=given[refused[0]])
    return factory(**given)

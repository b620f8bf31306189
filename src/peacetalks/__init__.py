"""peacetalks: model multi-party peace negotiations and compute on them."""

from peacetalks.errors import (
    FrontTooLargeError,
    NotFoundError,
    ParameterError,
    PeacetalksError,
    ScenarioError,
)

__version__ = "0.1.0"

__all__ = [
    "FrontTooLargeError",
    "NotFoundError",
    "ParameterError",
    "PeacetalksError",
    "ScenarioError",
    "__version__",
]

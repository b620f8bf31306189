"""The analyses' parameter models: in step with the registries they spell out."""

from __future__ import annotations

from typing import get_args

import pytest
from pydantic import ValidationError

from peacetalks.errors import NotFoundError
from peacetalks.forecasting.registry import MODELS
from peacetalks.protocols import STRATEGIES
from peacetalks.web.runners import (
    KINDS,
    EvaluateParameters,
    ModelName,
    Strategy,
    parameters_model,
)


def test_literals_list_the_registries() -> None:
    """Check that the schema's model and strategy names are exactly the registries'."""
    assert set(get_args(ModelName)) == set(MODELS)
    assert set(get_args(Strategy)) == set(STRATEGIES)


def test_every_kind_has_a_parameters_model() -> None:
    """Check that each kind maps to a model whose defaults validate (but evaluate's)."""
    assert KINDS == (
        "evaluate",
        "deals",
        "forecast",
        "ratify",
        "stress",
        "negotiate",
        "compare",
        "timeline",
    )
    for kind in ("deals", "forecast", "negotiate", "timeline"):
        parameters_model(kind).model_validate({})
    with pytest.raises(NotFoundError) as caught:
        parameters_model("poll")
    assert str(caught.value) == (
        "No analysis 'poll'. The analyses are: evaluate, deals, forecast, ratify, stress, "
        "negotiate, compare, timeline."
    )


@pytest.mark.parametrize("given", [{}, {"proposal": "a", "deal": {"i": "o"}}])
def test_evaluate_needs_exactly_one_of_proposal_or_deal(given: dict[str, object]) -> None:
    """Check the one-of rule and its message."""
    with pytest.raises(ValidationError) as caught:
        EvaluateParameters.model_validate(given)
    got = "neither" if not given else "both"
    assert f"give exactly one of 'proposal' (an id) or 'deal' (issue to option); got {got}" in str(
        caught.value
    )

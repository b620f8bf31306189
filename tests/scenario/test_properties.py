"""Properties: random valid scenarios load, compile and evaluate consistently."""

from __future__ import annotations

from typing import Any

import numpy as np
import yaml
from hypothesis import given, settings

from peacetalks.briefing import assess_proposal
from peacetalks.scenario import compile_scenario, parse_scenario
from tests.scenario_strategies import scenario_data


def _utility(data: dict[str, Any], actor: str, deal: dict[str, str]) -> float:
    positions = [p for p in data["positions"] if p["actor"] == actor]
    total = sum(p["salience"] for p in positions)
    value = 0.0
    for p in positions:
        issue = next(i for i in data["issues"] if i["id"] == p["issue"])
        option = deal[p["issue"]]
        if "utilities" in p:
            u = p["utilities"][option]
        else:
            where = next(o["position"] for o in issue["options"] if o["id"] == option)
            d = abs(where - p["ideal"]) / 100
            u = 1 - d if p["curve"] == "linear" else 1 - d * d
        value += p["salience"] / total * u
    return value


@settings(max_examples=60, deadline=None)
@given(scenario_data())
def test_random_scenarios_load_compile_evaluate(data: dict[str, Any]) -> None:
    """Check that a random valid scenario loads from YAML, compiles and evaluates by hand."""
    scenario = parse_scenario(yaml.safe_dump(data, sort_keys=False), source="random.yaml")
    compiled = compile_scenario(scenario)
    np.testing.assert_allclose(compiled.weights.sum(axis=1), 1.0)
    assert compiled.utilities.min() >= 0.0
    assert compiled.utilities.max() <= 1.0
    for proposal in data["proposals"]:
        result = assess_proposal(scenario, proposal["id"], compiled=compiled)
        for verdict in result.actors:
            expected = _utility(data, verdict.id, result.deal)
            assert abs(verdict.utility - expected) < 1e-9
            crossed = any(
                result.deal[p["issue"]] in p.get("red_lines", [])
                for p in data["positions"]
                if p["actor"] == verdict.id
            )
            reservation = next(a["reservation"] for a in data["actors"] if a["id"] == verdict.id)
            assert verdict.acceptable == (not crossed and expected >= reservation - 1e-12)
        vetoes = {a["id"] for a in data["actors"] if a["veto"]}
        assert set(result.blockers) == {
            v.id for v in result.actors if v.id in vetoes and not v.acceptable
        }

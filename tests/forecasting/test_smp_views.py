from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from peacetalks.forecasting.smp import SmpModel
from peacetalks.forecasting.smp_views import effective_power, quadrant, smp_views
from peacetalks.formats.smp_csv import read_smp_csv
from tests.conftest import DATA

SMP = DATA / "ktab" / "smp"


def test_views_are_in_the_forecast_json() -> None:
    """Check that the SMP forecast JSON carries the three views, ready to draw."""
    table = read_smp_csv(SMP / "dummyData_3Dim.csv")
    data = SmpModel().fit(table).forecast().to_dict()
    json.dumps(data)
    views = data["views"]
    series = views["positions_by_dimension"]
    assert list(series) == ["Pstn1", "Pstn2", "Pstn3"]
    assert len(series["Pstn1"]["SActor-00"]) == len(data["turns"]) == 11
    for t, turn in enumerate(data["turns"]):
        for actor, position in turn["positions"].items():
            assert series["Pstn2"][actor][t] == position["Pstn2"]
    power = views["effective_power"]
    assert power["by_dimension"]["Pstn1"]["SActor-00"] == pytest.approx(102.543 * 0.4953)
    assert sum(power["shares"]["Pstn3"].values()) == pytest.approx(1.0)
    assert power["total"]["SActor-00"] == pytest.approx(102.543 * (0.4953 + 0.0591 + 0.2815))
    assert [q["turn"] for q in views["quadrant"]] == [0, 10]
    assert len(views["quadrant"][0]["pairs"]) == 7 * 6


def test_quadrant_agrees_with_the_challenges_of_the_run() -> None:
    """Check that each actor's best eu_i is the challenge it made in the first turn."""
    table = read_smp_csv(SMP / "SOE-Pol-Comp.csv")
    model = SmpModel().fit(table)
    trajectory = model.run()
    pairs = quadrant(table, trajectory.states[0], model.options)
    step = trajectory.steps[0]
    for a, actor in enumerate(table.actor_ids):
        own = [p for p in pairs if p["actor"] == actor]
        best = max(own, key=lambda p: p["eu_i"])
        if step.targets[a] >= 0:
            assert best["other"] == table.actor_ids[int(step.targets[a])]
            assert best["eu_i"] == pytest.approx(float(step.gains[a]), abs=1e-12)
            assert best["probability"] == pytest.approx(float(step.probabilities[a]), abs=1e-12)
        for p in own:
            assert p["quadrant"] == (
                "conflict"
                if p["eu_i"] > 0 and p["eu_j"] > 0
                else "i_prevails"
                if p["eu_i"] > 0
                else "j_prevails"
                if p["eu_j"] > 0
                else "status_quo"
            )


def test_views_choose_quadrant_turns() -> None:
    """Check that quadrant_turns picks turns, negative ones from the end, out-of-range dropped."""
    table = read_smp_csv(SMP / "dummyData_3Dim.csv")
    model = SmpModel().fit(table)
    trajectory = model.run()
    views = smp_views(table, trajectory, model.options, quadrant_turns=(1, -1, 99))
    assert [q["turn"] for q in views["quadrant"]] == [1, 10]


def test_effective_power_shares_with_zero_salience() -> None:
    """Check that a dimension nobody cares about has zero shares, not NaN."""
    table = read_smp_csv(SMP / "dummyData_3Dim.csv")
    saliences = np.array(table.saliences)
    saliences[:, 0] = 0.0
    power = effective_power(replace(table, saliences=saliences))
    assert set(power["shares"]["Pstn1"].values()) == {0.0}

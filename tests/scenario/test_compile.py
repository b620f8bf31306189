"""Compilation of a scenario into arrays."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from peacetalks.errors import ScenarioError
from peacetalks.scenario import compile_scenario, load_scenario, option_utilities


def test_small_arrays(small_path: Path) -> None:
    """Check every array of the small scenario against hand-computed values."""
    c = compile_scenario(load_scenario(small_path))
    assert c.actor_ids == ("north", "south", "broker")
    assert c.option_ids == (("status-quo", "half", "all"), ("open", "closed"))
    np.testing.assert_array_equal(c.option_counts, [3, 2])
    np.testing.assert_array_equal(c.option_mask, [[True, True, True], [True, True, False]])
    np.testing.assert_allclose(c.weights, [[0.75, 0.25], [0.8, 0.2], [0.0, 1.0]])
    np.testing.assert_allclose(c.utilities[0, 0], [0.0, 0.5, 1.0])
    np.testing.assert_allclose(c.utilities[1, 0], [1.0, 0.5, 0.0])
    np.testing.assert_allclose(c.utilities[2, 1, :2], [1.0, 0.25])
    np.testing.assert_array_equal(c.has_position[2], [False, True])
    assert np.isnan(c.ideal_points[2, 0])
    assert c.red_lines[1, 0, 2]
    assert c.red_lines.sum() == 1
    np.testing.assert_array_equal(c.default_options, [0, -1])
    np.testing.assert_array_equal(c.veto, [True, True, False])
    np.testing.assert_allclose(c.reservations, [0.5, 0.4, 0.0])
    np.testing.assert_allclose(c.capability_ranges, [[2, 2], [1, 1], [1, 1]])


def test_arrays_are_read_only(small_path: Path) -> None:
    """Check that the compiled arrays cannot be changed in place."""
    c = compile_scenario(load_scenario(small_path))
    with pytest.raises(ValueError, match="read-only"):
        c.utilities[0, 0, 0] = 1.0


def test_tables_match_weighted_utilities(small_path: Path) -> None:
    """Check that the per-issue tables drop the padding and keep the weights."""
    c = compile_scenario(load_scenario(small_path))
    tables = c.tables()
    assert [t.shape for t in tables] == [(3, 3), (3, 2)]
    np.testing.assert_allclose(tables[0][0], [0.0, 0.375, 0.75])
    admissible = c.admissible()
    assert not admissible[0][1, 2]
    assert admissible[0].sum() == 8


def test_deal_indices_with_default(small_path: Path) -> None:
    """Check that a deal that leaves out an issue takes its default option."""
    c = compile_scenario(load_scenario(small_path))
    indices, defaulted = c.deal_indices({"trade": "closed"})
    np.testing.assert_array_equal(indices, [0, 1])
    assert defaulted == ("border",)


def test_deal_indices_errors(small_path: Path) -> None:
    """Check that a deal with unknown ids or a missing issue is refused with every problem."""
    c = compile_scenario(load_scenario(small_path))
    with pytest.raises(ScenarioError) as info:
        c.deal_indices({"border": "most", "tariff": "x"})
    assert str(info.value) == (
        "3 problems\n"
        "  - deal.border: unknown option 'most' of issue 'border'. "
        "Expected one of: status-quo, half, all.\n"
        "  - deal.tariff: unknown issue 'tariff'. Expected one of: border, trade.\n"
        "  - deal: the deal does not address issue 'trade', which has no default option. "
        "Add 'trade: <option id>' to the deal."
    )


@pytest.mark.parametrize(
    ("curve", "expected"),
    [("linear", [0.7, 0.9, 0.6]), ("quadratic", [0.91, 0.99, 0.84])],
)
def test_option_utilities(curve: str, expected: list[float]) -> None:
    """Check the linear and quadratic utility of distance on hand-computed points."""
    got = option_utilities(np.array([0.0, 40.0, 70.0]), 30.0, curve=curve)
    np.testing.assert_allclose(got, expected)

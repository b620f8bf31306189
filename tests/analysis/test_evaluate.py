"""Deal evaluation kernels on hand-checked arrays."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from peacetalks.analysis import blocking_issues, deal_utilities, evaluate_deal, red_lines_crossed
from peacetalks.errors import ParameterError

# Two actors, three issues of 2, 3 and 2 options (padding at [.., 0, 2] and [.., 2, 2]).
WEIGHTED = np.array(
    [
        [[0.5, 0.0, 0.0], [0.0, 0.1, 0.3], [0.2, 0.0, 0.0]],
        [[0.0, 0.4, 0.0], [0.3, 0.2, 0.0], [0.0, 0.3, 0.0]],
    ]
)
MASK = np.array([[True, True, False], [True, True, True], [True, True, False]])
RED = np.zeros((2, 3, 3), dtype=bool)
RED[1, 0, 0] = True


def _evaluate(deal: npt.ArrayLike, reservations: tuple[float, float] = (0.5, 0.5)):  # type: ignore[no-untyped-def]
    return evaluate_deal(
        WEIGHTED, RED, np.array(reservations), np.array([True, True]), deal, option_mask=MASK
    )


def test_deal_utilities_by_hand() -> None:
    """Check utilities of three deals summed by hand."""
    got = deal_utilities(WEIGHTED, [[0, 2, 0], [1, 0, 1], [0, 1, 1]])
    np.testing.assert_allclose(got, [[1.0, 0.0, 0.6], [0.0, 1.0, 0.5]])


def test_single_deal_gives_one_column() -> None:
    """Check that a 1-d deal is one deal."""
    assert deal_utilities(WEIGHTED, [0, 0, 0]).shape == (2, 1)


def test_red_lines_crossed() -> None:
    """Check that the red line of actor 1 on issue 0 option 0 is found."""
    crossed = red_lines_crossed(RED, [[0, 0, 0], [1, 0, 0]])
    assert crossed.shape == (2, 2, 3)
    assert crossed[1, 0, 0]
    assert crossed.sum() == 1


def test_evaluate_acceptable_and_blocked() -> None:
    """Check acceptability: red line, reservation, and the blocker list."""
    ev = _evaluate([0, 1, 1])
    np.testing.assert_allclose(ev.utilities, [0.6, 0.5])
    np.testing.assert_array_equal(ev.acceptable, [True, False])  # red line for actor 1
    np.testing.assert_array_equal(ev.blockers, [1])
    assert not ev.passes
    ev2 = _evaluate([1, 1, 0])
    np.testing.assert_allclose(ev2.utilities, [0.3, 0.6])
    np.testing.assert_array_equal(ev2.acceptable, [False, True])
    np.testing.assert_allclose(ev2.shortfalls, [0.2, 0.0])


def test_utility_equal_to_reservation_is_acceptable() -> None:
    """Check that a deal worth exactly the reservation is accepted."""
    ev = _evaluate([1, 0, 1], reservations=(0.0, 1.0))
    assert ev.utilities[1] == pytest.approx(1.0)
    assert ev.acceptable[1]


def test_issue_losses_and_blocking_issues() -> None:
    """Check losses against each issue's best option, red lines first, zero losses left out."""
    ev = _evaluate([0, 1, 1])
    np.testing.assert_allclose(ev.issue_losses[1], [0.4, 0.1, 0.0])
    np.testing.assert_allclose(ev.issue_losses[0], [0.0, 0.2, 0.2])
    np.testing.assert_array_equal(blocking_issues(ev, 1), [0, 1])
    np.testing.assert_array_equal(blocking_issues(ev, 0, limit=1), [1])


def test_blocking_issues_put_red_lines_first() -> None:
    """Check that a red-line issue outranks a larger plain loss."""
    weighted = np.array([[[0.1, 0.0], [0.9, 0.0]]])
    red = np.zeros((1, 2, 2), dtype=bool)
    red[0, 0, 1] = True
    ev = evaluate_deal(
        weighted, red, np.array([0.0]), np.array([True]), [1, 1], option_mask=np.ones((2, 2), bool)
    )
    np.testing.assert_array_equal(blocking_issues(ev, 0), [0, 1])


@pytest.mark.parametrize(
    ("deal", "message"),
    [
        (
            [0, 1],
            r"The 'deals' parameter must have shape \(n_deals, 3\) or \(3,\). Got shape \(2,\) instead.",
        ),
        (
            [0.0, 1.0, 0.0],
            r"The 'deals' parameter must hold option indices \(integers\). Got float64.",
        ),
        ([0, 3, 0], r"The 'deals' parameter holds an option index outside its issue's options"),
        ([[0, 0, 0], [1, 1, 1]], r"The 'deal' parameter must be one deal. Got 2 deals instead."),
    ],
)
def test_bad_deals(deal: list[int], message: str) -> None:
    """Check the messages for deals of the wrong shape, type or range."""
    with pytest.raises(ParameterError, match=message):
        _evaluate(deal)

"""Amendments and logrolls, checked by brute force on small spaces."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peacetalks.analysis.amend import amendments
from peacetalks.analysis.logroll import logrolls
from peacetalks.errors import ParameterError

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
Tables = list[FloatArray]
Space = tuple[Tables, list[BoolArray], FloatArray, BoolArray, IntArray]


def _utils(tables: Tables, deal: npt.ArrayLike) -> FloatArray:
    """Return every actor's utility of a deal, summed issue by issue."""
    picked = [t[:, int(o)] for t, o in zip(tables, np.asarray(deal).tolist(), strict=True)]
    total: FloatArray = np.sum(picked, axis=0)
    return total


@st.composite
def small_spaces(draw: st.DrawFn) -> Space:
    n_actors = draw(st.integers(2, 3))
    n_issues = draw(st.integers(1, 4))
    counts = [draw(st.integers(1, 4)) for _ in range(n_issues)]
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    tables = [rng.random((n_actors, c)) / n_issues for c in counts]
    admissible = [rng.random((n_actors, c)) > 0.15 for c in counts]
    reservations = rng.random(n_actors) * 0.8
    veto = rng.random(n_actors) > 0.3
    deal = np.array([rng.integers(c) for c in counts], dtype=np.int64)
    return tables, admissible, reservations, veto, deal


def _acceptable_deals(space: Space) -> Iterator[tuple[IntArray, FloatArray]]:
    tables, admissible, reservations, veto, _ = space
    for combo in itertools.product(*[range(t.shape[1]) for t in tables]):
        utils = _utils(tables, combo)
        red = any(
            not m[a, o]
            for m, o in zip(admissible, combo, strict=True)
            for a in np.flatnonzero(veto)
        )
        if not red and (utils[veto] >= reservations[veto] - 1e-12).all():
            yield np.array(combo, dtype=np.int64), utils


def _dominated(utils: FloatArray, others: list[FloatArray]) -> bool:
    """Return whether another vector is as good for every actor and better for one."""
    return any(bool((o >= utils).all() and (o > utils).any()) for o in others)


@settings(max_examples=150, deadline=None)
@given(small_spaces(), st.integers(0, 3))
def test_amendment_is_minimal(space: Space, n_authors: int) -> None:
    """Check that amendments are minimal, undominated and ranked by the authors' loss."""
    tables, admissible, reservations, veto, deal = space
    authors = list(range(min(n_authors, tables[0].shape[0])))
    result = amendments(
        tables, deal, reservations, veto=veto, admissible=admissible, authors=authors, limit=1000
    )
    base_utils = _utils(tables, deal)
    brute = [(combo, utils) for combo, utils in _acceptable_deals(space)]
    if not brute:
        assert not result.possible
        return
    assert result.possible
    fewest = min(int((combo != deal).sum()) for combo, _ in brute)
    same_size = [utils for combo, utils in brute if int((combo != deal).sum()) == fewest]
    undominated = [u for u in same_size if not _dominated(u, same_size)]
    assert result.n_changes == fewest
    assert result.found == len(same_size)
    assert len(result.amendments) == len(undominated)
    assert result.dominated == len(same_size) - len(undominated)

    def rank(utils: FloatArray) -> tuple[float, float, float]:
        losses = base_utils - utils
        author = float(losses[authors].max()) if authors else 0.0
        return (author, float(losses.max()), float(np.abs(utils - base_utils).sum()))

    best = min(rank(u) for u in undominated)
    np.testing.assert_allclose(rank(result.amendments[0].utilities), best, atol=1e-9)
    for amendment in result.amendments:
        assert len(amendment.changed) == fewest
        utils = _utils(tables, amendment.deal)
        np.testing.assert_allclose(amendment.utilities, utils)
        assert (utils[veto] >= reservations[veto] - 1e-12).all()
        assert not _dominated(utils, same_size)


def test_headline_amendment_is_never_dominated() -> None:
    """Check that an amendment another beats for every actor is dropped, even if it moves less."""
    # One issue, base option 0 fails actor 0's reservation. Option 1 moves little but gives
    # both actors less than option 2, which moves more utility in total.
    tables = [np.array([[0.0, 0.6, 0.7], [0.9, 0.5, 0.85]])]
    result = amendments(tables, [0], [0.5, 0.0])
    assert result.n_changes == 1
    assert [int(a.deal[0]) for a in result.amendments] == [2]
    assert result.dominated == 1


def test_amendments_rank_by_the_authors_loss_first() -> None:
    """Check that the author's smaller loss beats a smaller loss in total."""
    # Option 1: author (actor 1) loses 0.3, actor 0 gains 0.6 (moved 0.9).
    # Option 2: author loses 0.1, actor 0 gains 0.5 ... and actor 2 loses 0.4 (moved 1.0).
    tables = [
        np.array([[0.0, 0.6, 0.5], [0.9, 0.6, 0.8], [0.5, 0.5, 0.1]]),
    ]
    result = amendments(tables, [0], [0.45, 0.0, 0.0], authors=[1])
    assert [int(a.deal[0]) for a in result.amendments] == [2, 1]
    assert result.amendments[0].author_loss == pytest.approx(0.1)
    assert result.amendments[0].worst_loss == pytest.approx(0.4)


def test_amendment_by_hand() -> None:
    """Check one amendment worked out by hand: move issue 1 to option 1."""
    tables = [np.array([[0.5, 0.0], [0.0, 0.5]]), np.array([[0.5, 0.3], [0.0, 0.2]])]
    result = amendments(tables, [0, 0], [0.6, 0.15])
    assert result.n_changes == 1
    first = result.amendments[0]
    np.testing.assert_array_equal(first.deal, [0, 1])
    np.testing.assert_allclose(first.utilities, [0.8, 0.2])
    assert first.moved == pytest.approx(0.4)


def test_passing_deal_needs_no_amendment() -> None:
    """Check that a deal every veto holder accepts needs zero changes."""
    tables = [np.array([[0.5, 0.0], [0.5, 0.5]])]
    result = amendments(tables, [0], [0.4, 0.4])
    assert result.n_changes == 0
    assert result.amendments[0].changed.size == 0


def test_red_lines_that_exclude_every_option_are_named() -> None:
    """Check that no amendment exists when the veto holders' red lines cover an issue."""
    tables = [np.array([[0.5, 0.5], [0.5, 0.5]])]
    admissible = [np.array([[True, False], [False, True]])]
    result = amendments(tables, [0], [0.0, 0.0], admissible=admissible)
    assert not result.possible
    assert len(result.conflicts) == 1
    assert result.conflicts[0].actors_by_option == ((1,), (0,))


def test_unreachable_reservation_is_named() -> None:
    """Check that an actor whose reservation no deal meets is named."""
    tables = [np.array([[0.2, 0.1], [0.5, 0.5]])]
    result = amendments(tables, [0], [0.9, 0.0])
    assert not result.possible
    np.testing.assert_array_equal(result.unreachable, [0])


def test_bad_deal_for_amendments() -> None:
    """Check the message for a deal with an index out of range."""
    with pytest.raises(
        ParameterError,
        match=r"holds an option index outside its issue \(options per issue \[2\]\). Got \[5\] instead.",
    ):
        amendments([np.zeros((2, 2))], [5], [0.0, 0.0])


def test_logroll_by_hand() -> None:
    """Check the textbook logroll: each side wins the issue it cares more about."""
    # Actor 0 cares about issue 0 (weight 0.8), actor 1 about issue 1 (weight 0.8).
    tables = [
        np.array([[0.0, 0.8], [0.2, 0.0]]),
        np.array([[0.2, 0.0], [0.0, 0.8]]),
    ]
    found = logrolls(tables, [0, 0])
    assert len(found) == 1
    roll = found[0]
    assert roll.actors == (0, 1)
    assert roll.issues == (0, 1)
    assert roll.options == (1, 1)
    np.testing.assert_allclose(roll.gains, [0.6, 0.6])
    assert roll.joint_gain == pytest.approx(1.2)


@settings(max_examples=100, deadline=None)
@given(small_spaces())
def test_logrolls_help_both_traders(space: Space) -> None:
    """Check that every logroll found leaves both traders better off, each winning one issue."""
    tables, admissible, _, _, deal = space
    for roll in logrolls(tables, deal, admissible=admissible, limit=100):
        a, b = roll.actors
        i, j = roll.issues
        x, y = roll.options
        assert roll.gains[a] > 0
        assert roll.gains[b] > 0
        assert tables[i][a, x] > tables[i][a, deal[i]]
        assert tables[i][b, x] < tables[i][b, deal[i]]
        assert tables[j][b, y] > tables[j][b, deal[j]]
        assert tables[j][a, y] < tables[j][a, deal[j]]
        utils = _utils(tables, roll.deal)
        base = _utils(tables, deal)
        np.testing.assert_allclose(roll.gains, utils - base, atol=1e-12)

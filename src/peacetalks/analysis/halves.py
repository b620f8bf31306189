"""The acceptable deals as pairs of the fronts of two halves of the issues.

Issues ``0..k-1`` and ``k..n-1`` split an additive deal space in two halves: a deal is a
pair of half-deals, and its utilities are the sum of theirs. If a deal is on the Pareto
front of the acceptable deals (no red line crossed, every actor at or above its
reservation), each of its halves is on its half's front: replacing a dominated half by
its dominator gives a deal that dominates the first and is still acceptable. So the pairs
of the two halves' fronts, each computed with the red lines and with the reservations less
the most the other half can add, hold every deal of the acceptable front, besides
acceptable deals that are dominated and pairs below a reservation, dropped as they are
formed.

Separating the front from those pairs is what costs time (the dominance filter); a rule
whose score no actor's gain can lower (Nash, Kalai-Smorodinsky, egalitarian, utilitarian)
needs no such filter, because its best pair is a front deal or ties with one: it is
maximised over the pairs, and only the few tied best pairs are filtered. On
``ukraine-2025`` (13 issues, 392 million deals) the halves' fronts hold about 1,500 deals
each: 2.3 million pairs, 0.68 million of them acceptable, scored in a fraction of a second,
where the acceptable front (102,716 deals) takes about 5 s.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence

import numpy as np

from peacetalks.analysis._dominance import nondominated
from peacetalks.analysis._memo import Recent, content_key
from peacetalks.analysis._validation import BoolArray, FloatArray, IntArray
from peacetalks.analysis.pareto import (
    ParetoFront,
    additive_utilities,
    pareto_front,
    total_order,
)

__all__ = ["MAX_NEAR", "MAX_PAIRS", "SLACK", "HalfPairs", "half_pairs", "largest_total_front"]

# Pairs formed at once while streaming (bounds the working memory to ~16 MB per actor).
_CHUNK_PAIRS = 1 << 18
# Acceptable pairs kept in memory between passes when there are at most this many.
_CACHE_PAIRS = 1 << 20
# Above this many pairs, streaming them costs more than it saves: callers build the whole
# acceptable front instead.
MAX_PAIRS = 50_000_000
# Near-best candidates are rescored exactly; above this many (many ties), callers build
# the whole acceptable front instead.
MAX_NEAR = 100_000
# The listing first ranks this many pairs per deal wanted by total (widened 4x while too
# few of them are front deals).
_FIRST_CUT = 4
# Pairs are summed in another order than additive_utilities adds issues, so their scores
# may differ from the exact ones in the last bits: candidates are kept this far below the
# best and then rescored from the exact utilities.
SLACK = 1e-6


class HalfPairs:
    """The pairs of two half-spaces' fronts that hold every acceptable front deal.

    Parameters
    ----------
    tables : list of ndarray of shape (n_actors, n_options_i)
        Checked utility tables, one per issue (at least two issues).
    floor : ndarray of shape (n_actors,)
        Reservations (``-inf`` where none).
    masks : list of ndarray of shape (n_actors, n_options_i)
        False where an option crosses an actor's red line.
    tol : float
        Tie tolerance of dominance and of the reservation test.
    max_points : int
        Memory bound of each half's front (see :func:`pareto_front`).
    """

    def __init__(
        self,
        tables: Sequence[FloatArray],
        floor: FloatArray,
        masks: Sequence[BoolArray],
        *,
        tol: float,
        max_points: int,
    ) -> None:
        self.tables = list(tables)
        self.floor = floor
        self.tol = tol
        n_issues, n_actors = len(self.tables), self.tables[0].shape[0]
        allowed: list[BoolArray] = [np.asarray(mask.all(axis=0)) for mask in masks]
        self.empty = any(not a.any() for a in allowed) or n_issues < 2
        self.first = self.second = ParetoFront(
            deals=np.zeros((0, 0), dtype=np.intp), utilities=np.zeros((0, n_actors))
        )
        self._cache: list[tuple[IntArray, FloatArray]] | None = None
        # What the rules of peacetalks.analysis.bargaining found on these pairs, by rule.
        self.solved: dict[str, object] = {}
        if self.empty:
            return
        best = np.array(
            [
                np.where(a[None, :], t, -np.inf).max(axis=1)
                for t, a in zip(tables, allowed, strict=True)
            ]
        )  # (n_issues, n_actors)
        logs = np.cumsum([math.log(int(a.sum())) for a in allowed])
        split = int(np.clip(np.argmin(np.abs(logs - logs[-1] / 2)) + 1, 1, n_issues - 1))
        self.first = pareto_front(
            self.tables[:split],
            reservations=floor - best[split:].sum(axis=0),
            admissible=list(masks[:split]),
            individually_rational=True,
            max_points=max_points,
            tol=tol,
        )
        self.second = pareto_front(
            self.tables[split:],
            reservations=floor - best[:split].sum(axis=0),
            admissible=list(masks[split:]),
            individually_rational=True,
            max_points=max_points,
            tol=tol,
        )
        self.empty = len(self.first) == 0 or len(self.second) == 0

    @property
    def n_pairs(self) -> int:
        """Return the number of pairs, acceptable or not."""
        return 0 if self.empty else len(self.first) * len(self.second)

    def chunks(self) -> Iterator[tuple[IntArray, FloatArray]]:
        """Yield the acceptable pairs in chunks: their ids and utilities ``(n, n_actors)``.

        A pair's id is ``i * len(second) + j`` for half-deals ``i`` and ``j``; its
        utilities are the sum of the halves' (equal to the exact ones to rounding).
        """
        if self._cache is not None:
            yield from self._cache
            return
        if self.empty:
            return
        first, second = self.first.utilities, self.second.utilities
        n_second = second.shape[0]
        rows = max(1, _CHUNK_PAIRS // n_second)
        bar = self.floor - self.tol
        kept: list[tuple[IntArray, FloatArray]] | None = []
        n_kept = 0
        first_columns = np.ascontiguousarray(first.T)
        second_columns = np.ascontiguousarray(second.T)
        for start in range(0, first.shape[0], rows):
            stop = min(start + rows, first.shape[0])
            # Actor by actor on (rows, n_second) grids: no 3-d array of every pair's sums.
            grid = np.ones((stop - start, n_second), dtype=np.bool_)
            for a in range(first.shape[1]):
                grid &= np.add.outer(first_columns[a, start:stop], second_columns[a]) >= bar[a]
            ok = np.flatnonzero(grid)
            chunk = (ok + start * n_second, first[start + ok // n_second] + second[ok % n_second])
            if kept is not None:
                kept.append(chunk)
                n_kept += ok.size
                if n_kept > _CACHE_PAIRS:
                    kept = None
            yield chunk
        if kept is not None:
            self._cache = kept

    def deals(self, ids: IntArray) -> IntArray:
        """Return the deals ``(n, n_issues)`` of the pairs ``ids``."""
        n_second = len(self.second)
        return np.concatenate(
            (self.first.deals[ids // n_second], self.second.deals[ids % n_second]), axis=1
        )

    def exact(self, ids: IntArray) -> tuple[IntArray, FloatArray]:
        """Return the deals of the pairs ``ids`` and their utilities, added in issue order."""
        deals = self.deals(ids)
        return deals, additive_utilities(self.tables, deals)

    def near_best(self, score: Callable[[FloatArray], FloatArray], limit: int) -> IntArray | None:
        """Return the ids of the acceptable pairs whose score is near the best.

        ``score`` maps utilities ``(n, n_actors)`` to ``(n,)``. Every pair within
        ``tol`` of the best exact score is returned, and possibly a few more (within
        ``SLACK``); None when more than ``limit`` pairs are that close (many ties).
        """
        best = -np.inf
        ids: list[IntArray] = []
        values: list[FloatArray] = []
        n_kept = 0
        for chunk_ids, utilities in self.chunks():
            scores = score(utilities)
            if scores.size == 0:
                continue
            top = float(scores.max())
            if top > best:
                best = top
                if n_kept:
                    ids, values, n_kept = _above(ids, values, best - SLACK - self.tol)
            near = np.flatnonzero(scores >= best - SLACK - self.tol)
            ids.append(chunk_ids[near])
            values.append(scores[near])
            n_kept += near.size
            if n_kept > limit:
                return None
        return np.concatenate(ids) if ids else np.zeros(0, dtype=np.intp)

    def largest_totals(self, count: int, limit: int) -> tuple[IntArray, FloatArray] | None:
        """Return the acceptable front deals of largest total utility, at most ``count``.

        Returns the deals ``(n, n_issues)`` and utilities ``(n, n_actors)``, by total
        utility (largest first), then deal order; None when more than ``limit`` pairs
        would have to be filtered. A deal's dominators have larger totals, so the front
        deals among the pairs of largest totals are front deals of the whole space.
        """
        sums = [(ids, utilities.sum(axis=1)) for ids, utilities in self.chunks()]
        totals = np.concatenate([total for _, total in sums] or [np.zeros(0)])
        if totals.size == 0:
            return np.zeros((0, len(self.tables)), dtype=np.intp), np.zeros((0, self.floor.size))
        want = _FIRST_CUT * count
        while True:
            every = want >= totals.size
            # The want-th largest total, less the rounding of pair sums.
            bar = -np.inf if every else -float(np.partition(-totals, want - 1)[want - 1])
            ids = np.concatenate([i[total >= bar - SLACK - self.tol] for i, total in sums])
            if ids.size > limit:
                return None
            deals, utilities = self.exact(ids)
            keep = nondominated(utilities, self.tol)
            deals, utilities = deals[keep], utilities[keep]
            if deals.shape[0] >= count or every:
                order = total_order(deals, utilities)[:count]
                return deals[order], utilities[order]
            want *= 4


# The last few HalfPairs built, by the content of their inputs: the rules of one command
# (analyze asks for four compromises and the talks' Nash deal) share one.
_RECENT: Recent[HalfPairs] = Recent()


def half_pairs(
    tables: Sequence[FloatArray],
    floor: FloatArray,
    masks: Sequence[BoolArray],
    *,
    tol: float,
    max_points: int,
) -> HalfPairs:
    """Return the :class:`HalfPairs` of these inputs, built once per process and content."""
    key = content_key((*tables, floor, *masks), (tol, max_points))
    return _RECENT.get(key, lambda: HalfPairs(tables, floor, masks, tol=tol, max_points=max_points))


def largest_total_front(
    tables: Sequence[FloatArray],
    floor: FloatArray,
    masks: Sequence[BoolArray],
    count: int,
    *,
    tol: float = 1e-12,
    max_points: int = 1_000_000,
) -> ParetoFront | None:
    """Return the ``count`` acceptable front deals of largest total utility.

    The deals come by total utility over the actors, largest first, then in deal order,
    as the first ``count`` deals of the whole acceptable front in that order would. None
    when the space is not worth splitting (one issue, more than ``MAX_PAIRS`` pairs, or
    more than ``MAX_NEAR`` deals tied near the cut): the caller builds the whole front.

    Parameters
    ----------
    tables : sequence of ndarray of shape (n_actors, n_options_i)
    floor : ndarray of shape (n_actors,)
        Reservations.
    masks : sequence of bool ndarray of shape (n_actors, n_options_i)
        Red lines (False where crossed).
    count : int
        How many deals to return at most.
    tol, max_points
        As in :func:`~peacetalks.analysis.pareto.pareto_front`.
    """
    if len(tables) < 2:
        return None
    pairs = half_pairs(tables, floor, masks, tol=tol, max_points=max_points)
    if pairs.n_pairs > MAX_PAIRS:
        return None
    found = pairs.largest_totals(count, MAX_NEAR)
    if found is None:
        return None
    deals, utilities = found
    return ParetoFront(deals=deals, utilities=utilities)


def _above(
    ids: list[IntArray], values: list[FloatArray], bar: float
) -> tuple[list[IntArray], list[FloatArray], int]:
    """Return the kept candidates whose score is at least ``bar``, and their count."""
    all_ids, all_values = np.concatenate(ids), np.concatenate(values)
    keep = all_values >= bar
    return [all_ids[keep]], [all_values[keep]], int(keep.sum())

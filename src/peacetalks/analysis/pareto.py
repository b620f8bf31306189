"""Pareto fronts of additive deal spaces.

A deal picks one option per issue. Actor ``a`` values deal ``d`` at
``sum(tables[i][a, d[i]] for i in range(n_issues))``, so the utility of a deal is a sum of
per-issue contributions. :func:`pareto_front` uses that structure: the front of issues
``0..k`` is the non-dominated set of (front of issues ``0..k-1``) x (options of issue
``k``), so it never enumerates the whole deal space. :func:`brute_force_front` enumerates
every deal and exists to check it on small spaces.

Dominance is for maximisation: ``q`` dominates ``p`` when ``q >= p - tol`` in every
coordinate and ``q > p + tol`` in at least one. Points equal within ``tol`` in every
coordinate do not dominate each other, so duplicates are all kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from peacetalks.analysis._validation import (
    BoolArray,
    FloatArray,
    IntArray,
    check_admissible,
    check_positive_int,
    check_reservations,
    check_tables,
    check_tol,
    freeze,
)
from peacetalks.errors import FrontTooLargeError, ParameterError

__all__ = [
    "ParetoFront",
    "additive_utilities",
    "brute_force_front",
    "enumerate_deals",
    "pareto_front",
    "pareto_mask",
]

# Pairwise comparisons are done on 2-d blocks of at most this many elements, which keeps
# the working memory of `pareto_mask` in the tens of megabytes whatever the input size.
_BLOCK_ELEMENTS = 1 << 21
_SWEEP_BLOCK = 2048
_FIRST_CHUNK = 4
_STAIR_BLOCK = 256
_MAX_BRUTE_FORCE_DEALS = 2_000_000


@dataclass(frozen=True)
class ParetoFront:
    """Pareto-optimal deals of a deal space, sorted by deal.

    Parameters
    ----------
    deals : ndarray of shape (n_front, n_issues)
        Option index per issue of each Pareto-optimal deal, in lexicographic order.
    utilities : ndarray of shape (n_front, n_actors)
        Utility of each deal for each actor.
    """

    deals: IntArray
    utilities: FloatArray

    def __len__(self) -> int:
        return int(self.deals.shape[0])


def enumerate_deals(
    option_counts: Sequence[int], *, start: int = 0, stop: int | None = None
) -> IntArray:
    """Return deals of a deal space in lexicographic order (last issue varies fastest).

    Parameters
    ----------
    option_counts : sequence of int of length n_issues
        Number of options of each issue; each must be >= 1.
    start, stop : int
        Range of flat deal indices to return, for streaming through a large space in
        blocks; ``stop=None`` means the end of the space.

    Returns
    -------
    ndarray of shape (stop - start, n_issues)
        Option index per issue, dtype ``intp``.
    """
    counts = tuple(int(c) for c in option_counts)
    if any(c < 1 for c in counts):
        msg = (
            "The 'option_counts' parameter of enumerate_deals must hold ints >= 1. "
            f"Got {list(counts)} instead."
        )
        raise ParameterError(msg, parameter="option_counts", value=option_counts)
    total = int(np.prod(counts, dtype=object)) if counts else 1
    stop = total if stop is None else stop
    if not 0 <= start <= stop <= total:
        msg = (
            "The 'start' and 'stop' parameters of enumerate_deals must satisfy "
            f"0 <= start <= stop <= {total}. Got start={start}, stop={stop} instead."
        )
        raise ParameterError(msg, parameter="stop", value=stop)
    if not counts:
        return np.zeros((stop - start, 0), dtype=np.intp)
    flat = np.arange(start, stop, dtype=np.intp)
    return np.stack(np.unravel_index(flat, counts), axis=1).astype(np.intp, copy=False)


def additive_utilities(tables: Sequence[FloatArray], deals: IntArray) -> FloatArray:
    """Return the utility of each deal for each actor, summing issues in order.

    The deal-by-actor layout matches :func:`pareto_mask`; the kernels add issues in
    index order everywhere, so utilities of the same deal agree to the last bit.

    Parameters
    ----------
    tables : sequence of ndarray of shape (n_actors, n_options_i)
        Weighted utility contribution of each option, one table per issue.
    deals : ndarray of shape (n_deals, n_issues)
        Option index per issue.

    Returns
    -------
    ndarray of shape (n_deals, n_actors)
    """
    utilities = tables[0].T[deals[:, 0]]
    for i in range(1, len(tables)):
        utilities = utilities + tables[i].T[deals[:, i]]
    return np.ascontiguousarray(utilities, dtype=np.float64)


def pareto_mask(points: npt.ArrayLike, *, tol: float = 1e-12) -> BoolArray:
    """Return a boolean mask of the non-dominated rows of ``points`` (maximisation).

    Rows equal within ``tol`` in every coordinate do not dominate each other, so all
    copies of a non-dominated point are kept.

    Parameters
    ----------
    points : array-like of shape (n_points, n_actors)
        Utility vectors.
    tol : float, default=1e-12
        Differences up to ``tol`` count as ties; it absorbs rounding noise. Dominance
        within ``tol`` is not transitive, so chains of near-ties closer than ``tol`` are
        resolved by the sweep order; with ``tol=0`` the result is exact.

    Returns
    -------
    ndarray of shape (n_points,)
        True where no other row dominates the row.

    Notes
    -----
    Memory stays ``O(n_points)``: two actors use an ``O(n log n)`` sweep over points
    sorted by the first objective; more actors sort by the sum of utilities (a dominating
    point always has a larger sum) and sweep in blocks, checking each block only against
    the front found so far, strongest points first.
    """
    tol = check_tol(tol, caller="pareto_mask")
    array = np.asarray(points, dtype=np.float64)
    if array.ndim != 2 or array.shape[1] < 1:
        msg = (
            "The 'points' parameter of pareto_mask must be a 2-d array of shape "
            f"(n_points, n_actors) with n_actors >= 1. Got shape {array.shape} instead."
        )
        raise ParameterError(msg, parameter="points", value=points)
    if not np.all(np.isfinite(array)):
        msg = "The 'points' parameter of pareto_mask must be finite. Got NaN or infinity."
        raise ParameterError(msg, parameter="points", value=points)
    return _pareto_mask(array, tol)


def _pareto_mask(points: FloatArray, tol: float) -> BoolArray:
    n_points, n_actors = points.shape
    if n_points == 0:
        return np.zeros(0, dtype=np.bool_)
    if n_actors == 1:
        return np.asarray(points[:, 0] >= points[:, 0].max() - tol)
    if n_actors == 2:
        return _pareto_mask_2d(points, tol)
    if n_actors == 3:
        return _pareto_mask_3d(points, tol)
    return _pareto_mask_sweep(points, tol)


def _pareto_mask_2d(points: FloatArray, tol: float) -> BoolArray:
    x, y = points[:, 0], points[:, 1]
    order = np.lexsort((-y, -x))
    neg_x, ys = -x[order], y[order]
    best_y = np.concatenate(([-np.inf], np.maximum.accumulate(ys)))
    # Points before `clearly_better` have x > x_p + tol; those before `not_worse` have
    # x >= x_p - tol. p is dominated by the first group with y >= y_p - tol, or by
    # anything in the second group with y > y_p + tol.
    clearly_better = np.searchsorted(neg_x, neg_x - tol, side="left")
    not_worse = np.searchsorted(neg_x, neg_x + tol, side="right")
    dominated = (best_y[clearly_better] >= ys - tol) | (best_y[not_worse] > ys + tol)
    mask = np.empty(points.shape[0], dtype=np.bool_)
    mask[order] = ~dominated
    return mask


def _pareto_mask_3d(points: FloatArray, tol: float) -> BoolArray:
    n_points = points.shape[0]
    order = np.lexsort((-points[:, 2], -points[:, 1], -points[:, 0]))
    columns = np.ascontiguousarray(points[order].T)
    neg_x = -columns[0]
    kept = np.zeros(n_points, dtype=np.bool_)
    # Staircase: the 2-d front of (y, z) over every point whose x beats the current
    # block by more than tol, sorted by y ascending (so z descends). Such a point
    # dominates p as soon as its y and z are >= p's minus tol.
    stair = np.empty((2, 0))
    in_stair = 0
    start = 0
    while start < n_points:
        stop = min(start + _STAIR_BLOCK, n_points)
        upto = int(np.searchsorted(neg_x, neg_x[start] - tol, side="left"))
        if upto > in_stair:
            merged = np.concatenate((stair, columns[1:, in_stair:upto]), axis=1)
            front = merged[:, _pareto_mask_2d(np.ascontiguousarray(merged.T), 0.0)]
            stair = front[:, np.argsort(front[0], kind="stable")]
            in_stair = upto
        block = np.arange(start, stop)
        if stair.shape[1]:
            first = np.searchsorted(stair[0], columns[1, block] - tol, side="left")
            has = first < stair.shape[1]
            covered = np.zeros(block.size, dtype=np.bool_)
            covered[has] = stair[1, first[has]] >= columns[2, block[has]] - tol
            block = block[~covered]
        if block.size:
            # The rest of the candidates: x within tol of the block, not in the staircase.
            reach = int(np.searchsorted(neg_x, neg_x[stop - 1] + tol, side="right"))
            block = block[~_dominated_by(columns[:, block], columns[:, in_stair:reach], tol)]
            kept[block] = True
        start = stop
    mask = np.empty(n_points, dtype=np.bool_)
    mask[order] = kept
    return mask


def _pareto_mask_sweep(points: FloatArray, tol: float) -> BoolArray:
    n_points, n_actors = points.shape
    sums = points.sum(axis=1)
    order = np.argsort(-sums, kind="stable")
    columns = np.ascontiguousarray(points[order].T)
    neg_sums = -sums[order]
    # A dominator of p has sum >= sum(p) - (n_actors - 2) * tol in exact arithmetic;
    # the margin also covers rounding of the sums.
    scale = float(np.abs(points).max()) * n_actors
    margin = n_actors * tol + 4 * n_actors * np.finfo(np.float64).eps * scale
    kept = np.zeros(n_points, dtype=np.bool_)
    front: list[IntArray] = []
    front_columns = np.empty((n_actors, 0))
    start = 0
    while start < n_points:
        stop = min(start + _SWEEP_BLOCK, n_points)
        reach = int(np.searchsorted(neg_sums, neg_sums[stop - 1] + margin, side="right"))
        block = np.arange(start, stop)
        alive = block[~_dominated_by(columns[:, block], front_columns, tol)]
        if alive.size:
            alive = alive[~_dominated_by(columns[:, alive], columns[:, start:reach], tol)]
        if alive.size:
            kept[alive] = True
            front.append(alive)
            front_columns = np.concatenate((front_columns, columns[:, alive]), axis=1)
        start = stop
    mask = np.empty(n_points, dtype=np.bool_)
    mask[order] = kept
    return mask


def _dominated_by(candidates: FloatArray, others: FloatArray, tol: float) -> BoolArray:
    """Return which columns of ``candidates`` are dominated by some column of ``others``.

    Both arrays have shape ``(n_actors, n)``. ``others`` is scanned in chunks, in order,
    and candidates already found dominated are dropped from later chunks, so putting the
    strongest points first makes the scan cheap.
    """
    n_actors, n_candidates = candidates.shape
    dominated = np.zeros(n_candidates, dtype=np.bool_)
    alive = np.arange(n_candidates)
    position, n_others = 0, others.shape[1]
    lower = candidates - tol
    upper = candidates + tol
    # A point >= p - tol everywhere whose sum beats p's by more than n_actors * tol (plus
    # rounding) is > p + tol somewhere, so it dominates p without a per-pair check.
    scale = max(float(np.abs(candidates).max(initial=0.0)), float(np.abs(others).max(initial=0.0)))
    margin = n_actors * tol + 4 * n_actors * np.finfo(np.float64).eps * scale * n_actors
    clear = candidates.sum(axis=0) + margin
    # Chunks start narrow and widen: most candidates fall to the first few points.
    width = _FIRST_CHUNK
    while position < n_others and alive.size:
        width = max(1, min(4 * width, _BLOCK_ELEMENTS // alive.size))
        chunk = others[:, position : position + width]
        position += width
        # (n_alive, n_chunk): chunk point is >= candidate - tol in every coordinate.
        not_worse = chunk[0][None, :] >= lower[0, alive][:, None]
        for j in range(1, n_actors):
            not_worse &= chunk[j][None, :] >= lower[j, alive][:, None]
        touched = np.flatnonzero(not_worse.any(axis=1))
        if touched.size == 0:
            continue
        candidates_touched = alive[touched]
        sure = not_worse[touched] & (
            chunk.sum(axis=0)[None, :] > clear[candidates_touched][:, None]
        )
        is_sure = sure.any(axis=1)
        hit = touched[is_sure]
        unsure = touched[~is_sure]
        if unsure.size:
            rows, cols = np.nonzero(not_worse[unsure])
            better = chunk[0, cols] > upper[0, alive[unsure[rows]]]
            for j in range(1, n_actors):
                better |= chunk[j, cols] > upper[j, alive[unsure[rows]]]
            hit = np.concatenate((hit, unsure[np.unique(rows[better])]))
        dominated[alive[hit]] = True
        keep = np.ones(alive.size, dtype=np.bool_)
        keep[hit] = False
        alive = alive[keep]
    return dominated


def _sort_front(deals: IntArray, utilities: FloatArray) -> ParetoFront:
    order = np.lexsort(deals.T[::-1]) if deals.shape[0] else np.arange(0)
    return ParetoFront(
        deals=freeze(np.ascontiguousarray(deals[order], dtype=np.intp)),
        utilities=freeze(np.ascontiguousarray(utilities[order], dtype=np.float64)),
    )


def _empty_front(n_issues: int, n_actors: int) -> ParetoFront:
    return ParetoFront(
        deals=freeze(np.zeros((0, n_issues), dtype=np.intp)),
        utilities=freeze(np.zeros((0, n_actors), dtype=np.float64)),
    )


def pareto_front(
    tables: Sequence[npt.ArrayLike],
    *,
    reservations: npt.ArrayLike | None = None,
    admissible: Sequence[npt.ArrayLike] | None = None,
    individually_rational: bool = False,
    max_points: int = 1_000_000,
    tol: float = 1e-12,
) -> ParetoFront:
    """Return the Pareto-optimal deals of an additive deal space, issue by issue.

    Parameters
    ----------
    tables : sequence of array-like of shape (n_actors, n_options_i)
        Weighted utility contribution of each option for each actor, one per issue.
    reservations : array-like of shape (n_actors,), optional
        Utility of no deal. Used only with ``individually_rational=True``; ``None``
        there means that only red lines constrain the deals.
    admissible : sequence of bool array-like of shape (n_actors, n_options_i), optional
        False where an option crosses an actor's red line. Used only with
        ``individually_rational=True``.
    individually_rational : bool, default=False
        If True, return the front of the deals every actor would accept on their own:
        no option crosses any actor's red line and every actor gets at least its
        reservation (within ``tol``).
    max_points : int, default=1_000_000
        Memory bound: the largest front of partial deals kept between issues.
    tol : float, default=1e-12
        Tie tolerance of dominance and of the reservation test; see :func:`pareto_mask`.

    Returns
    -------
    ParetoFront
        ``deals`` of shape (n_front, n_issues) and ``utilities`` of shape
        (n_front, n_actors), sorted by deal.

    Raises
    ------
    FrontTooLargeError
        If a front of partial deals grows past ``max_points``.

    Notes
    -----
    Options dominated within their own issue are dropped first: swapping such an option
    for its dominator improves any deal. With ``individually_rational=True``, options
    crossing a red line are dropped up front and partial deals are pruned as soon as
    some actor can no longer reach its reservation, even taking its best remaining
    option on every remaining issue. Both steps keep the result exact.
    """
    caller = "pareto_front"
    checked = check_tables(tables, caller=caller)
    tol = check_tol(tol, caller=caller)
    max_points = check_positive_int(max_points, "max_points", caller=caller)
    n_actors, n_issues = checked[0].shape[0], len(checked)
    floor = check_reservations(reservations, n_actors, caller=caller)
    masks = check_admissible(admissible, checked, caller=caller)
    if not individually_rational:
        floor = np.full(n_actors, -np.inf)
        masks = [np.ones(t.shape, dtype=np.bool_) for t in checked]

    # Candidate options per issue: admissible for every actor, not dominated in-issue.
    options: list[IntArray] = []
    for table, mask in zip(checked, masks, strict=True):
        allowed = np.flatnonzero(mask.all(axis=0))
        if allowed.size:
            allowed = allowed[_pareto_mask(np.ascontiguousarray(table[:, allowed].T), tol)]
        if allowed.size == 0:
            return _empty_front(n_issues, n_actors)
        options.append(allowed)
    best_rest = _best_remaining(checked, options)

    deals = options[0][:, None]
    utilities = checked[0].T[options[0]]
    for i in range(n_issues):
        if i > 0:
            n_front, n_options = deals.shape[0], options[i].size
            deals = np.concatenate(
                (np.repeat(deals, n_options, axis=0), np.tile(options[i], n_front)[:, None]),
                axis=1,
            )
            utilities = (utilities[:, None, :] + checked[i].T[options[i]][None, :, :]).reshape(
                -1, n_actors
            )
        reachable = np.all(utilities + best_rest[i] >= floor - tol, axis=1)
        if not reachable.all():
            deals, utilities = deals[reachable], utilities[reachable]
        if deals.shape[0] == 0:
            return _empty_front(n_issues, n_actors)
        keep = _pareto_mask(utilities, tol)
        deals, utilities = deals[keep], utilities[keep]
        if deals.shape[0] > max_points:
            msg = (
                f"The Pareto front grew to {deals.shape[0]} partial deals after issue "
                f"{i + 1} of {n_issues}, above max_points={max_points}. Raise 'max_points' "
                "if memory allows, or shrink the deal space: individually_rational=True "
                "with reservations and red lines, or fewer issues or options."
            )
            raise FrontTooLargeError(msg, size=int(deals.shape[0]), max_points=max_points)
    return _sort_front(deals, utilities)


def _best_remaining(tables: Sequence[FloatArray], options: Sequence[IntArray]) -> FloatArray:
    """Return ``(n_issues, n_actors)``: best utility each actor can still add after issue i."""
    best = np.array(
        [table[:, allowed].max(axis=1) for table, allowed in zip(tables, options, strict=False)]
    )
    rest = np.zeros_like(best)
    rest[:-1] = np.cumsum(best[::-1], axis=0)[::-1][1:]
    return rest


def brute_force_front(
    tables: Sequence[npt.ArrayLike],
    *,
    reservations: npt.ArrayLike | None = None,
    admissible: Sequence[npt.ArrayLike] | None = None,
    individually_rational: bool = False,
    max_deals: int = _MAX_BRUTE_FORCE_DEALS,
    tol: float = 1e-12,
) -> ParetoFront:
    """Return the Pareto-optimal deals by enumerating every deal (small spaces only).

    Same parameters and result as :func:`pareto_front`; it exists to check it.

    Parameters
    ----------
    tables : sequence of array-like of shape (n_actors, n_options_i)
        Weighted utility contribution of each option for each actor, one per issue.
    reservations : array-like of shape (n_actors,), optional
        Utility of no deal; used only with ``individually_rational=True``.
    admissible : sequence of bool array-like of shape (n_actors, n_options_i), optional
        False where an option crosses an actor's red line; used only with
        ``individually_rational=True``.
    individually_rational : bool, default=False
        If True, keep only deals crossing no red line and meeting every reservation.
    max_deals : int, default=2_000_000
        Refuse deal spaces larger than this.
    tol : float, default=1e-12
        Tie tolerance, as in :func:`pareto_front`.

    Returns
    -------
    ParetoFront
    """
    caller = "brute_force_front"
    checked = check_tables(tables, caller=caller)
    tol = check_tol(tol, caller=caller)
    max_deals = check_positive_int(max_deals, "max_deals", caller=caller)
    n_actors, n_issues = checked[0].shape[0], len(checked)
    floor = check_reservations(reservations, n_actors, caller=caller)
    masks = check_admissible(admissible, checked, caller=caller)
    counts = [table.shape[1] for table in checked]
    n_deals = int(np.prod(counts, dtype=object))
    if n_deals > max_deals:
        msg = (
            f"brute_force_front enumerates every deal; this space has {n_deals} deals, "
            f"above max_deals={max_deals}. Use pareto_front instead."
        )
        raise ParameterError(msg, parameter="tables", value=n_deals)
    deals = enumerate_deals(counts)
    utilities = additive_utilities(checked, deals)
    if individually_rational:
        ok = np.all(utilities >= floor - tol, axis=1)
        for i, mask in enumerate(masks):
            ok &= np.asarray(mask.all(axis=0))[deals[:, i]]
        deals, utilities = deals[ok], utilities[ok]
        if deals.shape[0] == 0:
            return _empty_front(n_issues, n_actors)
    keep = _pareto_mask(utilities, tol)
    return _sort_front(deals[keep], utilities[keep])

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

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from peacetalks.analysis._dominance import nondominated
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
    "total_order",
    "unique_deals",
]

_MAX_BRUTE_FORCE_DEALS = 2_000_000
# The front's growth is projected once it holds this many partial deals (smaller fronts
# are cheap to finish and too noisy to extrapolate), and refused when the projection
# passes max_points by this factor (the projection is meant to fall short, not over).
_PROJECT_FROM = 1_000
_PROJECT_MARGIN = 2.0


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


def unique_deals(deals: IntArray, option_counts: Sequence[int]) -> IntArray:
    """Return the distinct rows of ``deals`` in lexicographic order (as ``np.unique``).

    Each deal is read as one integer in the mixed radix of the option counts (the first
    issue most significant) when the space fits in 62 bits, which sorts one number per
    deal instead of rows; larger spaces fall back to ``np.unique(deals, axis=0)``.

    Parameters
    ----------
    deals : ndarray of shape (n_deals, n_issues)
    option_counts : sequence of int of length n_issues

    Returns
    -------
    ndarray of shape (n_distinct, n_issues), dtype ``intp``
    """
    counts = [int(c) for c in option_counts]
    if math.prod(counts) >= 1 << 62 or deals.shape[0] == 0:
        return np.unique(np.asarray(deals, dtype=np.intp), axis=0)
    codes = np.ravel_multi_index(tuple(np.asarray(deals, dtype=np.intp).T), counts)
    return np.stack(np.unravel_index(np.unique(codes), counts), axis=1).astype(np.intp)


def total_order(deals: IntArray, utilities: FloatArray) -> IntArray:
    """Return the order of deals by total utility over the actors, largest first.

    Ties keep deal order. This is the order in which fronts are listed.

    Parameters
    ----------
    deals : ndarray of shape (n_deals, n_issues)
    utilities : ndarray of shape (n_deals, n_actors)

    Returns
    -------
    ndarray of shape (n_deals,)
    """
    return np.lexsort((*deals.T[::-1], -utilities.sum(axis=1)))


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
    Memory stays ``O(n_points)``. Two actors use an ``O(n log n)`` sweep over points
    sorted by the first objective, three a sweep that keeps the 2-d staircase of the
    points passed. With four or more actors, inputs under a thousand points, and random
    clouds whose few best points dominate nearly all the rest, are swept in blocks in
    order of decreasing sum (a dominating point has a larger sum). Other inputs walk a
    k-d tree against itself, pruning pairs of boxes that cannot dominate; the walk gives
    the pairwise definition exactly, near-tie chains included.
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
    return nondominated(array, tol)


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
    progress: Callable[[int, int], None] | None = None,
    project: bool = True,
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
    progress : callable, optional
        Called as ``progress(n_done, n_issues)`` after each issue is merged in, for a
        progress bar. The last issues take most of the time: fronts grow as issues are
        added.
    project : bool, default=True
        If True, project the final size of the front from its growth after each issue
        and refuse as soon as the projection passes twice ``max_points`` (see Notes),
        instead of merging on until the front itself does.

    Returns
    -------
    ParetoFront
        ``deals`` of shape (n_front, n_issues) and ``utilities`` of shape
        (n_front, n_actors), sorted by deal.

    Raises
    ------
    FrontTooLargeError
        If a front of partial deals grows past ``max_points``, or (with
        ``project=True``) its growth projects a final front past twice ``max_points``.

    Notes
    -----
    Options dominated within their own issue are dropped first: swapping such an option
    for its dominator improves any deal. With ``individually_rational=True``, options
    crossing a red line are dropped up front and partial deals are pruned as soon as
    some actor can no longer reach its reservation, even taking its best remaining
    option on every remaining issue. Both steps keep the result exact.

    Merging an issue in takes about ``O(m log m)`` time for ``m`` = front size x options
    with two or three actors, and grows somewhat faster with more (see
    :func:`pareto_mask`). Memory is about ``m`` times a few hundred bytes during a merge;
    between issues each partial deal keeps only its utilities and two indices, and deals
    are rebuilt at the end.

    The projection treats the front as a power of the log of the deal space merged so
    far: the expected number of maxima of ``N`` random points in ``n_actors`` dimensions
    grows as ``log(N) ** (n_actors - 1)``, so a front of ``s`` partial deals after a
    space of ``N_k`` partial deals projects to ``s * (log N / log N_k) ** e`` with
    ``e = n_actors - 1``. Additive spaces grow faster than random clouds, so with four
    or more actors ``e`` is the front's own exponent over the second half of the issues
    merged so far when that is larger (5 actors, 5 options: about 5.5); the factor of
    two covers fronts that then grow more slowly. (With ``e = 4`` alone, 30 issues x 5
    options x 5 actors ran on to issue 17 and 14 s before the refusal.) It starts
    once the front holds 1,000 partial deals. When two merges in a row leave every
    candidate on the front (every deal ties or trades off), the front is projected to
    grow by the option count of each remaining issue instead. Merges cost about the
    front size each, so a front bound to pass ``max_points`` is refused after a small part
    of the work (30 issues x 5 options x 5 actors: after 12 issues, in about 3 s, where
    merging went on to issue 21 and about 100 s).
    """
    caller = "pareto_front"
    checked = check_tables(tables, caller=caller)
    tol = check_tol(tol, caller=caller)
    max_points = check_positive_int(max_points, "max_points", caller=caller)
    if progress is not None and not callable(progress):
        msg = (
            "The 'progress' parameter of pareto_front must be a callable taking "
            f"(n_done, n_issues) or None. Got {progress!r} instead."
        )
        raise ParameterError(msg, parameter="progress", value=progress)
    n_actors, n_issues = checked[0].shape[0], len(checked)
    floor = check_reservations(reservations, n_actors, caller=caller)
    masks = check_admissible(admissible, checked, caller=caller)
    if not individually_rational:
        masks = [np.ones(t.shape, dtype=np.bool_) for t in checked]
    distinct = _distinct_actors(checked, masks, floor, individually_rational)
    if distinct.size < n_actors:
        # Actors with the same utilities (and, for the rational front, the same red lines
        # and reservation) add a repeated coordinate, which changes no dominance: compute
        # the front among the distinct ones and fill in the others' utilities.
        reduced = pareto_front(
            [t[distinct] for t in checked],
            reservations=floor[distinct],
            admissible=[m[distinct] for m in masks],
            individually_rational=individually_rational,
            max_points=max_points,
            tol=tol,
            progress=progress,
            project=project,
        )
        return ParetoFront(
            deals=reduced.deals, utilities=freeze(additive_utilities(checked, reduced.deals))
        )

    # Candidate options per issue: admissible for every actor, not dominated in-issue,
    # and one of each group of twins (options every actor values exactly alike: any
    # deal with one has a twin deal with the other, of the same utilities). The twins
    # come back when the deals are rebuilt.
    options: list[IntArray] = []
    twins: list[IntArray | None] = []
    for table, mask in zip(checked, masks, strict=True):
        allowed = np.flatnonzero(mask.all(axis=0))
        if allowed.size:
            allowed = allowed[nondominated(np.ascontiguousarray(table[:, allowed].T), tol)]
        if allowed.size == 0:
            return _empty_front(n_issues, n_actors)
        allowed, members = _twin_options(table, allowed)
        options.append(allowed)
        twins.append(members)
    best_rest = _best_remaining(checked, options)
    # Log of the number of partial deals after each issue, for the projection.
    log_space = np.cumsum([math.log(allowed.size) for allowed in options])
    kept_all = 0  # issues in a row whose merge left every candidate deal on the front
    sizes: list[int] = []  # the front's size after each issue

    # A partial deal is stored as the index of the deal it extends plus the option it
    # takes, so memory per deal does not grow with the issue count; deals are rebuilt
    # at the end.
    parents: list[IntArray] = []
    choices: list[IntArray] = []
    utilities = checked[0].T[options[0]]
    for i in range(n_issues):
        n_options = options[i].size
        if i > 0:
            utilities = (utilities[:, None, :] + checked[i].T[options[i]][None, :, :]).reshape(
                -1, n_actors
            )
        index = np.arange(utilities.shape[0])
        if individually_rational:
            reachable = np.all(utilities + best_rest[i] >= floor - tol, axis=1)
            if not reachable.all():
                index = np.flatnonzero(reachable)
                utilities = utilities[index]
            if index.size == 0:
                return _empty_front(n_issues, n_actors)
        keep = np.flatnonzero(nondominated(utilities, tol))
        kept_all = kept_all + 1 if keep.size == utilities.shape[0] else 0
        index, utilities = index[keep], utilities[keep]
        if index.size > max_points:
            msg = (
                f"The Pareto front grew to {index.size} partial deals after issue "
                f"{i + 1} of {n_issues}, above max_points={max_points}. Raise 'max_points' "
                "if memory allows, or shrink the deal space: individually_rational=True "
                "with reservations and red lines, or fewer issues or options."
            )
            raise FrontTooLargeError(
                msg, size=int(index.size), max_points=max_points, issues_done=i + 1
            )
        sizes.append(int(index.size))
        if project and index.size >= _PROJECT_FROM and 0 < log_space[i] < log_space[-1]:
            exponent = _growth_exponent(sizes, log_space, n_actors)
            estimate = index.size * (log_space[-1] / log_space[i]) ** exponent
            if kept_all >= 2:
                # Nothing dominated twice running: every deal ties or trades off (a zero-
                # sum domain, or one whose evaluations take few values); such fronts grow
                # by the option count.
                estimate = max(estimate, index.size * math.exp(log_space[-1] - log_space[i]))
            if estimate > _PROJECT_MARGIN * max_points:
                msg = (
                    f"The Pareto front would grow to about {_round_figure(estimate):,} deals, "
                    f"above max_points={max_points:,}: it held {index.size:,} partial deals "
                    f"after issue {i + 1} of {n_issues}, and "
                    + (
                        "no deal was dominated in the last two issues, so it grows by the "
                        "option count. "
                        if kept_all >= 2
                        else f"fronts of {n_actors} actors typically grow at least as fast "
                        f"as the log of the deal space to the power {n_actors - 1}"
                        + (
                            f", and this one grew as its power {exponent:.1f} over the last "
                            f"{i - i // 2} issues. "
                            if exponent > n_actors - 1
                            else ". "
                        )
                    )
                    + "Raise 'max_points' if memory allows (project=False merges on until the "
                    "front itself passes it), or shrink the deal space: "
                    "individually_rational=True with reservations and red lines, or fewer "
                    "issues or options."
                )
                raise FrontTooLargeError(
                    msg,
                    size=int(index.size),
                    max_points=max_points,
                    estimate=round(estimate),
                    issues_done=i + 1,
                )
        parents.append(index // n_options)
        choices.append(options[i][index % n_options])
        if progress is not None:
            progress(i + 1, n_issues)
    deals = np.empty((utilities.shape[0], n_issues), dtype=np.intp)
    rows = np.arange(utilities.shape[0])
    for i in range(n_issues - 1, -1, -1):
        deals[:, i] = choices[i][rows]
        rows = parents[i][rows]
    for i, members in enumerate(twins):
        if members is not None:
            deals, utilities = _with_twins(deals, utilities, i, members)
    return _sort_front(deals, utilities)


def _growth_exponent(sizes: list[int], log_space: FloatArray, n_actors: int) -> float:
    """Return the exponent of the front's projected growth in the log of the deal space.

    ``n_actors - 1`` (random clouds), or with four or more actors the front's own growth
    over the second half of the issues merged so far when that is faster: additive spaces
    of 5 actors and 5 options grow with exponents of 5-6. (Fronts of two or three actors
    are cheap to merge on, and their growth is too irregular to extrapolate.)
    """
    exponent = float(n_actors - 1)
    last = len(sizes) - 1
    first = last // 2
    if n_actors < 4 or first < 2 or sizes[first] <= 0:
        return exponent
    span = math.log(log_space[last] / log_space[first]) if log_space[first] > 0 else 0.0
    if span <= 0:
        return exponent
    return max(exponent, math.log(sizes[last] / sizes[first]) / span)


def _distinct_actors(
    tables: Sequence[FloatArray],
    masks: Sequence[BoolArray],
    floor: FloatArray,
    individually_rational: bool,
) -> IntArray:
    """Return the first of each group of actors that no dominance test can tell apart."""
    rows = [np.concatenate([t[k] for t in tables]) for k in range(tables[0].shape[0])]
    seen: dict[bytes, int] = {}
    keep: list[int] = []
    for k, row in enumerate(rows):
        key = row.tobytes()
        if individually_rational:
            key += np.concatenate([m[k] for m in masks]).tobytes() + floor[k : k + 1].tobytes()
        if key not in seen:
            seen[key] = k
            keep.append(k)
    return np.asarray(keep, dtype=np.intp)


def _twin_options(table: FloatArray, allowed: IntArray) -> tuple[IntArray, IntArray | None]:
    """Return one option of each group of identical columns, and the groups.

    Returns
    -------
    kept : ndarray of shape (n_kept,)
        The first option of each group, in the order of ``allowed``.
    members : ndarray of shape (n_options, max_group) or None
        Row ``o`` lists option ``o``'s group, ``o`` first, padded with -1 (only the rows
        of kept options are filled); None when no two options are alike.
    """
    columns = np.ascontiguousarray(table[:, allowed].T + 0.0)  # + 0.0 makes -0.0 equal 0.0
    _, first, inverse = np.unique(columns, axis=0, return_index=True, return_inverse=True)
    if first.size == allowed.size:
        return allowed, None
    inverse = inverse.reshape(-1)
    groups = [allowed[inverse == g] for g in range(first.size)]
    members = np.full((table.shape[1], max(g.size for g in groups)), -1, dtype=np.intp)
    for group in groups:
        members[group[0], : group.size] = group
    kept = np.sort(allowed[first])
    return kept, members


def _with_twins(
    deals: IntArray, utilities: FloatArray, issue: int, members: IntArray
) -> tuple[IntArray, FloatArray]:
    """Return the deals with each twin of their option on ``issue`` added (same utilities)."""
    counts = (members[deals[:, issue]] >= 0).sum(axis=1)
    rows = np.repeat(np.arange(deals.shape[0]), counts)
    position = np.arange(rows.size) - np.repeat(np.cumsum(counts) - counts, counts)
    expanded = deals[rows]
    expanded[:, issue] = members[deals[rows, issue], position]
    return expanded, utilities[rows]


def _round_figure(value: float) -> int:
    """Return ``value`` rounded to two significant figures, for an estimate."""
    digits = max(0, len(str(int(value))) - 2)
    return int(round(value, -digits))


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
    keep = nondominated(utilities, tol)
    return _sort_front(deals[keep], utilities[keep])

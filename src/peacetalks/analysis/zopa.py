"""The zone of possible agreement (ZOPA): deals every veto holder accepts.

A veto holder accepts a deal when the deal crosses none of its red lines and gives it at
least its reservation (within ``tol``). Actors without a veto do not constrain the ZOPA.

Counting is exact by meet in the middle: the issues are split into a prefix and a suffix,
the suffix's partial deals are enumerated once, and the prefix's partial deals are
streamed in blocks and matched against them, so the deal space is never materialised.
With one veto holder a prefix row is matched by one binary search, which keeps the count
exact far beyond a billion deals; with several the match is a block of comparisons and
the exact count is limited by ``max_exact``. Past that, :func:`zopa_count` estimates by
Monte Carlo with a 95% Wilson interval.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from peacetalks.analysis._memo import Recent, content_key
from peacetalks.analysis._validation import (
    BoolArray,
    FloatArray,
    IntArray,
    check_admissible,
    check_positive_int,
    check_reservations,
    check_tables,
    check_tol,
    check_veto,
    freeze,
)
from peacetalks.analysis.pareto import additive_utilities, enumerate_deals
from peacetalks.errors import ParameterError

__all__ = [
    "OptionPresence",
    "ZopaCount",
    "zopa_count",
    "zopa_option_presence",
    "zopa_sample",
]

_Z_95 = 1.959963984540054
# Suffix sizes: one veto holder sorts the suffix once and binary-searches it; several
# compare each prefix row with every suffix deal, so a smaller suffix keeps blocks small.
_SUFFIX_ONE = 1 << 22
_SUFFIX_MANY = 1 << 14
_BLOCK_ELEMENTS = 1 << 22
_ROWS_PER_CHUNK = 1 << 16
# Cost of one prefix row against a sorted suffix, in comparison units of `max_exact`.
_SEARCH_COST = 64
_SAMPLE_BATCH = 1 << 16


@dataclass(frozen=True)
class ZopaCount:
    """How many deals every veto holder accepts.

    Parameters
    ----------
    count : int or None
        Exact number of acceptable deals; None when it was estimated.
    estimate : float
        The count, or its Monte Carlo estimate.
    interval : tuple of float
        95% confidence interval of the count (Wilson); ``(count, count)`` when exact.
    total : int
        Number of deals in the whole deal space.
    exact : bool
        Whether ``count`` is exact.
    n_samples : int
        Deals drawn for the estimate; 0 when exact.
    """

    count: int | None
    estimate: float
    interval: tuple[float, float]
    total: int
    exact: bool
    n_samples: int = 0

    @property
    def fraction(self) -> float:
        """Return the (estimated) share of the deal space that is acceptable."""
        return self.estimate / self.total


@dataclass(frozen=True)
class OptionPresence:
    """Which options occur in at least one deal every veto holder accepts.

    Parameters
    ----------
    present : tuple of ndarray of shape (n_options_i,)
        One bool mask per issue. When ``exact`` is False it is an upper bound: False
        means the option certainly occurs in no acceptable deal, True that it may.
    exact : bool
        Whether ``present`` is exact.
    """

    present: tuple[BoolArray, ...]
    exact: bool


@dataclass(frozen=True)
class _Problem:
    """The ZOPA question restricted to veto holders and options they all allow."""

    option_counts: tuple[int, ...]
    options: tuple[IntArray, ...]
    values: tuple[FloatArray, ...]
    thresholds: FloatArray

    @property
    def n_constrained(self) -> int:
        return int(self.thresholds.size)

    @property
    def total(self) -> int:
        return math.prod(self.option_counts)

    @property
    def reduced(self) -> int:
        return math.prod(options.size for options in self.options)


@dataclass(frozen=True)
class _Split:
    """Prefix issues ``[0, split)`` streamed in rows; suffix deals held in memory."""

    split: int
    prefix_counts: tuple[int, ...]
    n_prefix: int
    suffix_deals: IntArray
    suffix_values: FloatArray
    suffix_order: IntArray


def _prepare(
    tables: Sequence[npt.ArrayLike],
    reservations: npt.ArrayLike,
    veto: npt.ArrayLike | None,
    admissible: Sequence[npt.ArrayLike] | None,
    tol: float,
    *,
    caller: str,
) -> _Problem:
    checked = check_tables(tables, caller=caller)
    tol = check_tol(tol, caller=caller)
    n_actors = checked[0].shape[0]
    if reservations is None:
        msg = (
            f"The 'reservations' parameter of {caller} must be an array of shape "
            f"({n_actors},). Got None instead. Pass each actor's utility of no deal."
        )
        raise ParameterError(msg, parameter="reservations", value=None)
    floor = check_reservations(reservations, n_actors, caller=caller)
    holders = np.flatnonzero(check_veto(veto, n_actors, caller=caller))
    masks = check_admissible(admissible, checked, caller=caller)
    options = tuple(np.flatnonzero(mask[holders].all(axis=0)) for mask in masks)
    values = tuple(
        np.ascontiguousarray(table[holders][:, allowed])
        for table, allowed in zip(checked, options, strict=True)
    )
    return _Problem(
        option_counts=tuple(table.shape[1] for table in checked),
        options=options,
        values=values,
        thresholds=floor[holders] - tol,
    )


def _work(problem: _Problem) -> tuple[int, int]:
    """Return (split, cost in comparisons) of the exact count."""
    sizes = [options.size for options in problem.options]
    limit = _SUFFIX_ONE if problem.n_constrained == 1 else _SUFFIX_MANY
    split, n_suffix = len(sizes), 1
    while split > 0 and n_suffix * sizes[split - 1] <= limit:
        split -= 1
        n_suffix *= sizes[split]
    n_prefix = math.prod(sizes[:split])
    if problem.n_constrained == 1:
        return split, n_prefix * _SEARCH_COST + n_suffix
    return split, n_prefix * n_suffix


def _make_split(problem: _Problem, split: int) -> _Split:
    sizes = [options.size for options in problem.options]
    suffix_deals = enumerate_deals(sizes[split:])
    if split < len(sizes):
        suffix_values = additive_utilities(problem.values[split:], suffix_deals).T
    else:
        suffix_values = np.zeros((problem.n_constrained, 1))
    suffix_values = np.ascontiguousarray(suffix_values)
    if problem.n_constrained == 1:
        order = np.argsort(suffix_values[0], kind="stable")
        suffix_values = suffix_values[:, order]
    else:
        order = np.arange(suffix_deals.shape[0])
    return _Split(
        split=split,
        prefix_counts=tuple(sizes[:split]),
        n_prefix=math.prod(sizes[:split]),
        suffix_deals=suffix_deals,
        suffix_values=suffix_values,
        suffix_order=order,
    )


def _prefix_needs(problem: _Problem, split: _Split, rows: IntArray) -> FloatArray:
    """Return ``(n_constrained, n_rows)``: what the suffix must still give each holder."""
    needs = np.repeat(problem.thresholds[:, None], rows.size, axis=1)
    if split.split == 0:
        return needs
    positions = np.unravel_index(rows, split.prefix_counts)
    partial = problem.values[0][:, positions[0]]
    for i in range(1, split.split):
        partial = partial + problem.values[i][:, positions[i]]
    return np.asarray(needs - partial)


def _accepts(split: _Split, needs: FloatArray) -> BoolArray:
    """Return ``(n_rows, n_suffix)``: whether each completion meets every need."""
    accepted: BoolArray = split.suffix_values[0][None, :] >= needs[0][:, None]
    for a in range(1, needs.shape[0]):
        accepted &= split.suffix_values[a][None, :] >= needs[a][:, None]
    return accepted


def _row_counts(problem: _Problem, split: _Split, rows: IntArray) -> npt.NDArray[np.int64]:
    """Return the number of acceptable completions of each prefix row."""
    needs = _prefix_needs(problem, split, rows)
    n_suffix = split.suffix_values.shape[1]
    if problem.n_constrained == 1:
        first = np.searchsorted(split.suffix_values[0], needs[0], side="left")
        return np.asarray(n_suffix - first, dtype=np.int64)
    counts = np.zeros(rows.size, dtype=np.int64)
    hopeless = np.any(split.suffix_values.max(axis=1)[:, None] < needs, axis=0)
    certain = np.all(split.suffix_values.min(axis=1)[:, None] >= needs, axis=0)
    counts[certain] = n_suffix
    mixed = np.flatnonzero(~hopeless & ~certain)
    width = max(1, _BLOCK_ELEMENTS // n_suffix)
    for start in range(0, mixed.size, width):
        sub = mixed[start : start + width]
        counts[sub] = _accepts(split, needs[:, sub]).sum(axis=1)
    return counts


# Per-row counts of the last few problems (count, sample and ranks each need them; a
# command asks for all three): kept when the prefix has at most this many rows.
_COUNTS: Recent[npt.NDArray[np.int64]] = Recent()
_COUNTS_MAX_ROWS = 1 << 20


def _counts(problem: _Problem, split: _Split, rows: IntArray) -> npt.NDArray[np.int64]:
    """Return :func:`_row_counts` of ``rows``, from every row's counts computed once."""
    if split.n_prefix > _COUNTS_MAX_ROWS:
        return _row_counts(problem, split, rows)
    key = content_key(
        (*problem.options, *problem.values, problem.thresholds),
        (split.split, problem.option_counts),
    )
    every = _COUNTS.get(
        key,
        lambda: np.concatenate(
            [_row_counts(problem, split, chunk) for chunk in _chunks(split.n_prefix)]
        ),
    )
    return every[rows]


def _chunks(n_rows: int) -> Iterator[IntArray]:
    for start in range(0, n_rows, _ROWS_PER_CHUNK):
        yield np.arange(start, min(start + _ROWS_PER_CHUNK, n_rows))


def _to_deals(problem: _Problem, split: _Split, rows: IntArray, suffixes: IntArray) -> IntArray:
    """Return deals (original option indices) from prefix rows and sorted suffix positions."""
    n_issues = len(problem.options)
    positions = np.empty((rows.size, n_issues), dtype=np.intp)
    if split.split:
        positions[:, : split.split] = np.stack(np.unravel_index(rows, split.prefix_counts), axis=1)
    positions[:, split.split :] = split.suffix_deals[split.suffix_order[suffixes]]
    return np.stack([problem.options[i][positions[:, i]] for i in range(n_issues)], axis=1)


def _wilson(successes: int, n: int) -> tuple[float, float]:
    p = successes / n
    z2 = _Z_95 * _Z_95
    denom = 1 + z2 / n
    center = (p + z2 / (2 * n)) / denom
    half = _Z_95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    # At 0 or n successes the bound is exactly 0 or 1; rounding would leave crumbs.
    low = 0.0 if successes == 0 else max(0.0, center - half)
    high = 1.0 if successes == n else min(1.0, center + half)
    return low, high


def _draw(problem: _Problem, n: int, generator: np.random.Generator) -> IntArray:
    """Return ``(n, n_issues)`` positions drawn uniformly from the reduced space."""
    sizes = np.array([options.size for options in problem.options], dtype=np.intp)
    return np.asarray(generator.integers(0, sizes, size=(n, sizes.size)), dtype=np.intp)


def _accepted_positions(problem: _Problem, positions: IntArray) -> BoolArray:
    if problem.n_constrained == 0:
        return np.ones(positions.shape[0], dtype=np.bool_)
    utilities = additive_utilities(problem.values, positions)
    return np.asarray(np.all(utilities >= problem.thresholds, axis=1))


def zopa_count(
    tables: Sequence[npt.ArrayLike],
    reservations: npt.ArrayLike,
    *,
    veto: npt.ArrayLike | None = None,
    admissible: Sequence[npt.ArrayLike] | None = None,
    max_exact: int = 10**9,
    n_samples: int = 100_000,
    rng: np.random.Generator | int | None = None,
    tol: float = 1e-12,
) -> ZopaCount:
    """Return the number of deals every veto holder accepts.

    Parameters
    ----------
    tables : sequence of array-like of shape (n_actors, n_options_i)
        Weighted utility contribution of each option for each actor, one per issue.
    reservations : array-like of shape (n_actors,)
        Utility of no deal.
    veto : bool array-like of shape (n_actors,), optional
        True for the actors whose acceptance is needed; None means every actor.
    admissible : sequence of bool array-like of shape (n_actors, n_options_i), optional
        False where an option crosses an actor's red line.
    max_exact : int, default=10**9
        Budget of the exact count, in comparisons. Several veto holders cost one per
        deal (options they red-line excluded); one veto holder costs about 64 per
        partial deal of the streamed prefix, so its count stays exact on spaces about
        four million times larger.
    n_samples : int, default=100_000
        Deals drawn for the Monte Carlo estimate when the exact count is over budget.
    rng : numpy.random.Generator, int or None
        Randomness of the estimate; unused when the count is exact.
    tol : float, default=1e-12
        A utility within ``tol`` below a reservation still counts as accepted.

    Returns
    -------
    ZopaCount
    """
    caller = "zopa_count"
    problem = _prepare(tables, reservations, veto, admissible, tol, caller=caller)
    max_exact = check_positive_int(max_exact, "max_exact", caller=caller)
    n_samples = check_positive_int(n_samples, "n_samples", caller=caller)
    total, reduced = problem.total, problem.reduced
    if reduced == 0 or problem.n_constrained == 0:
        return ZopaCount(reduced, float(reduced), (float(reduced),) * 2, total, exact=True)
    split_at, cost = _work(problem)
    if cost <= max_exact:
        split = _make_split(problem, split_at)
        count = sum(int(_counts(problem, split, rows).sum()) for rows in _chunks(split.n_prefix))
        return ZopaCount(count, float(count), (float(count), float(count)), total, exact=True)
    generator = np.random.default_rng(rng)
    hits = 0
    for start in range(0, n_samples, _SAMPLE_BATCH):
        batch = min(_SAMPLE_BATCH, n_samples - start)
        hits += int(_accepted_positions(problem, _draw(problem, batch, generator)).sum())
    low, high = _wilson(hits, n_samples)
    return ZopaCount(
        count=None,
        estimate=hits / n_samples * reduced,
        interval=(low * reduced, high * reduced),
        total=total,
        exact=False,
        n_samples=n_samples,
    )


def zopa_sample(
    tables: Sequence[npt.ArrayLike],
    reservations: npt.ArrayLike,
    n: int,
    *,
    veto: npt.ArrayLike | None = None,
    admissible: Sequence[npt.ArrayLike] | None = None,
    rng: np.random.Generator | int | None = None,
    replace: bool = True,
    max_exact: int = 10**9,
    max_draws: int = 10**7,
    tol: float = 1e-12,
) -> IntArray:
    """Return deals drawn uniformly from the deals every veto holder accepts.

    When the exact count is within ``max_exact``, deals are drawn by rank: ``n`` ranks
    are drawn among the acceptable deals and located by a second pass over the blocks,
    so even a tiny ZOPA is sampled without rejection. Otherwise deals are drawn from
    the deal space and rejected until ``n`` are accepted, up to ``max_draws`` draws.

    Parameters
    ----------
    tables : sequence of array-like of shape (n_actors, n_options_i)
        Weighted utility contribution of each option for each actor, one per issue.
    reservations : array-like of shape (n_actors,)
        Utility of no deal.
    n : int
        Number of deals to draw.
    veto : bool array-like of shape (n_actors,), optional
        True for the actors whose acceptance is needed; None means every actor.
    admissible : sequence of bool array-like of shape (n_actors, n_options_i), optional
        False where an option crosses an actor's red line.
    rng : numpy.random.Generator, int or None
        Randomness of the draw.
    replace : bool, default=True
        Draw with replacement (independent draws) or return distinct deals.
    max_exact : int, default=10**9
        Budget of the exact pass; see :func:`zopa_count`.
    max_draws : int, default=10**7
        Largest number of deals drawn by rejection.
    tol : float, default=1e-12
        A utility within ``tol`` below a reservation still counts as accepted.

    Returns
    -------
    ndarray of shape (n_drawn, n_issues)
        Option index per issue. ``n_drawn`` is ``n``, or 0 when no deal is acceptable.

    Raises
    ------
    ParameterError
        If ``replace=False`` and fewer than ``n`` deals are acceptable, or if rejection
        finds fewer than ``n`` acceptable deals in ``max_draws`` draws.
    """
    caller = "zopa_sample"
    problem = _prepare(tables, reservations, veto, admissible, tol, caller=caller)
    n = check_positive_int(n, "n", caller=caller, minimum=0)
    max_exact = check_positive_int(max_exact, "max_exact", caller=caller)
    max_draws = check_positive_int(max_draws, "max_draws", caller=caller)
    generator = np.random.default_rng(rng)
    n_issues = len(problem.options)
    if problem.reduced == 0:
        return np.zeros((0, n_issues), dtype=np.intp)
    split_at, cost = _work(problem)
    if problem.n_constrained > 0 and cost > max_exact:
        return _sample_by_rejection(problem, n, generator, replace, max_draws, caller=caller)
    split = _make_split(problem, split_at)
    if problem.n_constrained == 0:
        chunk_counts = np.array(
            [rows.size * split.suffix_deals.shape[0] for rows in _chunks(split.n_prefix)]
        )
    else:
        chunk_counts = np.array(
            [int(_counts(problem, split, rows).sum()) for rows in _chunks(split.n_prefix)]
        )
    count = int(chunk_counts.sum())
    if count == 0:
        return np.zeros((0, n_issues), dtype=np.intp)
    if not replace and n > count:
        msg = (
            f"The 'n' parameter of {caller} must be at most the number of acceptable "
            f"deals ({count}) when replace=False. Got {n} instead. Lower 'n' or pass "
            "replace=True."
        )
        raise ParameterError(msg, parameter="n", value=n)
    ranks = np.asarray(generator.choice(count, size=n, replace=replace), dtype=np.int64)
    return _deals_at_ranks(problem, split, chunk_counts, ranks)


def _deals_at_ranks(
    problem: _Problem, split: _Split, chunk_counts: npt.NDArray[np.int64], ranks: IntArray
) -> IntArray:
    """Return the acceptable deals of the given ranks, in the order of ``ranks``."""
    n_suffix = split.suffix_deals.shape[0]
    chunk_ends = np.cumsum(chunk_counts)
    rows_out = np.empty(ranks.size, dtype=np.intp)
    suffix_out = np.empty(ranks.size, dtype=np.intp)
    chunk_of = np.searchsorted(chunk_ends, ranks, side="right")
    for chunk in np.unique(chunk_of):
        pick = np.flatnonzero(chunk_of == chunk)
        start = chunk * _ROWS_PER_CHUNK
        rows = np.arange(start, min(start + _ROWS_PER_CHUNK, split.n_prefix))
        if problem.n_constrained == 0:
            row_counts = np.full(rows.size, n_suffix, dtype=np.int64)
        else:
            row_counts = _counts(problem, split, rows)
        row_ends = np.cumsum(row_counts)
        local = ranks[pick] - (chunk_ends[chunk] - chunk_counts[chunk])
        row_of = np.searchsorted(row_ends, local, side="right")
        within = local - (row_ends[row_of] - row_counts[row_of])
        rows_out[pick] = rows[row_of]
        if problem.n_constrained <= 1:
            # Sorted suffix (or no constraint): a row's completions are its last ones.
            suffix_out[pick] = n_suffix - row_counts[row_of] + within
            continue
        for row in np.unique(row_of):
            same = row_of == row
            needs = _prefix_needs(problem, split, rows[row : row + 1])
            accepted = np.flatnonzero(_accepts(split, needs)[0])
            suffix_out[pick[same]] = accepted[within[same]]
    return _to_deals(problem, split, rows_out, suffix_out)


def _sample_by_rejection(
    problem: _Problem,
    n: int,
    generator: np.random.Generator,
    replace: bool,
    max_draws: int,
    *,
    caller: str,
) -> IntArray:
    found: list[IntArray] = []
    n_found, drawn = 0, 0
    seen: set[bytes] = set()
    while n_found < n and drawn < max_draws:
        batch = min(_SAMPLE_BATCH, max_draws - drawn)
        positions = _draw(problem, batch, generator)
        drawn += batch
        accepted = positions[_accepted_positions(problem, positions)]
        if not replace:
            fresh = []
            for k, deal in enumerate(accepted):
                key = deal.tobytes()
                if key not in seen:
                    seen.add(key)
                    fresh.append(k)
            accepted = accepted[np.asarray(fresh, dtype=np.intp)]
        found.append(accepted)
        n_found += accepted.shape[0]
    if n_found < n:
        msg = (
            f"{caller} drew {drawn} deals and found {n_found} acceptable ones, fewer than "
            f"n={n}. Raise 'max_exact' to sample exactly by rank, or 'max_draws'."
        )
        raise ParameterError(msg, parameter="n", value=n)
    positions = np.concatenate(found, axis=0)[:n]
    n_issues = len(problem.options)
    return np.stack([problem.options[i][positions[:, i]] for i in range(n_issues)], axis=1)


def zopa_option_presence(
    tables: Sequence[npt.ArrayLike],
    reservations: npt.ArrayLike,
    *,
    veto: npt.ArrayLike | None = None,
    admissible: Sequence[npt.ArrayLike] | None = None,
    max_exact: int = 10**9,
    tol: float = 1e-12,
) -> OptionPresence:
    """Return, per issue, which options occur in at least one acceptable deal.

    An option can occur only if, for every veto holder, its utility plus the holder's
    best utility on every other issue reaches the reservation. With one veto holder
    that bound is exact. With several it is only necessary (each holder's best
    completion may differ), so the options it allows are confirmed by streaming through
    the acceptable deals when that fits in ``max_exact``; otherwise the bound is
    returned with ``exact=False``.

    Parameters
    ----------
    tables : sequence of array-like of shape (n_actors, n_options_i)
        Weighted utility contribution of each option for each actor, one per issue.
    reservations : array-like of shape (n_actors,)
        Utility of no deal.
    veto : bool array-like of shape (n_actors,), optional
        True for the actors whose acceptance is needed; None means every actor.
    admissible : sequence of bool array-like of shape (n_actors, n_options_i), optional
        False where an option crosses an actor's red line.
    max_exact : int, default=10**9
        Budget of the exact pass, in comparisons; see :func:`zopa_count`.
    tol : float, default=1e-12
        A utility within ``tol`` below a reservation still counts as accepted.

    Returns
    -------
    OptionPresence
    """
    caller = "zopa_option_presence"
    problem = _prepare(tables, reservations, veto, admissible, tol, caller=caller)
    max_exact = check_positive_int(max_exact, "max_exact", caller=caller)
    present = [np.zeros(count, dtype=np.bool_) for count in problem.option_counts]
    if problem.reduced == 0:
        return OptionPresence(tuple(freeze(mask) for mask in present), exact=True)
    best = np.array([values.max(axis=1) for values in problem.values])
    best_total = best.sum(axis=0)
    possible = [
        np.all(values + (best_total - best[i])[:, None] >= problem.thresholds[:, None], axis=0)
        for i, values in enumerate(problem.values)
    ]
    if problem.n_constrained <= 1:
        for mask, allowed, ok in zip(present, problem.options, possible, strict=True):
            mask[allowed[ok]] = True
        return OptionPresence(tuple(freeze(mask) for mask in present), exact=True)
    split_at, cost = _work(problem)
    if cost > max_exact:
        for mask, allowed, ok in zip(present, problem.options, possible, strict=True):
            mask[allowed[ok]] = True
        return OptionPresence(tuple(freeze(mask) for mask in present), exact=False)
    found = _confirm_presence(problem, _make_split(problem, split_at), possible)
    for mask, allowed, seen in zip(present, problem.options, found, strict=True):
        mask[allowed[seen]] = True
    return OptionPresence(tuple(freeze(mask) for mask in present), exact=True)


def _confirm_presence(
    problem: _Problem, split: _Split, possible: list[BoolArray]
) -> list[BoolArray]:
    """Return, per issue, which reduced options occur in an acceptable deal."""
    found = [np.zeros(ok.size, dtype=np.bool_) for ok in possible]
    n_suffix = split.suffix_deals.shape[0]
    width = max(1, _BLOCK_ELEMENTS // n_suffix)
    if split.n_prefix <= _COUNTS_MAX_ROWS:
        # With every row's count at hand: the prefix options of the rows with acceptable
        # completions are present; the suffix options are looked for in those rows, the
        # rows with most completions first, until every possible option is found.
        counts = _counts(problem, split, np.arange(split.n_prefix))
        good = np.flatnonzero(counts > 0)
        if split.split and good.size:
            positions = np.unravel_index(good, split.prefix_counts)
            for i in range(split.split):
                found[i][positions[i]] = True
        good = good[np.argsort(-counts[good], kind="stable")]
        for start in range(0, good.size, width):
            if all(np.array_equal(f, ok) for f, ok in zip(found, possible, strict=True)):
                break
            rows = good[start : start + width]
            accepted = _accepts(split, _prefix_needs(problem, split, rows))
            good_suffix = np.flatnonzero(accepted.any(axis=0))
            for j in range(split.split, len(found)):
                found[j][split.suffix_deals[good_suffix, j - split.split]] = True
        return found
    for rows in _chunks(split.n_prefix):
        if all(np.array_equal(seen, ok) for seen, ok in zip(found, possible, strict=True)):
            break
        needs = _prefix_needs(problem, split, rows)
        for start in range(0, rows.size, width):
            accepted = _accepts(split, needs[:, start : start + width])
            good_rows = rows[start : start + width][accepted.any(axis=1)]
            good_suffix = np.flatnonzero(accepted.any(axis=0))
            if split.split and good_rows.size:
                positions = np.unravel_index(good_rows, split.prefix_counts)
                for i in range(split.split):
                    found[i][positions[i]] = True
            for j in range(split.split, len(found)):
                found[j][split.suffix_deals[good_suffix, j - split.split]] = True
    return found

"""Dominance filters behind :func:`~peacetalks.analysis.pareto.pareto_mask`.

Dominance is for maximisation: ``q`` dominates ``p`` when ``q >= p - tol`` in every
coordinate and ``q > p + tol`` in at least one. :func:`nondominated` picks a filter by the
number of actors and points:

- one actor: a threshold on the maximum;
- two actors: an ``O(n log n)`` sweep over points sorted by the first objective;
- three actors: a sweep keeping the 2-d staircase of the points already passed;
- four or more actors: a block sweep in order of decreasing sum for up to about a
  thousand points, or when a sample shows that the few points of largest sum dominate
  nearly all the others (a random cloud with a small front); otherwise a dual-tree walk
  over a k-d tree.

The block sweep compares every point it keeps with the whole front found so far, so it
is quadratic in the size of the front; the walk costs about ``O(n log n)`` on the
merged fronts of :func:`~peacetalks.analysis.pareto.pareto_front`, which is what makes
fronts of hundreds of thousands of deals tractable with four and five actors.

Inputs with many exact copies of few utility vectors (domains whose evaluations take few
values, where millions of deals tie) are filtered on their distinct rows only: copies of
a point share its fate, and the sweeps would otherwise compare every copy with every
other point of its tie group, a quadratic cost that ran for minutes on such domains.
``work["pairs"]`` counts the point pairs compared, for tests of that bound.
"""

from __future__ import annotations

import numpy as np

from peacetalks.analysis import _skyline
from peacetalks.analysis._validation import BoolArray, FloatArray, IntArray

__all__: list[str] = []

# Point pairs compared by _dominated_by since the process started (a work count for
# tests; an int add per chunk).
work = {"pairs": 0}
# Inputs this large are checked for repeated rows (a sort of one hash per row), and
# filtered on their distinct rows when at most this share of the rows is distinct.
_DEDUPE_MIN_POINTS = 4096
_DEDUPE_MAX_SHARE = 0.5

# The compiled sort-filter (_skyline.c) compares about 2 point pairs per nanosecond and
# gives up past this many pairs per point, about the cost of the tree walk per point:
# a front too large for a quadratic filter then costs at most about twice the walk.
_SKYLINE_PAIRS_PER_POINT = 2000
# Pairwise comparisons are done on 2-d blocks of at most this many elements, which keeps
# the working memory of the block sweep in the tens of megabytes whatever the input size.
_BLOCK_ELEMENTS = 1 << 21
_SWEEP_BLOCK = 2048
_FIRST_CHUNK = 4
_STAIR_BLOCK = 256
# Below this many points the block sweep beats the set-up cost of the k-d tree.
_TREE_MIN_POINTS = 1024
# With four or more actors, the points of largest sum ("leaders") are checked against
# evenly spaced sample points. If they dominate most of the sample, the front is small
# and the block sweep wins; if they dominate a fair share, every point is checked
# against them before the tree walk, which would reach such points only near the leaves.
_N_LEADERS = 128
_LEADER_SAMPLE = 512
_SWEEP_MIN_SHARE = 0.9
_SETTLE_MIN_SHARE = 0.5
# Node pairs expanded at once by the dual-tree walk: bounds its working memory, and small
# chunks stay in cache (2**13 to 2**14 measured fastest).
_PAIR_BUDGET = 1 << 14
# Nodes this wide or narrower split on the dimension estimated from their parent's box,
# which saves the short reductions that would dominate the build at the bottom levels.
_EXACT_EXTENT_WIDTH = 16


def _distinct_rows(points: FloatArray) -> tuple[FloatArray, IntArray] | None:
    """Return the distinct rows and each row's index among them, if few are distinct.

    A hash of each row's bits is sorted first (cheap); only when it shows that at most
    ``_DEDUPE_MAX_SHARE`` of the rows are distinct are the rows themselves made unique.
    Returns None otherwise.
    """
    n_points = points.shape[0]
    bits = np.ascontiguousarray(points + 0.0).view(np.uint64)  # + 0.0 turns -0.0 into 0.0
    mixed = np.zeros(n_points, dtype=np.uint64)
    for column in bits.T:
        mixed = (mixed * np.uint64(0x9E3779B97F4A7C15)) ^ column
    mixed.sort()
    n_hashes = 1 + int(np.count_nonzero(mixed[1:] != mixed[:-1]))
    if n_hashes > _DEDUPE_MAX_SHARE * n_points:
        return None
    rows, inverse = np.unique(points + 0.0, axis=0, return_inverse=True)
    return np.ascontiguousarray(rows), inverse.reshape(-1).astype(np.intp)


def nondominated(points: FloatArray, tol: float) -> BoolArray:
    """Return which rows of ``points`` no other row dominates.

    Parameters
    ----------
    points : ndarray of shape (n_points, n_actors)
        Finite utility vectors, already validated.
    tol : float
        Tie tolerance, >= 0.

    Returns
    -------
    ndarray of shape (n_points,)
    """
    n_points, n_actors = points.shape
    if n_points == 0:
        return np.zeros(0, dtype=np.bool_)
    if n_points >= _DEDUPE_MIN_POINTS and n_actors > 1:
        distinct = _distinct_rows(points)
        if distinct is not None:
            rows, inverse = distinct
            return nondominated(rows, tol)[inverse]
    if n_actors == 1:
        return np.asarray(points[:, 0] >= points[:, 0].max() - tol)
    if n_actors == 2:
        return _mask_2d(points, tol)
    if n_actors == 3:
        return _mask_3d(points, tol)
    # The compiled sort-filter, when built, unless the front is too large for it.
    swept = _skyline.skyline(points, tol, _SKYLINE_PAIRS_PER_POINT * n_points)
    if swept is not None:
        return swept
    if n_points < _TREE_MIN_POINTS:
        return _mask_sweep(points, tol)
    # The few points of largest sum dominate most of a random cloud, whose front is
    # small: the sweep, which meets them first, is then fastest. Merged fronts are close
    # to their own front, and the tree walk is fastest.
    n_leaders = min(_N_LEADERS, n_points)
    sums = points.sum(axis=1)
    leaders = np.ascontiguousarray(points[np.argpartition(-sums, n_leaders - 1)[:n_leaders]].T)
    sample = np.linspace(0, n_points - 1, _LEADER_SAMPLE).astype(np.intp)
    share = float(_dominated_by(np.ascontiguousarray(points[sample].T), leaders, tol).mean())
    if share >= _SWEEP_MIN_SHARE:
        return _mask_sweep(points, tol)
    settled = None
    if share >= _SETTLE_MIN_SHARE:
        settled = _dominated_by(np.ascontiguousarray(points.T), leaders, tol)
    return _mask_tree(points, tol, settled)


def _mask_2d(points: FloatArray, tol: float) -> BoolArray:
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


def _mask_3d(points: FloatArray, tol: float) -> BoolArray:
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
            front = merged[:, _mask_2d(np.ascontiguousarray(merged.T), 0.0)]
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


def _mask_sweep(points: FloatArray, tol: float) -> BoolArray:
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
        work["pairs"] += alive.size * chunk.shape[1]
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


def _mask_tree(points: FloatArray, tol: float, settled: BoolArray | None = None) -> BoolArray:
    """Return the non-dominated rows by a dual-tree walk over a k-d tree.

    The tree is complete: level ``L`` has ``2**L`` nodes, node ``i`` has children
    ``2i`` and ``2i + 1``, and the leaves are single slots, each holding a point or
    nothing (the point count is padded up to a power of two). The walk expands pairs
    ``(c, b)`` of nodes level by level and keeps a pair only while the upper corner of
    ``b``'s box is >= the lower corner of ``c``'s minus ``tol``, which every point of
    ``b`` dominating a point of ``c`` needs. When the lower corner of ``b`` already
    dominates the upper corner of ``c``, every point of ``c`` is dominated and ``c`` is
    dropped from the walk. At the leaves the boxes are the points themselves, so the
    result is the pairwise definition exactly, for any ``tol``.

    ``settled``, of shape ``(n_points,)``, marks points already known to be dominated:
    they are walked only as possible dominators of the others.
    """
    n_points, n_actors = points.shape
    depth = max(1, (n_points - 1).bit_length())
    slots = _kd_slots(points, depth)
    # Empty slots get NaN boxes: NaN compares False, so they never pair with anything.
    padded = np.concatenate((points, np.full(((1 << depth) - n_points, n_actors), np.nan)))
    leaves = padded[slots].T
    del padded
    lows = [[np.ascontiguousarray(leaves[j]) for j in range(n_actors)]]
    del leaves
    highs = [lows[0]]
    for _ in range(depth):
        lows.insert(0, [np.fmin(low[0::2], low[1::2]) for low in lows[0]])
        highs.insert(0, [np.fmax(high[0::2], high[1::2]) for high in highs[0]])
    dead = None
    if settled is not None:
        # Settled points still dominate others, but need no walk of their own.
        dead = [np.concatenate((settled, np.ones((1 << depth) - n_points, dtype=np.bool_)))[slots]]
        for _ in range(depth):
            dead.insert(0, dead[0][0::2] & dead[0][1::2])
    dominated = _walk(lows, highs, tol, dead)
    mask = np.zeros(1 << depth, dtype=np.bool_)
    mask[slots] = ~dominated
    if settled is not None:
        mask[:n_points] &= ~settled
    return mask[:n_points]


def _kd_slots(points: FloatArray, depth: int) -> IntArray:
    """Return the point in each leaf slot of a complete k-d tree, ``(2**depth,)``.

    Each node splits at its median along its widest dimension. Slots past ``n_points``
    are empty; for the split they copy real points, so that empty slots spread evenly
    and the real points stay balanced. Splits only steer pruning, never correctness, so
    they run in float32 to halve the data moved.
    """
    n_points, n_actors = points.shape
    size = 1 << depth
    # Scaled into [0, 2] first, so that the cast neither overflows nor loses the spread
    # of points clustered far from zero.
    scaled = points * (1.0 / max(float(np.abs(points).max()), 1e-300))
    scaled -= scaled.min(axis=0)
    filler = np.arange(size - n_points) % n_points
    split = np.ascontiguousarray(
        np.concatenate((scaled, scaled[filler])).T, dtype=np.float32
    )  # (n_actors, size), in slot order
    del scaled
    slots = np.arange(size, dtype=np.intp)
    extent = np.zeros((n_actors, 1), dtype=np.float32)
    axis = np.zeros(1, dtype=np.intp)
    for level in range(depth):
        width = size >> level
        n_nodes = 1 << level
        rows = split.reshape(n_actors, n_nodes, width)
        if width > _EXACT_EXTENT_WIDTH or level == 0:
            extent = rows.max(axis=2) - rows.min(axis=2)
        else:
            # A child's extent along its parent's split axis is about half the parent's.
            extent = np.repeat(extent, 2, axis=1)
            extent[np.repeat(axis, 2), np.arange(n_nodes)] *= 0.5
        axis = np.argmax(extent, axis=0)
        key = rows[axis, np.arange(n_nodes)]  # (n_nodes, width)
        if width > 2:
            order = np.argpartition(key, width // 2 - 1, axis=1)
            order += (np.arange(n_nodes) * width)[:, None]
            flat = order.ravel()
        else:
            swap = key[:, 0] > key[:, 1]
            flat = np.arange(size, dtype=np.intp)
            flat[0::2] += swap
            flat[1::2] -= swap
        slots = np.take(slots, flat)
        split = np.take(split, flat, axis=1)
    return slots


def _walk(
    lows: list[list[FloatArray]],
    highs: list[list[FloatArray]],
    tol: float,
    dead: list[BoolArray] | None,
) -> BoolArray:
    """Return which leaf slots some other slot dominates; see :func:`_mask_tree`.

    ``lows[L][j]`` and ``highs[L][j]`` hold coordinate ``j`` of the lower and upper box
    corners of the ``2**L`` nodes of level ``L``. Pairs are expanded depth first in
    chunks of about ``_PAIR_BUDGET``, split by ``c`` so that a node's pairs stay together.
    ``dead[L]`` marks the nodes of level ``L`` whose points are all known to be
    dominated already; they are not walked as ``c``.
    """
    depth = len(lows) - 1
    n_actors = len(lows[0])
    dominated = np.zeros(1 << depth, dtype=np.bool_)
    screened = dead is not None
    if dead is None:
        dead = [np.zeros(1 << level, dtype=np.bool_) for level in range(depth + 1)]
    stack: list[tuple[int, IntArray, IntArray]] = [
        (0, np.zeros(1, dtype=np.intp), np.zeros(1, dtype=np.intp))
    ]
    while stack:
        level, parent_c, parent_b = stack.pop()
        level += 1
        low, high = lows[level], highs[level]
        # Child pairs by quadrant q: c child q >> 1, b child q & 1.
        c_children = (2 * parent_c, 2 * parent_c + 1)
        b_children = (2 * parent_b, 2 * parent_b + 1)
        passes = np.empty((4, parent_c.size), dtype=np.bool_)
        for j in range(n_actors):
            b_high = (high[j][b_children[0]], high[j][b_children[1]])
            c_low = (low[j][c_children[0]] - tol, low[j][c_children[1]] - tol)
            for q in range(4):
                if j == 0:
                    np.greater_equal(b_high[q & 1], c_low[q >> 1], out=passes[q])
                else:
                    passes[q] &= b_high[q & 1] >= c_low[q >> 1]
        if screened:
            for q in range(4):
                passes[q] &= ~dead[level][c_children[q >> 1]]
        kept = [np.flatnonzero(passes[q]) for q in range(4)]
        c = np.concatenate([c_children[q >> 1][kept[q]] for q in range(4)])
        b = np.concatenate([b_children[q & 1][kept[q]] for q in range(4)])
        covers = low[0][b] >= high[0][c] - tol
        for j in range(1, n_actors):
            covers &= low[j][b] >= high[j][c] - tol
        covering = np.flatnonzero(covers)
        if covering.size:
            c_covered, b_covering = c[covering], b[covering]
            strict = low[0][b_covering] > high[0][c_covered] + tol
            for j in range(1, n_actors):
                strict |= low[j][b_covering] > high[j][c_covered] + tol
            killed = c_covered[strict]
            if killed.size:
                dominated.reshape(1 << level, -1)[killed] = True
                dead[level][killed] = True
                alive = np.flatnonzero(~dead[level][c])
                c, b = c[alive], b[alive]
        if level == depth or c.size == 0:
            continue
        if c.size > _PAIR_BUDGET:
            is_low = c < np.median(c)
            if is_low.any() and not is_low.all():
                lower, upper = np.flatnonzero(is_low), np.flatnonzero(~is_low)
                stack.append((level, c[upper], b[upper]))
                stack.append((level, c[lower], b[lower]))
                continue
        stack.append((level, c, b))
    return dominated

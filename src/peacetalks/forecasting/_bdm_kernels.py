"""NumPy kernels of Bueno de Mesquita's expected-utility model, batched over runs.

Every kernel takes arrays with a leading axis of runs and an axis of actors, and works on
one issue. The equations, and how the ``printed`` and ``scholz-code`` variants differ, are
in the documentation of :mod:`peacetalks.forecasting.expected_utility`, which re-exports
the public names of this module.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Literal

import numpy as np
import numpy.typing as npt

from peacetalks.forecasting.weighted import weighted_median

__all__ = [
    "OfferKind",
    "Variant",
    "challenge_utilities",
    "condorcet_median",
    "expected_utilities",
    "make_offers",
    "risk_exponents",
    "success_probabilities",
    "take_offers",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

Variant = Literal["printed", "scholz-code"]

# Relative tolerance under which two positions tie in the Condorcet median, so that float
# rounding does not decide an even split.
_TIE_TOL = 1e-12


class OfferKind(IntEnum):
    """Kinds of offer, in the order the ``scholz-code`` variant takes them."""

    CONFLICT = 0
    COMPROMISE = 1
    CAPITULATION = 2
    STALEMATE = 3


def _pairs(present: BoolArray) -> BoolArray:
    """Return which ordered pairs (i, j), i != j, both take part: (n_runs, n_a, n_a)."""
    n = present.shape[1]
    pairs: BoolArray = present[:, :, None] & present[:, None, :] & ~np.eye(n, dtype=bool)[None]
    return pairs


def _utility(base: FloatArray, exponent: FloatArray | float) -> FloatArray:
    """Return ``2 - 4 base^exponent``, the utility scale of the model."""
    result: FloatArray = 2.0 - 4.0 * np.power(np.clip(base, 0.0, None), exponent)
    return result


def success_probabilities(
    positions: FloatArray,
    weights: FloatArray,
    present: BoolArray,
    width: FloatArray,
    exponents: FloatArray,
    *,
    variant: Variant = "printed",
) -> FloatArray:
    """Return every actor's probability of success against every other.

    Parameters
    ----------
    positions : ndarray of shape (n_runs, n_actors)
    weights : ndarray of shape (n_runs, n_actors)
        Capability x salience: the weight of each actor's votes.
    present : ndarray of shape (n_runs, n_actors)
        Which actors take part in the issue; the others neither vote nor count.
    width : ndarray of shape (n_runs,)
        Width ``R`` of the issue's scale, positive.
    exponents : ndarray of shape (n_runs, n_actors)
        Risk exponents of the voters; used by the ``scholz-code`` variant only.
    variant : {"printed", "scholz-code"}

    Returns
    -------
    ndarray of shape (n_runs, n_actors, n_actors)
        ``P[b, i, j]``: every voter's positive vote for ``x_i`` over ``x_j``,
        ``v_k(i, j) = w_k ((|x_k - x_j| / R)^e_k - (|x_k - x_i| / R)^e_k)``, summed and
        divided by ``sum_k |v_k(i, j)|`` (``printed``, ``e_k = 1``) or by
        ``sum_k sum_a sum_b |v_k(a, b)|`` over every ordered pair of the actors present
        (``scholz-code``, ``e_k = r_k``). 0 where ``x_i == x_j`` or the denominator is 0.
    """
    is_code = variant == "scholz-code"
    distance = np.abs(positions[:, :, None] - positions[:, None, :]) / width[:, None, None]
    # utility[b, k, i] of voter k for position x_i
    utility = -np.power(distance, exponents[:, :, None]) if is_code else -distance
    votes = weights[:, :, None, None] * (utility[:, :, :, None] - utility[:, :, None, :])
    both = present[:, :, None] & present[:, None, :]
    votes = np.where(both[:, None] & present[:, :, None, None], votes, 0.0)  # [b, k, i, j]
    numerator = np.clip(votes, 0.0, None).sum(axis=1)
    if is_code:
        denominator = np.abs(votes).sum(axis=(1, 2, 3))[:, None, None]
    else:
        denominator = np.abs(votes).sum(axis=1)
    distinct = positions[:, :, None] != positions[:, None, :]
    defined = distinct & (denominator > 0)
    safe = np.where(defined, denominator, 1.0)
    result: FloatArray = np.where(defined, numerator / safe, 0.0)
    return result


def challenge_utilities(
    positions: FloatArray,
    saliences: FloatArray,
    present: BoolArray,
    width: FloatArray,
    median: FloatArray,
    probabilities: FloatArray,
    exponents: FloatArray | float,
    *,
    q: float = 1.0,
    variant: Variant = "printed",
) -> FloatArray:
    """Return every actor's expected utility of challenging every other.

    Parameters
    ----------
    positions, saliences : ndarray of shape (n_runs, n_actors)
    present : ndarray of shape (n_runs, n_actors)
    width : ndarray of shape (n_runs,)
    median : ndarray of shape (n_runs,)
        The weighted median position, ``μ`` (used by ``printed`` when ``q < 1``).
    probabilities : ndarray of shape (n_runs, n_actors, n_actors)
        ``P[b, a, c]``, from :func:`success_probabilities`.
    exponents : float or ndarray broadcastable to (n_runs, n_actors, n_actors)
        The risk exponent of the utilities in ``E[b, a, c]``: that of the actor from
        whose point of view the challenge is weighed.
    q : float
        Probability that the status quo holds when ``a`` does not challenge.
    variant : {"printed", "scholz-code"}
        ``scholz-code`` leaves out the ``(1 - q)`` term, as the authors' code does.

    Returns
    -------
    ndarray of shape (n_runs, n_actors, n_actors)
        ``E[b, a, c] = s_c (P U_s + (1 - P) U_f) + (1 - s_c) U_s - q U_sq
        - (1 - q) (T U_b + (1 - T) U_w)``, the last term for ``printed`` only; 0 on the
        diagonal and for absent actors.
    """
    d = np.clip(np.abs(positions[:, :, None] - positions[:, None, :]) / width[:, None, None], 0, 1)
    exponent = np.broadcast_to(exponents, d.shape)
    success = _utility(0.5 - 0.5 * d, exponent)
    failure = _utility(0.5 + 0.5 * d, exponent)
    status_quo = _utility(np.full_like(d, 0.5), exponent)
    resist = saliences[:, None, :]
    p = probabilities
    eu = resist * (p * success + (1 - p) * failure) + (1 - resist) * success - q * status_quo
    if q < 1.0 and variant == "printed":
        d_median = np.clip(np.abs(positions - median[:, None]) / width[:, None], 0, 1)[:, :, None]
        better = _utility(0.5 - 0.25 * (d_median + d), exponent)
        worse = _utility(0.5 + 0.25 * (d_median + d), exponent)
        t = (d_median >= d).astype(np.float64)
        eu = eu - (1 - q) * (t * better + (1 - t) * worse)
    result: FloatArray = np.where(_pairs(present), eu, 0.0)
    return result


def risk_exponents(security: FloatArray, present: BoolArray) -> FloatArray:
    """Return the risk exponents ``r`` from the security (danger) sums ``S``.

    Parameters
    ----------
    security : ndarray of shape (n_runs, n_actors)
        The sum of the others' expected utilities of challenging each actor.
    present : ndarray of shape (n_runs, n_actors)
        Which actors take part in the issue.

    Returns
    -------
    ndarray of shape (n_runs, n_actors)
        ``(1 - R/3) / (1 + R/3)`` with ``R = (2 S - max S - min S) / (max S - min S)``
        over the actors present, in [0.5, 2]; 1 where every ``S`` is equal, and for
        absent actors.
    """
    high = np.where(present, security, -np.inf).max(axis=1, keepdims=True)
    low = np.where(present, security, np.inf).min(axis=1, keepdims=True)
    spread = high - low
    spread_ok = np.isfinite(spread) & (spread > 0)
    centred = np.where(spread_ok, 2.0 * security - np.where(spread_ok, high + low, 0.0), 0.0)
    risk = np.where(present & spread_ok, centred / np.where(spread_ok, spread, 1.0), 0.0)
    result: FloatArray = (1.0 - risk / 3.0) / (1.0 + risk / 3.0)
    return result


def expected_utilities(
    positions: FloatArray,
    saliences: FloatArray,
    capabilities: FloatArray,
    present: BoolArray,
    width: FloatArray,
    *,
    q: float = 1.0,
    variant: Variant = "printed",
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Return the expected utilities of every dyad as its first actor sees them.

    Parameters
    ----------
    positions, saliences, capabilities : ndarray of shape (n_runs, n_actors)
        Values of absent actors are ignored.
    present : ndarray of shape (n_runs, n_actors)
    width : ndarray of shape (n_runs,)
    q : float
    variant : {"printed", "scholz-code"}

    Returns
    -------
    eu_i : ndarray of shape (n_runs, n_actors, n_actors)
        ``eu_i[b, i, j]``: ``i``'s expected utility of challenging ``j``, with ``r_i``.
    eu_j : ndarray of shape (n_runs, n_actors, n_actors)
        ``eu_j[b, i, j]``: ``j``'s expected utility of challenging ``i``; with ``r_j``
        (``printed``: ``eu_j`` is ``eu_i`` transposed) or, as ``i`` estimates it, with
        ``r_i`` (``scholz-code``).
    r : ndarray of shape (n_runs, n_actors)
        The risk exponents of the round, from the risk-neutral (every exponent 1)
        expected utilities at the round's positions.
    """
    weights = np.where(present, capabilities * saliences, 0.0)
    if variant == "printed":
        median = weighted_median(positions[:, :, None], weights[:, :, None], axis=1)[:, 0]
        median = np.where(np.isnan(median), 0.0, median)
    else:
        median = np.zeros(positions.shape[0])
    ones = np.ones_like(positions)
    p_neutral = success_probabilities(positions, weights, present, width, ones, variant=variant)
    neutral = challenge_utilities(
        positions, saliences, present, width, median, p_neutral, 1.0, q=q, variant=variant
    )
    r = risk_exponents(neutral.sum(axis=1), present)  # S_i: sum over challengers a of E[a, i]
    p = success_probabilities(positions, weights, present, width, r, variant=variant)
    eu_i = challenge_utilities(
        positions, saliences, present, width, median, p, r[:, :, None], q=q, variant=variant
    )
    if variant == "printed":
        return eu_i, np.swapaxes(eu_i, 1, 2), r
    # E[b, c, a] of c challenging a with a's exponent, so that eu_j[b, a, c] is a's view.
    seen_by_target = challenge_utilities(
        positions, saliences, present, width, median, p, r[:, None, :], q=q, variant=variant
    )
    return eu_i, np.swapaxes(seen_by_target, 1, 2), r


def make_offers(
    positions: FloatArray,
    eu_i: FloatArray,
    eu_j: FloatArray,
    present: BoolArray,
    *,
    variant: Variant = "printed",
) -> tuple[IntArray, FloatArray]:
    """Return the kind of offer each actor makes each other, and the position offered.

    Parameters
    ----------
    positions : ndarray of shape (n_runs, n_actors)
    eu_i, eu_j : ndarray of shape (n_runs, n_actors, n_actors)
        From :func:`expected_utilities`.
    present : ndarray of shape (n_runs, n_actors)
    variant : {"printed", "scholz-code"}
        Who judges the offer of ``i`` to ``j``. ``printed``: ``i``, with
        ``(x, y) = (eu_i[i, j], eu_j[i, j])``. ``scholz-code``: the receiver ``j``, from
        its own point of view, with ``x = eu_j[j, i]`` (``i`` challenging ``j``) and
        ``y = eu_i[j, i]`` (``j`` challenging ``i``); and never a capitulation.

    Returns
    -------
    kind : ndarray of int of shape (n_runs, n_actors, n_actors)
        ``kind[b, i, j]``, an :class:`OfferKind`: conflict when ``x > y > 0``,
        compromise when ``x > 0 > y`` and ``x > |y|``, capitulation when ``x > 0 > y``
        and ``x <= |y|`` (``printed`` only), else stalemate. ``scholz-code`` makes no
        offer between actors at the same position.
    proposal : ndarray of shape (n_runs, n_actors, n_actors)
        The position offered to ``j``: ``x_j + (x_i - x_j) |y / x|`` for a compromise,
        ``x_i`` otherwise.
    """
    valid = _pairs(present)
    x_i, x_j = positions[:, :, None], positions[:, None, :]
    if variant == "scholz-code":
        challenger, resister = np.swapaxes(eu_j, 1, 2), np.swapaxes(eu_i, 1, 2)
        valid = valid & (x_i != x_j)
    else:
        challenger, resister = eu_i, eu_j
    gains = valid & (challenger > 0)
    loses = gains & (resister < 0)
    kind = np.full(challenger.shape, OfferKind.STALEMATE, dtype=np.int64)
    kind[gains & (resister > 0) & (challenger > resister)] = OfferKind.CONFLICT
    kind[loses & (challenger > -resister)] = OfferKind.COMPROMISE
    if variant == "printed":
        # The authors' code tests the capitulation as eu > |eu|, which never holds.
        kind[loses & (challenger <= -resister)] = OfferKind.CAPITULATION
    share = np.abs(resister) / np.where(challenger != 0, np.abs(challenger), 1.0)
    proposal: FloatArray = np.where(kind == OfferKind.COMPROMISE, x_j + (x_i - x_j) * share, x_i)
    return kind, proposal


def take_offers(
    positions: FloatArray,
    kind: IntArray,
    proposal: FloatArray,
    eu_i: FloatArray,
    eu_j: FloatArray,
    *,
    variant: Variant = "printed",
) -> FloatArray:
    """Return each actor's position after it takes one of the offers it got.

    Parameters
    ----------
    positions : ndarray of shape (n_runs, n_actors)
    kind, proposal : ndarray of shape (n_runs, n_actors, n_actors)
        From :func:`make_offers`; column ``j`` holds the offers made to ``j``.
    eu_i, eu_j : ndarray of shape (n_runs, n_actors, n_actors)
        From :func:`expected_utilities`; used by ``scholz-code`` only.
    variant : {"printed", "scholz-code"}
        ``printed`` takes the offer closest to the actor's position. ``scholz-code``
        takes the offers of the first kind present in the order conflict, compromise,
        capitulation; among conflicts and capitulations the one closest to the actor's
        position, among compromises the one from the actor ``i`` with the smallest
        ``(|eu_i[j, i]| x_j + |eu_j[j, i]| x_i) / (|eu_i[j, i]| + |eu_j[j, i]|)``, as the
        authors' code does. Ties go to the lowest actor index.

    Returns
    -------
    ndarray of shape (n_runs, n_actors)
        The new positions; unchanged for actors with no offer.
    """
    has_offer = kind != OfferKind.STALEMATE
    key = np.abs(proposal - positions[:, None, :])
    if variant == "scholz-code":
        first = kind.min(axis=1, keepdims=True)
        mine, theirs = np.abs(np.swapaxes(eu_i, 1, 2)), np.abs(np.swapaxes(eu_j, 1, 2))
        total = mine + theirs
        weighted = (mine * positions[:, None, :] + theirs * positions[:, :, None]) / np.where(
            total > 0, total, 1.0
        )
        key = np.where(kind == OfferKind.COMPROMISE, weighted, key)
        has_offer = has_offer & (kind == first)
    chosen = np.argmin(np.where(has_offer, key, np.inf), axis=1)
    taken = np.take_along_axis(proposal, chosen[:, None, :], axis=1)[:, 0, :]
    result: FloatArray = np.where(has_offer.any(axis=1), taken, positions)
    return result


def condorcet_median(positions: FloatArray, weights: FloatArray) -> FloatArray:
    """Return the position that survives pairwise votes against every other, per run.

    Starting from the lowest position, the positions are taken in increasing order and
    each replaces the current median when the weighted votes prefer it:
    ``sum_k w_k (|x_k - m| - |x_k - p|) > 0``, with a tolerance of ``1e-12`` relative
    to ``sum_k w_k |x_k - m|`` so that an even split keeps the lower position. With
    these linear losses the result is a weighted median of the positions, whatever the
    order; the order decides only between tied positions.

    Parameters
    ----------
    positions : ndarray of shape (n_runs, n_actors)
        NaN where an actor takes no part.
    weights : ndarray of shape (n_runs, n_actors)
        Capability x salience, non-negative.

    Returns
    -------
    ndarray of shape (n_runs,)
        NaN where every weight is 0.
    """
    present = ~np.isnan(positions)
    x = np.where(present, positions, 0.0)
    w = np.where(present, weights, 0.0)
    candidates = np.sort(np.where(present, positions, np.inf), axis=1)
    median = np.where(np.isfinite(candidates[:, 0]), candidates[:, 0], 0.0)
    for m in range(candidates.shape[1]):
        p = candidates[:, m]
        finite = np.isfinite(p)
        p = np.where(finite, p, 0.0)
        loss = (w * np.abs(x - median[:, None])).sum(axis=1)
        gain = loss - (w * np.abs(x - p[:, None])).sum(axis=1)
        median = np.where(finite & (gain > _TIE_TOL * loss), p, median)
    result: FloatArray = np.where(w.sum(axis=1) > 0, median, np.nan)
    return result

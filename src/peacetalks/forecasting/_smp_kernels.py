"""Array kernels of the spatial model of politics (SMP) as KTAB computes it.

Pure functions on NumPy arrays, on KTAB's internal scale: positions and saliences on
[0, 1]. Where KTAB adds or multiplies a sequence of numbers, the kernels do it in the same
order (a loop over the short axis, vectorised over the others), so that the results agree
with KTAB's to the last bit and its rounding of bargains to four decimals and its choice of
the most likely bargain land on the same side; ``np.sum`` would sum pairwise instead.

The names of the options are those of KTAB's XML schema (``smpSchema.xsd``).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

__all__ = [
    "BargainModel",
    "BigRAdjust",
    "BigRRange",
    "Interpolation",
    "PceModel",
    "ThirdPartyCommit",
    "Transitions",
    "VictoryModel",
    "VotingRule",
    "big_r",
    "coalitions",
    "condorcet",
    "estimated_risk",
    "interpolate",
    "position_utility",
    "sequential_sum",
    "vote",
    "weighted_distances",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

VotingRule = Literal["Binary", "PropBin", "Proportional", "PropCbc", "Cubic", "ASymProsp"]
VictoryModel = Literal["Linear", "Square", "Quartic", "Octic", "Binary"]
PceModel = Literal["Conditional", "MarkovIncentive", "MarkovUniform"]
BigRRange = Literal["Min", "Mid", "Max"]
BigRAdjust = Literal["Full", "TwoThirds", "Half", "OneThird", "No"]
ThirdPartyCommit = Literal["FullCommit", "SemiCommit", "NoCommit"]
Interpolation = Literal["S1P1", "S2P2", "S2PMax"]
BargainModel = Literal["InitOnlyInterp", "InitRcvrInterp", "PWCompInterp"]
Transitions = Literal["Deterministic", "Stochastic"]

MIN_COALITION = 1e-8
"""Strength every coalition over options starts from (KTAB's ``Model::coalitions``)."""
MIN_CHALLENGE_COALITION = 1e-10
"""Strength the two sides of a challenge start from (``SMPState::probEduChlg``)."""
MIN_INTERPOLATION_WEIGHT = 1e-6
"""Weight added to the initiator's side when a bargain is interpolated."""
_BINARY_STEP = 1e-8  # utility difference at which a binary vote is whole
_BINARY_VICTORY = 1.10  # ratio of strengths beyond which a binary contest is certain
_BINARY_FLOOR = 1e-6
_MARKOV_UNIFORM_TOL = 1e-6
_MARKOV_INCENTIVE_TOL = 1e-8
_MARKOV_MAX_ITERATIONS = 1000


def sequential_sum(values: FloatArray, axis: int = -1) -> FloatArray:
    """Return the sum along ``axis`` added left to right, as a C loop adds it."""
    moved = np.moveaxis(values, axis, -1)
    total = np.zeros(moved.shape[:-1])
    for k in range(moved.shape[-1]):
        total = total + moved[..., k]
    return total


def vote(rule: VotingRule, weight: FloatArray | float, du: FloatArray) -> FloatArray:
    """Return the votes of voters of ``weight`` for an option that gives them ``du`` more.

    KTAB's ``Model::vote``: proportional to the utility difference, binary (its sign, with
    a linear ramp over 1e-8), cubic, their blends (0.8/0.2 proportional/binary, 0.5/0.5
    proportional/cubic) or asymmetric prospect (gains count two thirds of losses).
    """
    if rule == "Proportional":
        return np.asarray(weight * du, dtype=np.float64)
    r_bin = np.clip(du / _BINARY_STEP, -1.0, 1.0)
    cubic = du * du * du
    if rule == "Binary":
        result = weight * r_bin
    elif rule == "PropBin":
        result = weight * ((1 - 0.2) * du + 0.2 * r_bin)
    elif rule == "PropCbc":
        result = weight * ((1 - 0.5) * du + 0.5 * cubic)
    elif rule == "Cubic":
        result = weight * cubic
    else:
        result = np.where(du < 0.0, weight * du, np.where(du > 0.0, (2.0 * weight * du) / 3.0, 0.0))
    return np.asarray(result, dtype=np.float64)


def _victory_pair(model: VictoryModel, s1: FloatArray, s2: FloatArray) -> FloatArray:
    """Return the probability that a side of strength ``s1`` beats one of ``s2``."""
    if model == "Linear":
        x1, x2 = s1, s2
    elif model == "Square":
        x1, x2 = s1 * s1, s2 * s2
    elif model == "Quartic":
        x1, x2 = (s1 * s1) * (s1 * s1), (s2 * s2) * (s2 * s2)
    elif model == "Octic":
        q1, q2 = (s1 * s1) * (s1 * s1), (s2 * s2) * (s2 * s2)
        x1, x2 = q1 * q1, q2 * q2
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            r12 = s1 / (s1 + s2)
        p12 = (r12 * (_BINARY_VICTORY + 1.0) - 1.0) / (_BINARY_VICTORY - 1.0)
        first = s1 >= _BINARY_VICTORY * s2
        second = ~first & (s2 >= _BINARY_VICTORY * s1)
        x1 = np.where(first, 1.0, np.where(second, _BINARY_FLOOR, p12))
        x2 = np.where(first, _BINARY_FLOOR, np.where(second, 1.0, 1 - p12))
    return np.asarray(x1 / (x1 + x2), dtype=np.float64)


def victory_matrix(model: VictoryModel, strengths: FloatArray) -> FloatArray:
    """Return ``P[i, j]``, the probability that option ``i`` beats option ``j``.

    Parameters
    ----------
    strengths : ndarray of shape (..., n_options, n_options)
        Coalition strengths; ``strengths[i, j]`` supports ``i`` against ``j``.
    """
    n = strengths.shape[-1]
    lower = np.tril(np.ones((n, n), dtype=bool), -1)
    transposed = np.swapaxes(strengths, -1, -2)
    p_lower = np.where(lower, _victory_pair(model, strengths, transposed), 0.0)
    p_upper = np.where(lower, _victory_pair(model, transposed, strengths), 0.0)
    result = p_lower + np.swapaxes(p_upper, -1, -2)
    result[..., np.arange(n), np.arange(n)] = 0.5
    return result


def coalitions(rule: VotingRule, weights: FloatArray, utilities: FloatArray) -> FloatArray:
    """Return the coalition strengths ``C[i, j]`` of option ``i`` against option ``j``.

    Parameters
    ----------
    rule : str
    weights : ndarray of shape (n_voters,)
    utilities : ndarray of shape (..., n_voters, n_options)

    Returns
    -------
    ndarray of shape (..., n_options, n_options)
        ``1e-8`` plus the positive votes for ``i`` over ``j``, voter by voter in order.
    """
    n_voters, n_options = utilities.shape[-2:]
    lower = np.tril(np.ones((n_options, n_options), dtype=bool), -1)
    total = np.full((*utilities.shape[:-2], n_options, n_options), MIN_COALITION)
    for k in range(n_voters):
        u = utilities[..., k, :]
        votes = np.where(lower, vote(rule, weights[k], u[..., :, None] - u[..., None, :]), 0.0)
        total = total + (np.maximum(votes, 0.0) + np.swapaxes(np.maximum(-votes, 0.0), -1, -2))
    return total


def _conditional(victory: FloatArray) -> FloatArray:
    product = np.ones(victory.shape[:-1])
    for j in range(victory.shape[-1]):
        product = product * victory[..., :, j]
    return product / sequential_sum(product)[..., None]


def _markov_uniform(victory: FloatArray) -> FloatArray:
    n = victory.shape[0]
    p: FloatArray = np.full(n, 1.0 / n)
    for _ in range(_MARKOV_MAX_ITERATIONS):
        q = sequential_sum(victory * (p[:, None] + p[None, :])) / n
        change = float(np.max(np.abs(q - p)))
        p = (p + q) / 2.0
        if change <= _MARKOV_UNIFORM_TOL:
            return p
    msg = "the Markov (uniform) Condorcet election did not converge in 1000 iterations."
    raise ArithmeticError(msg)


def _markov_incentive(strengths: FloatArray, victory: FloatArray) -> FloatArray:
    n = victory.shape[0]
    incentive = strengths * victory + np.eye(n) * 1e-10
    challenge = incentive / sequential_sum(incentive, axis=0)[None, :]
    p: FloatArray = np.full(n, 1.0 / n)
    for _ in range(_MARKOV_MAX_ITERATIONS):
        ct = p[:, None] * challenge.T
        q = sequential_sum(victory * (ct + ct.T))
        change = float(np.max(np.abs(q - p)))
        p = (p + q) / 2.0
        if change <= _MARKOV_INCENTIVE_TOL:
            return p
    msg = "the Markov (incentive) Condorcet election did not converge in 1000 iterations."
    raise ArithmeticError(msg)


def condorcet(
    strengths: FloatArray, victory_model: VictoryModel, pce: PceModel
) -> tuple[FloatArray, FloatArray]:
    """Return the probabilistic Condorcet election over options, and the victory matrix.

    Parameters
    ----------
    strengths : ndarray of shape (..., n_options, n_options)

    Returns
    -------
    probabilities : ndarray of shape (..., n_options)
        Conditional: ``prod_j P[i, j]`` normalised; Markov: the stationary distribution of
        challenges (uniform, or in proportion to the incentive to challenge).
    victory : ndarray of shape (..., n_options, n_options)
    """
    victory = victory_matrix(victory_model, strengths)
    if pce == "Conditional":
        return _conditional(victory), victory
    flat_v = victory.reshape(-1, *victory.shape[-2:])
    flat_c = strengths.reshape(flat_v.shape)
    rows = [
        _markov_uniform(v) if pce == "MarkovUniform" else _markov_incentive(c, v)
        for v, c in zip(flat_v, flat_c, strict=True)
    ]
    return np.array(rows).reshape(victory.shape[:-1]), victory


def big_r(probabilities: FloatArray, rule: BigRRange) -> FloatArray:
    """Return the actors' risk attitudes from the probabilities of their positions.

    The most likely position gets +1, the least likely 0 (``Min``), -0.5 (``Mid``) or -1
    (``Max``), linearly between. When every probability is equal, all are risk neutral.
    """
    p_min = float(np.min(probabilities))
    p_max = float(np.max(probabilities))
    if p_max == p_min:
        return np.zeros_like(probabilities)
    if rule == "Min":
        return (probabilities - p_min) / (p_max - p_min)
    if rule == "Mid":
        return (3 * probabilities - (p_max + 2 * p_min)) / (2 * (p_max - p_min))
    return (2 * probabilities - (p_max + p_min)) / (p_max - p_min)


def estimated_risk(r_h: FloatArray, r_i: FloatArray, rule: BigRAdjust) -> FloatArray:
    """Return ``h``'s estimate of ``i``'s risk attitude (anchored on ``h``'s own)."""
    if rule == "Full":
        result = r_i + 0.0 * r_h
    elif rule == "TwoThirds":
        result = (r_h + (2.0 * r_i)) / 3.0
    elif rule == "Half":
        result = (r_h + r_i) / 2
    elif rule == "OneThird":
        result = ((2.0 * r_h) + r_i) / 3.0
    else:
        result = r_h + 0.0 * r_i
    return np.asarray(result, dtype=np.float64)


def utility(distance: FloatArray, risk: FloatArray) -> FloatArray:
    """Return KTAB's utility of a position at salience-weighted ``distance`` (on [0, 1]).

    ``(1 - d)(1 + d R)``: concave for risk-averse actors (R > 0), convex for
    risk-acceptant ones (R < 0), linear for R = 0.
    """
    inside = (1 - distance) * (1 + distance * risk)
    outside = (1 - distance) * (1 + risk)
    return np.asarray(np.where(distance <= 1, inside, outside), dtype=np.float64)


def weighted_distances(
    origins: FloatArray, points: FloatArray, saliences: FloatArray
) -> FloatArray:
    """Return the salience-weighted distances from each origin to each point.

    ``sqrt(sum_k (s_k (o_k - p_k))^2 / sum_k s_k^2)``, with each origin's saliences.

    Parameters
    ----------
    origins : ndarray of shape (n_origins, n_dims)
    points : ndarray of shape (n_points, n_dims)
    saliences : ndarray of shape (n_origins, n_dims)

    Returns
    -------
    ndarray of shape (n_origins, n_points)
    """
    ds_sq = np.zeros((origins.shape[0], points.shape[0]))
    ss_sq = np.zeros(origins.shape[0])
    for k in range(origins.shape[1]):
        ds = (origins[:, None, k] - points[None, :, k]) * saliences[:, None, k]
        ds_sq = ds_sq + ds * ds
        ss_sq = ss_sq + saliences[:, k] * saliences[:, k]
    return np.sqrt(ds_sq / ss_sq[:, None])


def position_utility(
    positions: FloatArray, saliences: FloatArray, risk: FloatArray, points: FloatArray
) -> FloatArray:
    """Return ``U[a, b]``: the utility to actor ``a`` (from its position) of point ``b``."""
    return utility(weighted_distances(positions, points, saliences), risk[:, None])


def challenges(
    distances: FloatArray,
    risk_estimates: FloatArray,
    clout: FloatArray,
    total_salience: FloatArray,
    index: tuple[IntArray, IntArray, IntArray, IntArray],
    *,
    rule: VotingRule,
    commit: ThirdPartyCommit,
) -> tuple[FloatArray, FloatArray]:
    """Return ``h``'s estimates of ``P[i beats j]`` and of ``k``'s gain from ``i``'s challenge.

    KTAB's ``SMPState::probEduChlg``. The principals' own votes (clout = salience x
    capability) start the two coalitions; every third party ``n`` then weighs the "little
    conflict" of ``i``, ``j`` and itself, and votes for the side it expects to gain from,
    given how committed third parties are to the side they joined. The gain compares
    challenging (``j`` adopts ``i``'s position unless ``j`` contests, which it does with
    its salience as probability) with the status quo.

    Parameters
    ----------
    distances : ndarray of shape (n, n)
        ``D[a, b]``: salience-weighted distance from ``a``'s ideal to ``b``'s position.
    risk_estimates : ndarray of shape (n, n)
        ``E[h, a]``: ``h``'s estimate of ``a``'s risk attitude.
    clout, total_salience : ndarray of shape (n,)
    index : tuple of four int arrays ``(h, k, i, j)``, broadcastable to one shape

    Returns
    -------
    probability, gain : ndarrays of the broadcast shape
    """
    h, k, i, j = index

    def u(a: IntArray, b: IntArray) -> FloatArray:
        return utility(distances[a, b], risk_estimates[h, a])

    uii, uij, uji, ujj = u(i, i), u(i, j), u(j, i), u(j, j)
    uki, ukj = u(k, i), u(k, j)
    eu_sq = uki + ukj
    u_win = uki + uki
    u_lose = ukj + ukj
    vi = vote(rule, clout[i], uii - uij)
    vj = vote(rule, clout[j], uji - ujj)
    for_i = (MIN_CHALLENGE_COALITION + np.maximum(vi, 0.0)) + np.maximum(vj, 0.0)
    for_j = (MIN_CHALLENGE_COALITION - np.minimum(vi, 0.0)) - np.minimum(vj, 0.0)
    base_i, base_j = for_i, for_j
    n_actors = distances.shape[0]
    for n in range(n_actors):
        third = np.array(n, dtype=np.intp)
        uni, unj, unn = u(third, i), u(third, j), u(third, third)
        vn = vote(rule, clout[n], uni - unj)
        side_i = np.where(vn > 0, base_i + vn, base_i)
        side_j = np.where(vn < 0, base_j - vn, base_j)
        p_in = side_i / (side_i + side_j)
        p_jn = 1.0 - p_in
        if commit == "FullCommit":
            ik_j, j_ik, i_jk, jk_i = (
                uni + uni + uni,
                unj + unj + unj,
                uni + uni + uni,
                unj + unj + unj,
            )
        elif commit == "SemiCommit":
            ik_j, j_ik, i_jk, jk_i = (
                uni + uni + unn,
                unj + unj + unj,
                uni + uni + uni,
                unj + unj + unn,
            )
        else:
            ik_j, j_ik, i_jk, jk_i = (
                uni + uni + unn,
                unj + unj + unn,
                uni + uni + unn,
                unj + unj + unn,
            )
        v3 = vote(rule, clout[n], (p_in * ik_j + p_jn * j_ik) - (p_in * i_jk + p_jn * jk_i))
        is_third = (i != n) & (j != n)
        for_i = np.where(is_third & (v3 > 0), for_i + v3, for_i)
        for_j = np.where(is_third & (v3 < 0), for_j - v3, for_j)
    p_ij = for_i / (for_i + for_j)
    p_ji = for_j / (for_i + for_j)
    s_j = total_salience[j]
    eu_contest = p_ij * u_win + p_ji * u_lose
    eu_challenge = (1 - s_j) * u_win + s_j * eu_contest
    return p_ij, eu_challenge - eu_sq


def _round4(x: FloatArray) -> FloatArray:
    return np.floor(0.5 + x * 10000.0) / 10000.0


def interpolate(
    mode: Interpolation,
    init: tuple[FloatArray, FloatArray, FloatArray],
    rcvr: tuple[FloatArray, FloatArray, FloatArray],
) -> tuple[FloatArray, FloatArray]:
    """Return the bargain's positions for the initiator and the receiver, per dimension.

    ``init`` and ``rcvr`` are (positions of shape (m, n_dims), saliences of shape
    (m, n_dims), probabilities of shape (m, 1)). ``S2P2`` (KTAB's default) weighs each
    side's position by salience squared x probability squared (``S1P1``: unsquared) and
    rounds to four decimals on [0, 1]; ``S2PMax`` moves the less likely side toward the
    other in proportion to the difference of their probabilities.
    """
    ti, si, pi = init
    tj, sj, pj = rcvr
    if mode == "S2PMax":
        di = np.where(pj > pi, pj - pi, 0.0)
        dj = np.where(pi > pj, pi - pj, 0.0)
        si2, sj2 = si * si, sj * sj
        dik = (di * sj2) / ((di * sj2) + MIN_INTERPOLATION_WEIGHT + ((1 - di) * si2))
        djk = (dj * si2) / ((dj * si2) + MIN_INTERPOLATION_WEIGHT + ((1 - dj) * sj2))
        return ti + dik * (tj - ti), tj + djk * (ti - tj)
    if mode == "S2P2":
        wi = (si * si) * (pi * pi)
        wj = (sj * sj) * (pj * pj)
    else:
        wi, wj = si * pi, sj * pj
    denominator = wi + MIN_INTERPOLATION_WEIGHT + wj
    bi = _round4(((wi + MIN_INTERPOLATION_WEIGHT) * ti + wj * tj) / denominator)
    bj = _round4((wi * ti + (MIN_INTERPOLATION_WEIGHT + wj) * tj) / denominator)
    return bi, bj

"""The turns of KTAB's spatial model of politics, on arrays (positions on [0, 1]).

One turn (KTAB's ``SMPState::doBCN`` and the set-up of the next state):

1. Every actor judges every position from its ideal: salience-weighted distance, turned
   into utility with a risk attitude. The risk attitudes come from a probabilistic
   Condorcet election among the actors' positions with risk-neutral utilities: the most
   likely position makes its holder risk averse (+1), the least likely risk acceptant.
   Actor ``h`` estimates actor ``i``'s attitude by anchoring on its own (``BigRAdjust``).
2. Every actor ``i`` looks, from its own perspective, for the actor ``j`` whose challenge
   gives it the largest expected gain (above 1e-5), with the probability ``P[i beats j]``
   from coalitions in which third parties take sides.
3. Such an ``i`` proposes a bargain to ``j``: both move toward each other, weighted by
   salience and probability of winning (``InterVecBrgn``), rounded to four decimals.
4. Every actor ``k`` then holds a probabilistic Condorcet election over the bargains it is
   party to and its status quo, every actor voting (with its capability) by the average
   utility of the positions of all actors after each bargain. It adopts the most likely
   bargain (or draws one, if transitions are stochastic), all actors at once.
5. The run stops when the total movement of a turn falls below ``min_delta_ratio`` of
   the first turn's (after at least ``min_turns`` turns), or after ``max_turns`` turns.

Bargains of an actor are listed status quo first, then by initiator; KTAB lists them in
the order its threads finish, which changes nothing but exact ties.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from peacetalks.forecasting._smp_kernels import (
    BargainModel,
    BigRAdjust,
    BigRRange,
    Interpolation,
    PceModel,
    ThirdPartyCommit,
    Transitions,
    VictoryModel,
    VotingRule,
    big_r,
    challenges,
    coalitions,
    condorcet,
    estimated_risk,
    interpolate,
    position_utility,
    utility,
    weighted_distances,
)
from peacetalks.forecasting._smp_prng import KTAB_DEFAULT_SEED, KtabRandom

__all__ = ["SmpOptions", "SmpState", "SmpStep", "SmpTrajectory", "run_turns"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

MIN_GAIN = 1e-5
"""Smallest expected gain for which an actor challenges (KTAB's ``minSigEDU``)."""
POSITION_TOLERANCE = 1e-3
"""Positions closer than this (Euclidean, on [0, 1]) are the same position."""
MIN_SIGNIFICANT_DELTA = 1e-4
"""Added to the first turn's movement before the ratio of the stopping rule."""


@dataclass(frozen=True)
class SmpOptions:
    """The sub-models of the SMP, named as in KTAB's XML schema, and the stopping rule."""

    victory_model: VictoryModel = "Linear"
    voting_rule: VotingRule = "Proportional"
    pce_model: PceModel = "Conditional"
    transitions: Transitions = "Deterministic"
    big_r_range: BigRRange = "Mid"
    big_r_adjust: BigRAdjust = "OneThird"
    third_party_commit: ThirdPartyCommit = "SemiCommit"
    interpolation: Interpolation = "S2P2"
    bargain_model: BargainModel = "InitOnlyInterp"
    max_turns: int = 100
    min_turns: int = 2
    min_delta_ratio: float = 0.02
    seed: int = KTAB_DEFAULT_SEED


@dataclass(frozen=True, eq=False)
class SmpState:
    """One state of a run.

    Attributes
    ----------
    positions, ideals : ndarray of shape (n_actors, n_dims)
        On [0, 1].
    risk : ndarray of shape (n_actors,)
        Inferred risk attitudes.
    win_probabilities : ndarray of shape (n_actors,)
        Probability that the actor's position wins the Condorcet election among the
        distinct positions (actors sharing a position share its probability).
    unique : ndarray of shape (n_unique,)
        Index of the first actor holding each distinct position.
    unique_probabilities : ndarray of shape (n_unique,)
    """

    positions: FloatArray
    ideals: FloatArray
    risk: FloatArray
    win_probabilities: FloatArray
    unique: IntArray
    unique_probabilities: FloatArray
    distances: FloatArray
    risk_estimates: FloatArray


@dataclass(frozen=True, eq=False)
class SmpStep:
    """What happened between two states.

    Attributes
    ----------
    targets : ndarray of shape (n_actors,)
        The actor each actor challenged, or -1.
    probabilities, gains : ndarray of shape (n_actors,)
        The challenger's estimate of its probability of winning and its expected gain
        (NaN without a challenge).
    adopted : ndarray of shape (n_actors, 2)
        Initiator and receiver of the bargain each actor adopted (itself twice: status quo).
    change : float
        Movement of this turn over the first turn's (KTAB's "fractional change").
    """

    targets: IntArray
    probabilities: FloatArray
    gains: FloatArray
    adopted: IntArray
    change: float


@dataclass(frozen=True, eq=False)
class SmpTrajectory:
    """A run: ``states[0]`` is the start, ``steps[t]`` leads to ``states[t + 1]``."""

    states: tuple[SmpState, ...]
    steps: tuple[SmpStep, ...]
    converged: bool


def _norms(a: FloatArray, b: FloatArray) -> FloatArray:
    total = np.zeros(np.broadcast_shapes(a.shape, b.shape)[:-1])
    for k in range(a.shape[-1]):
        d = a[..., k] - b[..., k]
        total = total + d * d
    return np.sqrt(total)


def _state_distance(x: FloatArray, y: FloatArray) -> float:
    total = 0.0
    for value in _norms(x, y).tolist():
        total = total + value
    return total


def _unique(positions: FloatArray) -> tuple[IntArray, IntArray]:
    """Return the first holder of each distinct position, and each actor's position index.

    An actor's index is the last distinct position equivalent to its own (KTAB's
    ``posProb``), which is its own except in chains of near-equal positions.
    """
    close = _norms(positions[:, None, :], positions[None, :, :]) < POSITION_TOLERANCE
    unique: list[int] = []
    for i in range(positions.shape[0]):
        if not any(close[i, u] for u in unique):
            unique.append(i)
    first = np.array(unique, dtype=np.intp)
    holders = close[:, first]
    last = holders.shape[1] - 1 - np.argmax(holders[:, ::-1], axis=1)
    return first, last.astype(np.intp)


def _evaluate(
    positions: FloatArray,
    ideals: FloatArray,
    saliences: FloatArray,
    capabilities: FloatArray,
    options: SmpOptions,
) -> SmpState:
    """Return the state with its risk attitudes and win probabilities (KTAB's set-up)."""
    n = positions.shape[0]
    distances = weighted_distances(ideals, positions, saliences)
    neutral = utility(distances, np.zeros((n, 1)))
    strengths = coalitions(options.voting_rule, capabilities, neutral)
    p, _ = condorcet(strengths, options.victory_model, options.pce_model)
    risk = big_r(p, options.big_r_range)
    estimates = estimated_risk(risk[:, None], risk[None, :], options.big_r_adjust)
    first, holder = _unique(positions)
    own = utility(distances[:, first], np.diagonal(estimates)[:, None])
    # KTAB's reported probabilities use the model's voting rule (smpExample: PropCbc).
    strengths = coalitions(options.voting_rule, capabilities, own)
    unique_p, _ = condorcet(strengths, options.victory_model, options.pce_model)
    return SmpState(
        positions=positions,
        ideals=ideals,
        risk=risk,
        win_probabilities=unique_p[holder],
        unique=first,
        unique_probabilities=unique_p,
        distances=distances,
        risk_estimates=estimates,
    )


def _best_targets(
    state: SmpState, clout: FloatArray, total_salience: FloatArray, options: SmpOptions
) -> tuple[IntArray, FloatArray, FloatArray]:
    n = state.positions.shape[0]
    a = np.arange(n, dtype=np.intp)
    row, column = a[:, None], a[None, :]
    prob, gain = challenges(
        state.distances,
        state.risk_estimates,
        clout,
        total_salience,
        (row, row, row, column),
        rule=options.voting_rule,
        commit=options.third_party_commit,
    )
    eligible = (row != column) & (gain > MIN_GAIN)
    masked = np.where(eligible, gain, -np.inf)
    best = np.argmax(masked, axis=1).astype(np.intp)
    has = eligible[a, best]
    targets = np.where(has, best, -1).astype(np.intp)
    return targets, np.where(has, prob[a, best], np.nan), np.where(has, gain[a, best], np.nan)


@dataclass(frozen=True, eq=False)
class _Bargains:
    init: IntArray
    rcvr: IntArray
    pos_init: FloatArray
    pos_rcvr: FloatArray
    lists: list[list[int]]


def _propose(
    state: SmpState,
    targets: IntArray,
    probs: FloatArray,
    inputs: tuple[FloatArray, FloatArray, FloatArray, FloatArray],
    options: SmpOptions,
) -> _Bargains:
    saliences, capabilities, clout, total_salience = inputs
    x = state.positions
    n = x.shape[0]
    initiators = np.flatnonzero(targets >= 0).astype(np.intp)
    receivers = targets[initiators]
    p = probs[initiators][:, None]
    own = (x[initiators], saliences[initiators])
    other = (x[receivers], saliences[receivers])
    iij = interpolate(options.interpolation, (*own, p), (*other, 1 - p))
    made: list[tuple[FloatArray, FloatArray]] = []
    if options.bargain_model == "InitOnlyInterp":
        made = [iij]
    else:
        # KTAB interpolates the receiver's bargain with its estimate of the initiator's
        # expected gain where the comment says probability; kept for identical results.
        _, gain = challenges(
            state.distances,
            state.risk_estimates,
            clout,
            total_salience,
            (receivers, initiators, initiators, receivers),
            rule=options.voting_rule,
            commit=options.third_party_commit,
        )
        g = gain[:, None]
        jij = interpolate(options.interpolation, (*own, g), (*other, 1 - g))
        if options.bargain_model == "InitRcvrInterp":
            made = [iij, jij]
        else:
            # KTAB weighs both by the initiator's capability (times each one's salience).
            wi = (capabilities[initiators] * total_salience[initiators])[:, None]
            wj = (capabilities[initiators] * total_salience[receivers])[:, None]
            made = [
                (
                    (wi * iij[0] + wj * jij[0]) / (wi + wj),
                    (wi * iij[1] + wj * jij[1]) / (wi + wj),
                )
            ]
    a = np.arange(n, dtype=np.intp)
    init = [a]
    rcvr = [a]
    pos_init = [x]
    pos_rcvr = [x]
    lists = [[k] for k in range(n)]
    count = n
    for m in range(initiators.size):
        for bi, bj in made:
            init.append(initiators[m : m + 1])
            rcvr.append(receivers[m : m + 1])
            pos_init.append(bi[m : m + 1])
            pos_rcvr.append(bj[m : m + 1])
            lists[int(initiators[m])].append(count)
            lists[int(receivers[m])].append(count)
            count += 1
    return _Bargains(
        init=np.concatenate(init),
        rcvr=np.concatenate(rcvr),
        pos_init=np.concatenate(pos_init),
        pos_rcvr=np.concatenate(pos_rcvr),
        lists=lists,
    )


def _bargain_utilities(state: SmpState, saliences: FloatArray, bargains: _Bargains) -> FloatArray:
    """Return ``U[a, b]``: actor ``a``'s average utility of all positions after bargain ``b``."""
    x = state.positions
    n = x.shape[0]
    is_sq = bargains.init == bargains.rcvr
    # From the ideals, not the positions: they differ once an ideal adjustment is given.
    u_init = position_utility(state.ideals, saliences, state.risk, bargains.pos_init)
    u_rcvr = position_utility(state.ideals, saliences, state.risk, bargains.pos_rcvr)
    own = utility(state.distances, np.diagonal(state.risk_estimates)[:, None])
    total = np.where(is_sq[None, :], 0.0, u_init + u_rcvr)
    for m in range(n):
        kept = is_sq | ((bargains.init != m) & (bargains.rcvr != m))
        total = np.where(kept[None, :], total + own[:, m : m + 1], total)
    result: FloatArray = total / n
    return result


def _choose(
    utilities: FloatArray,
    bargains: _Bargains,
    capabilities: FloatArray,
    options: SmpOptions,
    rng: KtabRandom | None,
) -> IntArray:
    """Return the bargain (an index into all bargains) each actor adopts."""
    n = len(bargains.lists)
    by_length: dict[int, list[int]] = {}
    for k, options_k in enumerate(bargains.lists):
        by_length.setdefault(len(options_k), []).append(k)
    probabilities: list[FloatArray] = [np.empty(0)] * n
    for actors in by_length.values():
        index = np.array([bargains.lists[k] for k in actors], dtype=np.intp)
        group = np.moveaxis(utilities[:, index], 0, 1)
        strengths = coalitions(options.voting_rule, capabilities, group)
        p, _ = condorcet(strengths, options.victory_model, options.pce_model)
        for row, k in enumerate(actors):
            probabilities[k] = p[row]
    chosen = np.empty(n, dtype=np.intp)
    for k in range(n):
        pick = rng.select(probabilities[k]) if rng is not None else int(np.argmax(probabilities[k]))
        chosen[k] = bargains.lists[k][pick]
    return chosen


def _new_ideals(
    positions: FloatArray, ideals: FloatArray, accommodation: FloatArray | None
) -> FloatArray:
    if accommodation is None:
        return positions
    n = positions.shape[0]
    result = np.zeros_like(positions)
    weight = np.zeros(n)
    for j in range(n):
        result = result + accommodation[:, j : j + 1] * positions[j][None, :]
        weight = weight + accommodation[:, j]
    lag = 1.0 - np.minimum(weight, 1.0)
    return result + lag[:, None] * ideals


def run_turns(
    positions: FloatArray,
    saliences: FloatArray,
    capabilities: FloatArray,
    options: SmpOptions,
    *,
    accommodation: FloatArray | None = None,
) -> SmpTrajectory:
    """Run the SMP from ``positions`` until its stopping rule; return every state.

    Parameters
    ----------
    positions, saliences : ndarray of shape (n_actors, n_dims)
        On [0, 1]; every actor's saliences positive in sum.
    capabilities : ndarray of shape (n_actors,)
        Positive.
    accommodation : ndarray of shape (n_actors, n_actors), optional
        Rates at which actors move their ideals toward others' positions; the identity
        (ideals follow positions) when omitted, as for KTAB's CSV scenarios.
    """
    total_salience = np.zeros(saliences.shape[0])
    for k in range(saliences.shape[1]):
        total_salience = total_salience + saliences[:, k]
    clout = total_salience * capabilities
    inputs = (saliences, capabilities, clout, total_salience)
    rng = KtabRandom(options.seed) if options.transitions == "Stochastic" else None
    ideals = positions if accommodation is None else positions.copy()
    states = [_evaluate(positions, ideals, saliences, capabilities, options)]
    steps: list[SmpStep] = []
    converged = False
    for turn in range(1, options.max_turns + 1):
        state = states[-1]
        targets, probs, gains = _best_targets(state, clout, total_salience, options)
        bargains = _propose(state, targets, probs, inputs, options)
        utilities = _bargain_utilities(state, saliences, bargains)
        chosen = _choose(utilities, bargains, capabilities, options, rng)
        actors = np.arange(state.positions.shape[0])
        as_init = bargains.init[chosen] == actors
        new = np.where(as_init[:, None], bargains.pos_init[chosen], bargains.pos_rcvr[chosen])
        is_sq = bargains.init[chosen] == bargains.rcvr[chosen]
        new = np.where(is_sq[:, None], state.positions, new)
        ideals = _new_ideals(new, state.ideals, accommodation)
        states.append(_evaluate(new, ideals, saliences, capabilities, options))
        first = _state_distance(states[0].positions, states[1].positions) + MIN_SIGNIFICANT_DELTA
        change = _state_distance(states[turn].positions, states[turn - 1].positions) / first
        adopted = np.stack([bargains.init[chosen], bargains.rcvr[chosen]], axis=1)
        steps.append(SmpStep(targets, probs, gains, adopted.astype(np.intp), change))
        if turn >= options.min_turns and change < options.min_delta_ratio:
            converged = True
            break
    return SmpTrajectory(states=tuple(states), steps=tuple(steps), converged=converged)

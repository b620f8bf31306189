"""Many negotiations over strategy assignments and seeds, and how good their results are."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from peacetalks.analysis import ParetoFront, nash_deal, pareto_front, pareto_mask
from peacetalks.errors import ParameterError
from peacetalks.protocols.alternating_offers import NegotiationResult, alternating_offers
from peacetalks.protocols.negotiators import make_negotiator
from peacetalks.protocols.space import NegotiationSpace

__all__ = [
    "Benchmarks",
    "TournamentResult",
    "benchmarks",
    "candidate_front",
    "distances",
    "tournament",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


@dataclass(frozen=True)
class Benchmarks:
    """Reference points in utility space.

    Attributes
    ----------
    points : ndarray of shape (n_points, n_actors)
        Utilities of deals that hold the Pareto front (``filtered`` False: candidate
        deals, some of them dominated), or the front itself (``filtered`` True).
    nash : ndarray of shape (n_actors,) or None
        Utilities of the Nash deal among the deals every party accepts; None when there
        is no such deal.
    exact : bool, default=True
        False when the front is that of a candidate set that may miss part of the whole
        space's front (see :func:`candidate_front`): distances to it are then an estimate.
    filtered : bool, default=True
        Whether ``points`` is the front already.
    """

    points: FloatArray
    nash: FloatArray | None
    exact: bool = True
    filtered: bool = True
    _front: list[FloatArray] = field(default_factory=list, repr=False, compare=False)
    _dominated: dict[int, bool] = field(default_factory=dict, repr=False, compare=False)
    _by_sum: list[tuple[FloatArray, FloatArray]] = field(
        default_factory=list, repr=False, compare=False
    )

    @property
    def front(self) -> FloatArray:
        """Return the non-dominated points, ``(n_front, n_actors)`` (filtered on first use)."""
        if self.filtered:
            return self.points
        if not self._front:
            self._front.append(np.ascontiguousarray(self.points[pareto_mask(self.points)]))
        return self._front[0]

    def nearest_front_distances(self, points: FloatArray) -> FloatArray:
        """Return each point's Euclidean distance to the nearest front point, ``(k,)``.

        Unfiltered candidates are tried nearest first, each checked for dominance against
        all (as :func:`pareto_mask` would, with its default tolerance), so the whole front
        is never filtered: on ``ukraine-2025`` nearly every candidate is on it. The nearest
        candidates of a block of points are preselected with one matrix product, then
        measured exactly.
        """
        result = np.empty(points.shape[0])
        if self.filtered:
            # One point at a time keeps memory at one front's worth.
            for k, point in enumerate(points):
                result[k] = np.sqrt(((self.points - point) ** 2).sum(axis=1).min())
            return result
        tried = min(_NEAREST_TRIED, self.points.shape[0])
        norms = (self.points**2).sum(axis=1)
        for start in range(0, points.shape[0], _POINTS_PER_PRODUCT):
            block = points[start : start + _POINTS_PER_PRODUCT]
            approx = norms[:, None] - 2.0 * (self.points @ block.T) + (block**2).sum(axis=1)
            # The product's rounding, with room: every candidate this close to the nearest
            # is measured exactly.
            margin = 1e-9 * (1.0 + float(norms.max()) + float((block**2).sum(axis=1).max()))
            lowest = approx.min(axis=0)
            for column, point in enumerate(block):
                close = np.flatnonzero(approx[:, column] <= lowest[column] + margin)
                found = self._nearest(point, close)
                if found is None:
                    nearest = np.argpartition(approx[:, column], tried - 1)[:tried]
                    found = self._nearest(point, nearest)
                if found is None:
                    found = float(np.sqrt(((self.front - point) ** 2).sum(axis=1).min()))
                result[start + column] = found
        return result

    def _nearest(self, point: FloatArray, nearest: IntArray) -> float | None:
        """Return the distance to the nearest of ``nearest`` on the front (None: none is)."""
        squared = ((self.points[nearest] - point) ** 2).sum(axis=1)
        tol = 1e-12
        for k in np.lexsort((nearest, squared)).tolist():
            j = int(nearest[k])
            if j not in self._dominated:
                c = self.points[j]
                # A dominator's sum is at least c's less n_actors * tol: only the points
                # of larger sum (sorted once) are compared.
                if not self._by_sum:
                    sums = self.points.sum(axis=1)
                    order = np.argsort(-sums, kind="stable")
                    self._by_sum.append((self.points[order], -sums[order]))
                ranked, neg_sums = self._by_sum[0]
                margin = c.size * tol + 1e-9 * (1.0 + float(np.abs(c).sum()))
                reach = int(np.searchsorted(neg_sums, -(float(c.sum()) - margin), side="right"))
                others = ranked[:reach]
                self._dominated[j] = bool(
                    np.any(np.all(others >= c - tol, axis=1) & np.any(others > c + tol, axis=1))
                )
            if not self._dominated[j]:
                return float(np.sqrt(squared[k]))
        return None


# Candidates tried nearest first before the front is filtered whole, and points whose
# nearest candidates are preselected by one matrix product.
_NEAREST_TRIED = 32
_POINTS_PER_PRODUCT = 16


def benchmarks(
    tables: Sequence[npt.ArrayLike],
    reservations: npt.ArrayLike,
    *,
    admissible: Sequence[npt.ArrayLike] | None = None,
    front: ParetoFront | None = None,
    rational: ParetoFront | None = None,
    space: NegotiationSpace | None = None,
) -> Benchmarks:
    """Return the Pareto front and the Nash deal of a deal space, in utility space.

    ``front`` is ``pareto_front(tables)`` and ``rational`` the front of the deals above
    every reservation that cross no red line, when the caller has them already (the
    whole front is the slow part on large spaces; the Nash deal needs no rational front).
    Without ``front``, a ``space`` that is not exhaustive gives the front of its
    candidates instead (:func:`candidate_front`).
    """
    exact, filtered = True, True
    if front is None and space is not None and not space.is_exhaustive:
        # The candidates hold their own front; distances find it lazily.
        front_utilities = np.ascontiguousarray(space.utilities.T)
        exact, filtered = _holds_front(space), False
    else:
        front_utilities = (pareto_front(tables) if front is None else front).utilities
    # Without the rational front at hand, nash_deal finds the Nash deal without building it.
    nash = None
    solution = nash_deal(tables, reservations, admissible=admissible, front=rational)
    if len(solution.deals):
        nash = solution.utilities[0]
    return Benchmarks(points=front_utilities, nash=nash, exact=exact, filtered=filtered)


def candidate_front(space: NegotiationSpace) -> tuple[FloatArray, bool]:
    """Return the utilities of the non-dominated candidate deals, and whether that is exact.

    Returns
    -------
    front : ndarray of shape (n_front, n_actors)
        The candidates no other candidate dominates, in every party's utilities.
    exact : bool
        True when these are the whole space's Pareto-optimal deals: the space is
        enumerated, or every party decides, so the candidates hold the whole front (see
        :mod:`peacetalks.protocols.space`).
    """
    points = space.utilities.T
    return np.ascontiguousarray(points[pareto_mask(points)]), _holds_front(space)


def _holds_front(space: NegotiationSpace) -> bool:
    """Return whether the candidates hold the whole space's front (enumerated, or all decide)."""
    return space.is_exhaustive or bool(space.deciders.all())


def distances(points: npt.ArrayLike, reference: Benchmarks) -> tuple[FloatArray, FloatArray]:
    """Return each point's Euclidean distance to the nearest Pareto deal and to Nash.

    Parameters
    ----------
    points : array-like of shape (n_points, n_actors)
    reference : Benchmarks

    Returns
    -------
    to_pareto, to_nash : ndarrays of shape (n_points,)
        ``to_nash`` is NaN when there is no Nash deal.
    """
    pts = np.asarray(points, dtype=np.float64)
    to_pareto = np.empty(pts.shape[0])
    # Equal outcomes (talks often end on the same deal) are measured once.
    if pts.shape[0]:
        distinct, inverse = np.unique(pts, axis=0, return_inverse=True)
        to_pareto[:] = reference.nearest_front_distances(distinct)[inverse.reshape(-1)]
    if reference.nash is None:
        to_nash = np.full(pts.shape[0], np.nan)
    else:
        to_nash = np.sqrt(((pts - reference.nash) ** 2).sum(axis=1))
    return to_pareto, to_nash


@dataclass(frozen=True)
class TournamentResult:
    """Results of many negotiations.

    Attributes
    ----------
    assignments : tuple of tuple of str
        Strategy of each party, per run.
    seeds : tuple of int
        Seed of each run.
    results : tuple of NegotiationResult
    utilities : ndarray of shape (n_runs, n_actors)
    agreed : ndarray of shape (n_runs,)
    distance_to_pareto, distance_to_nash : ndarrays of shape (n_runs,)
    """

    assignments: tuple[tuple[str, ...], ...]
    seeds: tuple[int, ...]
    results: tuple[NegotiationResult, ...]
    utilities: FloatArray
    agreed: npt.NDArray[np.bool_]
    distance_to_pareto: FloatArray
    distance_to_nash: FloatArray

    @property
    def agreement_rate(self) -> float:
        """Return the share of runs that ended in agreement."""
        return float(self.agreed.mean())

    @property
    def mean_rounds_to_agreement(self) -> float | None:
        """Return the mean round of agreement over the agreed runs, or None."""
        rounds = [r.rounds for r in self.results if r.agreement is not None]
        return float(np.mean(rounds)) if rounds else None


def tournament(
    space: NegotiationSpace,
    assignments: Sequence[Sequence[str]],
    *,
    runs: int = 1,
    rounds: int = 100,
    rng: np.random.Generator | int | None = None,
    reference: Benchmarks | None = None,
    record: bool = False,
) -> TournamentResult:
    """Run ``runs`` negotiations for each strategy assignment, each with its own seed.

    Parameters
    ----------
    space : NegotiationSpace
    assignments : sequence of sequence of str
        Each a built-in strategy name per party (see ``make_negotiator``).
    runs : int, default=1
        Negotiations per assignment.
    rounds : int, default=100
        Deadline of each negotiation.
    rng : numpy.random.Generator, int or None
        Draws the seed of each run.
    reference : Benchmarks, optional
        Front and Nash deal to measure against; computed from the candidate deals when
        omitted (exact when the space is enumerated).
    record : bool, default=False
        Keep each negotiation's transcript.

    Returns
    -------
    TournamentResult
    """
    if isinstance(runs, bool) or not isinstance(runs, int) or runs < 1:
        msg = f"The 'runs' parameter of tournament must be an int >= 1. Got {runs!r} instead."
        raise ParameterError(msg, parameter="runs", value=runs)
    rng = np.random.default_rng(rng)
    if reference is None:
        reference = _candidate_benchmarks(space)
    names: list[tuple[str, ...]] = []
    seeds: list[int] = []
    results: list[NegotiationResult] = []
    for assignment in assignments:
        for _ in range(runs):
            seed = int(rng.integers(2**63 - 1))
            negotiators = [make_negotiator(name) for name in assignment]
            result = alternating_offers(space, negotiators, rounds=rounds, rng=seed, record=record)
            names.append(tuple(assignment))
            seeds.append(seed)
            results.append(result)
    utilities = np.array([r.utilities for r in results]).reshape(len(results), space.n_actors)
    to_pareto, to_nash = distances(utilities, reference)
    return TournamentResult(
        assignments=tuple(names),
        seeds=tuple(seeds),
        results=tuple(results),
        utilities=utilities,
        agreed=np.array([r.agreement is not None for r in results], dtype=bool),
        distance_to_pareto=to_pareto,
        distance_to_nash=to_nash,
    )


def _candidate_benchmarks(space: NegotiationSpace) -> Benchmarks:
    front, exact = candidate_front(space)
    points = space.utilities.T
    ok = space.acceptable.all(axis=0)
    nash = None
    if ok.any():
        gains = np.maximum(points[ok] - space.reservations, 0.0)
        with np.errstate(divide="ignore"):
            scores = np.log(gains).sum(axis=1)
        nash = points[ok][int(np.argmax(scores))]
    return Benchmarks(points=front, nash=nash, exact=exact)

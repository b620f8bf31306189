"""Many negotiations over strategy assignments and seeds, and how good their results are."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Benchmarks:
    """Reference points in utility space.

    Attributes
    ----------
    front : ndarray of shape (n_front, n_actors)
        Utilities of the Pareto-optimal deals of the whole deal space.
    nash : ndarray of shape (n_actors,) or None
        Utilities of the Nash deal among the deals every party accepts; None when there
        is no such deal.
    exact : bool, default=True
        False when ``front`` holds the non-dominated deals of a candidate set that may
        miss part of the whole space's front (see :func:`candidate_front`): distances to
        it are then an estimate.
    """

    front: FloatArray
    nash: FloatArray | None
    exact: bool = True


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
    exact = True
    if front is None and space is not None and not space.is_exhaustive:
        front_utilities, exact = candidate_front(space)
    else:
        front_utilities = (pareto_front(tables) if front is None else front).utilities
    # Without the rational front at hand, nash_deal finds the Nash deal without building it.
    nash = None
    solution = nash_deal(tables, reservations, admissible=admissible, front=rational)
    if len(solution.deals):
        nash = solution.utilities[0]
    return Benchmarks(front=front_utilities, nash=nash, exact=exact)


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
    exact = space.is_exhaustive or bool(space.deciders.all())
    return np.ascontiguousarray(points[pareto_mask(points)]), exact


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
    # One point at a time keeps memory at one front's worth.
    for k, point in enumerate(pts):
        to_pareto[k] = np.sqrt(((reference.front - point) ** 2).sum(axis=1).min())
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
    return Benchmarks(front=front, nash=nash, exact=exact)

"""Bargaining solutions on the exact Pareto front of an additive deal space.

Gains are measured from the reservations (the utility of no deal). Only deals where
every actor's gain is at least zero (within ``tol``) and no actor's red line is crossed
count; the optimum of each rule below is attained on the Pareto front of those deals.
Given that front (``front``, from :func:`~peacetalks.analysis.pareto.pareto_front` with
``individually_rational=True``), the rules search it; without it they search the pairs of
two half-spaces' fronts, which hold it (:mod:`peacetalks.analysis.halves`), and find the
same deals without building it. When no deal is acceptable to all, the result is empty
rather than an error. Every rule reports all deals of the front whose value is within
``tol`` of the best, in deal order.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
import numpy.typing as npt

from peacetalks.analysis._dominance import nondominated
from peacetalks.analysis._validation import (
    FloatArray,
    IntArray,
    check_admissible,
    check_positive_int,
    check_reservations,
    check_tables,
    check_tol,
    freeze,
)
from peacetalks.analysis.halves import MAX_NEAR, MAX_PAIRS, SLACK, HalfPairs, half_pairs
from peacetalks.analysis.pareto import (
    ParetoFront,
    additive_utilities,
    enumerate_deals,
    pareto_front,
)
from peacetalks.errors import FrontTooLargeError, ParameterError

__all__ = [
    "BargainingSolution",
    "egalitarian_deal",
    "kalai_smorodinsky_deal",
    "nash_deal",
    "utilitarian_deal",
]


@dataclass(frozen=True)
class BargainingSolution:
    """The deal or deals a bargaining rule picks, with the rule's value.

    Parameters
    ----------
    rule : str
        ``"nash"``, ``"kalai_smorodinsky"``, ``"egalitarian"`` or ``"utilitarian"``.
    deals : ndarray of shape (n_ties, n_issues)
        Every optimal deal (ties within ``tol``), in deal order; no rows when no deal
        is acceptable to all actors.
    utilities : ndarray of shape (n_ties, n_actors)
        Utility of each optimal deal for each actor.
    value : float or None
        The rule's optimal value (see each rule); None when there is no deal.
    """

    rule: str
    deals: IntArray
    utilities: FloatArray
    value: float | None

    def __len__(self) -> int:
        return int(self.deals.shape[0])

    @property
    def is_empty(self) -> bool:
        """Return whether no deal is acceptable to every actor."""
        return bool(self.deals.shape[0] == 0)


def nash_deal(
    tables: Sequence[npt.ArrayLike],
    reservations: npt.ArrayLike,
    *,
    admissible: Sequence[npt.ArrayLike] | None = None,
    front: ParetoFront | None = None,
    max_points: int = 1_000_000,
    tol: float = 1e-12,
) -> BargainingSolution:
    """Return the deal(s) maximising the product of the actors' gains (Nash).

    Parameters
    ----------
    tables : sequence of array-like of shape (n_actors, n_options_i)
        Weighted utility contribution of each option for each actor, one per issue.
    reservations : array-like of shape (n_actors,)
        Utility of no deal; gains are measured from it.
    admissible : sequence of bool array-like of shape (n_actors, n_options_i), optional
        False where an option crosses an actor's red line.
    front : ParetoFront, optional
        A front from ``pareto_front(..., individually_rational=True)`` to reuse; it is
        computed when omitted.
    max_points : int, default=1_000_000
        Memory bound passed to :func:`~peacetalks.analysis.pareto.pareto_front`.
    tol : float, default=1e-12
        Deals whose log-product is within ``tol`` of the best (a relative tolerance on
        the product) tie.

    Returns
    -------
    BargainingSolution
        ``value`` is the Nash product. The product is compared as a sum of logarithms,
        so it cannot overflow. If every acceptable deal leaves some actor with zero
        gain, the product is 0 for all of them and all are reported.
    """
    source = _source(tables, reservations, admissible, front, max_points, tol, caller="nash_deal")

    def score(utilities: FloatArray) -> FloatArray:
        with np.errstate(divide="ignore"):
            return np.asarray(np.log(source.gains(utilities)).sum(axis=1))

    return _best_of(source, "nash", score, value=math.exp)


def kalai_smorodinsky_deal(
    tables: Sequence[npt.ArrayLike],
    reservations: npt.ArrayLike,
    *,
    admissible: Sequence[npt.ArrayLike] | None = None,
    front: ParetoFront | None = None,
    max_points: int = 1_000_000,
    tol: float = 1e-12,
) -> BargainingSolution:
    """Return the deal(s) maximising the smallest share of its ideal gain any actor gets.

    This is the discrete Kalai-Smorodinsky rule: an actor's ideal gain is the largest
    gain it gets from any acceptable deal, and the rule maximises
    ``min_a gain_a / ideal_a``. Actors whose ideal gain is zero (within ``tol``) get all
    they can in every deal and are left out of the minimum.

    Parameters
    ----------
    tables : sequence of array-like of shape (n_actors, n_options_i)
        Weighted utility contribution of each option for each actor, one per issue.
    reservations : array-like of shape (n_actors,)
        Utility of no deal; gains are measured from it.
    admissible : sequence of bool array-like of shape (n_actors, n_options_i), optional
        False where an option crosses an actor's red line.
    front : ParetoFront, optional
        A front from ``pareto_front(..., individually_rational=True)`` to reuse.
    max_points : int, default=1_000_000
        Memory bound passed to :func:`~peacetalks.analysis.pareto.pareto_front`.
    tol : float, default=1e-12
        Tie tolerance on the ratio.

    Returns
    -------
    BargainingSolution
        ``value`` is the best smallest ratio, in [0, 1] (1 when no actor can gain).
    """
    source = _source(
        tables, reservations, admissible, front, max_points, tol, caller="kalai_smorodinsky_deal"
    )
    ideal = source.ideal()
    if ideal is None:
        return _best_of(source, "kalai_smorodinsky", lambda u: np.zeros(u.shape[0]))
    counted = ideal > tol

    def score(utilities: FloatArray) -> FloatArray:
        if not counted.any():
            return np.ones(utilities.shape[0])
        gains = source.gains(utilities)
        return np.asarray((gains[:, counted] / ideal[counted]).min(axis=1))

    return _best_of(source, "kalai_smorodinsky", score)


def egalitarian_deal(
    tables: Sequence[npt.ArrayLike],
    reservations: npt.ArrayLike,
    *,
    admissible: Sequence[npt.ArrayLike] | None = None,
    front: ParetoFront | None = None,
    max_points: int = 1_000_000,
    tol: float = 1e-12,
) -> BargainingSolution:
    """Return the deal(s) maximising the smallest gain of any actor (egalitarian).

    Parameters
    ----------
    tables : sequence of array-like of shape (n_actors, n_options_i)
        Weighted utility contribution of each option for each actor, one per issue.
    reservations : array-like of shape (n_actors,)
        Utility of no deal; gains are measured from it.
    admissible : sequence of bool array-like of shape (n_actors, n_options_i), optional
        False where an option crosses an actor's red line.
    front : ParetoFront, optional
        A front from ``pareto_front(..., individually_rational=True)`` to reuse.
    max_points : int, default=1_000_000
        Memory bound passed to :func:`~peacetalks.analysis.pareto.pareto_front`.
    tol : float, default=1e-12
        Tie tolerance on the smallest gain.

    Returns
    -------
    BargainingSolution
        ``value`` is the best smallest gain.
    """
    source = _source(
        tables, reservations, admissible, front, max_points, tol, caller="egalitarian_deal"
    )
    return _best_of(source, "egalitarian", lambda u: source.gains(u).min(axis=1))


def utilitarian_deal(
    tables: Sequence[npt.ArrayLike],
    reservations: npt.ArrayLike | None = None,
    *,
    admissible: Sequence[npt.ArrayLike] | None = None,
    individually_rational: bool = False,
    front: ParetoFront | None = None,
    max_points: int = 1_000_000,
    tol: float = 1e-12,
) -> BargainingSolution:
    """Return the deal(s) maximising the sum of the actors' utilities (utilitarian).

    Without individual rationality the sum decomposes by issue, so each issue takes the
    option with the largest column sum and no front is built. With it, the sum is
    maximised over the front of acceptable deals, like the other rules.

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
        If True, only deals crossing no red line and meeting every reservation count.
    front : ParetoFront, optional
        A front to search instead of computing one (then the per-issue shortcut is not
        used); with ``individually_rational=True`` it is filtered by the reservations.
    max_points : int, default=1_000_000
        Memory bound on the front, and on the number of tied deals reported.
    tol : float, default=1e-12
        Tie tolerance; per issue on the shortcut, on the total otherwise.

    Returns
    -------
    BargainingSolution
        ``value`` is the best sum of utilities over actors.

    Raises
    ------
    FrontTooLargeError
        If more than ``max_points`` deals tie (for example when many options are worth
        the same to everyone).
    """
    caller = "utilitarian_deal"
    if individually_rational or front is not None:
        source = _source(
            tables,
            reservations,
            admissible,
            front,
            max_points,
            tol,
            caller=caller,
            require_reservations=False,
            filter_gains=individually_rational,
        )
        return _best_of(source, "utilitarian", lambda u: u.sum(axis=1))
    checked = check_tables(tables, caller=caller)
    tol = check_tol(tol, caller=caller)
    max_points = check_positive_int(max_points, "max_points", caller=caller)
    check_reservations(reservations, checked[0].shape[0], caller=caller)
    totals = [table.sum(axis=0) for table in checked]
    tied = [np.flatnonzero(total >= total.max() - tol) for total in totals]
    n_ties = math.prod(options.size for options in tied)
    if n_ties > max_points:
        msg = (
            f"utilitarian_deal found {n_ties} tied optimal deals, above "
            f"max_points={max_points}. Raise 'max_points' or break the ties in the tables."
        )
        raise FrontTooLargeError(msg, size=n_ties, max_points=max_points)
    combos = enumerate_deals([options.size for options in tied])
    deals = np.stack([options[combos[:, i]] for i, options in enumerate(tied)], axis=1)
    utilities = additive_utilities(checked, deals)
    value = float(sum(total.max() for total in totals))
    return BargainingSolution(
        rule="utilitarian", deals=freeze(deals), utilities=freeze(utilities), value=value
    )


# Pairs per actor and chunk measured again for the Kalai-Smorodinsky ideal.
_IDEAL_ROWS = 256


class _Source:
    """The acceptable deals a rule searches: a front's, or the pairs of half-fronts.

    With a front (``pairs`` None) every row is a front deal with exact utilities. With
    pairs, the rows also hold dominated deals, and utilities are rescored exactly for the
    near-best ones; the ties are then filtered for dominance.
    """

    def __init__(
        self,
        tables: list[FloatArray],
        floor: FloatArray,
        tol: float,
        *,
        front: ParetoFront | None = None,
        pairs: HalfPairs | None = None,
        filter_gains: bool = True,
        rebuild: Callable[[], ParetoFront] | None = None,
    ) -> None:
        self.tables, self.floor, self.tol = tables, floor, tol
        self.pairs = pairs
        self._rebuild = rebuild
        self.deals_ = np.zeros((0, len(tables)), dtype=np.intp)
        self.utilities_ = np.zeros((0, floor.size))
        if front is not None:
            deals, utilities = front.deals, front.utilities
            if filter_gains:
                ok = np.all(utilities - floor >= -tol, axis=1)
                deals, utilities = deals[ok], utilities[ok]
            self.deals_, self.utilities_ = deals, utilities

    @property
    def is_empty(self) -> bool:
        if self.pairs is not None:
            return self.pairs.empty
        return self.deals_.shape[0] == 0

    def gains(self, utilities: FloatArray) -> FloatArray:
        """Return the gains over the reservations, clipped at 0 (one new array)."""
        gains = np.subtract(utilities, self.floor)
        return np.maximum(gains, 0.0, out=gains)

    def as_front(self) -> _Source:
        """Return the same deals from the whole acceptable front."""
        assert self._rebuild is not None
        return _Source(self.tables, self.floor, self.tol, front=self._rebuild())

    def near_best(self, score: Callable[[FloatArray], FloatArray]) -> IntArray | None:
        """Return the rows whose score may tie with the best (None: too many)."""
        if self.pairs is not None:
            return self.pairs.near_best(score, MAX_NEAR)
        scores = score(self.utilities_)
        best = float(scores.max())
        if not np.isfinite(best):
            return np.arange(scores.size)
        return np.flatnonzero(scores >= best - self.tol)

    def exact(self, ids: IntArray) -> tuple[IntArray, FloatArray]:
        """Return the deals and exact utilities of the rows ``ids``."""
        if self.pairs is not None:
            return self.pairs.exact(ids)
        return self.deals_[ids], self.utilities_[ids]

    def ideal(self) -> FloatArray | None:
        """Return each actor's largest gain over the acceptable deals (None: no deal)."""
        if self.is_empty:
            return None
        if self.pairs is None:
            return np.asarray(self.gains(self.utilities_).max(axis=0))
        # Per chunk, the pairs near some actor's best are measured again from their deals
        # and the exact maxima kept; the ties are not collected across chunks (an actor
        # that cares about few issues ties at its best over most pairs).
        ideal = np.full(self.floor.size, -np.inf)
        for ids, utilities in self.pairs.chunks():
            if ids.size == 0:
                continue
            # Up to _IDEAL_ROWS pairs per actor, the largest first: enough to hold the
            # exact best, since pairs that tie on their sums and differ on the exact ones
            # are few (ties over most pairs come from the same options, added alike).
            near_rows: list[IntArray] = []
            for a in range(utilities.shape[1]):
                column = utilities[:, a]
                close = np.flatnonzero(column >= column.max() - SLACK - self.tol)
                if close.size > _IDEAL_ROWS:
                    close = close[np.argpartition(-column[close], _IDEAL_ROWS - 1)[:_IDEAL_ROWS]]
                near_rows.append(close)
            _, exact = self.exact(ids[np.unique(np.concatenate(near_rows))])
            exact = exact[np.all(exact >= self.floor - self.tol, axis=1)]
            if exact.shape[0]:
                ideal = np.maximum(ideal, self.gains(exact).max(axis=0))
        if not np.isfinite(ideal).all():
            return None
        return ideal


def _source(
    tables: Sequence[npt.ArrayLike],
    reservations: npt.ArrayLike | None,
    admissible: Sequence[npt.ArrayLike] | None,
    front: ParetoFront | None,
    max_points: int,
    tol: float,
    *,
    caller: str,
    require_reservations: bool = True,
    filter_gains: bool = True,
) -> _Source:
    """Return the acceptable deals a rule searches: ``front``'s, or half-front pairs."""
    checked = check_tables(tables, caller=caller)
    tol = check_tol(tol, caller=caller)
    max_points = check_positive_int(max_points, "max_points", caller=caller)
    n_actors = checked[0].shape[0]
    if reservations is None and require_reservations:
        msg = (
            f"The 'reservations' parameter of {caller} must be an array of shape "
            f"({n_actors},). Got None instead. Pass each actor's utility of no deal."
        )
        raise ParameterError(msg, parameter="reservations", value=None)
    floor = check_reservations(reservations, n_actors, caller=caller)
    if front is not None:
        if front.deals.shape[1] != len(checked) or front.utilities.shape[1] != n_actors:
            msg = (
                f"The 'front' parameter of {caller} must come from the same tables: "
                f"{len(checked)} issues and {n_actors} actors. Got a front with "
                f"{front.deals.shape[1]} issues and {front.utilities.shape[1]} actors instead."
            )
            raise ParameterError(msg, parameter="front", value=front)
        return _Source(checked, floor, tol, front=front, filter_gains=filter_gains)
    masks = check_admissible(admissible, checked, caller=caller)

    def rebuild() -> ParetoFront:
        return pareto_front(
            checked,
            reservations=floor,
            admissible=masks,
            individually_rational=True,
            max_points=max_points,
            tol=tol,
        )

    if len(checked) >= 2:
        pairs = half_pairs(checked, floor, masks, tol=tol, max_points=max_points)
        if pairs.n_pairs <= MAX_PAIRS:
            return _Source(checked, floor, tol, pairs=pairs, rebuild=rebuild)
    return _Source(checked, floor, tol, front=rebuild())


def _best_of(
    source: _Source,
    rule: str,
    score: Callable[[FloatArray], FloatArray],
    *,
    value: Callable[[float], float] | None = None,
) -> BargainingSolution:
    """Return the acceptable deals whose score is within ``tol`` of the best.

    On half-front pairs the result is kept with the pairs (one per rule): the talks ask
    for the Nash deal the deal space has found already.
    """
    if source.pairs is not None:
        solved = source.pairs.solved.get(rule)
        if solved is None:
            solved = source.pairs.solved[rule] = _solve(source, rule, score, value=value)
        return cast("BargainingSolution", solved)
    return _solve(source, rule, score, value=value)


def _solve(
    source: _Source,
    rule: str,
    score: Callable[[FloatArray], FloatArray],
    *,
    value: Callable[[float], float] | None = None,
) -> BargainingSolution:
    if source.is_empty:
        return BargainingSolution(
            rule=rule,
            deals=freeze(np.zeros((0, len(source.tables)), dtype=np.intp)),
            utilities=freeze(np.zeros((0, source.floor.size))),
            value=None,
        )
    ids = source.near_best(score)
    if ids is None:
        source = source.as_front()
        ids = source.near_best(score)
        assert ids is not None
    deals, utilities = source.exact(ids)
    if source.pairs is not None:
        # The pairs were screened on their own sums; screen the exact utilities again.
        ok = np.all(utilities >= source.floor - source.tol, axis=1)
        deals, utilities = deals[ok], utilities[ok]
    if deals.shape[0] == 0:
        return _solve(_Source(source.tables, source.floor, source.tol), rule, score)
    scores = score(utilities)
    best = float(scores.max())
    if np.isfinite(best):
        ties = scores >= best - source.tol
        deals, utilities = deals[ties], utilities[ties]
    if source.pairs is not None:
        keep = nondominated(utilities, source.tol)
        deals, utilities = deals[keep], utilities[keep]
    order = np.lexsort(deals.T[::-1])
    return BargainingSolution(
        rule=rule,
        deals=freeze(np.ascontiguousarray(deals[order], dtype=np.intp)),
        utilities=freeze(np.ascontiguousarray(utilities[order], dtype=np.float64)),
        value=value(best) if value is not None else best,
    )

"""Multilateral stacked alternating offers.

Parties take turns in a fixed order from a random first party. At its turn a party
accepts the standing deal or replaces it with its own offer. A deal is agreed once every
party has accepted it (the proposer accepts by proposing). A party's acceptance counts
only when the deal crosses none of its red lines and gives it at least its reservation,
whatever the strategy says; an offer the proposer could not accept counts as nobody's
acceptance. After ``rounds`` rounds of one turn per party with no agreement, each party
gets its reservation. Relative time runs from 0 at the first turn to 1 at the start of the
last round, so that in the last round every time-based party will settle for its
reservation.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, cast

import numpy as np
import numpy.typing as npt

from peacetalks.errors import ParameterError
from peacetalks.protocols.negotiators import (
    ConcessionNegotiator,
    Negotiator,
    ProtocolError,
    TimeBasedNegotiator,
)
from peacetalks.protocols.space import NegotiationSpace, Preferences
from peacetalks.protocols.view import NegotiationView, Offer

__all__ = ["NegotiationResult", "Turn", "alternating_offers"]

MAX_ROUNDS = 100_000
_INTEGERS = (int, np.integer)


@dataclass(frozen=True, slots=True)
class Turn:
    """One line of a transcript.

    Attributes
    ----------
    step, round, party : int
    action : {"offer", "accept"}
    deal : int
        The deal offered or accepted (index among the candidate deals).
    utilities : tuple of float
        Every party's utility of that deal, in party order.
    """

    step: int
    round: int
    party: int
    action: Literal["offer", "accept"]
    deal: int
    utilities: tuple[float, ...]


@dataclass(frozen=True)
class NegotiationResult:
    """The outcome of one negotiation.

    Attributes
    ----------
    agreement : int or None
        Index of the agreed deal among the candidates, or None.
    rounds : int
        Round of the agreement, or the deadline when there is none.
    steps : int
        Turns played.
    utilities : ndarray of shape (n_actors,)
        Each party's utility of the agreement, or its reservation.
    first : int
        The party that moved first.
    transcript : tuple of Turn
        Every turn, when recorded.
    """

    agreement: int | None
    rounds: int
    steps: int
    utilities: npt.NDArray[np.float64]
    first: int
    transcript: tuple[Turn, ...]


def _check(space: NegotiationSpace, negotiators: Sequence[Negotiator], rounds: int) -> None:
    if len(negotiators) != space.n_actors:
        msg = (
            f"The 'negotiators' parameter of alternating_offers must hold one negotiator per "
            f"party ({space.n_actors}). Got {len(negotiators)} instead."
        )
        raise ParameterError(msg, parameter="negotiators", value=len(negotiators))
    if isinstance(rounds, bool) or not isinstance(rounds, int) or not 1 <= rounds <= MAX_ROUNDS:
        msg = (
            f"The 'rounds' parameter of alternating_offers must be an int in [1, {MAX_ROUNDS}]. "
            f"Got {rounds!r} instead."
        )
        raise ParameterError(msg, parameter="rounds", value=rounds)


_TOL = 1e-12
_OVERRIDABLE = ("aspiration", "candidates", "propose", "accepts")


def _time_based(negotiator: Negotiator) -> bool:
    """Return whether ``negotiator`` behaves exactly as a stock TimeBasedNegotiator.

    Such a negotiator depends on nothing but the relative time, so its whole course can
    be computed before the first turn (see :func:`_schedule`).
    """
    if not isinstance(negotiator, TimeBasedNegotiator):
        return False
    cls = type(negotiator)
    stock = (
        cls.aspiration is TimeBasedNegotiator.aspiration
        and cls.candidates is ConcessionNegotiator.candidates
        and cls.propose is ConcessionNegotiator.propose
        and cls.accepts is ConcessionNegotiator.accepts
    )
    return stock and not any(name in vars(negotiator) for name in _OVERRIDABLE)


@dataclass(frozen=True, slots=True)
class _Schedule:
    """A time-based party's whole course: per step its offer window and acceptance bar."""

    low: list[int]
    size: list[int]
    bar: list[float]
    order: list[int]
    utilities: list[float]
    acceptable: list[bool]


# Schedules per party's preferences, keyed by (exponent, window, total steps, n parties);
# the preferences are cached by their space, so this lives as long as the space does.
_SCHEDULES: weakref.WeakKeyDictionary[Preferences, dict[tuple[float, int, int, int], _Schedule]] = (
    weakref.WeakKeyDictionary()
)


def _schedule(p: Preferences, exponent: float, window: int, total: int, n: int) -> _Schedule:
    """Return the course of a stock time-based party, computed once and cached.

    The aspiration at each step is computed with the very float operations of
    :meth:`TimeBasedNegotiator.aspiration` and the candidate counts with the same binary
    search as :meth:`Preferences.at_least` (vectorised), so that offers and acceptances
    are identical to calling the negotiator turn by turn.
    """
    cache = _SCHEDULES.setdefault(p, {})
    key = (exponent, window, total, n)
    found = cache.get(key)
    if found is not None:
        return found
    best = p.best
    floor = min(p.reservation, p.best)
    span = max(total - n, 1)
    power = 1.0 / exponent
    levels = [best - (best - floor) * float(min(k / span, 1.0) ** power) for k in range(total)]
    counts = p._keys.searchsorted(_TOL - np.asarray(levels), side="right").tolist()
    low, size = [], []
    for count in counts:
        count = max(count, 1)
        start = max(0, count - window)
        low.append(start)
        size.append(count - start)
    made = _Schedule(
        low=low,
        size=size,
        bar=[level - _TOL for level in levels],
        order=p.order.tolist(),
        utilities=p.utilities.tolist(),
        acceptable=p.acceptable.tolist(),
    )
    cache[key] = made
    return made


def _run_scheduled(
    space: NegotiationSpace,
    negotiators: Sequence[Negotiator],
    rounds: int,
    first: int,
    record: bool,
) -> tuple[int | None, int, list[Turn]]:
    """Play a negotiation of stock time-based parties from their precomputed courses.

    Returns the agreement, the last step played and the transcript; the same as the
    general loop of :func:`alternating_offers` turn for turn, random draws included.
    """
    n = space.n_actors
    total = rounds * n
    stock = cast("Sequence[TimeBasedNegotiator]", negotiators)
    plans = [
        _schedule(space.preferences(k), ng.exponent, ng.window, total, n)
        for k, ng in enumerate(stock)
    ]
    draws = [ng.rng.random for ng in stock]
    transcript: list[Turn] = []
    standing = -1
    accepted = 0
    step = 0
    # A party's own acceptability mask is the mechanism's, so one test serves both.
    for step in range(total):
        party = (first + step) % n
        plan = plans[party]
        if (
            standing >= 0
            and plan.acceptable[standing]
            and plan.utilities[standing] >= plan.bar[step]
        ):
            accepted += 1
            if record:
                transcript.append(
                    Turn(
                        step,
                        step // n + 1,
                        party,
                        "accept",
                        standing,
                        tuple(space.utilities[:, standing]),
                    )
                )
        else:
            size = plan.size[step]
            standing = plan.order[plan.low[step] + int(draws[party]() * size)]
            accepted = 1 if plan.acceptable[standing] else 0
            if record:
                transcript.append(
                    Turn(
                        step,
                        step // n + 1,
                        party,
                        "offer",
                        standing,
                        tuple(space.utilities[:, standing]),
                    )
                )
        if accepted == n:
            return standing, step, transcript
    return None, step, transcript


def alternating_offers(
    space: NegotiationSpace,
    negotiators: Sequence[Negotiator],
    *,
    rounds: int = 100,
    rng: np.random.Generator | int | None = None,
    record: bool = True,
) -> NegotiationResult:
    """Run one multilateral stacked-alternating-offers negotiation.

    Parameters
    ----------
    space : NegotiationSpace
        Candidate deals and the parties' preferences; each negotiator sees only its own.
    negotiators : sequence of Negotiator
        One per party, in the space's actor order; each is set up afresh.
    rounds : int, default=100
        Deadline in rounds (one turn per party each).
    rng : numpy.random.Generator, int or None
        Draws the first party and seeds each negotiator's generator.
    record : bool, default=True
        Keep the full transcript.

    Returns
    -------
    NegotiationResult
    """
    _check(space, negotiators, rounds)
    rng = np.random.default_rng(rng)
    n = space.n_actors
    first = int(rng.integers(n))
    for k, (negotiator, child) in enumerate(zip(negotiators, rng.spawn(n), strict=True)):
        negotiator.setup(space.preferences(k), party=k, rng=child)
    utilities = space.utilities
    if all(
        _time_based(negotiator) and negotiator.preferences is space.preferences(k)
        for k, negotiator in enumerate(negotiators)
    ):
        # Stock time-based parties only: play their precomputed courses, no views.
        return _result(
            space, *_run_scheduled(space, negotiators, rounds, first, record), rounds, first
        )
    acceptable = [space.preferences(k).acceptable for k in range(n)]
    n_deals = space.n_deals
    total = rounds * n
    offers: tuple[Offer, ...] = ()
    transcript: list[Turn] = []
    standing: int | None = None
    accepted = 0
    agreement: int | None = None
    step = 0
    for step in range(total):
        party = (first + step) % n
        round_ = step // n + 1
        view = NegotiationView(
            party=party,
            n_parties=n,
            step=step,
            round=round_,
            deadline=rounds,
            time=min(step / max(total - n, 1), 1.0),
            standing=standing,
            offers=offers,
            deals=space.deals,
        )
        negotiator = negotiators[party]
        if (
            standing is not None
            and negotiator.accepts(view, standing)
            and acceptable[party][standing]
        ):
            accepted += 1
            if record:
                transcript.append(
                    Turn(step, round_, party, "accept", standing, tuple(utilities[:, standing]))
                )
        else:
            deal = negotiator.propose(view)
            if isinstance(deal, bool) or not isinstance(deal, _INTEGERS):
                deal = -1
            if not 0 <= deal < n_deals:
                msg = (
                    f"Party {party} ({space.actor_ids[party]}) offered deal {deal!r}, which is "
                    f"not a candidate deal index in [0, {space.n_deals - 1}]."
                )
                raise ProtocolError(msg, party=party)
            standing = int(deal)
            accepted = 1 if acceptable[party][standing] else 0
            offers = (*offers, Offer(step, round_, party, standing))
            if record:
                transcript.append(
                    Turn(step, round_, party, "offer", standing, tuple(utilities[:, standing]))
                )
        if accepted == n:
            agreement = standing
            break
    return _result(space, agreement, step, transcript, rounds, first)


def _result(
    space: NegotiationSpace,
    agreement: int | None,
    step: int,
    transcript: list[Turn],
    rounds: int,
    first: int,
) -> NegotiationResult:
    n = space.n_actors
    if agreement is None:
        outcome = space.reservations.copy()
        played = rounds * n
        when = rounds
    else:
        outcome = space.utilities[:, agreement].copy()
        played = step + 1
        when = step // n + 1
    return NegotiationResult(
        agreement=agreement,
        rounds=when,
        steps=played,
        utilities=outcome,
        first=first,
        transcript=tuple(transcript),
    )

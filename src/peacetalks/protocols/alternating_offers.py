"""Multilateral stacked alternating offers.

Parties take turns in a fixed order from a random first party. At its turn a party
accepts the deal on the table or replaces it with its own offer. A deal is agreed once
every veto holder (every party, when nobody holds a veto) has accepted it; a veto holder
that proposes a deal accepts it by proposing. An acceptance counts only when the deal
crosses none of the party's red lines and gives it at least its reservation, whatever
the strategy says; an offer the proposer could not accept counts as nobody's acceptance.
A party without a veto may say yes or no, but its no does not take the deal off the
table: it offers only when the table is empty.

The deadline is ``rounds`` rounds of one turn per party. After the last round the parties
that have not yet answered the last offer answer it, in turn, with a yes or a no and no
new offer, so that the last offer of a negotiation is answered like every other (without
this, whoever moves last in the final round makes an offer nobody can take, and the
agreement rate hinges on who opened). With no agreement each party gets its reservation.
Relative time runs from 0 at the first turn to 1 at the start of the last round, so that
in the last round every time-based party will settle for its reservation.
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
    action : {"offer", "accept", "reject"}
        ``"reject"`` is a no that puts no offer on the table: a party without a veto
        declining the deal on the table, or any party declining the last offer after
        the deadline.
    deal : int
        The deal offered, accepted or rejected (index among the candidate deals).
    utilities : tuple of float
        Every party's utility of that deal, in party order.
    """

    step: int
    round: int
    party: int
    action: Literal["offer", "accept", "reject"]
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
        Round of the agreement, or the deadline when there is none (an answer to the last
        offer after the deadline counts as the last round).
    steps : int
        Turns played, answers to the last offer included.
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


_LISTS: weakref.WeakKeyDictionary[Preferences, tuple[list[int], list[float], list[bool]]] = (
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
    # total + n - 1 steps: the last offer's answers after the deadline are at time 1.
    levels = [
        best - (best - floor) * float(min(k / span, 1.0) ** power) for k in range(total + n - 1)
    ]
    counts = p._keys.searchsorted(_TOL - np.asarray(levels), side="right").tolist()
    low, size = [], []
    for count in counts:
        count = max(count, 1)
        start = max(0, count - window)
        low.append(start)
        size.append(count - start)
    # The party's lists do not depend on the course: shared by all its schedules.
    lists = _LISTS.get(p)
    if lists is None:
        lists = _LISTS[p] = (p.order.tolist(), p.utilities.tolist(), p.acceptable.tolist())
    made = _Schedule(
        low=low,
        size=size,
        bar=[level - _TOL for level in levels],
        order=lists[0],
        utilities=lists[1],
        acceptable=lists[2],
    )
    cache[key] = made
    return made


def _run_scheduled(
    space: NegotiationSpace,
    negotiators: Sequence[Negotiator],
    rounds: int,
    first: int,
    record: bool,
) -> tuple[int | None, int, int, list[Turn]]:
    """Play a negotiation of stock time-based parties from their precomputed courses.

    Returns the agreement, its step, the turns played and the transcript; the same as the
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
    deciders = space.deciders.tolist()
    needed = sum(deciders)
    utilities = space.utilities
    transcript: list[Turn] = []
    standing = -1
    proposed = 0
    accepted = 0
    # A party's own acceptability mask is the mechanism's, so one test serves both.
    for step in range(total):
        party = (first + step) % n
        plan = plans[party]
        if (
            standing >= 0
            and plan.acceptable[standing]
            and plan.utilities[standing] >= plan.bar[step]
        ):
            if deciders[party]:
                accepted += 1
            if record:
                transcript.append(
                    Turn(
                        step,
                        step // n + 1,
                        party,
                        "accept",
                        standing,
                        tuple(utilities[:, standing]),
                    )
                )
        elif standing >= 0 and not deciders[party]:
            if record:
                transcript.append(
                    Turn(
                        step,
                        step // n + 1,
                        party,
                        "reject",
                        standing,
                        tuple(utilities[:, standing]),
                    )
                )
        else:
            size = plan.size[step]
            standing = plan.order[plan.low[step] + int(draws[party]() * size)]
            proposed = step
            accepted = 1 if deciders[party] and plan.acceptable[standing] else 0
            if record:
                transcript.append(
                    Turn(
                        step,
                        step // n + 1,
                        party,
                        "offer",
                        standing,
                        tuple(utilities[:, standing]),
                    )
                )
        if accepted == needed:
            return standing, step, step + 1, transcript
    # After the deadline, the parties that have not answered the last offer answer it.
    step = total - 1
    for step in range(total, proposed + n):
        party = (first + step) % n
        plan = plans[party]
        says_yes = plan.acceptable[standing] and plan.utilities[standing] >= plan.bar[step]
        if record:
            transcript.append(
                Turn(
                    step,
                    rounds,
                    party,
                    "accept" if says_yes else "reject",
                    standing,
                    tuple(utilities[:, standing]),
                )
            )
        if deciders[party]:
            if not says_yes:
                return None, step, step + 1, transcript
            accepted += 1
            if accepted == needed:
                return standing, step, step + 1, transcript
    return None, step, step + 1, transcript


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
    if all(
        _time_based(negotiator) and negotiator.preferences is space.preferences(k)
        for k, negotiator in enumerate(negotiators)
    ):
        # Stock time-based parties only: play their precomputed courses, no views.
        return _result(
            space, *_run_scheduled(space, negotiators, rounds, first, record), rounds, first
        )
    return _result(space, *_run_general(space, negotiators, rounds, first, record), rounds, first)


def _run_general(
    space: NegotiationSpace,
    negotiators: Sequence[Negotiator],
    rounds: int,
    first: int,
    record: bool,
) -> tuple[int | None, int, int, list[Turn]]:
    """Play a negotiation turn by turn, each negotiator seeing a fresh view.

    Returns the agreement, its step, the turns played and the transcript.
    """
    n = space.n_actors
    utilities = space.utilities
    acceptable = [space.preferences(k).acceptable for k in range(n)]
    deciders = space.deciders.tolist()
    needed = sum(deciders)
    n_deals = space.n_deals
    total = rounds * n
    offers: tuple[Offer, ...] = ()
    transcript: list[Turn] = []
    standing: int | None = None
    proposed = 0
    accepted = 0
    step = 0
    for step in range(total + n - 1):
        if step >= total and step >= proposed + n:
            return None, step, step, transcript
        party = (first + step) % n
        round_ = min(step // n + 1, rounds)
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
        action: Literal["offer", "accept", "reject"]
        if (
            standing is not None
            and negotiator.accepts(view, standing)
            and acceptable[party][standing]
        ):
            action = "accept"
            if deciders[party]:
                accepted += 1
        elif step >= total or (standing is not None and not deciders[party]):
            action = "reject"
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
            proposed = step
            action = "offer"
            accepted = 1 if deciders[party] and acceptable[party][standing] else 0
            offers = (*offers, Offer(step, round_, party, standing))
        if record and standing is not None:
            transcript.append(
                Turn(step, round_, party, action, standing, tuple(utilities[:, standing]))
            )
        if accepted == needed:
            return standing, step, step + 1, transcript
        if action == "reject" and step >= total and deciders[party]:
            return None, step, step + 1, transcript
    return None, step, step + 1, transcript


def _result(
    space: NegotiationSpace,
    agreement: int | None,
    step: int,
    played: int,
    transcript: list[Turn],
    rounds: int,
    first: int,
) -> NegotiationResult:
    n = space.n_actors
    if agreement is None:
        outcome = space.reservations.copy()
        when = rounds
    else:
        outcome = space.utilities[:, agreement].copy()
        when = min(step // n + 1, rounds)
    return NegotiationResult(
        agreement=agreement,
        rounds=when,
        steps=played,
        utilities=outcome,
        first=first,
        transcript=tuple(transcript),
    )

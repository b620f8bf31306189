"""Single-text mediation: a mediator revises one negotiating text until every party accepts.

Each round the mediator proposes a text (a candidate deal); every party accepts or
objects, and in the amendment variant each objecting party also names its preferred
single-issue change, computed from its own utilities only. A party's acceptance counts
only when the text crosses none of its red lines and gives it at least its reservation,
whatever its strategy says. A text accepted by every veto holder (every party, when
nobody holds a veto) is agreed; after ``rounds`` rounds with no agreement each party
gets its reservation.

The mediator's pool is the Pareto front of the candidate deals: it only ever proposes
Pareto-optimal texts, and never one that was already objected to. When every text of
the front has been tried, the pool becomes the front of the untried deals, and so on;
when every deal has been tried it starts again from the front, for strategic parties
that concede with time.
Among the pool it proposes the best-scored text. Each party reveals preference signals,
by option: an acceptance adds ``1 / n_issues`` to each option of the text, an objection
subtracts as much, and an amendment from option ``a`` to option ``b`` on one issue adds 1
to ``b`` and subtracts 1 from ``a``. A party's signal for a deal is the sum over its
options. Since a text needs every veto holder's yes, the revealed score of a deal is the
smallest signal among the veto holders (every party, when nobody holds a veto), ties
going to the larger sum over all parties: a mediator that followed the sum alone would
keep proposing texts that a majority likes and one veto holder refuses. A mediator that
is also a party (``mediator``) weighs its own utility in: with both terms scaled to
[0, 1] over the pool, the score is ``(1 - self_interest) * revealed + self_interest *
own utility``. Remaining ties go to a random order drawn once per negotiation.

Transcript: in each round, the first line is the mediator's text (``"offer"`` by the
mediating party, or by party -1 for a neutral mediator), then an ``"accept"`` per party
that accepts it and, with amendments, an ``"offer"`` per amendment.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from peacetalks.analysis import pareto_mask
from peacetalks.errors import ParameterError
from peacetalks.protocols.alternating_offers import MAX_ROUNDS, NegotiationResult, Turn
from peacetalks.protocols.negotiators import Negotiator, ProtocolError
from peacetalks.protocols.space import NegotiationSpace, Preferences
from peacetalks.protocols.view import NegotiationView, Offer

__all__ = ["HonestParty", "preferred_amendment", "single_text"]

IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

NEUTRAL = -1
_TOL = 1e-12
_FRONTS: weakref.WeakKeyDictionary[NegotiationSpace, BoolArray] = weakref.WeakKeyDictionary()


def preferred_amendment(preferences: Preferences, deals: IntArray, deal: int) -> int | None:
    """Return a party's preferred single-issue change to ``deal``, or None.

    Parameters
    ----------
    preferences : Preferences
        The party's own preferences; nobody else's are used.
    deals : ndarray of shape (n_deals, n_issues)
        The candidate deals.
    deal : int
        The text to amend.

    Returns
    -------
    int or None
        The candidate deal differing from ``deal`` on exactly one issue that the party
        likes best, among those it may accept when there are any; None when no such
        deal is better for the party than ``deal``.
    """
    neighbours = np.flatnonzero((deals != deals[deal]).sum(axis=1) == 1)
    if neighbours.size == 0:
        return None
    acceptable = neighbours[preferences.acceptable[neighbours]]
    pool = acceptable if acceptable.size else neighbours
    best = int(pool[int(np.argmax(preferences.utilities[pool]))])
    u = preferences.utilities
    gains = bool(preferences.acceptable[best]) and not bool(preferences.acceptable[deal])
    if gains or u[best] > u[deal] + _TOL:
        return best
    return None


class HonestParty(Negotiator):
    """A party that reports honestly.

    It accepts a deal if and only if the deal crosses none of its red lines and gives it
    at least its reservation; it offers its best deal, and its amendment is
    :func:`preferred_amendment`.
    """

    name = "honest"

    def propose(self, view: NegotiationView) -> int:
        """Offer the party's best deal."""
        return int(self.preferences.order[0])

    def accepts(self, view: NegotiationView, deal: int) -> bool:
        """Accept exactly the deals the party may accept."""
        return bool(self.preferences.acceptable[deal])

    def amend(self, view: NegotiationView, deal: int) -> int | None:
        """Return the party's preferred single-issue change to ``deal``, or None."""
        return preferred_amendment(self.preferences, view.deals, deal)


def _front(space: NegotiationSpace) -> BoolArray:
    if space not in _FRONTS:
        mask = pareto_mask(space.utilities.T)
        mask.setflags(write=False)
        _FRONTS[space] = mask
    return _FRONTS[space]


def _check_mediator(space: NegotiationSpace, mediator: int | str | None) -> int | None:
    if mediator is None:
        return None
    if isinstance(mediator, str) and mediator in space.actor_ids:
        return space.actor_ids.index(mediator)
    if (
        not isinstance(mediator, bool)
        and isinstance(mediator, int | np.integer)
        and 0 <= mediator < space.n_actors
    ):
        return int(mediator)
    msg = (
        "The 'mediator' parameter of single_text must be None, an actor id "
        f"({', '.join(space.actor_ids)}) or an index in [0, {space.n_actors - 1}]. "
        f"Got {mediator!r} instead."
    )
    raise ParameterError(msg, parameter="mediator", value=mediator)


def _check(
    space: NegotiationSpace,
    negotiators: Sequence[Negotiator] | None,
    rounds: int,
    mediator: int | None,
    self_interest: float,
) -> None:
    if negotiators is not None and len(negotiators) != space.n_actors:
        msg = (
            "The 'negotiators' parameter of single_text must hold one negotiator per party "
            f"({space.n_actors}) or be None. Got {len(negotiators)} instead."
        )
        raise ParameterError(msg, parameter="negotiators", value=len(negotiators))
    if isinstance(rounds, bool) or not isinstance(rounds, int) or not 1 <= rounds <= MAX_ROUNDS:
        msg = (
            f"The 'rounds' parameter of single_text must be an int in [1, {MAX_ROUNDS}]. "
            f"Got {rounds!r} instead."
        )
        raise ParameterError(msg, parameter="rounds", value=rounds)
    if (
        isinstance(self_interest, bool)
        or not isinstance(self_interest, int | float)
        or not 0.0 <= self_interest <= 1.0
    ):
        msg = (
            "The 'self_interest' parameter of single_text must be a float in [0, 1]. "
            f"Got {self_interest!r} instead."
        )
        raise ParameterError(msg, parameter="self_interest", value=self_interest)
    if self_interest > 0 and mediator is None:
        msg = (
            "The 'self_interest' parameter of single_text needs a mediating party. "
            "Pass 'mediator' (an actor id or index) or set 'self_interest' to 0."
        )
        raise ParameterError(msg, parameter="self_interest", value=self_interest)


def _check_amendment(space: NegotiationSpace, party: int, text: int, amendment: object) -> None:
    valid = (
        not isinstance(amendment, bool)
        and isinstance(amendment, int | np.integer)
        and 0 <= amendment < space.n_deals
        and int((space.deals[amendment] != space.deals[text]).sum()) == 1
    )
    if not valid:
        msg = (
            f"Party {party} ({space.actor_ids[party]}) proposed amendment {amendment!r}, which "
            f"is not a candidate deal index in [0, {space.n_deals - 1}] differing from the "
            "text on exactly one issue."
        )
        raise ProtocolError(msg, party=party)


def _scaled(values: FloatArray) -> FloatArray:
    low, high = float(values.min()), float(values.max())
    if high - low <= _TOL:
        return np.zeros_like(values)
    return (values - low) / (high - low)


class _Mediator:
    """The mediator's pool, revealed signals and choice of text."""

    def __init__(
        self,
        space: NegotiationSpace,
        rng: np.random.Generator,
        own: FloatArray | None,
        self_interest: float,
    ) -> None:
        self.deals = space.deals
        self.utilities = space.utilities
        self.own = own
        self.self_interest = self_interest
        n_issues = space.deals.shape[1]
        width = max(space.option_counts)
        self.signals = np.zeros((space.n_actors, n_issues, width))
        self.deciders = np.flatnonzero(space.deciders)
        self.issues = np.arange(n_issues)
        # Flat index of each deal's options in one party's (n_issues, width) signals.
        self.flat = self.issues * width + space.deals
        self.tried = np.zeros(space.n_deals, dtype=bool)
        self.layer = _front(space).copy()
        # Lower rank wins ties; drawn once so that the choice is reproducible.
        self.rank = rng.permutation(space.n_deals)

    def next_text(self) -> int:
        pool = np.flatnonzero(self.layer & ~self.tried)
        if pool.size == 0:
            untried = np.flatnonzero(~self.tried)
            if untried.size == 0:
                # Every deal was objected to once; strategic parties may concede later.
                self.tried[:] = False
                untried = np.arange(self.tried.shape[0])
            self.layer = np.zeros_like(self.tried)
            self.layer[untried[pareto_mask(self.utilities[:, untried].T)]] = True
            pool = np.flatnonzero(self.layer)
        flat = self.flat[pool]
        signals = self.signals.reshape(self.signals.shape[0], -1)
        revealed = np.min([signals[k].take(flat).sum(axis=1) for k in self.deciders], axis=0)
        score = _scaled(revealed)
        if self.own is not None and self.self_interest > 0:
            score = (1.0 - self.self_interest) * score + self.self_interest * _scaled(
                self.own[pool]
            )
        best = np.flatnonzero(score >= score.max() - _TOL)
        total = signals.sum(axis=0).take(flat[best]).sum(axis=1)
        best = best[total >= total.max() - _TOL]
        return int(pool[best[int(np.argmin(self.rank[pool[best]]))]])

    def hear(self, party: int, text: int, accepted: bool, amendment: int | None) -> None:
        options = self.deals[text]
        share = 1.0 / self.issues.shape[0]
        signals = self.signals[party]
        signals[self.issues, options] += share if accepted else -share
        if amendment is not None:
            changed = self.deals[amendment]
            issue = int(np.flatnonzero(changed != options)[0])
            signals[issue, changed[issue]] += 1.0
            signals[issue, options[issue]] -= 1.0


def single_text(
    space: NegotiationSpace,
    negotiators: Sequence[Negotiator] | None = None,
    *,
    rounds: int = 100,
    rng: np.random.Generator | int | None = None,
    mediator: int | str | None = None,
    self_interest: float = 0.0,
    amendments: bool = False,
    record: bool = True,
) -> NegotiationResult:
    """Run one single-text mediation (see the module notes for the mediator's rule).

    Parameters
    ----------
    space : NegotiationSpace
        Candidate deals and the parties' preferences; each negotiator sees only its own.
    negotiators : sequence of Negotiator or None, default=None
        One per party, in the space's actor order, each asked ``accepts(view, text)``;
        None gives every party a :class:`HonestParty`.
    rounds : int, default=100
        Deadline in rounds (one text and every party's response each).
    rng : numpy.random.Generator, int or None
        Draws the mediator's tie-breaking order and seeds each negotiator's generator.
    mediator : str, int or None, default=None
        The mediating party (actor id or index), or None for a neutral mediator.
    self_interest : float in [0, 1], default=0.0
        Weight of the mediating party's own utility in the mediator's score.
    amendments : bool, default=False
        Each objecting party also names its preferred single-issue change: the
        negotiator's ``amend`` for a :class:`HonestParty`, else
        :func:`preferred_amendment` on its own preferences.
    record : bool, default=True
        Keep the full transcript.

    Returns
    -------
    NegotiationResult
        ``first`` is the mediating party, or -1 for a neutral mediator; ``steps`` counts
        the parties' responses.
    """
    index = _check_mediator(space, mediator)
    _check(space, negotiators, rounds, index, self_interest)
    rng = np.random.default_rng(rng)
    n = space.n_actors
    parties: Sequence[Negotiator] = (
        [HonestParty() for _ in range(n)] if negotiators is None else negotiators
    )
    for k, (negotiator, child) in enumerate(zip(parties, rng.spawn(n), strict=True)):
        negotiator.setup(space.preferences(k), party=k, rng=child)
    deciders = space.deciders.tolist()
    needed = sum(deciders)
    own = None if index is None else space.utilities[index]
    chair = _Mediator(space, rng, own, float(self_interest))
    speaker = NEUTRAL if index is None else index
    utilities = space.utilities
    offers: tuple[Offer, ...] = ()
    transcript: list[Turn] = []
    agreement: int | None = None
    played = 0
    step = 0
    for round_ in range(1, rounds + 1):
        text = chair.next_text()
        played = round_
        chair.tried[text] = True
        offers = (*offers, Offer(step, round_, speaker, text))
        if record:
            transcript.append(Turn(step, round_, speaker, "offer", text, tuple(utilities[:, text])))
        step += 1
        time = min((round_ - 1) / max(rounds - 1, 1), 1.0)
        amended: list[Offer] = []
        accepted = 0
        for party, negotiator in enumerate(parties):
            view = NegotiationView(
                party=party,
                n_parties=n,
                step=step,
                round=round_,
                deadline=rounds,
                time=time,
                standing=text,
                offers=offers,
                deals=space.deals,
            )
            accepts = negotiator.accepts(view, text) and bool(space.acceptable[party, text])
            amendment = None
            if accepts:
                accepted += deciders[party]
                if record:
                    transcript.append(
                        Turn(step, round_, party, "accept", text, tuple(utilities[:, text]))
                    )
            elif amendments and party != index:
                if isinstance(negotiator, HonestParty):
                    amendment = negotiator.amend(view, text)
                else:
                    amendment = preferred_amendment(negotiator.preferences, space.deals, text)
                if amendment is not None:
                    _check_amendment(space, party, text, amendment)
                    amended.append(Offer(step, round_, party, amendment))
                    if record:
                        transcript.append(
                            Turn(
                                step,
                                round_,
                                party,
                                "offer",
                                amendment,
                                tuple(utilities[:, amendment]),
                            )
                        )
            chair.hear(party, text, accepts, amendment)
            step += 1
        offers = (*offers, *amended)
        if accepted == needed:
            agreement = text
            break
    if agreement is None:
        outcome = space.reservations.copy()
        when = rounds
    else:
        outcome = utilities[:, agreement].copy()
        when = played
    return NegotiationResult(
        agreement=agreement,
        rounds=when,
        steps=played * n,
        utilities=outcome,
        first=speaker,
        transcript=tuple(transcript),
    )

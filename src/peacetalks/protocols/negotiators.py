"""Negotiation strategies and the interface to write your own.

Subclass :class:`Negotiator` and implement ``propose`` and ``accepts``; or subclass
:class:`ConcessionNegotiator` and implement only ``aspiration``. A negotiator receives
its own :class:`~peacetalks.protocols.space.Preferences` once, in ``setup``, and at each
turn a :class:`~peacetalks.protocols.view.NegotiationView`. Nothing a step does re-sorts
the deal space: proposals are binary searches on the pre-sorted utilities.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from peacetalks.errors import ParameterError, ProtocolError
from peacetalks.protocols.space import Preferences
from peacetalks.protocols.view import NegotiationView

__all__ = [
    "STRATEGIES",
    "ConcessionNegotiator",
    "FrequencyLearner",
    "Hardliner",
    "Negotiator",
    "ProtocolError",
    "TimeBasedNegotiator",
    "TitForTat",
    "make_negotiator",
]

_TOL = 1e-12


class Negotiator(ABC):
    """Base class of negotiators: subclass it to plug in a strategy.

    ``setup`` is called once per negotiation before the first turn; override it (and
    call ``super().setup``) to reset per-negotiation state.
    """

    name = "negotiator"
    preferences: Preferences
    party: int
    rng: np.random.Generator

    def setup(self, preferences: Preferences, *, party: int, rng: np.random.Generator) -> None:
        """Receive the party's own preferences, its index and its random generator."""
        self.preferences = preferences
        self.party = party
        self.rng = rng

    @abstractmethod
    def propose(self, view: NegotiationView) -> int:
        """Return the index of the deal to offer."""

    @abstractmethod
    def accepts(self, view: NegotiationView, deal: int) -> bool:
        """Return whether to accept the standing deal ``deal``."""


class ConcessionNegotiator(Negotiator):
    """A negotiator driven by an aspiration level: offer near it, accept at or above it.

    Parameters
    ----------
    window : int, default=8
        It offers one of the ``window`` acceptable deals just above its aspiration, at
        random, so that it explores deals of equal value to it.
    """

    def __init__(self, *, window: int = 8) -> None:
        if isinstance(window, bool) or not isinstance(window, int) or window < 1:
            msg = (
                f"The 'window' parameter of {type(self).__name__} must be an int >= 1. "
                f"Got {window!r} instead."
            )
            raise ParameterError(msg, parameter="window", value=window)
        self.window = window

    @abstractmethod
    def aspiration(self, view: NegotiationView) -> float:
        """Return the lowest utility the party would settle for at this turn."""

    def candidates(self, view: NegotiationView) -> npt.NDArray[np.intp]:
        """Return the deals the party would offer now, nearest its aspiration last."""
        p = self.preferences
        count = max(p.at_least(self.aspiration(view)), 1)
        return p.order[max(0, count - self.window) : count]

    def propose(self, view: NegotiationView) -> int:
        """Offer one of the deals just above the aspiration, at random."""
        pool = self.candidates(view)
        # random() is several times cheaper than integers() per call.
        return int(pool[int(self.rng.random() * pool.shape[0])])

    def accepts(self, view: NegotiationView, deal: int) -> bool:
        """Accept an acceptable deal worth at least the aspiration."""
        p = self.preferences
        return bool(p.acceptable[deal]) and p.utilities[deal] >= self.aspiration(view) - _TOL


class TimeBasedNegotiator(ConcessionNegotiator):
    """Concede with time: ``best - (best - reservation) * t ** (1 / exponent)``.

    Parameters
    ----------
    exponent : float, default=1.0
        Below 1 concedes late (Boulware), 1 linearly, above 1 early (conceder).
    window : int, default=8
    """

    def __init__(self, exponent: float = 1.0, *, window: int = 8) -> None:
        super().__init__(window=window)
        if not exponent > 0 or not np.isfinite(exponent):
            msg = (
                "The 'exponent' parameter of TimeBasedNegotiator must be a finite float > 0. "
                f"Got {exponent!r} instead."
            )
            raise ParameterError(msg, parameter="exponent", value=exponent)
        self.exponent = float(exponent)

    def aspiration(self, view: NegotiationView) -> float:
        """Return the time-based aspiration level."""
        p = self.preferences
        floor = min(p.reservation, p.best)
        return p.best - (p.best - floor) * float(view.time ** (1.0 / self.exponent))


class Hardliner(ConcessionNegotiator):
    """Never concede: offer the best deal, accept only deals as good."""

    name = "hardliner"

    def __init__(self) -> None:
        super().__init__(window=1)

    def aspiration(self, view: NegotiationView) -> float:
        """Return the party's best utility."""
        return self.preferences.best


class TitForTat(ConcessionNegotiator):
    """Concede as much as the others have conceded, measured in the party's own utility.

    The others' concession is how much better for this party their best offer so far is
    than their first. So that two tit-for-tat parties do not wait forever, the party
    also concedes at least as a Boulware negotiator with ``floor_exponent`` would.
    """

    name = "tit-for-tat"

    def __init__(self, *, floor_exponent: float = 0.2, window: int = 8) -> None:
        super().__init__(window=window)
        self.floor = TimeBasedNegotiator(floor_exponent, window=window)

    def setup(self, preferences: Preferences, *, party: int, rng: np.random.Generator) -> None:
        """Reset the record of the others' offers."""
        super().setup(preferences, party=party, rng=rng)
        self.floor.setup(preferences, party=party, rng=rng)
        self._seen = 0
        self._first: float | None = None
        self._best_received = -np.inf

    def aspiration(self, view: NegotiationView) -> float:
        """Return the best utility less the others' concession, floored by time."""
        u = self.preferences.utilities
        for offer in view.offers[self._seen :]:
            if offer.proposer != self.party:
                value = float(u[offer.deal])
                if self._first is None:
                    self._first = value
                self._best_received = max(self._best_received, value)
        self._seen = len(view.offers)
        received = 0.0 if self._first is None else max(0.0, self._best_received - self._first)
        return min(self.preferences.best - received, self.floor.aspiration(view))


class FrequencyLearner(TimeBasedNegotiator):
    """Concede with time, and among the deals it would offer pick the one the others like.

    It learns the others' preferences from their offers with a frequency model: an
    option the others offer often is taken to be one they value. Among the ``window``
    deals just above its aspiration it offers the one whose options the others have
    offered most.
    """

    name = "learner"

    def __init__(self, exponent: float = 0.5, *, window: int = 64) -> None:
        super().__init__(exponent, window=window)

    def setup(self, preferences: Preferences, *, party: int, rng: np.random.Generator) -> None:
        """Reset the option counts."""
        super().setup(preferences, party=party, rng=rng)
        self._seen = 0
        self._counts: npt.NDArray[np.float64] | None = None

    def option_counts(self, view: NegotiationView) -> npt.NDArray[np.float64]:
        """Return how often the others offered each option, shape (n_issues, max_options)."""
        deals = view.deals
        if self._counts is None:
            width = int(deals.max()) + 1 if deals.size else 1
            self._counts = np.zeros((deals.shape[1], width))
        issues = np.arange(deals.shape[1])
        for offer in view.offers[self._seen :]:
            if offer.proposer != self.party:
                self._counts[issues, deals[offer.deal]] += 1.0
        self._seen = len(view.offers)
        return self._counts

    def propose(self, view: NegotiationView) -> int:
        """Offer the deal near the aspiration that the others seem to value most."""
        pool = self.candidates(view)
        counts = self.option_counts(view)
        scores = counts[np.arange(view.deals.shape[1]), view.deals[pool]].sum(axis=1)
        best = np.flatnonzero(scores >= scores.max())
        return int(pool[best[self.rng.integers(best.shape[0])]])


def _boulware() -> Negotiator:
    negotiator = TimeBasedNegotiator(0.2)
    negotiator.name = "boulware"
    return negotiator


def _linear() -> Negotiator:
    negotiator = TimeBasedNegotiator(1.0)
    negotiator.name = "linear"
    return negotiator


def _conceder() -> Negotiator:
    negotiator = TimeBasedNegotiator(5.0)
    negotiator.name = "conceder"
    return negotiator


STRATEGIES: dict[str, Callable[[], Negotiator]] = {
    "boulware": _boulware,
    "conceder": _conceder,
    "hardliner": Hardliner,
    "learner": FrequencyLearner,
    "linear": _linear,
    "tit-for-tat": TitForTat,
}


def make_negotiator(name: str) -> Negotiator:
    """Return a new negotiator of a built-in strategy.

    Parameters
    ----------
    name : {"boulware", "conceder", "hardliner", "learner", "linear", "tit-for-tat"}
        Boulware, linear and conceder concede with time with exponents 0.2, 1 and 5.
    """
    if name not in STRATEGIES:
        msg = (
            f"The 'strategy' parameter of make_negotiator must be one of "
            f"{', '.join(sorted(STRATEGIES))}. Got {name!r} instead."
        )
        raise ParameterError(msg, parameter="strategy", value=name)
    return STRATEGIES[name]()

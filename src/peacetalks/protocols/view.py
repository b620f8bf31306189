"""What a negotiator may see of a negotiation: a frozen view with no utilities in it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["NegotiationView", "Offer"]


@dataclass(frozen=True, slots=True)
class Offer:
    """One proposal made during a negotiation.

    Attributes
    ----------
    step : int
        Turn at which it was made, from 0.
    round : int
        Round at which it was made, from 1.
    proposer : int
        Index of the party that made it.
    deal : int
        Index of the proposed deal among the candidate deals.
    """

    step: int
    round: int
    proposer: int
    deal: int


@dataclass(frozen=True)
class NegotiationView:
    """A negotiator's read-only view of the negotiation at its turn.

    It holds the public record only: the offers so far, the time and the deal space;
    never any party's utilities, reservation or red lines.

    Attributes
    ----------
    party : int
        Index of the party whose turn it is (the viewer).
    n_parties : int
    step : int
        Turn, from 0; one turn is one party's action.
    round : int
        Round, from 1; a round is one turn per party.
    deadline : int
        Number of rounds; no agreement after the last gives each party its reservation.
    time : float
        Relative time in [0, 1]: ``step / ((deadline - 1) * n_parties)``, capped at 1,
        so it reaches 1 at the start of the last round.
    standing : int or None
        The deal on the table, or None before the first offer.
    offers : tuple of Offer
        Every offer so far, oldest first.
    deals : ndarray of shape (n_deals, n_issues)
        Option index per issue of each candidate deal (read-only).
    """

    party: int
    n_parties: int
    step: int
    round: int
    deadline: int
    time: float
    standing: int | None
    offers: tuple[Offer, ...]
    deals: npt.NDArray[np.intp]

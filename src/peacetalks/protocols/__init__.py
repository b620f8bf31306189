"""Negotiation protocols: strategies, stacked alternating offers, and tournaments.

Negotiators see only a frozen :class:`NegotiationView` (offers so far, time) and their
own :class:`Preferences`; the :class:`NegotiationSpace` with everyone's utilities stays
with the mechanism.
"""

from peacetalks.protocols.alternating_offers import NegotiationResult, Turn, alternating_offers
from peacetalks.protocols.negotiators import (
    STRATEGIES,
    ConcessionNegotiator,
    FrequencyLearner,
    Hardliner,
    Negotiator,
    ProtocolError,
    TimeBasedNegotiator,
    TitForTat,
    make_negotiator,
)
from peacetalks.protocols.space import (
    NegotiationSpace,
    Preferences,
    negotiation_space,
    scenario_space,
)
from peacetalks.protocols.tournament import (
    Benchmarks,
    TournamentResult,
    benchmarks,
    distances,
    tournament,
)
from peacetalks.protocols.view import NegotiationView, Offer

__all__ = [
    "STRATEGIES",
    "Benchmarks",
    "ConcessionNegotiator",
    "FrequencyLearner",
    "Hardliner",
    "NegotiationResult",
    "NegotiationSpace",
    "NegotiationView",
    "Negotiator",
    "Offer",
    "Preferences",
    "ProtocolError",
    "TimeBasedNegotiator",
    "TitForTat",
    "TournamentResult",
    "Turn",
    "alternating_offers",
    "benchmarks",
    "distances",
    "make_negotiator",
    "negotiation_space",
    "scenario_space",
    "tournament",
]

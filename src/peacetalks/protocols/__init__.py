"""Negotiation protocols: strategies, alternating offers, single-text mediation, tournaments.

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
from peacetalks.protocols.single_text import HonestParty, preferred_amendment, single_text
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
    "HonestParty",
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
    "preferred_amendment",
    "scenario_space",
    "single_text",
    "tournament",
]

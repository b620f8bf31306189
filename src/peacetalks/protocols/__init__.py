"""Negotiation protocols: strategies, alternating offers, single-text mediation, tournaments.

Negotiators see only a frozen :class:`NegotiationView` (offers so far, time) and their
own :class:`Preferences`; the :class:`NegotiationSpace` with everyone's utilities stays
with the mechanism.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from peacetalks import _lazy

if TYPE_CHECKING:
    from peacetalks.protocols.alternating_offers import (
        NegotiationResult,
        Turn,
        alternating_offers,
    )
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
    from peacetalks.protocols.single_text import (
        HonestParty,
        preferred_amendment,
        single_text,
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
    from peacetalks.protocols.view import (
        NegotiationView,
        Offer,
    )

# Each name is imported from its module on first use (see peacetalks._lazy).
_WHERE = {
    "NegotiationResult": "peacetalks.protocols.alternating_offers",
    "Turn": "peacetalks.protocols.alternating_offers",
    "alternating_offers": "peacetalks.protocols.alternating_offers",
    "STRATEGIES": "peacetalks.protocols.negotiators",
    "ConcessionNegotiator": "peacetalks.protocols.negotiators",
    "FrequencyLearner": "peacetalks.protocols.negotiators",
    "Hardliner": "peacetalks.protocols.negotiators",
    "Negotiator": "peacetalks.protocols.negotiators",
    "ProtocolError": "peacetalks.protocols.negotiators",
    "TimeBasedNegotiator": "peacetalks.protocols.negotiators",
    "TitForTat": "peacetalks.protocols.negotiators",
    "make_negotiator": "peacetalks.protocols.negotiators",
    "HonestParty": "peacetalks.protocols.single_text",
    "preferred_amendment": "peacetalks.protocols.single_text",
    "single_text": "peacetalks.protocols.single_text",
    "NegotiationSpace": "peacetalks.protocols.space",
    "Preferences": "peacetalks.protocols.space",
    "negotiation_space": "peacetalks.protocols.space",
    "scenario_space": "peacetalks.protocols.space",
    "Benchmarks": "peacetalks.protocols.tournament",
    "TournamentResult": "peacetalks.protocols.tournament",
    "benchmarks": "peacetalks.protocols.tournament",
    "distances": "peacetalks.protocols.tournament",
    "tournament": "peacetalks.protocols.tournament",
    "NegotiationView": "peacetalks.protocols.view",
    "Offer": "peacetalks.protocols.view",
}

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

__getattr__ = _lazy.exports(__name__, _WHERE)

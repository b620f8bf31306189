"""Institutions: bodies, decision rules, voting power and ratification.

- :mod:`~peacetalks.institutions.power`: Shapley-Shubik and Banzhaf indices of voting
  games, exact by generating functions (NumPy, no I/O).
- :mod:`~peacetalks.institutions.voting`: a body's rule applied to votes, and the body as
  a voting game.
- :mod:`~peacetalks.institutions.builtin`: built-in bodies and body files.
- :mod:`~peacetalks.institutions.ratification`: which bodies a deal needs and whether
  they approve it.
"""

from peacetalks.institutions.builtin import (
    BodyDocument,
    builtin_bodies,
    builtin_body,
    load_body,
    parse_body,
    resolve_body,
    scenario_body,
)
from peacetalks.institutions.power import (
    PowerIndices,
    VotingGame,
    power_by_enumeration,
    power_indices,
    weighted_game,
)
from peacetalks.institutions.ratification import (
    BodyRatification,
    MemberVote,
    Ratification,
    member_votes,
    ratify_deal,
    ratify_proposal,
    required_bodies,
)
from peacetalks.institutions.voting import BodyGame, decides, describe_rule, voting_game

__all__ = [
    "BodyDocument",
    "BodyGame",
    "BodyRatification",
    "MemberVote",
    "PowerIndices",
    "Ratification",
    "VotingGame",
    "builtin_bodies",
    "builtin_body",
    "decides",
    "describe_rule",
    "load_body",
    "member_votes",
    "parse_body",
    "power_by_enumeration",
    "power_indices",
    "ratify_deal",
    "ratify_proposal",
    "required_bodies",
    "resolve_body",
    "scenario_body",
    "voting_game",
    "weighted_game",
]

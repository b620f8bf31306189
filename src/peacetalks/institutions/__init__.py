"""Institutions: bodies, decision rules, voting power and ratification.

- :mod:`~peacetalks.institutions.power`: Shapley-Shubik and Banzhaf indices of voting
  games, exact by generating functions (NumPy, no I/O).
- :mod:`~peacetalks.institutions.voting`: a body's rule applied to votes, and the body as
  a voting game.
- :mod:`~peacetalks.institutions.builtin`: built-in bodies and body files.
- :mod:`~peacetalks.institutions.referendum`: a referendum's share in favour with a range,
  and the chance it passes.
- :mod:`~peacetalks.institutions.ratification`: which bodies a deal needs and whether
  they approve it, at the point values and over draws of the actors' acceptance.
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
    body_ratification_draws,
    member_votes,
    ratification_draws,
    ratification_probability,
    ratify_deal,
    ratify_proposal,
    required_bodies,
)
from peacetalks.institutions.referendum import ElectorateShare, electorate_share
from peacetalks.institutions.voting import (
    BodyGame,
    decides,
    decides_draws,
    describe_rule,
    voting_game,
)

__all__ = [
    "BodyDocument",
    "BodyGame",
    "BodyRatification",
    "ElectorateShare",
    "MemberVote",
    "PowerIndices",
    "Ratification",
    "VotingGame",
    "body_ratification_draws",
    "builtin_bodies",
    "builtin_body",
    "decides",
    "decides_draws",
    "describe_rule",
    "electorate_share",
    "load_body",
    "member_votes",
    "parse_body",
    "power_by_enumeration",
    "power_indices",
    "ratification_draws",
    "ratification_probability",
    "ratify_deal",
    "ratify_proposal",
    "required_bodies",
    "resolve_body",
    "scenario_body",
    "voting_game",
    "weighted_game",
]

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

from __future__ import annotations

from typing import TYPE_CHECKING

from peacetalks import _lazy

if TYPE_CHECKING:
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
    from peacetalks.institutions.referendum import (
        ElectorateShare,
        electorate_share,
    )
    from peacetalks.institutions.voting import (
        BodyGame,
        decides,
        decides_draws,
        describe_rule,
        voting_game,
    )

# Each name is imported from its module on first use (see peacetalks._lazy).
_WHERE = {
    "BodyDocument": "peacetalks.institutions.builtin",
    "builtin_bodies": "peacetalks.institutions.builtin",
    "builtin_body": "peacetalks.institutions.builtin",
    "load_body": "peacetalks.institutions.builtin",
    "parse_body": "peacetalks.institutions.builtin",
    "resolve_body": "peacetalks.institutions.builtin",
    "scenario_body": "peacetalks.institutions.builtin",
    "PowerIndices": "peacetalks.institutions.power",
    "VotingGame": "peacetalks.institutions.power",
    "power_by_enumeration": "peacetalks.institutions.power",
    "power_indices": "peacetalks.institutions.power",
    "weighted_game": "peacetalks.institutions.power",
    "BodyRatification": "peacetalks.institutions.ratification",
    "MemberVote": "peacetalks.institutions.ratification",
    "Ratification": "peacetalks.institutions.ratification",
    "body_ratification_draws": "peacetalks.institutions.ratification",
    "member_votes": "peacetalks.institutions.ratification",
    "ratification_draws": "peacetalks.institutions.ratification",
    "ratification_probability": "peacetalks.institutions.ratification",
    "ratify_deal": "peacetalks.institutions.ratification",
    "ratify_proposal": "peacetalks.institutions.ratification",
    "required_bodies": "peacetalks.institutions.ratification",
    "ElectorateShare": "peacetalks.institutions.referendum",
    "electorate_share": "peacetalks.institutions.referendum",
    "BodyGame": "peacetalks.institutions.voting",
    "decides": "peacetalks.institutions.voting",
    "decides_draws": "peacetalks.institutions.voting",
    "describe_rule": "peacetalks.institutions.voting",
    "voting_game": "peacetalks.institutions.voting",
}

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

__getattr__ = _lazy.exports(__name__, _WHERE)

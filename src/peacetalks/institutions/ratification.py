"""Ratification: which bodies must approve a deal, how their members vote, who is pivotal.

A deal needs the bodies named by the ``requires`` of the options it contains. Each
member's vote comes, in this order, from the body's ``votes`` for the proposal, the
member's own stated ``vote``, its ``actor`` (yes when that actor accepts the deal as
modelled: no red line crossed and utility at least its reservation), the body's
``follow`` actor, the body's ``default_vote``; otherwise the member abstains. A member is
*pivotal* when switching its vote (yes to no if the body passes, otherwise to yes)
changes the outcome.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from peacetalks.analysis.evaluate import evaluate_deal
from peacetalks.errors import ScenarioError
from peacetalks.institutions.builtin import BodyDocument, scenario_body
from peacetalks.institutions.voting import decides, describe_rule
from peacetalks.scenario.bodies import Body, Member
from peacetalks.scenario.compile import CompiledScenario, compile_scenario
from peacetalks.scenario.models import Scenario

__all__ = [
    "BodyRatification",
    "MemberVote",
    "Ratification",
    "member_votes",
    "ratify_deal",
    "ratify_proposal",
    "required_bodies",
]


@dataclass(frozen=True)
class MemberVote:
    """How one member of a body votes, and why.

    Attributes
    ----------
    id, name : str
    vote : str
        ``yes``, ``no`` or ``abstain``.
    basis : str
        Where the vote comes from: ``proposal`` (stated for this proposal), ``stated``
        (the member's own vote), ``actor`` (its actor's judgement of the deal),
        ``follows`` (the body's ``follow`` actor), ``default`` (the body's default vote)
        or ``none`` (nothing decides it: abstains).
    actor : str or None
        The actor whose judgement decided the vote, if any.
    pivotal : bool
        True when switching this vote changes the body's decision.
    """

    id: str
    name: str
    vote: str
    basis: str
    actor: str | None
    pivotal: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return the record as JSON-ready data."""
        return {
            "id": self.id,
            "name": self.name,
            "vote": self.vote,
            "basis": self.basis,
            "actor": self.actor,
            "pivotal": self.pivotal,
        }


@dataclass(frozen=True)
class BodyRatification:
    """One body's decision on a deal."""

    id: str
    name: str
    rule: str
    required_for: tuple[str, ...]
    passes: bool
    votes: tuple[MemberVote, ...]
    builtin: str | None = None

    @property
    def pivotal(self) -> tuple[str, ...]:
        """Return the ids of the members whose switch would change the decision."""
        return tuple(v.id for v in self.votes if v.pivotal)

    @property
    def tally(self) -> dict[str, int]:
        """Return the number of yes, no and abstain votes."""
        return {kind: sum(v.vote == kind for v in self.votes) for kind in ("yes", "no", "abstain")}

    def to_dict(self) -> dict[str, Any]:
        """Return the record as JSON-ready data."""
        return {
            "id": self.id,
            "name": self.name,
            "builtin": self.builtin,
            "rule": self.rule,
            "required_for": list(self.required_for),
            "passes": self.passes,
            "tally": self.tally,
            "votes": [v.to_dict() for v in self.votes],
            "pivotal": list(self.pivotal),
        }


@dataclass(frozen=True)
class Ratification:
    """Every body a deal needs, with its decision."""

    proposal: str | None
    deal: dict[str, str]
    bodies: tuple[BodyRatification, ...]

    @property
    def passes(self) -> bool:
        """Return whether every required body approves (True when none is required)."""
        return all(b.passes for b in self.bodies)

    @property
    def blocked_by(self) -> tuple[str, ...]:
        """Return the ids of the bodies that do not approve."""
        return tuple(b.id for b in self.bodies if not b.passes)

    def to_dict(self) -> dict[str, Any]:
        """Return the record as JSON-ready data."""
        return {
            "proposal": self.proposal,
            "passes": self.passes,
            "blocked_by": list(self.blocked_by),
            "bodies": [b.to_dict() for b in self.bodies],
        }


def required_bodies(scenario: Scenario, deal: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """Return, per body id, the issues whose chosen option requires it (file order).

    Parameters
    ----------
    deal : mapping of str to str
        Issue id to option id, for every issue (defaults filled in).
    """
    needs: dict[str, list[str]] = {}
    for issue in scenario.issues:
        chosen = deal.get(issue.id)
        for option in issue.options:
            if option.id == chosen:
                for body_id in option.requires:
                    needs.setdefault(body_id, []).append(issue.id)
    return {body_id: tuple(issues) for body_id, issues in needs.items()}


def member_votes(
    body: Body, acceptable: Mapping[str, bool], *, proposal_id: str | None = None
) -> list[MemberVote]:
    """Return each member's vote on a deal (without pivotality).

    Parameters
    ----------
    body : Body
        A complete body.
    acceptable : mapping of str to bool
        Whether each scenario actor accepts the deal.
    proposal_id : str or None
        The proposal, for the body's stated ``votes``.
    """
    stated = body.votes.get(proposal_id, {}) if proposal_id is not None else {}
    votes = []
    for member in body.members:
        votes.append(_vote(member, body, stated, acceptable))
    return votes


def _vote(
    member: Member, body: Body, stated: Mapping[str, str], acceptable: Mapping[str, bool]
) -> MemberVote:
    name = member.name or member.id
    if member.id in stated:
        return MemberVote(member.id, name, stated[member.id], "proposal", None)
    if member.vote is not None:
        return MemberVote(member.id, name, member.vote, "stated", None)
    if member.actor is not None and member.actor in acceptable:
        vote = "yes" if acceptable[member.actor] else "no"
        return MemberVote(member.id, name, vote, "actor", member.actor)
    if body.follow is not None and body.follow in acceptable:
        vote = "yes" if acceptable[body.follow] else "no"
        return MemberVote(member.id, name, vote, "follows", body.follow)
    if body.default_vote is not None:
        return MemberVote(member.id, name, body.default_vote, "default", None)
    return MemberVote(member.id, name, "abstain", "none", None)


def _decide(
    document: BodyDocument, votes: list[MemberVote], required_for: tuple[str, ...]
) -> BodyRatification:
    body = document.body
    cast = {v.id: v.vote for v in votes}
    passes = decides(body, cast)
    marked = []
    for v in votes:
        if passes:
            switched = "no" if v.vote == "yes" else None
        else:
            switched = "yes" if v.vote != "yes" else None
        pivotal = switched is not None and decides(body, {**cast, v.id: switched}) != passes
        marked.append(MemberVote(v.id, v.name, v.vote, v.basis, v.actor, pivotal))
    return BodyRatification(
        id=body.id,
        name=body.name or body.id,
        rule=describe_rule(body),
        required_for=required_for,
        passes=passes,
        votes=tuple(marked),
        builtin=body.builtin,
    )


def ratify_deal(
    scenario: Scenario,
    deal: Mapping[str, str],
    *,
    compiled: CompiledScenario | None = None,
    proposal_id: str | None = None,
) -> Ratification:
    """Return which bodies the deal needs and whether each approves it.

    Parameters
    ----------
    scenario : Scenario
    deal : mapping of str to str
        Issue id to option id; issues left out take their default option.
    compiled : CompiledScenario or None
        The compiled scenario, if already at hand.
    proposal_id : str or None
        The proposal the deal comes from, for votes stated per proposal.

    Raises
    ------
    ScenarioError
        If the deal names unknown issues or options, or leaves out an issue with no default.
    """
    compiled = compiled if compiled is not None else compile_scenario(scenario)
    indices, _ = compiled.deal_indices(deal)
    evaluation = evaluate_deal(
        compiled.weighted_utilities,
        compiled.red_lines,
        compiled.reservations,
        compiled.veto,
        indices,
        option_mask=compiled.option_mask,
    )
    acceptable = {
        actor_id: bool(evaluation.acceptable[a]) for a, actor_id in enumerate(compiled.actor_ids)
    }
    full = {
        issue: compiled.option_ids[i][int(indices[i])] for i, issue in enumerate(compiled.issue_ids)
    }
    decisions = []
    for body_id, issues in required_bodies(scenario, full).items():
        document = scenario_body(scenario, body_id)
        votes = member_votes(document.body, acceptable, proposal_id=proposal_id)
        decisions.append(_decide(document, votes, issues))
    return Ratification(proposal=proposal_id, deal=full, bodies=tuple(decisions))


def ratify_proposal(
    scenario: Scenario, proposal_id: str, *, compiled: CompiledScenario | None = None
) -> Ratification:
    """Return the ratification of one of the scenario's proposals.

    Raises
    ------
    KeyError
        If the scenario has no such proposal (the briefing layer turns this into a
        :class:`~peacetalks.errors.NotFoundError` naming the proposals).
    """
    proposal = scenario.proposal(proposal_id)
    try:
        return ratify_deal(scenario, proposal.deal, compiled=compiled, proposal_id=proposal.id)
    except ScenarioError as e:
        raise ScenarioError(e.problems, f"proposal {proposal_id}") from None

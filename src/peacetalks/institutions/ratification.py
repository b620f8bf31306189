"""Ratification: which bodies must approve a deal, how their members vote, who is pivotal.

A deal needs the bodies named by the ``requires`` of the options it contains. Each
member's vote comes from the first of these that applies, recorded as its ``basis``:

- ``proposal``: the body's ``votes`` for the proposal (a judgement of the scenario's);
- ``stated``: the member's own position with a ``source`` (a ``positions`` case whose
  ``when`` the deal meets, else its own ``vote``);
- ``assumed``: the same without a source, marked as a modelling judgement;
- ``actor``: the member is an actor of the scenario (or is linked to one), and votes yes
  when that actor accepts the deal (no red line crossed, utility at least its
  reservation), no otherwise;
- ``inherited``: the member votes as its group's actor, the body's ``follow``, judges the
  deal (a judgement; ``from`` names the actor);
- ``default``: the body's ``default_vote`` (a judgement);
- ``none``: nothing decides it, so it abstains (a judgement).

A referendum whose ``electorate`` gives a share in favour for the deal is decided by that
share instead (basis ``share``): the electorate votes yes at the expected share if it is
above one half (and the expected turnout reaches the quorum), and the body's ``p_pass``
is the probability of passing over the share's range
(:mod:`~peacetalks.institutions.referendum`). A member is *pivotal* when switching its
vote (yes to no if the body passes, otherwise to yes) changes the outcome.

For Monte Carlos: :func:`ratification_probability` is the probability that every
required body approves in each draw of the actors' acceptance (members that follow
actors vote by that draw, stated members are fixed, referendums by the closed form over
their share range), and :func:`ratification_draws` draws that outcome run by run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from peacetalks.analysis.evaluate import evaluate_deal
from peacetalks.errors import ParameterError, ScenarioError
from peacetalks.institutions.builtin import BodyDocument, builtin_body, scenario_body
from peacetalks.institutions.referendum import ElectorateShare, electorate_share
from peacetalks.institutions.voting import decides, decides_draws, describe_rule
from peacetalks.scenario.bodies import (
    Body,
    Member,
    builtin_body_ids,
    case_applies,
    check_body_positions,
)
from peacetalks.scenario.compile import CompiledScenario, compile_scenario
from peacetalks.scenario.models import Scenario

__all__ = [
    "BASES",
    "BodyRatification",
    "MemberVote",
    "Ratification",
    "body_ratification_draws",
    "member_votes",
    "ratification_draws",
    "ratification_probability",
    "ratify_deal",
    "ratify_proposal",
    "required_bodies",
]

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

#: Every basis of a vote, with whether a vote on it is a modelling judgement.
BASES: dict[str, bool] = {
    "proposal": True,
    "stated": False,
    "assumed": True,
    "share": False,
    "actor": False,
    "inherited": True,
    "default": True,
    "none": True,
}


@dataclass(frozen=True)
class MemberVote:
    """How one member of a body votes, and why.

    Attributes
    ----------
    id, name : str
    vote : str
        ``yes``, ``no`` or ``abstain``.
    basis : str
        Where the vote comes from: one of :data:`BASES` (see the module docstring).
    actor : str or None
        The actor whose judgement of the deal decided the vote (``actor`` and
        ``inherited``), if any.
    pivotal : bool
        True when switching this vote changes the body's decision.
    source : str or None
        The source of a ``stated`` vote (or of a ``share``).
    judgement : bool
        True when the vote is a modelling judgement rather than sourced or an actor's own.
    inherited_from : str or None
        For ``inherited``, the group's actor it follows (``from`` in JSON).
    """

    id: str
    name: str
    vote: str
    basis: str
    actor: str | None
    pivotal: bool = False
    source: str | None = None
    judgement: bool = False
    inherited_from: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the record as JSON-ready data."""
        return {
            "id": self.id,
            "name": self.name,
            "vote": self.vote,
            "basis": self.basis,
            "actor": self.actor,
            "from": self.inherited_from,
            "source": self.source,
            "judgement": self.judgement,
            "pivotal": self.pivotal,
        }


@dataclass(frozen=True)
class BodyRatification:
    """One body's decision on a deal.

    ``passes`` is the decision at the point values (each actor's verdict, the expected
    share of a referendum); ``p_pass`` the probability that the body approves.
    """

    id: str
    name: str
    rule: str
    required_for: tuple[str, ...]
    passes: bool
    votes: tuple[MemberVote, ...]
    builtin: str | None = None
    p_pass: float = 0.0
    electorate: ElectorateShare | None = None

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
            "p_pass": self.p_pass,
            "tally": self.tally,
            "votes": [v.to_dict() for v in self.votes],
            "pivotal": list(self.pivotal),
            "electorate": self.electorate.to_dict() if self.electorate is not None else None,
        }


@dataclass(frozen=True)
class Ratification:
    """Every body a deal needs, with its decision.

    Attributes
    ----------
    p_pass : float
        Probability that every required body approves (1 when none is required).
    p_pass_from : str
        What the probability is computed over: ``"point verdicts"`` (each actor's verdict
        at the stated values) or the number of acceptance draws given.
    """

    proposal: str | None
    deal: dict[str, str]
    bodies: tuple[BodyRatification, ...]
    p_pass: float = 1.0
    p_pass_from: str = "point verdicts"

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
            "p_pass": self.p_pass,
            "p_pass_from": self.p_pass_from,
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


# --- How each member's vote is decided ---------------------------------------------------


@dataclass(frozen=True)
class _Decider:
    """What decides one member's vote: a fixed vote, or an actor's acceptance."""

    vote: MemberVote  # with the fixed vote, or "abstain" as a placeholder for an actor
    actor: str | None  # the actor whose acceptance decides, if any


def _decider(
    member: Member,
    body: Body,
    stated: Mapping[str, str],
    actors: frozenset[str],
    deal: Mapping[str, str],
) -> _Decider:
    name = member.name or member.id

    def fixed(vote: str, basis: str, source: str | None = None) -> _Decider:
        return _Decider(
            MemberVote(member.id, name, vote, basis, None, source=source, judgement=BASES[basis]),
            None,
        )

    if member.id in stated:
        return fixed(stated[member.id], "proposal")
    for position in body.positions.get(member.id, ()):
        if case_applies(position.when, deal):
            if position.source is not None and not position.judgement:
                return fixed(position.vote, "stated", position.source)
            return fixed(position.vote, "assumed", position.source)
    if member.vote is not None:
        return fixed(member.vote, "stated" if member.source else "assumed", member.source)
    if member.actor is not None and member.actor in actors:
        vote = MemberVote(member.id, name, "abstain", "actor", member.actor)
        return _Decider(vote, member.actor)
    if body.follow is not None and body.follow in actors:
        vote = MemberVote(
            member.id,
            name,
            "abstain",
            "inherited",
            body.follow,
            judgement=True,
            inherited_from=body.follow,
        )
        return _Decider(vote, body.follow)
    if body.default_vote is not None:
        return fixed(body.default_vote, "default")
    return fixed("abstain", "none")


def member_votes(
    body: Body,
    acceptable: Mapping[str, bool],
    *,
    proposal_id: str | None = None,
    deal: Mapping[str, str] | None = None,
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
    deal : mapping of str to str or None
        The deal (issue id to option id), for positions that hold on some deals only;
        ``None`` applies only positions without ``when``.
    """
    stated = body.votes.get(proposal_id, {}) if proposal_id is not None else {}
    actors = frozenset(acceptable)
    votes = []
    for member in body.members:
        decider = _decider(member, body, stated, actors, deal or {})
        if decider.actor is None:
            votes.append(decider.vote)
        else:
            vote = "yes" if acceptable[decider.actor] else "no"
            votes.append(replace(decider.vote, vote=vote))
    return votes


# --- A body on one deal, for point values and for draws -----------------------------------


@dataclass(frozen=True)
class _BodyPlan:
    document: BodyDocument
    required_for: tuple[str, ...]
    deciders: tuple[_Decider, ...]
    electorate: ElectorateShare | None

    def point_votes(self, acceptable: Mapping[str, bool]) -> list[MemberVote]:
        if self.electorate is not None:
            e = self.electorate
            vote = ("yes" if e.share > 0.5 else "no") if e.reaches_quorum else "abstain"
            return [
                MemberVote(
                    d.vote.id,
                    d.vote.name,
                    vote,
                    "share",
                    None,
                    source=e.case.source,
                    judgement=e.case.judgement or e.case.source is None,
                )
                for d in self.deciders
            ]
        return [
            d.vote
            if d.actor is None
            else replace(d.vote, vote="yes" if acceptable[d.actor] else "no")
            for d in self.deciders
        ]

    def member_draws(
        self, accepts: BoolArray, actor_index: Mapping[str, int]
    ) -> tuple[BoolArray, BoolArray]:
        n_runs = accepts.shape[0]
        n = len(self.deciders)
        yes = np.zeros((n_runs, n), dtype=bool)
        no = np.zeros((n_runs, n), dtype=bool)
        for j, d in enumerate(self.deciders):
            if d.actor is not None:
                yes[:, j] = accepts[:, actor_index[d.actor]]
                no[:, j] = ~yes[:, j]
            elif d.vote.vote == "yes":
                yes[:, j] = True
            elif d.vote.vote == "no":
                no[:, j] = True
        return yes, no

    def probability(self, accepts: BoolArray, actor_index: Mapping[str, int]) -> FloatArray:
        """Return the probability that the body approves, per acceptance draw."""
        if self.electorate is not None:
            return np.full(accepts.shape[0], self.electorate.p_pass)
        yes, no = self.member_draws(accepts, actor_index)
        return decides_draws(self.document.body, yes, no).astype(np.float64)

    def draws(
        self, accepts: BoolArray, actor_index: Mapping[str, int], rng: np.random.Generator
    ) -> BoolArray:
        """Return whether the body approves, per acceptance draw."""
        if self.electorate is not None:
            return self.electorate.draws(accepts.shape[0], rng)
        yes, no = self.member_draws(accepts, actor_index)
        return decides_draws(self.document.body, yes, no)


def _checked_body(scenario: Scenario, body_id: str) -> BodyDocument:
    document = scenario_body(scenario, body_id)
    for k, raw in enumerate(scenario.bodies):
        if raw.id != body_id:
            continue
        complete = document.body
        if raw.builtin is not None and raw.builtin in builtin_body_ids():
            complete = builtin_body(raw.builtin).body
        problems = check_body_positions(
            raw,
            f"bodies[{k}]",
            members=[m.id for m in complete.members],
            rule=document.body.rule,
            options={issue.id: [o.id for o in issue.options] for issue in scenario.issues},
            sources={s.id for s in scenario.sources},
        )
        if problems:
            raise ScenarioError(problems, scenario.id)
    return document


def _plans(
    scenario: Scenario,
    compiled: CompiledScenario,
    deal: Mapping[str, str],
    proposal_id: str | None,
) -> tuple[dict[str, str], list[_BodyPlan]]:
    indices, _ = compiled.deal_indices(deal)
    full = {
        issue: compiled.option_ids[i][int(indices[i])] for i, issue in enumerate(compiled.issue_ids)
    }
    actors = frozenset(compiled.actor_ids)
    plans = []
    for body_id, issues in required_bodies(scenario, full).items():
        document = _checked_body(scenario, body_id)
        body = document.body
        stated = body.votes.get(proposal_id, {}) if proposal_id is not None else {}
        deciders = tuple(_decider(m, body, stated, actors, full) for m in body.members)
        plans.append(_BodyPlan(document, issues, deciders, electorate_share(body, full)))
    return full, plans


def _accepts_array(accepts: npt.ArrayLike, n_actors: int, function: str) -> BoolArray:
    array = np.asarray(accepts)
    if array.dtype != np.bool_ or array.ndim != 2 or array.shape[1] != n_actors:
        msg = (
            f"The 'accepts' parameter of {function} must be a boolean array of shape "
            f"(n_runs, {n_actors}), one column per actor in the scenario's order. Got "
            f"{array.dtype} of shape {array.shape} instead."
        )
        raise ParameterError(msg, parameter="accepts", value=array.shape)
    return array


def _decide(plan: _BodyPlan, votes: list[MemberVote], p_pass: float) -> BodyRatification:
    body = plan.document.body
    cast = {v.id: v.vote for v in votes}
    passes = decides(body, cast)
    marked = []
    for v in votes:
        if passes:
            switched = "no" if v.vote == "yes" else None
        else:
            switched = "yes" if v.vote != "yes" else None
        pivotal = switched is not None and decides(body, {**cast, v.id: switched}) != passes
        marked.append(replace(v, pivotal=pivotal))
    return BodyRatification(
        id=body.id,
        name=body.name or body.id,
        rule=describe_rule(body),
        required_for=plan.required_for,
        passes=passes,
        votes=tuple(marked),
        builtin=body.builtin,
        p_pass=p_pass,
        electorate=plan.electorate,
    )


def ratify_deal(
    scenario: Scenario,
    deal: Mapping[str, str],
    *,
    compiled: CompiledScenario | None = None,
    proposal_id: str | None = None,
    accepts: npt.ArrayLike | None = None,
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
    accepts : array-like of bool, shape (n_runs, n_actors), or None
        Draws of each actor's acceptance of the deal (actors in the scenario's order),
        over which ``p_pass`` is computed; ``None`` takes each actor's verdict at the
        stated values (one draw). The votes and ``passes`` always use that verdict.

    Raises
    ------
    ScenarioError
        If the deal names unknown issues or options, or leaves out an issue with no
        default, or a body's positions name unknown members, issues, options or sources.
    ParameterError
        If ``accepts`` has the wrong shape or type.
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
    point = np.asarray(evaluation.acceptable, dtype=bool)[None, :]
    acceptable = {actor_id: bool(point[0, a]) for a, actor_id in enumerate(compiled.actor_ids)}
    draws = point if accepts is None else _accepts_array(accepts, point.shape[1], "ratify_deal")
    full, plans = _plans(scenario, compiled, deal, proposal_id)
    actor_index = {actor_id: a for a, actor_id in enumerate(compiled.actor_ids)}
    probabilities = [plan.probability(draws, actor_index) for plan in plans]
    joint = np.prod(probabilities, axis=0) if plans else np.ones(draws.shape[0])
    decisions = tuple(
        _decide(plan, plan.point_votes(acceptable), float(p.mean()))
        for plan, p in zip(plans, probabilities, strict=True)
    )
    return Ratification(
        proposal=proposal_id,
        deal=full,
        bodies=decisions,
        p_pass=float(joint.mean()),
        p_pass_from="point verdicts" if accepts is None else f"{draws.shape[0]} acceptance draws",
    )


def ratify_proposal(
    scenario: Scenario,
    proposal_id: str,
    *,
    compiled: CompiledScenario | None = None,
    accepts: npt.ArrayLike | None = None,
) -> Ratification:
    """Return the ratification of one of the scenario's proposals.

    ``accepts`` is as for :func:`ratify_deal`.

    Raises
    ------
    KeyError
        If the scenario has no such proposal (the briefing layer turns this into a
        :class:`~peacetalks.errors.NotFoundError` naming the proposals).
    """
    proposal = scenario.proposal(proposal_id)
    try:
        return ratify_deal(
            scenario, proposal.deal, compiled=compiled, proposal_id=proposal.id, accepts=accepts
        )
    except ScenarioError as e:
        raise ScenarioError(e.problems, f"proposal {proposal_id}") from None


# --- For Monte Carlos --------------------------------------------------------------------


def ratification_probability(
    scenario: Scenario,
    deal: Mapping[str, str],
    accepts: npt.ArrayLike,
    *,
    compiled: CompiledScenario | None = None,
    proposal_id: str | None = None,
) -> FloatArray:
    """Return the probability that every required body approves, per acceptance draw.

    Given a draw of which actors accept the deal, every member's vote is fixed (members
    that are or follow actors vote by that draw, stated members as stated) except a
    referendum's electorate, whose share in favour is uncertain; bodies are independent
    given the draw. So the probability is a product over bodies of 0 or 1, and, for each
    referendum, the closed-form chance that its share is above one half (and its turnout
    reaches any quorum).

    Parameters
    ----------
    scenario : Scenario
    deal : mapping of str to str
        Issue id to option id; issues left out take their default option.
    accepts : array-like of bool, shape (n_runs, n_actors)
        Whether each actor (in the scenario's order, ``compiled.actor_ids``) accepts the
        deal in each run.
    compiled : CompiledScenario or None
    proposal_id : str or None
        For votes the bodies state per proposal.

    Returns
    -------
    ndarray of float, shape (n_runs,)
        1.0 in every run when the deal needs no body.
    """
    compiled = compiled if compiled is not None else compile_scenario(scenario)
    draws = _accepts_array(accepts, compiled.n_actors, "ratification_probability")
    _, plans = _plans(scenario, compiled, deal, proposal_id)
    actor_index = {actor_id: a for a, actor_id in enumerate(compiled.actor_ids)}
    result = np.ones(draws.shape[0])
    for plan in plans:
        result *= plan.probability(draws, actor_index)
    return result


def body_ratification_draws(
    scenario: Scenario,
    deal: Mapping[str, str],
    accepts: npt.ArrayLike,
    *,
    rng: np.random.Generator | int | None = None,
    compiled: CompiledScenario | None = None,
    proposal_id: str | None = None,
) -> dict[str, BoolArray]:
    """Return, per required body, whether it approves the deal in each draw.

    Members that are or follow actors vote by that draw's acceptance, stated members as
    stated, and each referendum's share (and turnout) is drawn from its range, one
    independent draw per run and body.

    Parameters
    ----------
    scenario : Scenario
    deal : mapping of str to str
    accepts : array-like of bool, shape (n_runs, n_actors)
        Actors in the scenario's order (``compiled.actor_ids``).
    rng : numpy.random.Generator, int or None
        The seed for the referendums' draws.
    compiled : CompiledScenario or None
    proposal_id : str or None

    Returns
    -------
    dict of str to ndarray of bool, shape (n_runs,)
        In the order of :func:`required_bodies`; empty when the deal needs no body.
    """
    compiled = compiled if compiled is not None else compile_scenario(scenario)
    draws = _accepts_array(accepts, compiled.n_actors, "body_ratification_draws")
    generator = np.random.default_rng(rng)
    _, plans = _plans(scenario, compiled, deal, proposal_id)
    actor_index = {actor_id: a for a, actor_id in enumerate(compiled.actor_ids)}
    return {plan.document.body.id: plan.draws(draws, actor_index, generator) for plan in plans}


def ratification_draws(
    scenario: Scenario,
    deal: Mapping[str, str],
    accepts: npt.ArrayLike,
    *,
    rng: np.random.Generator | int | None = None,
    compiled: CompiledScenario | None = None,
    proposal_id: str | None = None,
) -> BoolArray:
    """Return whether every required body approves the deal, in each draw.

    The parameters are those of :func:`body_ratification_draws`. Its mean over many runs
    converges to the mean of :func:`ratification_probability`, which has no sampling noise
    from the referendums.

    Returns
    -------
    ndarray of bool, shape (n_runs,)
        True in every run when the deal needs no body.
    """
    compiled = compiled if compiled is not None else compile_scenario(scenario)
    by_body = body_ratification_draws(
        scenario, deal, accepts, rng=rng, compiled=compiled, proposal_id=proposal_id
    )
    result = np.ones(np.asarray(accepts).shape[0], dtype=bool)
    for passes in by_body.values():
        result &= passes
    return result

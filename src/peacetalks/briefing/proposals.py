"""Would a proposal be accepted, by whom, and who blocks it and why."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from peacetalks.analysis.acceptance import AcceptanceInputs
from peacetalks.analysis.evaluate import blocking_issues, evaluate_deal
from peacetalks.briefing.robustness import (
    ACCEPTANCE_RUNS,
    ACCEPTANCE_SEED,
    DecidingInput,
    Robustness,
    acceptance_inputs,
    deal_robustness,
    describe_chance,
)
from peacetalks.errors import NotFoundError, ScenarioError
from peacetalks.scenario.compile import CompiledScenario, compile_scenario
from peacetalks.scenario.models import Proposal, Scenario

__all__ = [
    "ActorVerdict",
    "Assessment",
    "IssueCost",
    "assess_deal",
    "assess_proposal",
    "assess_proposals",
]


@dataclass(frozen=True)
class IssueCost:
    """What one issue of a deal costs an actor."""

    issue: str
    option: str
    loss: float
    red_line: bool

    def to_dict(self) -> dict[str, Any]:
        """Return the record as JSON-ready data."""
        return {
            "issue": self.issue,
            "option": self.option,
            "loss": self.loss,
            "red_line": self.red_line,
        }


@dataclass(frozen=True)
class ActorVerdict:
    """One actor's view of a deal."""

    id: str
    name: str
    utility: float
    reservation: float
    acceptable: bool
    veto: bool
    red_lines_crossed: tuple[str, ...]
    worst_issues: tuple[IssueCost, ...]
    p_accept: float | None = None

    @property
    def margin(self) -> float:
        """Return the utility minus the reservation (negative: below the reservation).

        Rounded to 12 decimals so that every face (text, JSON, pages) shows the same
        figure: 0.375 - 0.55 is -0.17500000000000004 in floating point, which would
        print as -0.18 in one place and -0.17 in another.
        """
        return round(self.utility - self.reservation, 12)

    @property
    def reason(self) -> str:
        """Return why the actor rejects the deal, or an empty string if it accepts."""
        if self.acceptable:
            return ""
        parts = []
        if self.red_lines_crossed:
            parts.append("crosses its red line on " + ", ".join(self.red_lines_crossed))
        if self.utility < self.reservation - 1e-12:
            parts.append(
                f"utility {self.utility:.2f} is below its reservation {self.reservation:.2f}"
            )
        return "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """Return the record as JSON-ready data."""
        return {
            "id": self.id,
            "name": self.name,
            "utility": self.utility,
            "reservation": self.reservation,
            "margin": self.margin,
            "p_accept": self.p_accept,
            "acceptable": self.acceptable,
            "veto": self.veto,
            "red_lines_crossed": list(self.red_lines_crossed),
            "reason": self.reason,
            "worst_issues": [cost.to_dict() for cost in self.worst_issues],
        }


@dataclass(frozen=True)
class Assessment:
    """A deal (often a proposal) judged by every actor."""

    id: str | None
    title: str | None
    source: str | None
    deal: dict[str, str]
    defaulted: tuple[str, ...]
    actors: tuple[ActorVerdict, ...]
    robustness: Robustness | None = None

    @property
    def p_pass(self) -> float | None:
        """Return the probability that every veto holder accepts (None without draws)."""
        return None if self.robustness is None else self.robustness.p_pass

    @property
    def fragile(self) -> bool | None:
        """Return whether the verdict is fragile (None without draws)."""
        return None if self.robustness is None else self.robustness.fragile

    @property
    def deciding(self) -> tuple[DecidingInput, ...]:
        """Return the judgements that decide the verdict, most decisive first."""
        return () if self.robustness is None else self.robustness.deciding

    def robustness_summary(self) -> str:
        """Return the verdict's robustness in one sentence ("" without draws)."""
        if self.robustness is None:
            return ""
        subject = self.id or self.title or "the deal"
        r = self.robustness
        head = describe_chance(r.p_pass, r.runs, r.seed)
        if r.fragile:
            head += "; the verdict is fragile"
        if r.deciding:
            return head + ". " + r.deciding[0].describe(subject) + "."
        return head + "."

    @property
    def blockers(self) -> tuple[str, ...]:
        """Return the ids of the veto holders that reject the deal."""
        return tuple(a.id for a in self.actors if a.veto and not a.acceptable)

    @property
    def accepted_by(self) -> tuple[str, ...]:
        """Return the ids of the actors that accept the deal."""
        return tuple(a.id for a in self.actors if a.acceptable)

    @property
    def passes(self) -> bool:
        """Return whether every veto holder accepts the deal."""
        return not self.blockers

    def to_dict(self) -> dict[str, Any]:
        """Return the record as JSON-ready data.

        ``actors`` lists every actor's verdict; ``utility`` and ``acceptable`` map actor
        ids to the same numbers for scripts that want a lookup.
        """
        return {
            "id": self.id,
            "title": self.title,
            "source": self.source,
            "deal": dict(self.deal),
            "defaulted": list(self.defaulted),
            "passes": self.passes,
            "blockers": list(self.blockers),
            "accepted_by": list(self.accepted_by),
            "utility": {a.id: a.utility for a in self.actors},
            "acceptable": {a.id: a.acceptable for a in self.actors},
            "p_pass": self.p_pass,
            "fragile": self.fragile,
            "deciding": [d.to_dict() for d in self.deciding],
            "robustness": None if self.robustness is None else self.robustness_summary(),
            "monte_carlo": None if self.robustness is None else self.robustness.settings(),
            "actors": [a.to_dict() for a in self.actors],
        }


def assess_deal(
    scenario: Scenario,
    deal: Mapping[str, str],
    *,
    compiled: CompiledScenario | None = None,
    proposal_id: str | None = None,
    title: str | None = None,
    source: str | None = None,
    runs: int = ACCEPTANCE_RUNS,
    seed: int = ACCEPTANCE_SEED,
    inputs: AcceptanceInputs | None = None,
) -> Assessment:
    """Judge a deal (issue id to option id) with every actor of the scenario.

    Issues the deal leaves out fall back to their default option; the assessment lists
    them in ``defaulted``. With ``runs`` > 0 the verdict also carries its robustness: each
    actor's probability of accepting, the probability that the deal passes every veto,
    whether the verdict is fragile and which judgements decide it (see
    :mod:`peacetalks.briefing.robustness`).

    Raises
    ------
    ScenarioError
        If the deal names unknown issues or options, or leaves out an issue with no default.
    """
    compiled = compiled if compiled is not None else compile_scenario(scenario)
    indices, defaulted = compiled.deal_indices(deal)
    evaluation = evaluate_deal(
        compiled.weighted_utilities,
        compiled.red_lines,
        compiled.reservations,
        compiled.veto,
        indices,
        option_mask=compiled.option_mask,
    )
    full_deal = {
        issue: compiled.option_ids[i][int(indices[i])] for i, issue in enumerate(compiled.issue_ids)
    }
    robust = (
        deal_robustness(compiled, indices, runs=runs, seed=seed, inputs=inputs)
        if runs > 0 or inputs is not None
        else None
    )
    verdicts = []
    for a, actor in enumerate(scenario.actors):
        worst = tuple(
            IssueCost(
                issue=compiled.issue_ids[i],
                option=full_deal[compiled.issue_ids[i]],
                loss=float(evaluation.issue_losses[a, i]),
                red_line=bool(evaluation.red_lines[a, i]),
            )
            for i in blocking_issues(evaluation, a)
        )
        verdicts.append(
            ActorVerdict(
                id=actor.id,
                name=actor.name,
                utility=float(evaluation.utilities[a]),
                reservation=actor.reservation,
                acceptable=bool(evaluation.acceptable[a]),
                veto=actor.veto,
                red_lines_crossed=tuple(
                    compiled.issue_ids[i]
                    for i in range(compiled.n_issues)
                    if evaluation.red_lines[a, i]
                ),
                worst_issues=worst,
                p_accept=None if robust is None else robust.p_accept[a],
            )
        )
    return Assessment(
        id=proposal_id,
        title=title,
        source=source,
        deal=full_deal,
        defaulted=defaulted,
        actors=tuple(verdicts),
        robustness=robust,
    )


def find_proposal(scenario: Scenario, proposal_id: str) -> Proposal:
    """Return the scenario's proposal with this id.

    Raises
    ------
    NotFoundError
        If there is none; the message lists the scenario's proposals.
    """
    try:
        return scenario.proposal(proposal_id)
    except KeyError:
        known = ", ".join(p.id for p in scenario.proposals) or "(none)"
        msg = f"scenario {scenario.id!r} has no proposal {proposal_id!r}. Its proposals: {known}."
        raise NotFoundError(msg, kind="proposal", value=proposal_id) from None


def assess_proposal(
    scenario: Scenario,
    proposal_id: str,
    *,
    compiled: CompiledScenario | None = None,
    runs: int = ACCEPTANCE_RUNS,
    seed: int = ACCEPTANCE_SEED,
    inputs: AcceptanceInputs | None = None,
) -> Assessment:
    """Judge one of the scenario's proposals with every actor.

    Raises
    ------
    NotFoundError
        If the scenario has no proposal with this id.
    """
    proposal = find_proposal(scenario, proposal_id)
    try:
        return assess_deal(
            scenario,
            proposal.deal,
            compiled=compiled,
            proposal_id=proposal.id,
            title=proposal.title,
            source=proposal.source,
            runs=runs,
            seed=seed,
            inputs=inputs,
        )
    except ScenarioError as e:
        raise ScenarioError(e.problems, f"proposal {proposal_id}") from None


def assess_proposals(
    scenario: Scenario,
    *,
    compiled: CompiledScenario | None = None,
    runs: int = ACCEPTANCE_RUNS,
    seed: int = ACCEPTANCE_SEED,
) -> list[Assessment]:
    """Judge every proposal of the scenario, in file order, on the same draws."""
    compiled = compiled if compiled is not None else compile_scenario(scenario)
    inputs = acceptance_inputs(compiled, runs=runs, seed=seed) if runs > 0 else None
    return [
        assess_proposal(scenario, p.id, compiled=compiled, runs=runs, seed=seed, inputs=inputs)
        for p in scenario.proposals
    ]

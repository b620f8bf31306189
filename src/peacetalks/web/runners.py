"""The analyses the API runs as jobs: their parameters, checks and what each computes.

The parameter models are the request bodies of ``POST /api/scenarios/{id}/analyses/{kind}``
(and so the OpenAPI schema). :func:`check_analysis` is run by the server before a job is
queued (cheap: ids that must exist), :func:`run_analysis` in the job's own process. Each
analysis returns the document the matching command prints with ``--json``.

Two analyses read more than one scenario: ``compare`` (with ``at``, the same proposals in
other snapshots) and ``timeline`` (the snapshots of a series). :func:`other_scenarios`
names the scenarios they need beside the one analysed; the server loads those the user
may read and hands them to both functions as ``others``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from peacetalks.agreements.simulation import MAX_PERIODS, MAX_RUNS
from peacetalks.agreements.stress import find_agreement
from peacetalks.briefing.compare import MAX_COMPARED, compare_data
from peacetalks.briefing.deal_space import RULES, deal_space
from peacetalks.briefing.evaluation import evaluation_data
from peacetalks.briefing.forecast import scenario_forecast
from peacetalks.briefing.negotiation import check_negotiation, negotiation_document
from peacetalks.briefing.proposals import find_proposal
from peacetalks.briefing.ratification import ratification_data
from peacetalks.briefing.robustness import ACCEPTANCE_RUNS, ACCEPTANCE_SEED, MAX_ACCEPTANCE_RUNS
from peacetalks.briefing.stress import stress_document
from peacetalks.briefing.timeline import MAX_SNAPSHOTS, check_series, timeline_data
from peacetalks.defaults import MAX_FORECAST_RUNS
from peacetalks.errors import NotFoundError, ParameterError
from peacetalks.scenario.compile import compile_scenario
from peacetalks.scenario.models import Scenario

__all__ = [
    "KINDS",
    "LONG_KINDS",
    "CompareParameters",
    "DealsParameters",
    "EvaluateParameters",
    "ForecastParameters",
    "Kind",
    "ModelName",
    "NegotiateParameters",
    "Parameters",
    "RatifyParameters",
    "SalienceChange",
    "Strategy",
    "StressTestParameters",
    "TimelineParameters",
    "check_analysis",
    "other_scenarios",
    "parameters_model",
    "run_analysis",
]

Kind = Literal[
    "evaluate", "deals", "forecast", "ratify", "stress", "negotiate", "compare", "timeline"
]
KINDS: tuple[str, ...] = get_args(Kind)
# Analyses that report progress as they go (Monte Carlo runs, simulated periods, talks).
LONG_KINDS = ("deals", "forecast", "stress", "negotiate")

Progress = Callable[[int, int], None]
RefId = Annotated[str, Field(min_length=1, max_length=64, description="An id in the scenario.")]
Seed = Annotated[
    int | None,
    Field(
        ge=0,
        le=2**63 - 1,
        description="Seed of the random numbers (the same seed, the same numbers).",
    ),
]
AcceptanceRuns = Annotated[
    int,
    Field(
        ge=1,
        le=MAX_ACCEPTANCE_RUNS,
        description="Draws of the stated ranges for the acceptance probabilities (p_accept, "
        "p_pass), the same default as the command line.",
    ),
]
# Spelled out for the schema; tests/web/test_runners.py keeps them in step with the registries.
ModelName = Literal["compromise", "median", "nash", "bdm", "bdm-scholz", "procedural", "smp"]
Strategy = Literal["boulware", "conceder", "hardliner", "learner", "linear", "tit-for-tat"]


class Parameters(BaseModel):
    """Base of the analyses' parameters: unknown fields are errors."""

    model_config = ConfigDict(extra="forbid")


class EvaluateParameters(Parameters):
    """Evaluate one proposal of the scenario, or a deal: who accepts, who blocks and why."""

    proposal: RefId | None = Field(None, description="Id of one of the scenario's proposals.")
    deal: Annotated[dict[RefId, RefId], Field(max_length=1000)] | None = Field(
        None, description="Issue id to option id; left-out issues take their default."
    )
    title: Annotated[str, Field(max_length=200)] | None = Field(
        None, description="A label for the deal."
    )
    runs: AcceptanceRuns = ACCEPTANCE_RUNS
    seed: Seed = ACCEPTANCE_SEED

    @model_validator(mode="after")
    def _one_of(self) -> EvaluateParameters:
        if (self.proposal is None) == (self.deal is None):
            got = "both" if self.proposal is not None else "neither"
            msg = f"give exactly one of 'proposal' (an id) or 'deal' (issue to option); got {got}"
            raise ValueError(msg)
        return self


class DealsParameters(Parameters):
    """The deal space: Pareto front, fair compromises, ZOPA, amendments, logrolls.

    With nothing selected, everything but ``amend`` is computed.
    """

    pareto: bool = Field(False, description="The Pareto-optimal deals.")
    rules: Annotated[
        list[Literal["nash", "ks", "egalitarian", "utilitarian"]], Field(max_length=4)
    ] = Field(default_factory=list, description="Fair compromises to find.")
    zopa: bool = Field(False, description="The zone of possible agreement.")
    amend: RefId | None = Field(None, description="Smallest changes that make this proposal pass.")
    logrolls: bool = Field(False, description="Two-issue trades.")
    base: RefId | None = Field(None, description="Proposal the logrolls start from.")
    rational: bool = Field(False, description="Front of deals above every reservation only.")
    veto_only: bool = Field(False, description="Front, compromises and trades among veto holders.")
    limit: int = Field(1000, ge=0, le=100_000, description="List at most this many front deals.")
    all_trades: bool = Field(
        False,
        description="Also list logrolls that cross a veto holder's red line or hurt one.",
    )
    runs: AcceptanceRuns = ACCEPTANCE_RUNS
    seed: Seed = ACCEPTANCE_SEED


class SalienceChange(Parameters):
    """What-if: one actor's salience on one issue."""

    actor: RefId
    issue: RefId
    value: float = Field(ge=0, le=1)


class ForecastParameters(Parameters):
    """Where each issue will settle, with uncertainty and sensitivity."""

    model: ModelName = "compromise"
    rounds: int | None = Field(None, ge=1, le=1000, description="Rounds (models with rounds).")
    q: float | None = Field(None, ge=0, le=1, description="Q of the expected-utility model.")
    runs: int = Field(0, ge=0, le=MAX_FORECAST_RUNS, description="Monte Carlo runs (0: none).")
    seed: Seed = None
    distribution: Literal["triangular", "uniform"] = "triangular"
    sensitivity: bool = Field(False, description="Which inputs move each forecast most.")
    drop: Annotated[list[RefId], Field(max_length=1000)] = Field(
        default_factory=list, description="What-if: leave these actors out."
    )
    saliences: Annotated[list[SalienceChange], Field(max_length=10_000)] = Field(
        default_factory=list, description="What-if: changed saliences."
    )


class RatifyParameters(Parameters):
    """Which bodies must approve a proposal, how each member votes, who is pivotal."""

    proposal: RefId
    runs: AcceptanceRuns = ACCEPTANCE_RUNS
    seed: Seed = ACCEPTANCE_SEED


class StressTestParameters(Parameters):
    """Stress-test a phased agreement: the chance of reaching each phase, and of holding."""

    agreement: RefId
    compare: RefId | None = Field(
        None, description="Another agreement, simulated on the same random numbers."
    )
    runs: int = Field(2000, ge=1, le=MAX_RUNS, description="Monte Carlo runs.")
    periods: int | None = Field(
        None, ge=1, le=MAX_PERIODS, description="Periods to simulate (default: the timetable)."
    )
    period_days: int = Field(7, ge=1, le=365, description="Length of a period in days.")
    seed: Seed = ACCEPTANCE_SEED


class NegotiateParameters(Parameters):
    """Simulated negotiations: stacked alternating offers, or single-text mediation."""

    protocol: Literal["alternating", "single-text"] = "alternating"
    strategies: Annotated[list[Strategy], Field(min_length=1, max_length=1000)] | None = Field(
        None, description="One strategy for all, or one per actor in scenario order."
    )
    rounds: int = Field(100, ge=1, le=100_000, description="Deadline in rounds.")
    runs: int = Field(1, ge=1, le=100_000, description="Number of negotiations.")
    seed: Seed = None
    transcript: bool = Field(False, description="Keep every turn of each run.")
    mediator: RefId | None = Field(None, description="single-text: a mediating actor's id.")
    self_interest: float = Field(0.0, ge=0, le=1, description="single-text: mediator's weight.")
    amendments: bool = Field(False, description="single-text: objectors propose amendments.")


class CompareParameters(Parameters):
    """Proposals side by side: options, verdicts, what separates them, the smallest fixes."""

    proposals: Annotated[list[RefId], Field(min_length=1, max_length=MAX_COMPARED)] = Field(
        description="Proposal ids of the scenario: two or more, or one with 'at'."
    )
    at: Annotated[list[RefId], Field(max_length=MAX_COMPARED)] = Field(
        default_factory=list,
        description="Other scenarios (snapshots of the series) to evaluate the same "
        "proposals in, each entry then named PROPOSAL@SNAPSHOT.",
    )
    runs: AcceptanceRuns = ACCEPTANCE_RUNS
    seed: Seed = ACCEPTANCE_SEED


class TimelineParameters(Parameters):
    """A series of dated snapshots: who moved, on what, when, and on what source."""

    snapshots: Annotated[list[RefId], Field(max_length=MAX_SNAPSHOTS)] | None = Field(
        None,
        description="The other snapshots (scenario ids) beside this one; default: every "
        "scenario you may read of this scenario's series.",
    )


_MODELS: dict[str, type[Parameters]] = {
    "evaluate": EvaluateParameters,
    "deals": DealsParameters,
    "forecast": ForecastParameters,
    "ratify": RatifyParameters,
    "stress": StressTestParameters,
    "negotiate": NegotiateParameters,
    "compare": CompareParameters,
    "timeline": TimelineParameters,
}


def parameters_model(kind: str) -> type[Parameters]:
    """Return the parameters model of an analysis kind.

    Raises
    ------
    NotFoundError
        If the kind is unknown.
    """
    if kind not in _MODELS:
        msg = f"No analysis {kind!r}. The analyses are: {', '.join(KINDS)}."
        raise NotFoundError(msg, kind="analysis", value=kind)
    return _MODELS[kind]


def _check_ids(scenario: Scenario, kind: str, ids: list[str], what: str) -> None:
    known = [a.id for a in scenario.actors] if kind == "actor" else [i.id for i in scenario.issues]
    for value in ids:
        if value not in known:
            msg = (
                f"scenario {scenario.id!r} has no {kind} {value!r} ({what}). "
                f"Its {kind}s: {', '.join(known)}."
            )
            raise NotFoundError(msg, kind=kind, value=value)


def other_scenarios(kind: str, parameters: dict[str, Any]) -> list[str] | None:
    """Return the ids of the scenarios an analysis reads beside the one analysed.

    Parameters
    ----------
    kind : str
    parameters : dict
        The analysis' parameters model, dumped.

    Returns
    -------
    list of str or None
        ``compare``: its ``at``; ``timeline``: its ``snapshots``, or None for every
        scenario the user may read of the analysed scenario's series (the server finds
        them); the other analyses: an empty list.
    """
    if kind == "compare":
        return list(parameters["at"])
    if kind == "timeline":
        snapshots = parameters["snapshots"]
        return None if snapshots is None else list(snapshots)
    return []


def _check_compare(
    scenario: Scenario, parameters: dict[str, Any], others: Sequence[Scenario]
) -> None:
    proposals: list[str] = parameters["proposals"]
    snapshots = [scenario.id, *(other.id for other in others)]
    if len(set(proposals)) != len(proposals) or len(set(snapshots)) != len(snapshots):
        msg = (
            "compare needs distinct proposals and snapshots. Got proposals "
            f"{', '.join(proposals)} and snapshots {', '.join(snapshots)}. Name each once."
        )
        raise ParameterError(msg, parameter="proposals", value=proposals)
    entries = len(proposals) * len(snapshots)
    if not 2 <= entries <= MAX_COMPARED:
        msg = (
            f"compare needs between 2 and {MAX_COMPARED} proposals side by side (proposals "
            f"times snapshots). Got {entries}: {len(proposals)} proposal(s) in "
            f"{len(snapshots)} snapshot(s). Pick at least two proposals, or one and another "
            "snapshot in 'at'."
        )
        raise ParameterError(msg, parameter="proposals", value=proposals)
    for snapshot in (scenario, *others):
        for proposal in proposals:
            find_proposal(snapshot, proposal)


def _check_timeline(scenario: Scenario, others: Sequence[Scenario]) -> None:
    if not others:
        series = scenario.series
        where = (
            f"its series {series!r} has no other snapshot that you may read"
            if series is not None
            else "it names no series (the 'series' field)"
        )
        msg = (
            f"A timeline needs two or more snapshots; scenario {scenario.id!r} is alone: "
            f"{where}. Name other snapshots of the same negotiation in 'snapshots', or "
            "save them with the same 'series'."
        )
        raise ParameterError(msg, parameter="snapshots", value=[])
    snapshots = [scenario, *others]
    check_series(snapshots, labels=[s.id for s in snapshots])


def check_analysis(
    kind: str,
    scenario: Scenario,
    parameters: dict[str, Any],
    others: Sequence[Scenario] = (),
) -> None:
    """Check that the ids an analysis names exist in the scenario (before queuing it).

    Parameters
    ----------
    kind : str
    scenario : Scenario
        The scenario analysed.
    parameters : dict
        The analysis' parameters model, dumped.
    others : sequence of Scenario
        The scenarios :func:`other_scenarios` names, loaded (compare, timeline).

    Raises
    ------
    NotFoundError
        If a proposal, agreement, actor or issue is unknown; the message lists the known.
    ScenarioError
        If a deal to evaluate names unknown issues or options.
    ParameterError
        If the negotiation settings do not fit the scenario; for compare, with fewer than
        two or more than eight entries or a repeated one; for timeline, without a second
        snapshot or with snapshots that do not form one series.
    """
    for name in ("proposal", "amend", "base"):
        if parameters.get(name) is not None:
            find_proposal(scenario, parameters[name])
    if kind == "evaluate" and parameters.get("deal") is not None:
        compile_scenario(scenario).deal_indices(parameters["deal"])
    if kind == "stress":
        for name in ("agreement", "compare"):
            if parameters.get(name) is not None:
                find_agreement(scenario, parameters[name])
    elif kind == "negotiate":
        strategies = parameters.get("strategies")
        check_negotiation(
            scenario,
            parameters["protocol"],
            strategies=None if strategies is None else ",".join(strategies),
            mediator=parameters.get("mediator"),
            self_interest=parameters["self_interest"],
            amendments=parameters["amendments"],
        )
    elif kind == "forecast":
        _check_ids(scenario, "actor", parameters["drop"], "in 'drop'")
        changes = parameters["saliences"]
        _check_ids(scenario, "actor", [c["actor"] for c in changes], "in 'saliences'")
        _check_ids(scenario, "issue", [c["issue"] for c in changes], "in 'saliences'")
    elif kind == "compare":
        _check_compare(scenario, parameters, others)
    elif kind == "timeline":
        _check_timeline(scenario, others)


def _deals(scenario: Scenario, p: dict[str, Any], progress: Progress) -> dict[str, Any]:
    rules = tuple(rule for rule in RULES if rule in p["rules"])
    pareto, zopa, logrolls = p["pareto"], p["zopa"], p["logrolls"]
    if not (pareto or rules or zopa or p["amend"] or logrolls):
        pareto, zopa, logrolls, rules = True, True, True, RULES
    return deal_space(
        scenario,
        pareto=pareto,
        rules=rules,
        zopa=zopa,
        amend=p["amend"],
        logrolls=logrolls,
        base=p["base"],
        rational=p["rational"],
        among="veto" if p["veto_only"] else "all",
        limit=p["limit"],
        seed=p["seed"],
        runs=p["runs"],
        all_trades=p["all_trades"],
        progress=progress,
    )


def _forecast(scenario: Scenario, p: dict[str, Any], progress: Progress) -> dict[str, Any]:
    saliences = {(c["actor"], c["issue"]): c["value"] for c in p["saliences"]}
    return scenario_forecast(
        scenario,
        model=p["model"],
        rounds=p["rounds"],
        q=p["q"],
        runs=p["runs"],
        seed=p["seed"],
        distribution=p["distribution"],
        sensitivity=p["sensitivity"],
        drop=tuple(p["drop"]),
        saliences=saliences,
        progress=progress,
    )


def _negotiate(scenario: Scenario, p: dict[str, Any], progress: Progress) -> dict[str, Any]:
    strategies = p["strategies"]
    return negotiation_document(
        scenario,
        protocol=p["protocol"],
        strategies=None if strategies is None else ",".join(strategies),
        rounds=p["rounds"],
        runs=p["runs"],
        seed=p["seed"],
        transcript=p["transcript"],
        mediator=p["mediator"],
        self_interest=p["self_interest"],
        amendments=p["amendments"],
        progress=progress,
    )


def run_analysis(
    kind: str,
    scenario: Scenario,
    parameters: dict[str, Any],
    progress: Progress,
    others: Sequence[Scenario] = (),
) -> dict[str, Any]:
    """Run one analysis and return its JSON-ready document.

    Parameters
    ----------
    kind : {"evaluate", "deals", "forecast", "ratify", "stress", "negotiate", "compare", \
"timeline"}
    scenario : Scenario
    parameters : dict
        The analysis' parameters model, dumped (``model_dump()``).
    progress : callable
        Called as ``progress(done, total)`` as the work goes on (long analyses only).
    others : sequence of Scenario
        compare: the snapshots of ``at``; timeline: the other snapshots (see
        :func:`other_scenarios`).
    """
    p = parameters
    if kind == "evaluate":
        return evaluation_data(
            scenario,
            proposal=p["proposal"],
            deal=p["deal"],
            title=p["title"],
            runs=p["runs"],
            seed=ACCEPTANCE_SEED if p["seed"] is None else p["seed"],
        )
    if kind == "ratify":
        return ratification_data(
            scenario,
            p["proposal"],
            runs=p["runs"],
            seed=ACCEPTANCE_SEED if p["seed"] is None else p["seed"],
        )
    if kind == "deals":
        return _deals(scenario, p, progress)
    if kind == "forecast":
        return _forecast(scenario, p, progress)
    if kind == "stress":
        return stress_document(
            scenario,
            p["agreement"],
            compare=p["compare"],
            runs=p["runs"],
            periods=p["periods"],
            period_days=p["period_days"],
            seed=p["seed"],
            progress=progress,
        )
    if kind == "negotiate":
        return _negotiate(scenario, p, progress)
    if kind == "compare":
        # What ``peacetalks compare --json`` prints.
        return compare_data(
            scenario,
            p["proposals"],
            at=others,
            runs=p["runs"],
            seed=ACCEPTANCE_SEED if p["seed"] is None else p["seed"],
        )
    if kind == "timeline":
        # What ``peacetalks timeline --json`` prints for the same files.
        snapshots = [scenario, *others]
        return timeline_data(snapshots, labels=[s.id for s in snapshots])
    parameters_model(kind)  # raises NotFoundError naming the analyses
    return {}

"""The ``peacetalks negotiate`` command: simulated talks between strategies."""

from __future__ import annotations

import math
from typing import Annotated, Any

import numpy as np
import typer

from peacetalks.cli._helpers import console, emit_json, handles_errors, load, stderr
from peacetalks.errors import ParameterError
from peacetalks.protocols import (
    STRATEGIES,
    Benchmarks,
    NegotiationResult,
    NegotiationSpace,
    TournamentResult,
    Turn,
    benchmarks,
    distances,
    make_negotiator,
    scenario_space,
    single_text,
    tournament,
)
from peacetalks.scenario.compile import compile_scenario

__all__ = ["mediation_runs", "negotiate", "negotiation_data", "parse_strategies"]

PROTOCOLS = ("alternating", "single-text")


def parse_strategies(text: str, actor_ids: tuple[str, ...]) -> tuple[str, ...]:
    """Return one strategy per actor from a comma-separated list (one name applies to all)."""
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    unknown = [name for name in names if name not in STRATEGIES]
    if unknown or not names:
        msg = (
            "The '--strategies' option must list strategies from: "
            f"{', '.join(sorted(STRATEGIES))}. Got {text!r} instead."
        )
        raise ParameterError(msg, parameter="--strategies", value=text)
    if len(names) == 1:
        return names * len(actor_ids)
    if len(names) != len(actor_ids):
        msg = (
            f"The '--strategies' option must give one strategy, or one per actor "
            f"({len(actor_ids)}: {', '.join(actor_ids)}). Got {len(names)} instead."
        )
        raise ParameterError(msg, parameter="--strategies", value=text)
    return names


def _number(value: float) -> float | None:
    return None if math.isnan(value) else round(float(value), 6)


def _by_actor(space: NegotiationSpace, values: Any) -> dict[str, float]:
    return {a: round(float(v), 6) for a, v in zip(space.actor_ids, values, strict=True)}


def _party(space: NegotiationSpace, party: int) -> str:
    return "mediator" if party < 0 else space.actor_ids[party]


def _turn(space: NegotiationSpace, turn: Turn) -> dict[str, Any]:
    return {
        "step": turn.step,
        "round": turn.round,
        "party": _party(space, turn.party),
        "action": turn.action,
        "deal": space.deal_options(turn.deal),
        "utilities": _by_actor(space, turn.utilities),
    }


def negotiation_data(
    space: NegotiationSpace, result: TournamentResult, *, transcript: bool
) -> dict[str, Any]:
    """Return the runs and summary of a tournament as one JSON-ready document."""
    runs = []
    for k, run in enumerate(result.results):
        entry: dict[str, Any] = {
            "seed": result.seeds[k],
            "agreement": None if run.agreement is None else space.deal_options(run.agreement),
            "rounds": run.rounds,
            "first": _party(space, run.first),
            "utilities": _by_actor(space, run.utilities),
            "distance_to_pareto": _number(result.distance_to_pareto[k]),
            "distance_to_nash": _number(result.distance_to_nash[k]),
        }
        if transcript:
            entry["transcript"] = [_turn(space, turn) for turn in run.transcript]
        runs.append(entry)
    nash = result.distance_to_nash
    rounds = result.mean_rounds_to_agreement
    summary = {
        "runs": len(runs),
        "agreement_rate": result.agreement_rate,
        "mean_rounds_to_agreement": None if rounds is None else round(rounds, 6),
        "mean_utilities": _by_actor(space, result.utilities.mean(axis=0)),
        "mean_distance_to_pareto": _number(float(result.distance_to_pareto.mean())),
        "mean_distance_to_nash": None
        if bool(np.isnan(nash).all())
        else _number(float(nash.mean())),
    }
    return {"runs": runs, "summary": summary}


def mediation_runs(
    space: NegotiationSpace,
    assignment: tuple[str, ...] | None,
    *,
    runs: int,
    rounds: int,
    rng: int | None,
    reference: Benchmarks,
    mediator: str | None,
    self_interest: float,
    amendments: bool,
    record: bool,
) -> TournamentResult:
    """Run ``runs`` single-text mediations, each with its own seed, as a tournament result.

    ``assignment`` gives each party's strategy; None makes every party honest.
    """
    generator = np.random.default_rng(rng)
    seeds: list[int] = []
    results: list[NegotiationResult] = []
    for _ in range(runs):
        seed = int(generator.integers(2**63 - 1))
        negotiators = None if assignment is None else [make_negotiator(n) for n in assignment]
        results.append(
            single_text(
                space,
                negotiators,
                rounds=rounds,
                rng=seed,
                mediator=mediator,
                self_interest=self_interest,
                amendments=amendments,
                record=record,
            )
        )
        seeds.append(seed)
    utilities = np.array([r.utilities for r in results]).reshape(runs, space.n_actors)
    to_pareto, to_nash = distances(utilities, reference)
    names = ("honest",) * space.n_actors if assignment is None else assignment
    return TournamentResult(
        assignments=(names,) * runs,
        seeds=tuple(seeds),
        results=tuple(results),
        utilities=utilities,
        agreed=np.array([r.agreement is not None for r in results], dtype=bool),
        distance_to_pareto=to_pareto,
        distance_to_nash=to_nash,
    )


@handles_errors
def negotiate(
    scenario: Annotated[
        str, typer.Argument(help="A built-in scenario id, a YAML file or a GENIUS domain folder.")
    ],
    protocol: Annotated[
        str, typer.Option("--protocol", help="Negotiation protocol: alternating or single-text.")
    ] = "alternating",
    strategies: Annotated[
        str | None,
        typer.Option(
            "--strategies",
            help=(
                "Comma-separated strategy per actor, in scenario order, or one for all: "
                + ", ".join(sorted(STRATEGIES))
                + ". Default: linear; with single-text, honest parties."
            ),
        ),
    ] = None,
    rounds: Annotated[
        int, typer.Option("--rounds", min=1, max=100_000, help="Deadline in rounds.")
    ] = 100,
    runs: Annotated[
        int, typer.Option("--runs", min=1, max=100_000, help="Number of negotiations.")
    ] = 1,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed of the runs.")] = None,
    transcript: Annotated[
        bool, typer.Option("--transcript", help="Show every turn of each run.")
    ] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    mediator: Annotated[
        str | None,
        typer.Option("--mediator", help="single-text: the actor id of a mediating party."),
    ] = None,
    self_interest: Annotated[
        float,
        typer.Option(
            "--self-interest",
            min=0.0,
            max=1.0,
            help="single-text: weight of the mediating party's own utility, in [0, 1].",
        ),
    ] = 0.0,
    amendments: Annotated[
        bool,
        typer.Option("--amendments", help="single-text: objecting parties propose amendments."),
    ] = False,
) -> None:
    """Simulate negotiations: stacked alternating offers, or single-text mediation.

    Each actor follows a strategy; a deal needs every actor's acceptance (no red line
    crossed, reservation met) before the deadline, or each gets its reservation.
    """
    if protocol not in PROTOCOLS:
        msg = f"The '--protocol' option must be one of {', '.join(PROTOCOLS)}. Got {protocol!r}."
        raise ParameterError(msg, parameter="--protocol", value=protocol)
    is_mediated = protocol == "single-text"
    if not is_mediated and (mediator is not None or self_interest > 0 or amendments):
        msg = (
            "The '--mediator', '--self-interest' and '--amendments' options need "
            "'--protocol single-text'."
        )
        raise ParameterError(msg, parameter="--protocol", value=protocol)
    model = load(scenario)
    compiled = compile_scenario(model)
    given = None if strategies is None else parse_strategies(strategies, compiled.actor_ids)
    if mediator is not None and mediator not in compiled.actor_ids:
        msg = (
            f"The '--mediator' option must be an actor id ({', '.join(compiled.actor_ids)}). "
            f"Got {mediator!r} instead."
        )
        raise ParameterError(msg, parameter="--mediator", value=mediator)
    with stderr.status("negotiating..."):
        space = scenario_space(compiled)
        reference = benchmarks(
            compiled.tables(), compiled.reservations, admissible=compiled.admissible()
        )
        if is_mediated:
            result = mediation_runs(
                space,
                given,
                runs=runs,
                rounds=rounds,
                rng=seed,
                reference=reference,
                mediator=mediator,
                self_interest=self_interest,
                amendments=amendments,
                record=transcript,
            )
        else:
            result = tournament(
                space,
                [given or ("linear",) * space.n_actors],
                runs=runs,
                rounds=rounds,
                rng=seed,
                reference=reference,
                record=transcript,
            )
    assignment = result.assignments[0]
    data = negotiation_data(space, result, transcript=transcript)
    if json_output:
        emit_json(
            {
                "scenario": model.id,
                "protocol": protocol,
                "strategies": dict(zip(compiled.actor_ids, assignment, strict=True)),
                **(
                    {
                        "mediator": mediator,
                        "self_interest": self_interest,
                        "amendments": amendments,
                    }
                    if is_mediated
                    else {}
                ),
                "deadline": rounds,
                "candidate_deals": space.n_deals,
                "exhaustive": space.is_exhaustive,
                **data,
            }
        )
        return
    _print(model.title, model.id, assignment, space, data)


def _print(
    title: str,
    scenario_id: str,
    assignment: tuple[str, ...],
    space: NegotiationSpace,
    data: dict[str, Any],
) -> None:
    console.print(f"{title} ({scenario_id})", markup=False)
    console.print(
        "Strategies: "
        + ", ".join(f"{a} {s}" for a, s in zip(space.actor_ids, assignment, strict=True)),
        markup=False,
    )
    for k, run in enumerate(data["runs"], start=1):
        for turn in run.get("transcript", []):
            deal = ", ".join(f"{i}={o}" for i, o in turn["deal"].items())
            console.print(
                f"  round {turn['round']:>3} {turn['party']:<16} {turn['action']:<6} {deal}",
                markup=False,
            )
        utilities = ", ".join(f"{a} {u:.2f}" for a, u in run["utilities"].items())
        if run["agreement"] is None:
            outcome = f"no agreement after {run['rounds']} rounds"
        else:
            deal = ", ".join(f"{i}={o}" for i, o in run["agreement"].items())
            outcome = f"agreement in round {run['rounds']}: {deal}"
        console.print(f"run {k} (seed {run['seed']}): {outcome}; {utilities}", markup=False)
    summary = data["summary"]
    means = ", ".join(f"{a} {u:.2f}" for a, u in summary["mean_utilities"].items())
    console.print(
        f"\nAgreement rate {summary['agreement_rate']:.0%} over {summary['runs']} runs; "
        f"mean utilities {means}; mean distance to the Pareto front "
        f"{summary['mean_distance_to_pareto']:.3f}",
        markup=False,
    )

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
    NegotiationSpace,
    TournamentResult,
    Turn,
    benchmarks,
    scenario_space,
    tournament,
)
from peacetalks.scenario.compile import compile_scenario

__all__ = ["negotiate", "negotiation_data", "parse_strategies"]

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


def _turn(space: NegotiationSpace, turn: Turn) -> dict[str, Any]:
    return {
        "step": turn.step,
        "round": turn.round,
        "party": space.actor_ids[turn.party],
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
            "first": space.actor_ids[run.first],
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


@handles_errors
def negotiate(
    scenario: Annotated[
        str, typer.Argument(help="A built-in scenario id, a YAML file or a GENIUS domain folder.")
    ],
    protocol: Annotated[
        str, typer.Option("--protocol", help="Negotiation protocol: alternating or single-text.")
    ] = "alternating",
    strategies: Annotated[
        str,
        typer.Option(
            "--strategies",
            help=(
                "Comma-separated strategy per actor, in scenario order, or one for all: "
                + ", ".join(sorted(STRATEGIES))
                + "."
            ),
        ),
    ] = "linear",
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
) -> None:
    """Simulate negotiations between strategies (stacked alternating offers).

    Each actor follows a strategy; a deal needs every actor's acceptance (no red line
    crossed, reservation met) before the deadline, or each gets its reservation.
    """
    if protocol not in PROTOCOLS:
        msg = f"The '--protocol' option must be one of {', '.join(PROTOCOLS)}. Got {protocol!r}."
        raise ParameterError(msg, parameter="--protocol", value=protocol)
    if protocol == "single-text":
        msg = "The 'single-text' protocol is not implemented yet. Use '--protocol alternating'."
        raise ParameterError(msg, parameter="--protocol", value=protocol)
    model = load(scenario)
    compiled = compile_scenario(model)
    assignment = parse_strategies(strategies, compiled.actor_ids)
    with stderr.status("negotiating..."):
        space = scenario_space(compiled)
        reference = benchmarks(
            compiled.tables(), compiled.reservations, admissible=compiled.admissible()
        )
        result = tournament(
            space,
            [assignment],
            runs=runs,
            rounds=rounds,
            rng=seed,
            reference=reference,
            record=transcript,
        )
    data = negotiation_data(space, result, transcript=transcript)
    if json_output:
        emit_json(
            {
                "scenario": model.id,
                "protocol": protocol,
                "strategies": dict(zip(compiled.actor_ids, assignment, strict=True)),
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

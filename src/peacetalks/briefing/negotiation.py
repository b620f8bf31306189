"""Simulated negotiations as one JSON-ready document: the runs, their transcripts, a summary."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

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
from peacetalks.scenario.compile import CompiledScenario, compile_scenario
from peacetalks.scenario.models import Scenario

__all__ = [
    "BRIEFING_ROUNDS",
    "BRIEFING_RUNS",
    "BRIEFING_STRATEGY",
    "MIX_RUNS",
    "PROTOCOLS",
    "briefing_talks",
    "check_negotiation",
    "check_protocol",
    "mediation_runs",
    "negotiation_data",
    "negotiation_document",
    "negotiation_setting",
    "parse_strategies",
    "strategy_mixes",
]

PROTOCOLS = ("alternating", "single-text")
# Negotiations per progress report (when progress is reported).
_PROGRESS_CHUNK = 10

# analyze's short simulated run: every actor concedes linearly over 50 rounds ...
BRIEFING_STRATEGY = "linear"
BRIEFING_RUNS = 5
BRIEFING_ROUNDS = 50
# ... and the contrasting strategy mixes, each this many runs of the same deadline.
MIX_RUNS = 20


def negotiation_setting(compiled: CompiledScenario) -> tuple[NegotiationSpace, Benchmarks]:
    """Return a scenario's negotiation space and its benchmarks (front and Nash deal).

    On an enumerated space the benchmark front is the whole space's; above
    ``MAX_DEALS`` it is the front of the candidate deals, exact only when every party
    decides (``Benchmarks.exact``; see :mod:`peacetalks.protocols.space`). The Nash deal
    is the deal space's (:func:`~peacetalks.analysis.bargaining.nash_deal`, found without
    the whole front of the deals every party accepts, and shared with the compromises).
    """
    tables = compiled.tables()
    space = scenario_space(compiled)
    reference = benchmarks(
        tables,
        compiled.reservations,
        admissible=compiled.admissible(),
        space=space,
    )
    return space, reference


def parse_strategies(text: str, actor_ids: tuple[str, ...]) -> tuple[str, ...]:
    """Return one strategy per actor from a comma-separated list (one name applies to all).

    Raises
    ------
    ParameterError
        If a name is not a strategy, or the count is neither one nor one per actor.
    """
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


def _tournament_result(
    space: NegotiationSpace,
    names: tuple[str, ...],
    seeds: list[int],
    results: list[NegotiationResult],
    reference: Benchmarks,
) -> TournamentResult:
    utilities = np.array([r.utilities for r in results]).reshape(len(results), space.n_actors)
    to_pareto, to_nash = distances(utilities, reference)
    return TournamentResult(
        assignments=(names,) * len(results),
        seeds=tuple(seeds),
        results=tuple(results),
        utilities=utilities,
        agreed=np.array([r.agreement is not None for r in results], dtype=bool),
        distance_to_pareto=to_pareto,
        distance_to_nash=to_nash,
    )


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
    progress: Callable[[int, int], None] | None = None,
) -> TournamentResult:
    """Run ``runs`` single-text mediations, each with its own seed, as a tournament result.

    ``assignment`` gives each party's strategy; None makes every party honest. ``progress``
    is called as ``progress(done, runs)`` after every few runs.
    """
    generator = np.random.default_rng(rng)
    seeds: list[int] = []
    results: list[NegotiationResult] = []
    for k in range(runs):
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
        if progress is not None and ((k + 1) % _PROGRESS_CHUNK == 0 or k + 1 == runs):
            progress(k + 1, runs)
    names = ("honest",) * space.n_actors if assignment is None else assignment
    return _tournament_result(space, names, seeds, results, reference)


def _alternating_runs(
    space: NegotiationSpace,
    assignment: tuple[str, ...],
    *,
    runs: int,
    rounds: int,
    rng: int | None,
    reference: Benchmarks,
    record: bool,
    progress: Callable[[int, int], None] | None,
) -> TournamentResult:
    if progress is None:
        return tournament(
            space,
            [assignment],
            runs=runs,
            rounds=rounds,
            rng=rng,
            reference=reference,
            record=record,
        )
    # In chunks on one generator: the runs get the seeds one call would give them.
    generator = np.random.default_rng(rng)
    seeds: list[int] = []
    results: list[NegotiationResult] = []
    while len(results) < runs:
        size = min(_PROGRESS_CHUNK, runs - len(results))
        part = tournament(
            space,
            [assignment],
            runs=size,
            rounds=rounds,
            rng=generator,
            reference=reference,
            record=record,
        )
        seeds += part.seeds
        results += part.results
        progress(len(results), runs)
    return _tournament_result(space, assignment, seeds, results, reference)


def negotiation_document(
    scenario: Scenario,
    *,
    protocol: str = "alternating",
    strategies: str | None = None,
    rounds: int = 100,
    runs: int = 1,
    seed: int | None = None,
    transcript: bool = False,
    mediator: str | None = None,
    self_interest: float = 0.0,
    amendments: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Simulate negotiations on a scenario and return the document ``negotiate --json`` prints.

    Parameters
    ----------
    scenario : Scenario
    protocol : {"alternating", "single-text"}
        Stacked alternating offers, or single-text mediation.
    strategies : str or None
        Comma-separated strategy per actor, or one for all (default: ``linear``; with
        single-text, honest parties).
    rounds : int
        Deadline in rounds.
    runs : int
        Number of negotiations.
    seed : int or None
        Seed of the runs.
    transcript : bool
        Keep every turn of each run.
    mediator : str or None
        single-text: the actor id of a mediating party.
    self_interest : float
        single-text: weight of the mediating party's own utility.
    amendments : bool
        single-text: objecting parties propose amendments.
    progress : callable, optional
        Called as ``progress(done, runs)`` after every few runs.

    Raises
    ------
    ParameterError
        If the protocol, strategies or mediator are invalid, or a single-text option is
        given with alternating offers.
    """
    check_negotiation(
        scenario,
        protocol,
        strategies=strategies,
        mediator=mediator,
        self_interest=self_interest,
        amendments=amendments,
    )
    compiled = compile_scenario(scenario)
    given = None if strategies is None else parse_strategies(strategies, compiled.actor_ids)
    is_mediated = protocol == "single-text"
    space, reference = negotiation_setting(compiled)
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
            progress=progress,
        )
    else:
        result = _alternating_runs(
            space,
            given or ("linear",) * space.n_actors,
            runs=runs,
            rounds=rounds,
            rng=seed,
            reference=reference,
            record=transcript,
            progress=progress,
        )
    assignment = result.assignments[0]
    data = negotiation_data(space, result, transcript=transcript)
    return {
        "scenario": scenario.id,
        "protocol": protocol,
        "strategies": dict(zip(compiled.actor_ids, assignment, strict=True)),
        **(
            {"mediator": mediator, "self_interest": self_interest, "amendments": amendments}
            if is_mediated
            else {}
        ),
        "deadline": rounds,
        "candidate_deals": space.n_deals,
        "exhaustive": space.is_exhaustive,
        "distance_to_pareto_exact": reference.exact,
        "deciders": _deciders(space),
        **data,
    }


def _deciders(space: NegotiationSpace) -> list[str]:
    return [a for a, needed in zip(space.actor_ids, space.deciders, strict=True) if needed]


def strategy_mixes(space: NegotiationSpace) -> list[tuple[str, str, tuple[str, ...]]]:
    """Return analyze's contrasting strategy mixes as (name, description, assignment).

    Every actor conceding early; every actor holding out until near the deadline; and
    the first veto holder listed as a hardliner while the others concede early.
    """
    n = space.n_actors
    holdout = int(np.flatnonzero(space.deciders)[0])
    hard = tuple("hardliner" if k == holdout else "conceder" for k in range(n))
    name = space.actor_ids[holdout]
    return [
        ("conceders", "every actor concedes early (conceder)", ("conceder",) * n),
        ("boulware", "every actor holds out until near the deadline (Boulware)", ("boulware",) * n),
        ("hardliner", f"{name} never moves from its best deal; the others concede early", hard),
    ]


def _mix(
    space: NegotiationSpace,
    reference: Benchmarks,
    name: str,
    description: str,
    assignment: tuple[str, ...],
) -> dict[str, Any]:
    result = tournament(
        space,
        [assignment],
        runs=MIX_RUNS,
        rounds=BRIEFING_ROUNDS,
        rng=0,
        reference=reference,
        record=False,
    )
    to_nash = result.distance_to_nash
    agreed = to_nash[result.agreed]
    rounds = result.mean_rounds_to_agreement
    no_nash = bool(np.isnan(to_nash).all())
    return {
        "name": name,
        "description": description,
        "strategies": dict(zip(space.actor_ids, assignment, strict=True)),
        "runs": MIX_RUNS,
        "rounds": BRIEFING_ROUNDS,
        "agreements": int(result.agreed.sum()),
        "agreement_rate": result.agreement_rate,
        "mean_rounds_to_agreement": None if rounds is None else round(rounds, 6),
        "mean_utilities": _by_actor(space, result.utilities.mean(axis=0)),
        "distance_to_nash": None if no_nash else _number(float(to_nash.mean())),
        "distance_to_nash_agreed": None
        if no_nash or agreed.size == 0
        else _number(float(agreed.mean())),
    }


def briefing_talks(compiled: CompiledScenario) -> dict[str, Any]:
    """Return analyze's simulated talks: a short linear run and the contrasting mixes.

    Returns
    -------
    dict
        ``settings``, ``candidate_deals``, ``exhaustive``, ``distance_to_pareto_exact``
        (see :func:`negotiation_setting`), ``runs`` and ``summary`` of
        :data:`BRIEFING_RUNS` negotiations of
        every actor conceding linearly over :data:`BRIEFING_ROUNDS` rounds (seed 0),
        ``deciders`` (the actors whose acceptance an agreement needs) and ``mixes``: per
        strategy mix of :func:`strategy_mixes`, :data:`MIX_RUNS` negotiations (seed 0)
        summarised as ``name``, ``description``, ``strategies``, ``runs``, ``rounds``,
        ``agreements``, ``agreement_rate``, ``mean_rounds_to_agreement``,
        ``mean_utilities``, ``distance_to_nash`` (mean over all runs, a failed run
        counting as each actor's reservation) and ``distance_to_nash_agreed`` (mean over
        the runs that agreed).
    """
    space, reference = negotiation_setting(compiled)
    result = tournament(
        space,
        [(BRIEFING_STRATEGY,) * compiled.n_actors],
        runs=BRIEFING_RUNS,
        rounds=BRIEFING_ROUNDS,
        rng=0,
        reference=reference,
        record=False,
    )
    settings = {"strategy": BRIEFING_STRATEGY, "runs": BRIEFING_RUNS, "rounds": BRIEFING_ROUNDS}
    return {
        "settings": {**settings, "seed": 0},
        "candidate_deals": space.n_deals,
        "exhaustive": space.is_exhaustive,
        "distance_to_pareto_exact": reference.exact,
        **negotiation_data(space, result, transcript=False),
        "deciders": _deciders(space),
        "mixes": [_mix(space, reference, *mix) for mix in strategy_mixes(space)],
    }


def check_protocol(
    protocol: str, *, mediator: str | None, self_interest: float, amendments: bool
) -> None:
    """Check the protocol, and that single-text options come with single-text mediation.

    Raises
    ------
    ParameterError
        With the message ``peacetalks negotiate`` prints for the same mistake.
    """
    if protocol not in PROTOCOLS:
        msg = f"The '--protocol' option must be one of {', '.join(PROTOCOLS)}. Got {protocol!r}."
        raise ParameterError(msg, parameter="--protocol", value=protocol)
    if protocol != "single-text" and (mediator is not None or self_interest > 0 or amendments):
        msg = (
            "The '--mediator', '--self-interest' and '--amendments' options need "
            "'--protocol single-text'."
        )
        raise ParameterError(msg, parameter="--protocol", value=protocol)


def check_negotiation(
    scenario: Scenario,
    protocol: str,
    *,
    strategies: str | None = None,
    mediator: str | None = None,
    self_interest: float = 0.0,
    amendments: bool = False,
) -> None:
    """Check the settings of :func:`negotiation_document` against a scenario (cheaply).

    Raises
    ------
    ParameterError
        With the message ``peacetalks negotiate`` prints for the same mistake.
    """
    check_protocol(protocol, mediator=mediator, self_interest=self_interest, amendments=amendments)
    actor_ids = tuple(actor.id for actor in scenario.actors)
    if strategies is not None:
        parse_strategies(strategies, actor_ids)
    if mediator is not None and mediator not in actor_ids:
        msg = (
            f"The '--mediator' option must be an actor id ({', '.join(actor_ids)}). "
            f"Got {mediator!r} instead."
        )
        raise ParameterError(msg, parameter="--mediator", value=mediator)

"""The deal space of a scenario in one document, as the CLI, the web API and reports show it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from peacetalks.briefing.deals import (
    Among,
    amendment_data,
    bargaining_data,
    logroll_data,
    pareto_data,
    rational_front,
    zopa_data,
)
from peacetalks.briefing.robustness import ACCEPTANCE_RUNS, ACCEPTANCE_SEED, check_runs
from peacetalks.scenario.compile import CompiledScenario, compile_scenario
from peacetalks.scenario.models import Scenario

__all__ = ["RULES", "deal_space"]

RULES = ("nash", "ks", "egalitarian", "utilitarian")


def deal_space(
    scenario: Scenario,
    *,
    compiled: CompiledScenario | None = None,
    pareto: bool = True,
    rules: tuple[str, ...] = RULES,
    zopa: bool = True,
    amend: str | None = None,
    logrolls: bool = True,
    base: str | None = None,
    rational: bool = False,
    among: Among = "all",
    traders: Among | None = None,
    limit: int = 1000,
    seed: int | None = None,
    runs: int = ACCEPTANCE_RUNS,
    all_trades: bool = False,
    progress: Callable[[int, int], None] | None = None,
    count_front: bool = True,
) -> dict[str, Any]:
    """Return the requested deal-space results as one JSON-ready document.

    Parameters
    ----------
    scenario : Scenario
    compiled : CompiledScenario, optional
        The compiled scenario, when already at hand.
    pareto, zopa, logrolls : bool
        Whether to compute the Pareto front, the zone of possible agreement, the logrolls.
    rules : tuple of str
        The fair compromises to find: ``"nash"``, ``"ks"``, ``"egalitarian"``,
        ``"utilitarian"``.
    amend : str or None
        A proposal whose smallest amendments are wanted.
    base : str or None
        The proposal the logrolls start from (default: every issue's default option).
    rational : bool
        Keep only the deals every actor prefers to no deal on the front.
    among : {"all", "veto"}
        Whose utilities the front and the compromises count.
    traders : {"all", "veto"} or None
        Whose trades the logrolls list (default: ``among``).
    limit : int
        List at most this many front deals.
    seed : int or None
        Seed of the samples (a sampled front, an estimated ZOPA) and of the acceptance
        Monte Carlo (``ACCEPTANCE_SEED`` when None, so that two runs print the same).
    runs : int
        Draws of the acceptance Monte Carlo (``p_pass`` of compromises and amendments).
    all_trades : bool
        List every logroll, also those that cross a veto holder's red line or leave a
        veto holder worse off (dropped by default).
    progress : callable, optional
        Called as ``progress(done, total)`` after each part (front, compromises, ...).
    count_front : bool
        Count the whole front. False (with ``rational``) lists the ``limit`` front deals
        of largest total utility without building the whole front, and leaves the
        front's ``count`` None: what ``analyze`` does, seconds faster on large spaces.
    """
    compiled = compiled if compiled is not None else compile_scenario(scenario)
    check_runs(runs)
    draw_seed = ACCEPTANCE_SEED if seed is None else seed
    result: dict[str, Any] = {
        "scenario": scenario.id,
        "actors": list(compiled.actor_ids),
        "monte_carlo": {"runs": runs, "seed": draw_seed, "distribution": "triangular"},
    }
    # The compromises and the amendments draw the acceptance inputs when they need them
    # (robustness.acceptance_inputs: once per compiled scenario, runs and seed, then shared);
    # the front, the ZOPA and the logrolls need none.
    total = sum(map(bool, (pareto, rules, zopa, amend is not None, logrolls)))
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    # The compromises need the rational front; compute it once when the listing wants it too.
    counted = count_front or not rational
    shared = (
        rational_front(compiled, among=among) if rules and pareto and rational and counted else None
    )
    if pareto:
        front = pareto_data(
            compiled,
            among=among,
            rational=rational,
            limit=limit,
            rng=seed,
            front=shared,
            count=counted,
        )
        result["pareto"] = front.pop("deals")
        result["pareto_info"] = front
        step()
    if rules:
        solved = bargaining_data(
            compiled, rules, among=among, front=shared, runs=runs, seed=draw_seed
        )
        result["bargaining_actors"] = solved.pop("actors")
        result.update(solved)
        step()
    if zopa:
        result["zopa"] = zopa_data(compiled, rng=seed)
        step()
    if amend is not None:
        result["amend"] = amendment_data(scenario, compiled, amend, runs=runs, seed=draw_seed)
        step()
    if logrolls:
        rolls = logroll_data(
            scenario,
            compiled,
            base=base,
            among=traders or among,
            worth_proposing=not all_trades,
        )
        result["logrolls"] = rolls["trades"]
        result["logrolls_base"] = {
            "base": rolls["base"],
            "deal": rolls["base_deal"],
            "worth_proposing": rolls["worth_proposing"],
        }
        step()
    return result

"""Stress tests of phased agreements as one JSON-ready document."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from peacetalks.agreements.simulation import StressParameters
from peacetalks.agreements.stress import (
    Comparison,
    StressResult,
    compare_designs,
    find_agreement,
    stress_test,
)
from peacetalks.briefing.robustness import ACCEPTANCE_RUNS, ACCEPTANCE_SEED, MAX_ACCEPTANCE_RUNS
from peacetalks.briefing.signature import Signature, signature
from peacetalks.scenario.compile import compile_scenario
from peacetalks.scenario.models import Scenario

__all__ = ["conditioned", "run_stress", "stress_data", "stress_document"]


def run_stress(
    scenario: Scenario,
    agreement: str,
    *,
    compare: str | None = None,
    runs: int = 2000,
    periods: int | None = None,
    period_days: int = 7,
    seed: int | None = ACCEPTANCE_SEED,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[StressResult, Comparison | None]:
    """Stress-test an agreement, or compare two on the same random numbers.

    Parameters
    ----------
    scenario : Scenario
    agreement : str
        Id of an agreement of the scenario.
    compare : str or None
        Another agreement, simulated on the same random numbers.
    runs : int
        Monte Carlo runs.
    periods : int or None
        Periods to simulate (default: the whole timetable).
    period_days : int
        Length of a period in days.
    seed : int or None
        Seed of the random numbers.
    progress : callable, optional
        Called as ``progress(done, total)`` after each simulated period.

    Returns
    -------
    result : StressResult
        The stress test of ``agreement``.
    comparison : Comparison or None
        Both designs, when ``compare`` is given.

    Raises
    ------
    NotFoundError
        If the scenario has no such agreement.
    ParameterError
        If a count is out of range.
    """
    options: dict[str, Any] = {
        "runs": runs,
        "periods": periods,
        "rng": seed,
        "parameters": StressParameters(period_days=period_days),
        "progress": progress,
    }
    if compare is None:
        return stress_test(scenario, agreement, **options), None
    comparison = compare_designs(scenario, agreement, compare, **options)
    return comparison.base, comparison


def conditioned(result: StressResult, sign: Signature) -> dict[str, Any]:
    """Return a stress test's data with survival given signature and overall.

    ``survival_given_signature`` is the simulated curve (the agreement signed);
    ``survival`` is the overall chance of holding, ``p_sign`` times that curve, with the
    band scaled by the ends of ``p_sign``'s interval. Each phase's ``reach_probability``
    stays given signature; ``reach_probability_overall`` multiplies it by ``p_sign``.
    """
    data = result.to_dict()
    given = data["survival"]
    low, high = sign.p_sign_low, sign.p_sign_high
    data["survival_given_signature"] = given
    data["survival"] = [
        {
            "t": point["t"],
            "day": point["day"],
            "p": sign.p_sign * point["p"],
            "low": low * point["low"],
            "high": high * point["high"],
        }
        for point in given
    ]
    for phase in data["phases"]:
        phase["reach_probability_overall"] = sign.p_sign * phase["reach_probability"]
    data["completion_probability_overall"] = sign.p_sign * data["completion_probability"]
    data["p_sign"] = sign.p_sign
    data["signature"] = sign.to_dict()
    return data


def stress_data(
    scenario: Scenario,
    result: StressResult,
    comparison: Comparison | None,
    *,
    runs: int = ACCEPTANCE_RUNS,
    seed: int | None = None,
) -> dict[str, Any]:
    """Return what ``peacetalks stress --json`` prints for the results of :func:`run_stress`.

    Each design first says whether it would be signed (:mod:`peacetalks.briefing.signature`,
    on ``runs`` draws of the stated ranges with ``seed``, ``ACCEPTANCE_SEED`` when None;
    at most ``MAX_ACCEPTANCE_RUNS`` of them, the cap of ``evaluate``, whose draws they are,
    while the implementation may run more) and reports survival given signature and
    overall.
    """
    compiled = compile_scenario(scenario)
    draw_seed = ACCEPTANCE_SEED if seed is None else seed
    draws = min(runs, MAX_ACCEPTANCE_RUNS)

    def signed(agreement_id: str) -> Signature:
        return signature(
            scenario,
            find_agreement(scenario, agreement_id),
            runs=draws,
            seed=draw_seed,
            compiled=compiled,
        )

    data = {"scenario": scenario.id, **conditioned(result, signed(result.agreement))}
    if comparison is None:
        return data
    return {
        **data,
        "compare": conditioned(comparison.other, signed(comparison.other.agreement)),
        "difference": comparison.difference(),
    }


def stress_document(
    scenario: Scenario,
    agreement: str,
    *,
    compare: str | None = None,
    runs: int = 2000,
    periods: int | None = None,
    period_days: int = 7,
    seed: int | None = ACCEPTANCE_SEED,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Stress-test an agreement (see :func:`run_stress`) and return :func:`stress_data`."""
    result, comparison = run_stress(
        scenario,
        agreement,
        compare=compare,
        runs=runs,
        periods=periods,
        period_days=period_days,
        seed=seed,
        progress=progress,
    )
    return stress_data(scenario, result, comparison, runs=runs, seed=seed)

"""Stress tests of phased agreements as one JSON-ready document."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from peacetalks.agreements.simulation import StressParameters
from peacetalks.agreements.stress import Comparison, StressResult, compare_designs, stress_test
from peacetalks.scenario.models import Scenario

__all__ = ["run_stress", "stress_data", "stress_document"]


def run_stress(
    scenario: Scenario,
    agreement: str,
    *,
    compare: str | None = None,
    runs: int = 2000,
    periods: int | None = None,
    period_days: int = 7,
    seed: int | None = None,
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


def stress_data(
    scenario: Scenario, result: StressResult, comparison: Comparison | None
) -> dict[str, Any]:
    """Return what ``peacetalks stress --json`` prints for the results of :func:`run_stress`."""
    if comparison is None:
        return {"scenario": scenario.id, **result.to_dict()}
    return {
        "scenario": scenario.id,
        **result.to_dict(),
        "compare": comparison.other.to_dict(),
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
    seed: int | None = None,
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
    return stress_data(scenario, result, comparison)

"""Stress test of a phased agreement: a Monte Carlo model of its implementation over time.

Time runs in periods (a week by default). The phases follow the agreement's timetable.
In every period each party bound by an obligation weighs its temptation to violate
against the expected cost of being caught (the detection probability of the phase's
verification times the cost of the consequences and of losing the next phase's reward),
plus the pressure of escalation. A violation that the monitors verify raises escalation
less than one that goes unverified (a verified violation is answered through the
mechanism, an unverified one by the victim on its own); escalation decays from period to
period, and the agreement collapses when it passes a threshold or when a party walks out.
A phase counts as reached when the agreement still holds at its scheduled start and the
conditions to move on from every earlier phase were met (no verified violation in the
quiet window; every named step certified). ``docs/agreements.md`` gives every parameter,
its default and the reasoning.

The kernel (:func:`~peacetalks.agreements.simulation.simulate`) draws every party's
random numbers in a column fixed by its place among the scenario's actors, so two designs
compared here run on the same random numbers (common random numbers), and the
comparison's differences are paired run by run.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from peacetalks.agreements.simulation import (
    Design,
    FloatArray,
    Progress,
    RunOutcomes,
    StressParameters,
    compile_design,
    simulate,
)
from peacetalks.errors import NotFoundError
from peacetalks.scenario.agreements import Agreement
from peacetalks.scenario.models import Scenario

__all__ = [
    "Comparison",
    "PhaseReach",
    "StressResult",
    "compare_designs",
    "find_agreement",
    "stress_test",
    "wilson_interval",
]


def wilson_interval(successes: int, n: int, *, z: float = 1.959964) -> tuple[float, float]:
    """Return the Wilson score interval of a proportion (95% by default)."""
    if n <= 0:
        return (0.0, 1.0)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


@dataclass(frozen=True)
class PhaseReach:
    """The chance of reaching one phase, with its 95% Wilson interval."""

    id: str
    name: str
    start_period: int
    start_day: int
    within_horizon: bool
    reach_probability: float
    low: float
    high: float

    def to_dict(self) -> dict[str, Any]:
        """Return the record as JSON-ready data."""
        return {
            "id": self.id,
            "name": self.name,
            "start_period": self.start_period,
            "start_day": self.start_day,
            "within_horizon": self.within_horizon,
            "reach_probability": self.reach_probability,
            "low": self.low,
            "high": self.high,
        }


@dataclass(frozen=True)
class StressResult:
    """The stress test of one design: reach probabilities and the survival curve.

    ``survival[t]`` is the share of runs in which the agreement still holds after ``t``
    periods (``t`` = 0 .. periods), with ``survival_low``/``survival_high`` its 95% Wilson
    band.
    """

    agreement: str
    title: str
    runs: int
    periods: int
    seed: int | None
    parameters: StressParameters
    phases: tuple[PhaseReach, ...]
    survival: FloatArray
    survival_low: FloatArray
    survival_high: FloatArray
    completion_probability: float
    mean_verified: float
    mean_unverified: float
    outcomes: RunOutcomes = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Return the result as JSON-ready data."""
        days = self.parameters.period_days
        return {
            "agreement": self.agreement,
            "title": self.title,
            "runs": self.runs,
            "periods": self.periods,
            "period_days": days,
            "seed": self.seed,
            "phases": [p.to_dict() for p in self.phases],
            "survival": [
                {
                    "t": t,
                    "day": t * days,
                    "p": float(self.survival[t]),
                    "low": float(self.survival_low[t]),
                    "high": float(self.survival_high[t]),
                }
                for t in range(self.periods + 1)
            ],
            "completion_probability": self.completion_probability,
            "violations_per_run": {
                "verified": self.mean_verified,
                "unverified": self.mean_unverified,
            },
            "parameters": {
                name: getattr(self.parameters, name)
                for name in StressParameters.__dataclass_fields__
            },
        }


def _summarise(
    agreement: Agreement,
    design: Design,
    outcomes: RunOutcomes,
    *,
    runs: int,
    periods: int,
    seed: int | None,
    parameters: StressParameters,
) -> StressResult:
    phases = []
    for k, (phase_id, name) in enumerate(zip(design.phase_ids, design.phase_names, strict=True)):
        start = int(design.starts[k])
        within = start <= periods
        count = int((outcomes.furthest >= k).sum()) if within else 0
        low, high = wilson_interval(count, runs)
        phases.append(
            PhaseReach(
                id=phase_id,
                name=name,
                start_period=start,
                start_day=start * parameters.period_days,
                within_horizon=within,
                reach_probability=count / runs,
                low=low,
                high=high,
            )
        )
    holding = np.array([(outcomes.collapse >= t).sum() for t in range(periods + 1)])
    bands = np.array([wilson_interval(int(c), runs) for c in holding])
    return StressResult(
        agreement=agreement.id,
        title=agreement.title,
        runs=runs,
        periods=periods,
        seed=seed,
        parameters=parameters,
        phases=tuple(phases),
        survival=holding / runs,
        survival_low=bands[:, 0],
        survival_high=bands[:, 1],
        completion_probability=float(outcomes.completed.mean()),
        mean_verified=float(outcomes.verified.mean()),
        mean_unverified=float(outcomes.unverified.mean()),
        outcomes=outcomes,
    )


def find_agreement(scenario: Scenario, agreement_id: str) -> Agreement:
    """Return the scenario's agreement with this id.

    Raises
    ------
    NotFoundError
        Naming the scenario's agreements.
    """
    for agreement in scenario.agreements:
        if agreement.id == agreement_id:
            return agreement
    known = ", ".join(a.id for a in scenario.agreements) or "none"
    msg = f"scenario {scenario.id!r} has no agreement {agreement_id!r}. Its agreements: {known}."
    raise NotFoundError(msg, kind="agreement", value=agreement_id)


def _run(
    scenario: Scenario,
    agreement_ids: Sequence[str],
    *,
    runs: int,
    periods: int | None,
    rng: np.random.Generator | int | None,
    parameters: StressParameters | None,
    progress: Progress | None,
) -> list[StressResult]:
    params = parameters or StressParameters()
    agreements = [find_agreement(scenario, a) for a in agreement_ids]
    actors = [a.id for a in scenario.actors]
    designs = [compile_design(a, actors=actors, period_days=params.period_days) for a in agreements]
    horizon = periods if periods is not None else max(d.end for d in designs)
    seed = rng if isinstance(rng, int) and not isinstance(rng, bool) else None
    outcomes = simulate(
        designs,
        runs=runs,
        periods=horizon,
        n_columns=len(actors),
        rng=rng,
        parameters=params,
        progress=progress,
    )
    return [
        _summarise(a, d, o, runs=runs, periods=horizon, seed=seed, parameters=params)
        for a, d, o in zip(agreements, designs, outcomes, strict=True)
    ]


def stress_test(
    scenario: Scenario,
    agreement_id: str,
    *,
    runs: int = 2000,
    periods: int | None = None,
    rng: np.random.Generator | int | None = None,
    parameters: StressParameters | None = None,
    progress: Progress | None = None,
) -> StressResult:
    """Stress-test one of a scenario's agreements.

    Parameters
    ----------
    scenario : Scenario
    agreement_id : str
    runs : int
        Monte Carlo runs.
    periods : int or None
        Periods simulated; by default the length of the timetable.
    rng : numpy.random.Generator, int or None
        Seed or generator.
    parameters : StressParameters or None
        The behavioural parameters; the documented defaults when None.
    progress : callable or None
        Called as ``progress(done, total)`` after each period.
    """
    return _run(
        scenario,
        [agreement_id],
        runs=runs,
        periods=periods,
        rng=rng,
        parameters=parameters,
        progress=progress,
    )[0]


@dataclass(frozen=True)
class Comparison:
    """Two designs stress-tested on the same random numbers, and their differences."""

    base: StressResult
    other: StressResult

    def difference(self) -> dict[str, Any]:
        """Return other minus base: final survival (paired 95% interval), curve and phases."""
        n = self.base.runs
        t = self.base.periods
        held_base = (self.base.outcomes.collapse >= t).astype(float)
        held_other = (self.other.outcomes.collapse >= t).astype(float)
        paired = held_other - held_base
        mean = float(paired.mean())
        se = float(paired.std(ddof=1) / math.sqrt(n)) if n > 1 else 0.0
        base_phases = {p.id: p.reach_probability for p in self.base.phases}
        return {
            "final_survival": {
                "difference": mean,
                "low": mean - 1.959964 * se,
                "high": mean + 1.959964 * se,
            },
            "completion_probability": self.other.completion_probability
            - self.base.completion_probability,
            "survival": [
                {"t": k, "difference": float(self.other.survival[k] - self.base.survival[k])}
                for k in range(t + 1)
            ],
            "phases": [
                {
                    "id": p.id,
                    "difference": p.reach_probability - base_phases[p.id],
                }
                for p in self.other.phases
                if p.id in base_phases
            ],
            "runs_that_last_longer": int(
                (self.other.outcomes.collapse > self.base.outcomes.collapse).sum()
            ),
            "runs_that_end_sooner": int(
                (self.other.outcomes.collapse < self.base.outcomes.collapse).sum()
            ),
        }


def compare_designs(
    scenario: Scenario,
    agreement_id: str,
    other_id: str,
    *,
    runs: int = 2000,
    periods: int | None = None,
    rng: np.random.Generator | int | None = None,
    parameters: StressParameters | None = None,
    progress: Progress | None = None,
) -> Comparison:
    """Stress-test two agreements on the same random numbers (common random numbers).

    The horizon is the longer of the two timetables unless ``periods`` is given.
    """
    base, other = _run(
        scenario,
        [agreement_id, other_id],
        runs=runs,
        periods=periods,
        rng=rng,
        parameters=parameters,
        progress=progress,
    )
    return Comparison(base=base, other=other)

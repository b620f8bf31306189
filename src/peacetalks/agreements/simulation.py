"""The simulation kernel of the stress test: parameters, designs as arrays, and the runs.

:func:`simulate` is pure NumPy, vectorised over runs; :mod:`peacetalks.agreements.stress`
turns a scenario's agreements into designs and the runs into results. The model is
described in that module and in ``docs/agreements.md``.

Every party and period draws one uniform number for its decision and one for detection,
from columns fixed by the actor's place in the scenario, so that designs simulated
together (or with the same seed) share their random numbers. With the random numbers
fixed, a higher detection probability, a higher consequence cost, a higher reward or a
lower temptation never makes the agreement collapse sooner in any single run: every
threshold falls or stays, every escalation step shrinks or stays (a verified violation
escalates no more than an unverified one), and the agreement collapses only by a
walk-out or by escalation passing a threshold.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from peacetalks.errors import ParameterError
from peacetalks.scenario.agreements import Agreement

__all__ = [
    "CHUNK_RUNS",
    "MAX_PERIODS",
    "MAX_RUNS",
    "Design",
    "RunOutcomes",
    "StressParameters",
    "compile_design",
    "simulate",
]

MAX_RUNS = 1_000_000
CHUNK_RUNS = 65_536
"""Runs simulated at once; more are simulated in chunks of this size (bounded memory)."""
MAX_PERIODS = 10_000

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Progress = Callable[[int, int], None]


def _check(name: str, value: float, low: float, high: float, *, open_low: bool = False) -> None:
    below = value <= low if open_low else value < low
    if below or value > high or math.isnan(value):
        left = "(" if open_low else "["
        msg = (
            f"The '{name}' parameter of StressParameters must be a number in "
            f"{left}{low:g}, {high:g}]. Got {value!r} instead."
        )
        raise ParameterError(msg, parameter=name, value=value)


@dataclass(frozen=True)
class StressParameters:
    """The behavioural parameters of the stress test (see ``docs/agreements.md``).

    Parameters
    ----------
    period_days : int
        Length of a period in days.
    base_violation : float
        Chance per period that a party with no net temptation commits a serious violation.
    base_walkout : float
        Chance per period that a party with no net temptation walks out of the agreement.
    scale : float
        Utility (0-1 scale) that multiplies a party's odds of violating by e.
    escalation_pressure : float
        Temptation (utility) added per unit of escalation.
    escalation_verified : float
        Escalation added by a verified violation.
    escalation_unverified : float
        Escalation added by a violation that goes unverified (at least the verified one).
    escalation_decay : float
        Share of escalation that carries over to the next period.
    collapse_threshold : float
        Escalation at which the agreement collapses.
    """

    period_days: int = 7
    base_violation: float = 0.005
    base_walkout: float = 0.0005
    scale: float = 0.1
    escalation_pressure: float = 0.05
    escalation_verified: float = 0.5
    escalation_unverified: float = 1.0
    escalation_decay: float = 0.75
    collapse_threshold: float = 3.0

    def __post_init__(self) -> None:
        if (
            not isinstance(self.period_days, int)
            or isinstance(self.period_days, bool)
            or not 1 <= self.period_days <= 365
        ):
            msg = (
                "The 'period_days' parameter of StressParameters must be an int in [1, 365]. "
                f"Got {self.period_days!r} instead."
            )
            raise ParameterError(msg, parameter="period_days", value=self.period_days)
        _check("base_violation", self.base_violation, 0, 0.5, open_low=True)
        _check("base_walkout", self.base_walkout, 0, self.base_violation, open_low=True)
        _check("scale", self.scale, 0, 10, open_low=True)
        _check("escalation_pressure", self.escalation_pressure, 0, 10)
        _check("escalation_unverified", self.escalation_unverified, 0, 100)
        _check("escalation_verified", self.escalation_verified, 0, self.escalation_unverified)
        _check("escalation_decay", self.escalation_decay, 0, 1)
        _check("collapse_threshold", self.collapse_threshold, 0, 1000, open_low=True)


@dataclass(frozen=True)
class Design:
    """An agreement compiled to arrays on the model's timetable.

    Attributes
    ----------
    agreement : str
    phase_ids, phase_names : tuple of str, length n_phases
    parties : tuple of str, length n_parties
    columns : ndarray of shape (n_parties,)
        Column of the shared random draws each party uses (its place among the actors).
    starts, lengths, quiet : ndarray of shape (n_phases,)
        First period, length and quiet window (periods) of each phase.
    detection : ndarray of shape (n_phases,)
    temptation, reward, cost : ndarray of shape (n_phases, n_parties)
    bound, steps : ndarray of shape (n_phases, n_parties), bool
        Whether the party has obligations by this phase; whether it has a named step in it.
    """

    agreement: str
    phase_ids: tuple[str, ...]
    phase_names: tuple[str, ...]
    parties: tuple[str, ...]
    columns: IntArray
    starts: IntArray
    lengths: IntArray
    quiet: IntArray
    detection: FloatArray
    temptation: FloatArray
    reward: FloatArray
    cost: FloatArray
    bound: BoolArray
    steps: BoolArray

    @property
    def end(self) -> int:
        """Return the period after the last phase's scheduled end."""
        return int(self.starts[-1] + self.lengths[-1])


def _periods(days: int, period_days: int) -> int:
    return max(1, math.ceil(days / period_days))


def compile_design(agreement: Agreement, *, actors: Sequence[str], period_days: int = 7) -> Design:
    """Return the arrays of an agreement for :func:`simulate`.

    Parameters
    ----------
    agreement : Agreement
    actors : sequence of str
        The scenario's actor ids; a party's random numbers are drawn in its column here.
    period_days : int
        Length of a period in days.
    """
    parties = agreement.parties
    column = {actor: i for i, actor in enumerate(actors)}
    n_phases, n_parties = len(agreement.phases), len(parties)
    lengths = np.array([_periods(p.days, period_days) for p in agreement.phases], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    quiet = np.array(
        [
            min(math.ceil(p.advance.quiet_days / period_days), int(lengths[k]))
            for k, p in enumerate(agreement.phases)
        ],
        dtype=np.int64,
    )
    temptation = np.zeros((n_phases, n_parties))
    reward = np.zeros((n_phases, n_parties))
    cost = np.zeros((n_phases, n_parties))
    bound = np.zeros((n_phases, n_parties), dtype=bool)
    steps = np.zeros((n_phases, n_parties), dtype=bool)
    index = {party: i for i, party in enumerate(parties)}
    for k, phase in enumerate(agreement.phases):
        if k:
            bound[k] = bound[k - 1]
        for obligation in phase.obligations:
            bound[k, index[obligation.party]] = True
            if obligation.id in phase.advance.steps:
                steps[k, index[obligation.party]] = True
        for party, value in phase.temptation.items():
            if party in index:
                temptation[k, index[party]] = value
        for party, value in phase.rewards.items():
            if party in index:
                reward[k, index[party]] = value
        for consequence in phase.consequences:
            if consequence.party in index:
                cost[k, index[consequence.party]] += consequence.cost
    detection = np.array(
        [p.verification.detection if p.verification else 0.0 for p in agreement.phases]
    )
    return Design(
        agreement=agreement.id,
        phase_ids=tuple(p.id for p in agreement.phases),
        phase_names=tuple(p.name for p in agreement.phases),
        parties=parties,
        columns=np.array([column[p] for p in parties], dtype=np.int64),
        starts=starts,
        lengths=lengths,
        quiet=quiet,
        detection=detection,
        temptation=temptation,
        reward=reward,
        cost=cost,
        bound=bound,
        steps=steps,
    )


@dataclass(frozen=True)
class RunOutcomes:
    """Per-run outcomes of one design.

    Attributes
    ----------
    collapse : ndarray of shape (runs,)
        Period in which the agreement collapsed; ``periods`` if it held throughout.
    furthest : ndarray of shape (runs,)
        Index of the furthest phase reached.
    completed : ndarray of shape (runs,), bool
        Whether the last phase ended on schedule with its condition met.
    verified, unverified : ndarray of shape (runs,)
        Violations verified and unverified, summed over parties and periods.
    """

    collapse: IntArray
    furthest: IntArray
    completed: BoolArray
    verified: IntArray
    unverified: IntArray


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def _expit(x: FloatArray) -> FloatArray:
    result: FloatArray = 1.0 / (1.0 + np.exp(-x))
    return result


def simulate(
    designs: Sequence[Design],
    *,
    runs: int,
    periods: int,
    n_columns: int,
    rng: np.random.Generator | int | None = None,
    parameters: StressParameters | None = None,
    progress: Progress | None = None,
) -> list[RunOutcomes]:
    """Simulate designs over the same random numbers, vectorised over runs.

    Parameters
    ----------
    designs : sequence of Design
    runs, periods : int
        Number of runs and of periods simulated.
    n_columns : int
        Number of columns of the shared draws (the scenario's actors); every design's
        ``columns`` must be below it.
    rng : numpy.random.Generator, int or None
        Seed or generator; the same seed gives the same numbers.
    parameters : StressParameters or None
    progress : callable or None
        Called as ``progress(done, total)`` after each period.

    Returns
    -------
    list of RunOutcomes
        One per design, in order.
    """
    if not 1 <= runs <= MAX_RUNS:
        msg = (
            f"The 'runs' parameter of simulate must be an int in [1, {MAX_RUNS}]. "
            f"Got {runs!r} instead."
        )
        raise ParameterError(msg, parameter="runs", value=runs)
    if not 1 <= periods <= MAX_PERIODS:
        msg = (
            f"The 'periods' parameter of simulate must be an int in [1, {MAX_PERIODS}]. "
            f"Got {periods!r} instead."
        )
        raise ParameterError(msg, parameter="periods", value=periods)
    params = parameters or StressParameters()
    generator = np.random.default_rng(rng)
    # Runs are simulated in chunks drawn one after the other from the same generator, so
    # memory does not grow with the runs; up to CHUNK_RUNS runs it is one chunk.
    parts: list[list[RunOutcomes]] = []
    n_chunks = -(-runs // CHUNK_RUNS)
    for c, start in enumerate(range(0, runs, CHUNK_RUNS)):
        size = min(CHUNK_RUNS, runs - start)
        done = c * periods

        def report(t: int, _total: int, done: int = done) -> None:
            if progress is not None:
                progress(done + t, n_chunks * periods)

        parts.append(_simulate_chunk(designs, size, periods, n_columns, generator, params, report))
    return [
        RunOutcomes(
            collapse=np.concatenate([p[d].collapse for p in parts]),
            furthest=np.concatenate([p[d].furthest for p in parts]),
            completed=np.concatenate([p[d].completed for p in parts]),
            verified=np.concatenate([p[d].verified for p in parts]),
            unverified=np.concatenate([p[d].unverified for p in parts]),
        )
        for d in range(len(designs))
    ]


def _simulate_chunk(
    designs: Sequence[Design],
    runs: int,
    periods: int,
    n_columns: int,
    generator: np.random.Generator,
    params: StressParameters,
    progress: Progress,
) -> list[RunOutcomes]:
    """Simulate one chunk of runs of every design (see :func:`simulate`)."""
    logit_violate = _logit(params.base_violation)
    logit_walkout = _logit(params.base_walkout)
    pressure = params.escalation_pressure / params.scale

    states = []
    for design in designs:
        shift = design.temptation - design.detection[:, None] * (design.cost + design.reward)
        shift = shift / params.scale
        ends = design.starts + design.lengths
        phase_at = np.minimum(
            np.searchsorted(design.starts, np.arange(periods), side="right") - 1,
            len(design.starts) - 1,
        )
        states.append(
            {
                "shift": shift,
                "ends": ends,
                "windows": ends - design.quiet,
                "phase_at": phase_at,
                "alive": np.ones(runs, dtype=bool),
                "escalation": np.zeros(runs),
                "ok": np.ones(runs, dtype=bool),
                "collapse": np.full(runs, periods, dtype=np.int64),
                "furthest": np.zeros(runs, dtype=np.int64),
                "completed": np.zeros(runs, dtype=bool),
                "verified": np.zeros(runs, dtype=np.int64),
                "unverified": np.zeros(runs, dtype=np.int64),
            }
        )
    for t in range(periods):
        decide = generator.random((runs, n_columns))
        detect = generator.random((runs, n_columns))
        for design, state in zip(designs, states, strict=True):
            k = int(state["phase_at"][t])
            alive: BoolArray = state["alive"]
            draw = decide[:, design.columns]
            z = state["shift"][k][None, :] + pressure * state["escalation"][:, None]
            acting = alive[:, None] & design.bound[k][None, :]
            walkout = acting & (draw < _expit(logit_walkout + z))
            violate = acting & ~walkout & (draw < _expit(logit_violate + z))
            verified = violate & (detect[:, design.columns] < design.detection[k])
            unverified = violate & ~verified
            state["escalation"] = (
                params.escalation_decay * state["escalation"]
                + params.escalation_verified * verified.sum(axis=1)
                + params.escalation_unverified * unverified.sum(axis=1)
            )
            state["verified"] += verified.sum(axis=1)
            state["unverified"] += unverified.sum(axis=1)
            end = int(state["ends"][k])
            if t < end:
                caught = verified & design.steps[k][None, :]
                if t >= int(state["windows"][k]):
                    caught = caught | verified
                state["ok"] &= ~caught.any(axis=1)
            collapsed = alive & (
                walkout.any(axis=1) | (state["escalation"] >= params.collapse_threshold)
            )
            state["collapse"][collapsed] = t
            alive &= ~collapsed
            if t == end - 1:
                passed = alive & state["ok"]
                if k + 1 < len(design.starts):
                    state["furthest"][passed] = k + 1
                else:
                    state["completed"] = passed
        progress(t + 1, periods)
    return [
        RunOutcomes(
            collapse=s["collapse"],
            furthest=s["furthest"],
            completed=s["completed"],
            verified=s["verified"],
            unverified=s["unverified"],
        )
        for s in states
    ]

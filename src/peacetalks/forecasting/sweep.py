"""Monte Carlo and sensitivity sweeps, on a local process pool or on a Dask cluster.

A sweep runs a forecasting model (any of :data:`~peacetalks.forecasting.registry.MODELS`)
on every *point* of a KTAB-style sensitivity specification (the cross product of each
swept parameter's values, given as ``min, delta, max`` or as a list), and at each point
either once on the point values or ``runs`` times on draws of the uncertain inputs (Monte
Carlo, as :func:`~peacetalks.forecasting.montecarlo.monte_carlo` draws them).

The work is cut into tasks (one per point, or chunks of ``runs_per_task`` draws), and
every task is seeded from the sweep's seed, ``np.random.SeedSequence(seed).spawn(n_tasks)``
in task order, never from the worker that runs it: the same seed gives the same numbers on
a local process pool (the default, two workers), in this process (``workers=0``) or on a
Dask cluster (``cluster="tcp://host:8786"``, needs ``pip install 'peacetalks[cluster]'``).
A model that takes a seed of its own (``smp``, for stochastic transitions) gets one from
its task's seed sequence unless the options fix it.

Swept parameters:

``capability:ACTOR``
    an actor's capability (positive);
``salience:ACTOR:ISSUE``
    its salience on an issue, on the table's [0, 1] (KTAB's 0-100 divided by 100);
``position:ACTOR:ISSUE``
    its position, on the issue's scale;
``model:OPTION``
    an option of the model (``model:q``, ``model:voting_rule``).

A swept input is fixed at its value at each point (its uncertainty range collapses to it);
the other inputs keep theirs.
"""

from __future__ import annotations

import concurrent.futures
import importlib
import inspect
import itertools
import math
import multiprocessing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from peacetalks.analysis.streaming import RunningSummary
from peacetalks.errors import ParameterError, Problem, ScenarioError
from peacetalks.forecasting.base import as_table
from peacetalks.forecasting.montecarlo import Distribution, draw_inputs
from peacetalks.forecasting.registry import MODELS
from peacetalks.scenario._files import read_bounded_text
from peacetalks.scenario.models import Scenario
from peacetalks.scenario.stakeholders import StakeholderTable
from peacetalks.scenario.yaml_nodes import read_yaml

__all__ = [
    "SweepAxis",
    "SweepResult",
    "read_sweep_spec",
    "sweep",
    "sweep_points",
]

FloatArray = npt.NDArray[np.float64]
Progress = Callable[[int, int], None]
Value = float | str

MAX_POINTS = 1_000_000
KEEP_VALUES = 100_000
"""Up to this many draws in all (points x draws), :attr:`SweepResult.values` keeps them."""
SUMMARY_BINS = 2_000
"""Histogram bins of each point's summary: quantiles within 1/2,000 of an issue's scale."""
"""Most points a specification may enumerate."""
MAX_SPEC_BYTES = 1_000_000
"""Largest specification file read, in bytes."""
_KINDS = ("capability", "salience", "position", "model")
_CONNECT_TIMEOUT = 30.0  # seconds to reach a Dask scheduler


@dataclass(frozen=True)
class SweepAxis:
    """One swept parameter and the values it takes.

    Parameters
    ----------
    parameter : str
        ``capability:ACTOR``, ``salience:ACTOR:ISSUE``, ``position:ACTOR:ISSUE`` or
        ``model:OPTION``.
    values : tuple of float or str
    """

    parameter: str
    values: tuple[Value, ...]

    @classmethod
    def from_range(cls, parameter: str, low: float, delta: float, high: float) -> SweepAxis:
        """Return the axis ``low, low + delta, ...`` up to ``high`` (included), as KTAB enumerates.

        Raises
        ------
        ParameterError
            If ``delta`` is not positive, ``high < low``, or the range has more than
            :data:`MAX_POINTS` values.
        """
        numbers = (low, delta, high)
        if not all(isinstance(v, int | float) and math.isfinite(v) for v in numbers):
            msg = (
                f"The range of {parameter!r} must be three finite numbers (min, delta, max). "
                f"Got {numbers!r} instead."
            )
            raise ParameterError(msg, parameter=parameter, value=numbers)
        if delta <= 0 or high < low:
            msg = (
                f"The range of {parameter!r} needs delta > 0 and max >= min. Got min {low:g}, "
                f"delta {delta:g}, max {high:g} instead."
            )
            raise ParameterError(msg, parameter=parameter, value=numbers)
        count = math.floor((high - low) / delta + 1e-9) + 1
        if count > MAX_POINTS:
            msg = f"The range of {parameter!r} has {count:,} values; at most {MAX_POINTS:,}."
            raise ParameterError(msg, parameter=parameter, value=numbers)
        # Rounded so that 0.1 + 2 * 0.1 is 0.3, as a reader of the specification means it.
        values = tuple(float(round(low + k * delta, 12)) for k in range(count))
        return cls(parameter, values)


def sweep_points(axes: Sequence[SweepAxis]) -> list[dict[str, Value]]:
    """Return every combination of the axes' values (the first axis varies slowest).

    No axes give one point with nothing swept.
    """
    total = math.prod(len(axis.values) for axis in axes)
    if total > MAX_POINTS:
        msg = f"The specification enumerates {total:,} points; at most {MAX_POINTS:,}."
        raise ParameterError(msg, parameter="axes", value=total)
    names = [axis.parameter for axis in axes]
    return [
        dict(zip(names, combination, strict=True))
        for combination in itertools.product(*(axis.values for axis in axes))
    ]


def _spec_axis(name: str, entry: Any, where: str, line: int | None) -> SweepAxis:
    if isinstance(entry, Mapping) and set(entry) == {"min", "delta", "max"}:
        try:
            return SweepAxis.from_range(
                name, float(entry["min"]), float(entry["delta"]), float(entry["max"])
            )
        except (TypeError, ValueError, ParameterError) as e:
            text = (
                str(e) if isinstance(e, ParameterError) else "min, delta and max must be numbers."
            )
            raise ScenarioError([Problem(where, text, line)]) from None
    if (
        isinstance(entry, list)
        and entry
        and all(isinstance(v, int | float | str) and not isinstance(v, bool) for v in entry)
    ):
        return SweepAxis(name, tuple(entry))
    msg = (
        "expected {min: ..., delta: ..., max: ...} or a non-empty list of values. "
        f"Got {entry!r} instead."
    )
    raise ScenarioError([Problem(where, msg, line)])


def read_sweep_spec(path: str | Path) -> tuple[SweepAxis, ...]:
    """Return the axes of a YAML sensitivity specification.

    The file has one key, ``parameters``, mapping each swept parameter to KTAB's
    ``{min: ..., delta: ..., max: ...}`` or to a list of values; for example
    ``capability:russia: {min: 50, delta: 50, max: 150}`` and
    ``salience:ukraine:territory: [0.5, 0.9]`` under ``parameters`` (see docs/smp.md).

    Raises
    ------
    ScenarioError
        With file and line, if the file is not such a mapping.
    """
    path = Path(path)
    label = path.name
    text = read_bounded_text(
        path,
        limit=MAX_SPEC_BYTES,
        label=label,
        hint="A sweep specification is a few lines: check that this is the right file.",
    )
    document, problems = read_yaml(text)
    if problems or document is None:
        raise ScenarioError(problems, label)
    data = document.data
    if not isinstance(data, dict) or set(data) != {"parameters"}:
        msg = "expected one key, 'parameters', mapping each swept parameter to its values."
        raise ScenarioError([Problem("", msg, 1)], label)
    parameters = data["parameters"]
    if not isinstance(parameters, dict) or not parameters:
        msg = "expected a mapping from parameter names (capability:ACTOR, ...) to their values."
        raise ScenarioError(
            [Problem("parameters", msg, document.lines.get(("parameters",)))], label
        )
    axes = []
    for name, entry in parameters.items():
        where = f"parameters.{name}"
        line = document.lines.get(("parameters", name))
        try:
            axes.append(_spec_axis(str(name), entry, where, line))
        except ScenarioError as e:
            raise ScenarioError(e.problems, label) from None
    return tuple(axes)


@dataclass(frozen=True, eq=False)
class _Task:
    """One unit of work: a point, and the draws (or the single run) to make at it."""

    point: int
    model: str
    options: dict[str, Any]
    table: StakeholderTable
    n_runs: int  # 0: one run on the point values
    seed: np.random.SeedSequence
    distribution: Distribution


def _run_task(task: _Task) -> FloatArray:
    """Return the forecasts of one task, of shape (max(n_runs, 1), n_issues)."""
    factory, accepted = MODELS[task.model]
    options = dict(task.options)
    if "seed" in accepted and "seed" not in options:
        options["seed"] = int(task.seed.generate_state(1, dtype=np.uint64)[0])
    model = factory(**options).fit(task.table)
    table = task.table
    if task.n_runs == 0:
        values: FloatArray = model.simulate(
            table.positions[None], table.saliences[None], table.capabilities[None]
        )
        return values
    positions, saliences, capabilities = draw_inputs(
        table, task.n_runs, rng=np.random.default_rng(task.seed), distribution=task.distribution
    )
    drawn: FloatArray = model.simulate(positions, saliences, capabilities)
    return drawn


def _fixed(array: FloatArray, index: tuple[int, ...], value: float) -> FloatArray:
    result = np.array(array)
    result[index] = value
    result.setflags(write=False)
    return result


def _apply(
    table: StakeholderTable, options: dict[str, Any], point: Mapping[str, Value]
) -> tuple[StakeholderTable, dict[str, Any]]:
    """Return the table and model options with a point's values set."""
    changed: dict[str, Any] = {}
    options = dict(options)
    for parameter, value in point.items():
        kind, *names = parameter.split(":")
        if kind == "model":
            options[names[0]] = value
            continue
        number = float(value)
        a = table.actor_ids.index(names[0])
        if kind == "capability":
            changed["capabilities"] = _fixed(
                changed.get("capabilities", table.capabilities), (a,), number
            )
            changed["capability_ranges"] = _fixed(
                changed.get("capability_ranges", table.capability_ranges), (a,), number
            )
            continue
        i = table.issue_ids.index(names[1])
        field_name = "positions" if kind == "position" else "saliences"
        ranges = "position_ranges" if kind == "position" else "salience_ranges"
        changed[field_name] = _fixed(
            changed.get(field_name, getattr(table, field_name)), (a, i), number
        )
        changed[ranges] = _fixed(changed.get(ranges, getattr(table, ranges)), (a, i), number)
    return (replace(table, **changed) if changed else table), options


def _check_axes(
    table: StakeholderTable, model: str, options: Mapping[str, Any], axes: Sequence[SweepAxis]
) -> None:
    accepted = _model_options(model)
    for axis in axes:
        kind, *names = axis.parameter.split(":")
        problem = ""
        if kind not in _KINDS:
            problem = f"it must start with one of {', '.join(k + ':' for k in _KINDS)}"
        elif kind == "model":
            if len(names) != 1 or names[0] not in accepted:
                takes = ", ".join(sorted(accepted)) or "no options"
                problem = f"the {model} model takes {takes}"
        elif len(names) != (1 if kind == "capability" else 2):
            shape = "capability:ACTOR" if kind == "capability" else f"{kind}:ACTOR:ISSUE"
            problem = f"it must look like {shape}"
        elif names[0] not in table.actor_ids:
            problem = f"unknown actor {names[0]!r}; expected one of {', '.join(table.actor_ids)}"
        elif kind != "capability" and names[1] not in table.issue_ids:
            problem = f"unknown issue {names[1]!r}; expected one of {', '.join(table.issue_ids)}"
        else:
            problem = _check_values(table, kind, names, axis.values)
        if problem:
            msg = f"The sweep parameter {axis.parameter!r} is invalid: {problem}."
            raise ParameterError(msg, parameter=axis.parameter, value=axis.values)


def _check_values(
    table: StakeholderTable, kind: str, names: list[str], values: tuple[Value, ...]
) -> str:
    if not all(isinstance(v, int | float) and math.isfinite(v) for v in values):
        return f"its values must be numbers; got {list(values)!r}"
    numbers = [float(v) for v in values]
    if kind == "capability" and min(numbers) <= 0:
        return f"a capability must be positive; got {min(numbers):g}"
    if kind == "salience" and not all(0 <= v <= 1 for v in numbers):
        return "a salience must be in [0, 1] (KTAB's 0-100 divided by 100)"
    if kind == "position":
        low, high = table.scale[table.issue_ids.index(names[1])]
        if not all(low <= v <= high for v in numbers):
            return f"a position must be on the issue's scale [{low:g}, {high:g}]"
    return ""


def _model_options(model: str) -> set[str]:
    if model not in MODELS:
        msg = f"unknown model {model!r}. Expected one of: {', '.join(MODELS)}."
        raise ParameterError(msg, parameter="model", value=model)
    factory = MODELS[model][0]
    return {
        name
        for name, p in inspect.signature(factory).parameters.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    }


@dataclass(frozen=True, eq=False)
class SweepResult:
    """The forecasts of every point of a sweep, summarised as they came in.

    Attributes
    ----------
    values : ndarray of shape (n_points, n_draws, n_issues) or None
        Every draw's forecast, kept when there are at most :data:`KEEP_VALUES` of them
        (``n_draws`` is ``runs``, or 1 when each point is run once on its values); None
        beyond, where only the summaries are kept.
    mean, sd, p5, p50, p95 : ndarray of shape (n_points, n_issues)
        Over each point's draws (NaN where no draw gave a forecast). The quantiles come
        from a fixed-memory histogram (:mod:`peacetalks.analysis.streaming`), within
        1/:data:`SUMMARY_BINS` of each issue's scale of the exact ones.
    points : tuple of dict
        The swept values of each point.
    seed : int
        The entropy of the sweep's seed sequence: give it back as ``seed`` to repeat.
    """

    model: str
    source: str
    issue_ids: tuple[str, ...]
    axes: tuple[SweepAxis, ...]
    points: tuple[dict[str, Value], ...]
    values: FloatArray | None
    runs: int
    seed: int
    distribution: Distribution
    backend: str
    n_tasks: int
    mean: FloatArray
    sd: FloatArray
    p5: FloatArray
    p50: FloatArray
    p95: FloatArray
    options: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> list[dict[str, Any]]:
        """Return one JSON-ready entry per point: its ``parameters`` and its ``issues``.

        Each issue has ``id`` and ``forecast`` (the mean over the draws), and with Monte
        Carlo runs also ``p5``, ``p50``, ``p95`` and ``sd``.
        """
        rows = []
        for k, point in enumerate(self.points):
            issues = []
            for i, issue in enumerate(self.issue_ids):
                known = bool(np.isfinite(self.mean[k, i]))
                entry: dict[str, Any] = {
                    "id": issue,
                    "forecast": float(self.mean[k, i]) if known else None,
                }
                if self.runs > 0 and known:
                    entry |= {
                        "p5": float(self.p5[k, i]),
                        "p50": float(self.p50[k, i]),
                        "p95": float(self.p95[k, i]),
                        "sd": float(self.sd[k, i]),
                    }
                issues.append(entry)
            rows.append({"parameters": dict(point), "issues": issues})
        return rows

    def to_dict(self) -> dict[str, Any]:
        """Return the sweep as JSON-ready data: what was run, and :meth:`summary`."""
        return {
            "model": self.model,
            "source": self.source,
            "sweep": {
                "runs": self.runs,
                "seed": self.seed,
                "distribution": self.distribution,
                "backend": self.backend,
                "tasks": self.n_tasks,
                "parameters": {axis.parameter: list(axis.values) for axis in self.axes},
            },
            "points": self.summary(),
        }


def _check_count(name: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        msg = (
            f"The '{name}' parameter of sweep must be an int in [{low}, {high}]. "
            f"Got {value!r} instead."
        )
        raise ParameterError(msg, parameter=name, value=value)
    return value


def _tasks(
    table: StakeholderTable,
    model: str,
    options: dict[str, Any],
    points: list[dict[str, Value]],
    settings: tuple[int, int, Distribution, np.random.SeedSequence],
) -> list[_Task]:
    runs, per_task, distribution, root = settings
    plan: list[tuple[int, StakeholderTable, dict[str, Any], int]] = []
    for k, point in enumerate(points):
        point_table, point_options = _apply(table, options, point)
        if runs == 0:
            plan.append((k, point_table, point_options, 0))
        for start in range(0, runs, per_task):
            plan.append((k, point_table, point_options, min(per_task, runs - start)))
    seeds = root.spawn(len(plan))
    return [
        _Task(k, model, point_options, point_table, n, seeds[t], distribution)
        for t, (k, point_table, point_options, n) in enumerate(plan)
    ]


def _run_dask(address: str, tasks: list[_Task], report: Callable[[int, FloatArray], None]) -> None:
    try:
        # Typed as Any: dask.distributed has no type annotations on these calls.
        distributed: Any = importlib.import_module("dask.distributed")
    except ImportError:  # pragma: no cover - depends on the installation
        msg = "Running on a Dask cluster needs dask.distributed: pip install 'peacetalks[cluster]'."
        raise ParameterError(msg, parameter="cluster", value=address) from None
    try:
        client = distributed.Client(address, timeout=_CONNECT_TIMEOUT, set_as_default=False)
    except OSError as e:
        msg = f"Cannot reach the Dask scheduler at {address!r}: {e}. Check the address."
        raise ParameterError(msg, parameter="cluster", value=address) from None
    try:
        futures = client.map(_run_task, tasks, pure=False)
        order = {future.key: t for t, future in enumerate(futures)}
        with client.as_current():
            for future in distributed.as_completed(futures):
                report(order[future.key], future.result())
                future.release()
    finally:
        client.close()


def _run_pool(workers: int, tasks: list[_Task], report: Callable[[int, FloatArray], None]) -> None:
    """Run the tasks here (``workers == 0``) or on a process pool, reporting each result."""
    if workers == 0:
        for t, task in enumerate(tasks):
            report(t, _run_task(task))
        return
    # Spawned, not forked: a fork of a process with threads (a Dask client, a web server)
    # can deadlock, and the workers then start alike on every platform.
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {pool.submit(_run_task, task): t for t, task in enumerate(tasks)}
        for future in concurrent.futures.as_completed(futures):
            report(futures.pop(future), future.result())


def sweep(
    data: StakeholderTable | Scenario,
    model: str,
    *,
    options: Mapping[str, Any] | None = None,
    axes: Sequence[SweepAxis] = (),
    runs: int = 0,
    seed: int | None = None,
    distribution: Distribution = "triangular",
    cluster: str | None = None,
    workers: int = 2,
    runs_per_task: int = 250,
    progress: Progress | None = None,
) -> SweepResult:
    """Run a model on every point of a sensitivity specification, with Monte Carlo draws.

    Parameters
    ----------
    data : StakeholderTable or Scenario
    model : str
        A model name of :data:`~peacetalks.forecasting.registry.MODELS`.
    options : mapping, optional
        Keyword arguments of the model (``{"q": 1.0}``; for ``smp`` those of an XML file).
    axes : sequence of SweepAxis
        The swept parameters; none for a plain Monte Carlo.
    runs : int
        Draws of the uncertain inputs per point, 0 to 10,000,000; 0 runs each point once
        on its values.
    seed : int, optional
        The sweep's seed; the same seed gives the same numbers on any backend. When
        omitted, fresh entropy is drawn and returned as ``SweepResult.seed``.
    distribution : {"triangular", "uniform"}
    cluster : str, optional
        Address of a Dask scheduler (``"tcp://host:8786"``); else a local process pool.
    workers : int
        Processes of the local pool, 0 to 64; 0 runs the tasks in this process.
    runs_per_task : int
        Draws per task, 1 to 1,000,000 (part of the seeding: keep it to repeat a sweep).
    progress : callable, optional
        Called as ``progress(done, total)`` in model runs after every finished task.

    Returns
    -------
    SweepResult

    Raises
    ------
    ParameterError
        If a parameter is invalid, a swept parameter names an unknown actor, issue or
        model option, or the cluster cannot be reached.
    """
    table = as_table(data)
    options = dict(options or {})
    accepted = _model_options(model)
    refused = sorted(set(options) - accepted)
    if refused:
        takes = ", ".join(sorted(accepted)) or "no options"
        msg = f"The {model} model does not take {', '.join(refused)} (it takes {takes})."
        raise ParameterError(msg, parameter=refused[0], value=options[refused[0]])
    runs = _check_count("runs", runs, 0, 10_000_000)
    workers = _check_count("workers", workers, 0, 64)
    per_task = _check_count("runs_per_task", runs_per_task, 1, 1_000_000)
    if distribution not in ("triangular", "uniform"):
        msg = (
            "The 'distribution' parameter of sweep must be 'triangular' or 'uniform'. "
            f"Got {distribution!r} instead."
        )
        raise ParameterError(msg, parameter="distribution", value=distribution)
    if seed is not None:
        seed = _check_count("seed", seed, 0, 2**128 - 1)
    axes = tuple(axes)
    _check_axes(table, model, options, axes)
    points = sweep_points(axes)
    root = np.random.SeedSequence(seed)
    tasks = _tasks(table, model, options, points, (runs, per_task, distribution, root))
    # Fail here, not on a worker: build the first task's model once.
    first = _apply(table, options, points[0])[1]
    MODELS[model][0](**first)
    sizes = [max(task.n_runs, 1) for task in tasks]
    total = sum(sizes)
    done = 0
    draws = max(runs, 1)
    # Each task's draws go into its point's fixed-memory summary and are dropped; the
    # sums are added in task order at the end, so every backend gives the same numbers.
    keep = len(points) * draws <= KEEP_VALUES
    values = np.full((len(points), draws, table.n_issues), np.nan) if keep else None
    summaries = [
        RunningSummary(table.scale[:, 0], table.scale[:, 1], bins=SUMMARY_BINS) for _ in points
    ]
    sums = np.zeros((len(tasks), 3, table.n_issues))
    starts = [0] * len(points)
    offsets = []
    for task in tasks:
        offsets.append(starts[task.point])
        starts[task.point] += max(task.n_runs, 1)

    def report(t: int, result: FloatArray) -> None:
        nonlocal done
        task = tasks[t]
        summaries[task.point].add(result)
        finite = np.isfinite(result)
        clean = np.where(finite, result, 0.0)
        sums[t] = (finite.sum(axis=0), clean.sum(axis=0), (clean**2).sum(axis=0))
        if values is not None:
            values[task.point, offsets[t] : offsets[t] + result.shape[0]] = result
        done += sizes[t]
        if progress is not None:
            progress(done, total)

    if cluster is not None:
        _run_dask(cluster, tasks, report)
        backend = "dask"
    else:
        _run_pool(workers, tasks, report)
        backend = "process" if workers else "serial"
    per_point = np.zeros((len(points), 3, table.n_issues))
    for t, task in enumerate(tasks):
        per_point[task.point] += sums[t]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = per_point[:, 1] / per_point[:, 0]
        sd = np.sqrt(np.maximum(per_point[:, 2] / per_point[:, 0] - mean**2, 0.0))
    quantiles = np.stack([summary.quantiles([0.05, 0.5, 0.95]) for summary in summaries], axis=1)
    entropy = root.entropy
    return SweepResult(
        model=model,
        source=table.name,
        issue_ids=table.issue_ids,
        axes=axes,
        points=tuple(points),
        values=values,
        mean=mean,
        sd=sd,
        p5=quantiles[0],
        p50=quantiles[1],
        p95=quantiles[2],
        runs=runs,
        seed=int(entropy) if isinstance(entropy, int) else int(seed or 0),
        distribution=distribution,
        backend=backend,
        n_tasks=len(tasks),
        options=options,
    )

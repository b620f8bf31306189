"""Backtests: each model's mean absolute error against actual outcomes, cross-validated.

A model without parameters is scored once on every issue with an outcome. A model with
parameters to choose (a :class:`Tuned` family with a grid) is scored out of sample by
K-fold cross-validation: the issues are split at random into K folds; for each fold,
every point of the grid is fitted on the other K-1 folds, the one with the smallest
error there is kept, and it forecasts the held-out fold. Every model is scored on the
same folds, so per-fold and per-issue errors can be compared pairwise.

Errors are on the 0-100 scale: an issue's error is divided by the width of its scale
and multiplied by 100. The standard error is that of the mean of the per-issue errors,
``std(errors, ddof=1) / sqrt(n)``.

Each model also gets an 80% band: the forecast plus or minus the 80% quantile of its
absolute errors. Its coverage is measured honestly, fold by fold: the band's half-width
is learned from the errors on the K-1 training folds (for a tuned model, those of the
grid point chosen on them) and the share of the held-out fold's outcomes that fall
inside it is counted. ``coverage80`` pools the held-out folds; ``band80`` is the
half-width learned from every issue's out-of-sample error, the one to ship.
"""

from __future__ import annotations

import concurrent.futures
import itertools
import multiprocessing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from peacetalks.errors import ParameterError
from peacetalks.forecasting.base import ForecastModel
from peacetalks.scenario.stakeholders import StakeholderTable

__all__ = ["BAND_LEVEL", "BacktestResult", "ModelScore", "Tuned", "backtest", "take_issues"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

BAND_LEVEL = 0.8
"""The share of outcomes the calibrated band is meant to hold."""


@dataclass(frozen=True)
class Tuned:
    """A family of models with parameters that cross-validation chooses.

    Attributes
    ----------
    name : str
        Label in the results.
    factory : callable
        Called with one point of the grid as keyword arguments; returns an unfitted model.
    grid : mapping from parameter name to sequence of values
        The candidates; every combination is tried, in order, and the first of equally
        good ones is kept.
    """

    name: str
    factory: Callable[..., ForecastModel]
    grid: Mapping[str, Sequence[Any]] = field(default_factory=dict)

    def points(self) -> list[dict[str, Any]]:
        """Return every combination of the grid, in order."""
        names = list(self.grid)
        return [
            dict(zip(names, values, strict=True))
            for values in itertools.product(*(self.grid[n] for n in names))
        ]


@dataclass(frozen=True, eq=False)
class ModelScore:
    """One model's backtest.

    Attributes
    ----------
    name : str
    mae : float
        Mean absolute error on the 0-100 scale: over every issue for a model without
        parameters; over the out-of-fold forecasts for a tuned model.
    se : float
        Standard error of ``mae``.
    n_issues : int
        Issues scored: those with an outcome and a forecast.
    fold_mae : tuple of float
        Mean absolute error on each held-out fold.
    errors : ndarray of shape (n_issues_with_outcome,)
        Absolute error per issue, in the table's issue order; NaN where there is no
        forecast.
    in_sample_mae : float
        For a tuned model, the error of the best grid point fitted on every issue (the
        optimistic number); equal to ``mae`` otherwise.
    params : tuple of dict
        The grid point chosen in each fold; empty for a model without parameters.
    best_params : dict
        The grid point chosen on every issue; empty for a model without parameters.
    band80 : float
        Half-width of the 80% band on the 0-100 scale: the 80% quantile of the absolute
        errors in ``errors`` (out of fold for a tuned model).
    coverage80 : float
        Share of the held-out outcomes inside the band whose half-width was learned on
        the other folds, pooled over the folds.
    fold_band80 : tuple of float
        The half-width learned for each held-out fold (from the training folds).
    """

    name: str
    mae: float
    se: float
    n_issues: int
    fold_mae: tuple[float, ...]
    errors: FloatArray
    in_sample_mae: float
    params: tuple[dict[str, Any], ...] = ()
    best_params: dict[str, Any] = field(default_factory=dict)
    band80: float = float("nan")
    coverage80: float = float("nan")
    fold_band80: tuple[float, ...] = ()

    @property
    def is_tuned(self) -> bool:
        """Return whether the score is cross-validated over a grid."""
        return bool(self.params)


@dataclass(frozen=True, eq=False)
class BacktestResult:
    """Every model's backtest, on shared folds.

    Attributes
    ----------
    scores : tuple of ModelScore
    folds : tuple of ndarray of int
        Issue indices (into the table) of each held-out fold; they partition the issues
        with an outcome.
    """

    scores: tuple[ModelScore, ...]
    folds: tuple[IntArray, ...]

    def __getitem__(self, name: str) -> ModelScore:
        for score in self.scores:
            if score.name == name:
                return score
        known = ", ".join(repr(score.name) for score in self.scores)
        msg = f"No model is named {name!r} in this backtest. Known models: {known}."
        raise KeyError(msg)

    def difference(self, first: str, second: str) -> tuple[float, float]:
        """Return the mean and standard error of ``first``'s minus ``second``'s error per issue.

        Negative means ``first`` is better. The pairing removes the issue-to-issue
        variation that both models share.
        """
        diff = self[first].errors - self[second].errors
        diff = diff[~np.isnan(diff)]
        se = float(diff.std(ddof=1) / np.sqrt(diff.size)) if diff.size > 1 else float("nan")
        return float(diff.mean()), se

    def to_text(self) -> str:
        """Return the scores as a fixed-width table, best first."""
        width = max([5, *(len(score.name) for score in self.scores)])
        lines = [
            f"{'model':<{width}} {'MAE':>7} {'SE':>6} {'in-sample':>9} {'band80':>7} "
            f"{'cover':>6} {'n':>5}  params"
        ]
        for score in sorted(self.scores, key=lambda s: s.mae):
            params = ", ".join(f"{k}={v}" for k, v in score.best_params.items())
            lines.append(
                f"{score.name:<{width}} {score.mae:7.3f} {score.se:6.3f} "
                f"{score.in_sample_mae:9.3f} {score.band80:7.2f} {score.coverage80:6.1%} "
                f"{score.n_issues:5d}  {params}"
            )
        return "\n".join(lines)


def take_issues(table: StakeholderTable, issues: npt.ArrayLike) -> StakeholderTable:
    """Return the table restricted to some issues, in the order given.

    Parameters
    ----------
    table : StakeholderTable
    issues : array of int
        Issue indices.
    """
    idx = np.asarray(issues, dtype=np.int64)
    return replace(
        table,
        issue_ids=tuple(table.issue_ids[i] for i in idx),
        positions=table.positions[:, idx],
        saliences=table.saliences[:, idx],
        scale=table.scale[idx],
        reference=table.reference[idx],
        outcome=table.outcome[idx],
        position_ranges=table.position_ranges[:, idx],
        salience_ranges=table.salience_ranges[:, idx],
    )


def _errors(model: ForecastModel, table: StakeholderTable) -> FloatArray:
    """Return the absolute error per issue on the 0-100 scale; NaN where no forecast."""
    forecast = model.fit(table).predict()
    width = table.scale[:, 1] - table.scale[:, 0]
    errors: FloatArray = np.abs(forecast - table.outcome) * 100.0 / width
    return errors


def _mean(errors: FloatArray) -> float:
    scored = errors[~np.isnan(errors)]
    return float(scored.mean()) if scored.size else float("nan")


def _half_width(errors: FloatArray) -> float:
    """Return the 80% quantile of the absolute errors that are known; NaN if none."""
    scored = errors[~np.isnan(errors)]
    return float(np.quantile(scored, BAND_LEVEL)) if scored.size else float("nan")


def _coverage(errors: FloatArray, half_widths: FloatArray) -> float:
    """Return the share of scored issues whose error is within their band's half-width."""
    scored = ~np.isnan(errors) & ~np.isnan(half_widths)
    if not scored.any():
        return float("nan")
    return float(np.mean(errors[scored] <= half_widths[scored] + 1e-9))


def _score(
    name: str,
    errors: FloatArray,
    folds: tuple[IntArray, ...],
    train_errors: tuple[FloatArray, ...],
    in_sample: float | None = None,
    params: tuple[dict[str, Any], ...] = (),
    best: dict[str, Any] | None = None,
) -> ModelScore:
    """Return a model's score from its out-of-fold errors.

    ``train_errors`` holds, per fold, the absolute errors on the other folds that the
    band of that fold is learned from.
    """
    fold_band = tuple(_half_width(train) for train in train_errors)
    half_widths = np.full(errors.shape, np.nan)
    for fold, width in zip(folds, fold_band, strict=True):
        half_widths[fold] = width
    scored = errors[~np.isnan(errors)]
    n = int(scored.size)
    mae = float(scored.mean()) if n else float("nan")
    se = float(scored.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
    return ModelScore(
        name=name,
        mae=mae,
        se=se,
        n_issues=n,
        fold_mae=tuple(_mean(errors[fold]) for fold in folds),
        errors=errors,
        in_sample_mae=mae if in_sample is None else in_sample,
        params=params,
        best_params=best or {},
        band80=_half_width(errors),
        coverage80=_coverage(errors, half_widths),
        fold_band80=fold_band,
    )


def _chunk_errors(models: list[ForecastModel], table: StakeholderTable) -> list[FloatArray]:
    """Return each model's absolute errors on a table (one task of the pool)."""
    return [_errors(model, table) for model in models]


def _all_errors(
    jobs: list[ForecastModel],
    table: StakeholderTable,
    *,
    workers: int,
    progress: Callable[[int, int], None] | None,
) -> list[FloatArray]:
    """Return every job's per-issue errors on the whole table, in job order.

    A model's forecast of an issue depends on that issue's inputs only, so the issues
    are cut into slices and the (model, slice) tasks are spread over ``workers``
    processes (0: this one); the errors are the same either way.
    """
    n = table.n_issues
    # Cheap models are batched together; slices keep both cores busy on a slow one.
    n_slices = max(1, min(n, 4 * workers)) if workers else 1
    slices = [s for s in np.array_split(np.arange(n), n_slices) if s.size]
    batch = max(1, len(jobs) // max(1, 4 * workers)) if workers else len(jobs)
    groups = [list(range(k, min(k + batch, len(jobs)))) for k in range(0, len(jobs), batch)]
    tasks = [(g, part) for g in groups for part in slices]
    errors = [np.full(n, np.nan) for _ in jobs]
    done = 0

    def collect(task: tuple[list[int], IntArray], result: list[FloatArray]) -> None:
        nonlocal done
        for j, values in zip(task[0], result, strict=True):
            errors[j][task[1]] = values
        done += 1
        if progress is not None:
            progress(done, len(tasks))

    if workers == 0:
        for task in tasks:
            collect(task, _chunk_errors([jobs[j] for j in task[0]], take_issues(table, task[1])))
        return errors
    # Spawned, not forked, as the sweeps' pool (a fork of a threaded process can hang).
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {
            pool.submit(
                _chunk_errors, [jobs[j] for j in task[0]], take_issues(table, task[1])
            ): task
            for task in tasks
        }
        for future in concurrent.futures.as_completed(futures):
            collect(futures[future], future.result())
    return errors


def _first_best(grid_errors: list[FloatArray], issues: IntArray) -> int:
    """Return the grid point with the smallest mean error on ``issues`` (the first on ties)."""
    means = [_mean(errors[issues]) for errors in grid_errors]
    best = 0
    for k, mean in enumerate(means):
        if mean < means[best]:
            best = k
    return best


def backtest(
    data: StakeholderTable,
    models: Sequence[ForecastModel | Tuned],
    *,
    folds: int = 10,
    rng: np.random.Generator | int | None = None,
    workers: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> BacktestResult:
    """Return each model's mean absolute error against the outcomes of ``data``.

    Parameters
    ----------
    data : StakeholderTable
        Issues with an ``outcome``; issues without one are left out.
    models : sequence of ForecastModel or Tuned
        Models without parameters to choose, scored on every issue, and tuned families,
        scored by cross-validation. Names must be unique.
    folds : int
        Number of folds K, in [2, number of issues with an outcome].
    rng : numpy.random.Generator, int or None
        Randomness of the split into folds; an int gives the same folds every time.
    workers : int
        Processes to spread the models and issues over (0: this process); the numbers
        are the same.
    progress : callable, optional
        Called as ``progress(done, total)`` after every task.

    Returns
    -------
    BacktestResult

    Raises
    ------
    ParameterError
        If ``folds`` is out of range, two models share a name, or a grid is empty.

    Examples
    --------
    >>> from peacetalks.forecasting.compromise import CompromiseModel
    >>> from peacetalks.forecasting.procedural import ProceduralModel
    >>> result = backtest(table, [CompromiseModel(), Tuned("procedural", ProceduralModel,
    ...     {"exponent": [0.5, 1.0]})], folds=10, rng=0)  # doctest: +SKIP
    """
    names = [m.name if isinstance(m, Tuned) else type(m).name or type(m).__name__ for m in models]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        msg = (
            f"The 'models' parameter of backtest must have unique names. Got "
            f"{', '.join(map(repr, repeated))} more than once; wrap a model in Tuned with "
            "its own name and an empty grid to rename it."
        )
        raise ParameterError(msg, parameter="models", value=repeated)
    has_outcome = np.flatnonzero(~np.isnan(data.outcome))
    n = has_outcome.size
    if isinstance(folds, bool) or not isinstance(folds, int | np.integer) or not 2 <= folds <= n:
        msg = (
            f"The 'folds' parameter of backtest must be an int in [2, {n}] (the issues "
            f"with an outcome). Got {folds!r} instead."
        )
        raise ParameterError(msg, parameter="folds", value=folds)
    table = take_issues(data, has_outcome)
    generator = np.random.default_rng(rng)
    split = np.array_split(generator.permutation(n), int(folds))
    fold_index = tuple(np.sort(fold).astype(np.int64) for fold in split)

    # Every plain model and every grid point is run once on all the issues; the folds
    # then choose among the grid points by their errors on the training issues.
    jobs: list[ForecastModel] = []
    plans: list[tuple[str, Tuned | None, list[dict[str, Any]], int]] = []
    for name, model in zip(names, models, strict=True):
        if isinstance(model, Tuned) and model.grid:
            points = list(model.points())
            if not points:
                msg = (
                    f"The grid of {model.name!r} is empty. Give every parameter at least one value."
                )
                raise ParameterError(msg, parameter="models", value=model.name)
            plans.append((name, model, points, len(jobs)))
            jobs += [model.factory(**point) for point in points]
        else:
            plans.append((name, None, [], len(jobs)))
            jobs.append(model.factory() if isinstance(model, Tuned) else model)
    every = _all_errors(jobs, table, workers=workers, progress=progress)

    everything = np.arange(n)
    scores = []
    for name, tuned, points, first in plans:
        if tuned is None:
            errors = every[first]
            train_errors = [errors[np.setdiff1d(everything, fold)] for fold in fold_index]
            scores.append(_score(name, errors, fold_index, tuple(train_errors)))
            continue
        grid_errors = every[first : first + len(points)]
        errors = np.full(n, np.nan)
        chosen = []
        train_errors = []
        for fold in fold_index:
            train = np.setdiff1d(everything, fold)
            k = _first_best(grid_errors, train)
            chosen.append(points[k])
            train_errors.append(grid_errors[k][train])
            errors[fold] = grid_errors[k][fold]
        best = _first_best(grid_errors, everything)
        in_sample = _mean(grid_errors[best])
        scores.append(
            _score(
                name,
                errors,
                fold_index,
                tuple(train_errors),
                in_sample,
                tuple(chosen),
                points[best],
            )
        )
    return BacktestResult(
        scores=tuple(scores),
        folds=tuple(has_outcome[fold] for fold in fold_index),
    )

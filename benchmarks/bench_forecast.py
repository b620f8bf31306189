"""Monte Carlo speed: the batched kernels against a per-run loop of the same model, one run.

Cases (the forecasting issue's targets: each a few seconds at most):
- 10,000 runs of the compromise model on the built-in scenario ukraine-2025;
- 1,000 runs of the expected-utility model (bdm-scholz, 8 rounds) on the emission case.

The peer is the obvious implementation: one model call per draw in a Python loop, on the
same draws. Both give the same numbers (checked); the script prints both times and the
ratio, and writes them to benchmarks/results/forecast.json.

Usage: .venv/bin/python benchmarks/bench_forecast.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np

from peacetalks.forecasting import (
    BdmScholzModel,
    CompromiseModel,
    ForecastModel,
    draw_inputs,
    monte_carlo,
)
from peacetalks.formats import read_bdm_csv
from peacetalks.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]


def _loop(model: ForecastModel, runs: int, seed: int, limit: int) -> tuple[float, np.ndarray]:
    """Time one model call per draw for the first ``limit`` draws; extrapolate to ``runs``."""
    table = model._table()
    positions, saliences, capabilities = draw_inputs(table, runs, rng=seed)
    start = time.perf_counter()
    values = np.stack(
        [
            model.simulate(positions[k : k + 1], saliences[k : k + 1], capabilities[k : k + 1])[0]
            for k in range(limit)
        ]
    )
    return (time.perf_counter() - start) * runs / limit, values


def _case(name: str, model: ForecastModel, runs: int, loop_limit: int) -> dict[str, object]:
    seed = 20250212
    start = time.perf_counter()
    result = monte_carlo(model, runs, rng=seed)
    batched = time.perf_counter() - start
    looped, values = _loop(model, runs, seed, loop_limit)
    same = bool(np.allclose(values, result.values[:loop_limit], equal_nan=True))
    row = {
        "case": name,
        "runs": runs,
        "batched_s": round(batched, 4),
        "loop_s": round(looped, 3),
        "loop_measured_runs": loop_limit,
        "ratio": round(looped / batched, 1),
        "same_numbers": same,
    }
    print(
        f"{name:<34} {runs:>7,} runs  batched {batched:8.3f} s  per-run loop {looped:8.2f} s"
        f"{' (extrapolated from ' + str(loop_limit) + ')' if loop_limit < runs else ''}"
        f"  x{looped / batched:,.0f}  same: {same}"
    )
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    emission = read_bdm_csv(args.shared / "data" / "bdm" / "emission_standards_BDM1994_dmasad.csv")
    rows = [
        _case(
            "compromise, ukraine-2025",
            CompromiseModel().fit(load_scenario("ukraine-2025")),
            10_000,
            10_000,
        ),
        _case("bdm-scholz (8 rounds), emission", BdmScholzModel().fit(emission), 1_000, 200),
    ]
    out = ROOT / "benchmarks" / "results" / "forecast.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    meta = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "machine": platform.machine(),
    }
    out.write_text(json.dumps({"meta": meta, "cases": rows}, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

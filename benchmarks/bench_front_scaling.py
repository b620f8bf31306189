"""Exact Pareto fronts far beyond enumeration: time, front size and memory by actor count.

Run from the repository root::

    .venv/bin/python benchmarks/bench_front_scaling.py                 # every case
    .venv/bin/python benchmarks/bench_front_scaling.py --cases 30x5x4  # one case

Each case draws one ``(n_actors, n_options)`` table per issue, uniform in
``[0, 1 / n_issues]``, from a seed, and runs ``pareto_front`` in its own subprocess so
that peak memory (maximum resident set size) belongs to that case alone. A case whose
front outgrows ``--max-points`` reports ``FrontTooLargeError`` with the size reached and
the issue it reached it at: that is the intended answer for spaces whose front does not
fit, and how fast it comes matters too. Results are printed, and written as JSON with
``--output``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

# Each case name maps to its n_issues, n_options and n_actors.
CASES: dict[str, tuple[int, int, int]] = {
    "30x5x3": (30, 5, 3),
    "30x5x4": (30, 5, 4),
    "20x5x5": (20, 5, 5),
    "30x5x5": (30, 5, 5),
}


def make_tables(n_issues: int, n_options: int, n_actors: int, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.random((n_actors, n_options)) / n_issues for _ in range(n_issues)]


def worker(case: str, seed: int, max_points: int) -> dict[str, Any]:
    from peacetalks.analysis.pareto import pareto_front
    from peacetalks.errors import FrontTooLargeError

    tables = make_tables(*CASES[case], seed)
    issues_done = 0

    def progress(done: int, total: int) -> None:
        nonlocal issues_done
        issues_done = done

    start = time.perf_counter()
    try:
        front = pareto_front(tables, max_points=max_points, progress=progress)
        status, size = "ok", len(front)
    except FrontTooLargeError as error:
        status, size = f"FrontTooLargeError after issue {issues_done + 1}", error.size
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"case": case, "status": status, "seconds": seconds, "front": size, "peak_mb": peak}


def run_case(case: str, seed: int, max_points: int, timeout: float) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", case]
    command += ["--seed", str(seed), "--max-points", str(max_points)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"case": case, "status": f"timed out ({timeout:g} s)"}
    if done.returncode != 0:
        return {"case": case, "status": f"failed: {done.stderr.strip().splitlines()[-1:]}"}
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="*", default=list(CASES), choices=list(CASES))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-points", type=int, default=1_000_000)
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per case")
    parser.add_argument("--output", type=Path, help="write the results here as JSON")
    parser.add_argument("--worker", choices=list(CASES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.seed, args.max_points)))
        return
    print(f"{'case':<8} {'seconds':>9} {'front':>10} {'peak MB':>8}  status")
    results = []
    for case in args.cases:
        result = run_case(case, args.seed, args.max_points, args.timeout)
        results.append(result)
        seconds = f"{result['seconds']:.2f}" if "seconds" in result else "-"
        front = f"{result['front']:,}" if "front" in result else "-"
        peak = f"{result['peak_mb']:.0f}" if "peak_mb" in result else "-"
        print(f"{case:<8} {seconds:>9} {front:>10} {peak:>8}  {result['status']}", flush=True)
    if args.output:
        payload = {"seed": args.seed, "max_points": args.max_points, "results": results}
        args.output.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

"""Pareto front and Nash deal: peacetalks against NegMAS 0.16 on the same tables.

Run from the repository root::

    .venv/bin/python benchmarks/bench_pareto.py            # every case
    .venv/bin/python benchmarks/bench_pareto.py --cases 1e4x5     # quick agreement check

Each case draws random value tables (one ``(n_parties, n_options)`` table per issue,
uniform in [0, 1], weights 1) from a seed and writes them to a temporary ``.npz``. Each
tool then runs in its own subprocess on that file: peacetalks in this interpreter,
NegMAS in ``benchmarks/.venv-negmas`` (created on first use with ``pip install
negmas==0.16.*``; NegMAS is AGPL and never a dependency of peacetalks). The NegMAS side
builds one ``LinearAdditiveUtilityFunction`` per party with a ``TableFun`` per
categorical issue and calls ``pareto_frontier`` and ``nash_points``; the peacetalks side
calls ``pareto_front`` and ``nash_deal``. Both get each party's minimum utility as its
reservation, which is what NegMAS's ``nash_points`` measures gains from.

The parent checks that both fronts are the same set of utility vectors (to 1e-9) and
that the Nash deals agree, and records compute time (after imports and loading) and peak
memory (maximum resident set size of each subprocess, from ``os.wait4``). Results are
printed and written to ``benchmarks/results/pareto.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
NEGMAS_VENV = HERE / ".venv-negmas"
NEGMAS_SPEC = "negmas==0.16.*"
RESULTS = HERE / "results" / "pareto.json"

# name: (n_issues, n_options, n_parties, run NegMAS)
CASES: dict[str, tuple[int, int, int, bool]] = {
    "1e4x5": (4, 10, 5, True),
    "1e6x5": (6, 10, 5, True),
    "1e7x5": (7, 10, 5, True),
    "30x5x3": (30, 5, 3, False),
}


def make_tables(n_issues: int, n_options: int, n_parties: int, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.random((n_parties, n_options)) for _ in range(n_issues)]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- workers: run in a subprocess, read tables from an .npz, write results to an .npz ---


def work_peacetalks(source: Path, target: Path) -> dict[str, Any]:
    from peacetalks.analysis.bargaining import nash_deal
    from peacetalks.analysis.pareto import pareto_front

    baseline = peak_rss_mb()
    data = np.load(source)
    tables = [data[f"issue_{i}"] for i in range(int(data["n_issues"]))]
    reservations = np.sum([table.min(axis=1) for table in tables], axis=0)
    start = time.perf_counter()
    front = pareto_front(tables, max_points=5_000_000)
    front_seconds = time.perf_counter() - start
    nash = nash_deal(tables, reservations, front=front)
    seconds = time.perf_counter() - start
    np.savez(target, front=front.utilities, nash=nash.utilities)
    return {
        "seconds": seconds,
        "front_seconds": front_seconds,
        "front_size": len(front),
        "baseline_rss_mb": baseline,
    }


def work_negmas(source: Path, target: Path) -> dict[str, Any]:
    import negmas
    from negmas.outcomes import make_issue, make_os
    from negmas.preferences import LinearAdditiveUtilityFunction, nash_points, pareto_frontier
    from negmas.preferences.value_fun import TableFun

    baseline = peak_rss_mb()
    data = np.load(source)
    tables = [data[f"issue_{i}"] for i in range(int(data["n_issues"]))]
    start = time.perf_counter()
    issues = [make_issue(list(range(t.shape[1])), name=f"i{i}") for i, t in enumerate(tables)]
    space = make_os(issues)
    ufuns = [
        LinearAdditiveUtilityFunction(
            values=[TableFun({j: float(t[a, j]) for j in range(t.shape[1])}) for t in tables],
            weights=[1.0] * len(tables),
            outcome_space=space,
            reserved_value=float(sum(t[a].min() for t in tables)),
        )
        for a in range(tables[0].shape[0])
    ]
    frontier, _ = pareto_frontier(ufuns, issues=issues, sort_by_welfare=True)
    front_seconds = time.perf_counter() - start
    nash = nash_points(ufuns, frontier, outcome_space=space)
    seconds = time.perf_counter() - start
    np.savez(
        target,
        front=np.asarray(frontier, dtype=float),
        nash=np.asarray([point for point, _ in nash], dtype=float),
    )
    return {
        "seconds": seconds,
        "front_seconds": front_seconds,
        "front_size": len(frontier),
        "baseline_rss_mb": baseline,
        "version": negmas.__version__,
    }


def worker_main(tool: str, source: Path, target: Path, report: Path) -> None:
    result = (
        work_peacetalks(source, target) if tool == "peacetalks" else work_negmas(source, target)
    )
    result["peak_rss_mb"] = peak_rss_mb()
    report.write_text(json.dumps(result), encoding="utf-8")


# --- parent: prepare NegMAS, run workers with a timeout, compare, report ---


def ensure_negmas() -> Path:
    python = NEGMAS_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(NEGMAS_VENV)], check=True)
    probe = subprocess.run(
        [str(python), "-c", "import negmas; print(negmas.__version__)"],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0 or not probe.stdout.startswith("0.16"):
        pip = [str(python), "-m", "pip", "install", "--quiet", NEGMAS_SPEC]
        subprocess.run(pip, check=True)
    return python


def run_worker(python: Path, tool: str, source: Path, timeout: float) -> dict[str, Any]:
    """Run one worker; return its report plus wall time and the child's peak RSS."""
    target = source.with_name(f"{tool}-out.npz")
    report = source.with_name(f"{tool}-report.json")
    command = [str(python), str(Path(__file__).resolve()), "--worker", tool]
    command += ["--input", str(source), "--output", str(target), "--report", str(report)]
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    with (source.parent / f"{tool}.log").open("w") as log:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        timed_out = False
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > timeout:
                timed_out = True
                os.kill(process.pid, signal.SIGKILL)
                _, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.05)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
    result: dict[str, Any] = {"wall_seconds": wall, "child_peak_rss_mb": usage.ru_maxrss / 1024}
    if timed_out:
        return result | {"status": f"timed out after {timeout:.0f} s"}
    if process.returncode != 0 or not report.exists():
        tail = (source.parent / f"{tool}.log").read_text()[-2000:]
        return result | {"status": f"failed (exit {process.returncode})", "log": tail}
    result |= json.loads(report.read_text(encoding="utf-8"))
    result["status"] = "ok"
    outputs = np.load(target)
    result["_front"], result["_nash"] = outputs["front"], outputs["nash"]
    return result


def same_points(a: np.ndarray, b: np.ndarray, tol: float = 1e-9) -> bool:
    if a.shape != b.shape:
        return False
    a = a[np.lexsort(a.T[::-1])]
    b = b[np.lexsort(b.T[::-1])]
    return bool(np.allclose(a, b, rtol=0, atol=tol))


def run_case(name: str, seed: int, timeout: float, negmas_python: Path | None) -> dict[str, Any]:
    n_issues, n_options, n_parties, with_negmas = CASES[name]
    tables = make_tables(n_issues, n_options, n_parties, seed)
    record: dict[str, Any] = {
        "case": name,
        "n_issues": n_issues,
        "n_options": n_options,
        "n_parties": n_parties,
        "n_outcomes": n_options**n_issues,
        "seed": seed,
    }
    with tempfile.TemporaryDirectory(prefix="bench-pareto-") as folder:
        source = Path(folder) / "tables.npz"
        arrays = {f"issue_{i}": table for i, table in enumerate(tables)}
        np.savez(source, n_issues=n_issues, **arrays)
        ours = run_worker(Path(sys.executable), "peacetalks", source, timeout)
        record["peacetalks"] = {k: v for k, v in ours.items() if not k.startswith("_")}
        if with_negmas and negmas_python is not None:
            theirs = run_worker(negmas_python, "negmas", source, timeout)
            record["negmas"] = {k: v for k, v in theirs.items() if not k.startswith("_")}
            if theirs["status"] == "ok" and ours["status"] == "ok":
                record["same_front"] = same_points(ours["_front"], theirs["_front"])
                record["same_nash"] = same_points(ours["_nash"], theirs["_nash"])
                record["speedup"] = theirs["seconds"] / ours["seconds"]
                record["wall_speedup"] = theirs["wall_seconds"] / ours["wall_seconds"]
                record["memory_ratio"] = theirs["child_peak_rss_mb"] / ours["child_peak_rss_mb"]
    return record


def show(records: list[dict[str, Any]]) -> None:
    head = f"{'case':8} {'outcomes':>9} {'tool':10} {'status':22} {'compute s':>10} "
    head += f"{'wall s':>8} {'peak MB':>8} {'front':>7}"
    print(head)
    for record in records:
        for tool in ("peacetalks", "negmas"):
            run = record.get(tool)
            if run is None:
                continue
            compute = f"{run['seconds']:.3f}" if "seconds" in run else "-"
            front = str(run.get("front_size", "-"))
            print(
                f"{record['case']:8} {record['n_outcomes']:>9.0e} {tool:10} {run['status']:22} "
                f"{compute:>10} {run['wall_seconds']:>8.2f} {run['child_peak_rss_mb']:>8.1f} "
                f"{front:>7}"
            )
        if "speedup" in record:
            print(
                f"{'':8} speedup x{record['speedup']:.0f} (compute), "
                f"x{record['wall_speedup']:.1f} (wall); "
                f"memory ratio x{record['memory_ratio']:.1f}; "
                f"same front: {record['same_front']}, same Nash: {record['same_nash']}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = ["1e6x5", "1e7x5", "30x5x3"]
    parser.add_argument("--cases", nargs="*", default=default, choices=list(CASES))
    parser.add_argument("--seed", type=int, default=20250212)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per subprocess")
    parser.add_argument("--no-negmas", action="store_true", help="run peacetalks only")
    parser.add_argument("--worker", choices=["peacetalks", "negmas"], help=argparse.SUPPRESS)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--report", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker_main(args.worker, args.input, args.output, args.report)
        return
    negmas_python = None if args.no_negmas else ensure_negmas()
    records = [run_case(name, args.seed, args.timeout, negmas_python) for name in args.cases]
    show(records)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "numpy": np.__version__,
        "records": records,
    }
    RESULTS.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()

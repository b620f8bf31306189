r"""Whole commands as a user runs them: start-up, briefs, SMP forecasts and the deal front.

Every figure here is a whole process (``peacetalks ...`` started from the shell, imports
and interpreter included), timed from outside with ``os.wait4`` (wall, CPU and peak RSS
of the child), several runs each, the median quoted. Peers run in the same loop, in
turns, so that the ratios hold when the shared machine's speed drifts:

- ``startup``: ``--version``, ``--help``, ``scenarios``, ``evaluate``, ``validate`` and
  ``analyze`` beside ``python -c pass`` (the goals of the start-up issue are differences
  with bare Python: --version and --help under 0.15 s more, scenarios under 0.3 s,
  evaluate under 0.5 s);
- ``smp``: ``peacetalks forecast FILE --model smp --json`` on KTAB's own example files
  against the times quoted for KTAB's ``smpc`` built from source on this kind of machine
  (SOE-Policy 9 s, SOE-Competitive 46 s, dummyData_6Dim 13 s, dummyData-a040 50 s);
- ``front``: ``peacetalks deals FILE --pareto --json`` on a random 6 issues x 10 options
  x 5 parties scenario (1e6 deals) against NegMAS 0.16 computing the same front
  (``pareto_frontier``) in a whole Python process of its own (``--negmas-python``, a
  separate environment: NegMAS is AGPL and never a dependency of peacetalks).

Usage::

    .venv/bin/python benchmarks/bench_commands.py                  # startup and smp
    .venv/bin/python benchmarks/bench_commands.py --parts front \\
        --negmas-python /tmp/negmas-venv/bin/python

Results go to ``benchmarks/results/commands.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
PEACETALKS = str(BIN / "peacetalks")
KTAB = ROOT / "tests" / "data" / "ktab" / "smp"
KTAB_SECONDS = {
    "SOE-Policy": 9.0,
    "SOE-Competitive": 46.0,
    "dummyData_6Dim": 13.0,
    "dummyData-a040": 50.0,
}
FRONT_CASE = (6, 10, 5)  # issues, options, parties: 1e6 deals
FRONT_SEED = 20250212


# Commands run as on a user's machine, where Python keeps the bytecode it compiles: this
# machine sets PYTHONDONTWRITEBYTECODE, which would make every command recompile every
# peacetalks module it imports (about 0.1 s). The warm-up run writes the bytecode.
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def run(command: list[str], timeout: float = 600.0) -> dict[str, float]:
    """Run a command once; return its wall and CPU seconds and peak RSS (MB)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() - start > timeout:
            process.kill()
            _, status, usage = os.wait4(process.pid, 0)
            break
        time.sleep(0.002)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        error = process.stderr.read().decode()[-1500:] if process.stderr else ""
        raise RuntimeError(f"{' '.join(command)} exited {code}: {error}")
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_mb": usage.ru_maxrss / 1024,
    }


def paired(
    commands: dict[str, list[str]], runs: int, warmup: int = 1
) -> dict[str, dict[str, float]]:
    """Run every command ``runs`` times in turns (after a warm-up); return medians."""
    for command in commands.values():
        for _ in range(warmup):
            run(command)
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            samples[name].append(run(command))
    return {
        name: {
            key: round(statistics.median(s[key] for s in values), 4)
            for key in ("wall", "cpu", "peak_mb")
        }
        for name, values in samples.items()
    }


def startup(runs: int) -> dict[str, Any]:
    """Time the everyday commands beside bare Python."""
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "--version": [PEACETALKS, "--version"],
        "--help": [PEACETALKS, "--help"],
        "scenarios": [PEACETALKS, "scenarios"],
        "validate ukraine-2025": [PEACETALKS, "validate", "ukraine-2025"],
        "evaluate ukraine-2025 --proposal us-28-point": [
            PEACETALKS,
            "evaluate",
            "ukraine-2025",
            "--proposal",
            "us-28-point",
        ],
        "analyze ukraine-2025": [PEACETALKS, "analyze", "ukraine-2025"],
    }
    medians = paired(commands, runs)
    bare = medians["python -c pass"]["wall"]
    for figures in medians.values():
        figures["over_python"] = round(figures["wall"] - bare, 4)
    return medians


def smp(runs: int) -> list[dict[str, Any]]:
    """Time whole SMP forecasts on KTAB's example files against KTAB's quoted times."""
    rows = []
    for name, ktab in KTAB_SECONDS.items():
        path = KTAB / f"{name}.csv"
        command = [PEACETALKS, "forecast", str(path), "--model", "smp", "--json"]
        try:
            ours = paired({name: command}, runs)[name]
        except RuntimeError as e:
            rows.append({"scenario": name, "error": str(e)[:300]})
            continue
        rows.append(
            {
                "scenario": name,
                "ktab_seconds": ktab,
                **ours,
                "ratio_wall": round(ktab / ours["wall"], 1),
            }
        )
    return rows


def _front_scenario(folder: Path) -> tuple[Path, Path]:
    """Write the random front case as a scenario YAML and as tables for NegMAS."""
    # Imported here: the parent stays small, and a forked child's peak memory starts
    # from the parent's size until it runs the command.
    import numpy as np

    n_issues, n_options, n_parties = FRONT_CASE
    rng = np.random.default_rng(FRONT_SEED)
    tables = [rng.random((n_parties, n_options)) for _ in range(n_issues)]
    np.savez(
        folder / "tables.npz",
        n_issues=n_issues,
        **{f"issue_{i}": table for i, table in enumerate(tables)},
    )
    lines = [
        "id: front-bench",
        "title: Random front benchmark",
        "as_of: 2025-01-01",
        "sources:",
        "  - {id: s, author: bench, title: random tables, date: 2025, address: here,"
        " kind: analysis}",
        "actors:",
    ]
    lines += [f"  - {{id: a{a}, name: A{a}, capability: 1, source: s}}" for a in range(n_parties)]
    lines.append("issues:")
    for i in range(n_issues):
        lines.append(f"  - id: i{i}")
        lines.append(f"    name: I{i}")
        lines.append("    scale: {low: low, high: high}")
        lines.append("    options:")
        for o in range(n_options):
            lines.append(
                f"      - {{id: o{o}, label: O{o}, position: {o * 100 / (n_options - 1):.6g}}}"
            )
    lines.append("positions:")
    for a in range(n_parties):
        for i, table in enumerate(tables):
            # Utilities on [0, 1] as given; the salience weighs every issue alike.
            values = ", ".join(f"o{o}: {table[a, o]:.17g}" for o in range(n_options))
            best = int(np.argmax(table[a]))
            lines.append(
                f"  - {{actor: a{a}, issue: i{i}, ideal: {best * 100 / (n_options - 1):.6g}, "
                f"salience: 1, judgement: true, note: random, utilities: {{{values}}}}}"
            )
    path = folder / "front.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, folder / "tables.npz"


# NegMAS runs as bench_pareto.py's worker (its own whole Python process, its own
# environment): the same ufuns, front and Nash point as the pareto benchmark.
PARETO_WORKER = HERE / "bench_pareto.py"


def front(runs: int, negmas_python: str | None) -> dict[str, Any]:
    """Time the whole-space Pareto front as a command, against NegMAS as a script."""
    with tempfile.TemporaryDirectory() as tmp:
        scenario, tables = _front_scenario(Path(tmp))
        ours_command = [PEACETALKS, "deals", str(scenario), "--pareto", "--json"]
        out = subprocess.run(ours_command, capture_output=True, text=True, check=True)
        size = json.loads(out.stdout)["pareto_info"]["count"]
        commands = {"peacetalks deals --pareto": ours_command}
        if negmas_python:
            report = Path(tmp) / "negmas.json"
            theirs = [negmas_python, str(PARETO_WORKER), "--worker", "negmas"]
            theirs += ["--input", str(tables), "--output", str(Path(tmp) / "negmas.npz")]
            theirs += ["--report", str(report)]
            subprocess.run(theirs, capture_output=True, check=True)
            their_size = int(json.loads(report.read_text())["front_size"])
            commands["negmas pareto_frontier + nash_points"] = theirs
        medians = paired(commands, runs, warmup=0)
    result: dict[str, Any] = {"case": "6 issues x 10 options x 5 parties", "front": size}
    result |= medians
    if negmas_python:
        result["negmas_front"] = their_size
        result["ratio_wall"] = round(
            medians["negmas pareto_frontier + nash_points"]["wall"]
            / medians["peacetalks deals --pareto"]["wall"],
            1,
        )
    return result


def main() -> None:
    """Run the parts asked for and write the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", nargs="+", default=["startup", "smp"])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--negmas-python", help="Python of an environment with negmas 0.16")
    args = parser.parse_args()
    results: dict[str, Any] = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "date": time.strftime("%Y-%m-%d"),
    }
    if "startup" in args.parts:
        results["startup"] = startup(args.runs)
    if "smp" in args.parts:
        results["smp"] = smp(max(3, args.runs // 2))
    if "front" in args.parts:
        results["front"] = front(3, args.negmas_python)
    out = HERE / "results" / "commands.json"
    previous = json.loads(out.read_text()) if out.exists() else {}
    out.write_text(json.dumps(previous | results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

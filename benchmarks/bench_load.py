"""The web server under load on loopback: idle, then while long analyses run, in one run.

Run from the repository root::

    .venv/bin/python benchmarks/bench_load.py                       # 2,000 requests a phase
    .venv/bin/python benchmarks/bench_load.py --requests 400        # quick look
    .venv/bin/python benchmarks/bench_load.py --db postgresql://postgres@127.0.0.1:54330/db

It starts a real ``peacetalks serve`` (``--job-workers 4``) on a fresh SQLite data
directory (or the PostgreSQL database given, which it leaves filled), with one analyst
and an API token, and measures three things:

1. one client sending ``GET /api/health`` one after another on a keep-alive connection
   (the server's floor latency);
2. *idle*: a burst of ``--requests`` requests from ``--clients`` threads (each with its
   own keep-alive connection) at the read endpoints: scenario list, scenario get (small
   and the 230 kB ``ukraine-2025``), YAML, versions, run status, and one request in
   eight a quick evaluate run as a job that waits for its result (``wait=true``);
3. *under load*: two negotiations of ``ukraine-2025`` with 100,000 runs each are started
   as jobs (each would take many minutes; two processes keeping both CPUs busy), then
   the same burst. The analyses must still be running when it ends.

Requests per second, errors (no answer, or not 2xx), p50 and p95 latency for each phase
and endpoint, and the ratios under load / idle are printed and written to
``benchmarks/results/load.json``. The client runs on the same machine, so it takes CPU
from the server too: the figures are a floor, not a capacity.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from peacetalks import __version__
from peacetalks.storage import open_store

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# The server and burst helpers of the tests (tests/web), importable from the repository root.
from tests.web._load import (  # noqa: E402
    Burst,
    long_analyses,
    percentile,
    read_targets,
    run_burst,
    scenario_text,
    wait_for_status,
)
from tests.web._server import serving_process  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "load.json"
USERNAME = "bench"
PASSWORD = "correct horse battery staple"
SCENARIO_ID = "bench-small"
# One account stands for many clients, so the per-user job quota is raised.
SERVE_OPTIONS = ("--job-workers", "4", "--job-seconds", "3600", "--job-quota", "1000")


def sequential_health(url: str, count: int) -> dict[str, Any]:
    """Time ``count`` GET /api/health one after another on one keep-alive connection."""
    latencies = []
    with httpx.Client(base_url=url, timeout=30) as client:
        client.get("/api/health")
        for _ in range(count):
            start = time.perf_counter()
            response = client.get("/api/health")
            latencies.append(time.perf_counter() - start)
            response.raise_for_status()
    return {
        "requests": count,
        "p50_ms": round(1000 * percentile(latencies, 50), 2),
        "p95_ms": round(1000 * percentile(latencies, 95), 2),
    }


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 2) if b else None


def compare(idle: Burst, loaded: Burst) -> dict[str, Any]:
    """Return under-load / idle ratios of throughput and latency."""
    i, u = idle.summary(), loaded.summary()
    return {
        "requests_per_second": _ratio(u["requests_per_second"], i["requests_per_second"]),
        "p50": _ratio(u["p50_ms"], i["p50_ms"]),
        "p95": _ratio(u["p95_ms"], i["p95_ms"]),
    }


def print_table(results: dict[str, Any]) -> None:
    """Print the phases side by side, then each endpoint's latencies."""
    idle, loaded = results["idle"], results["under_load"]
    ratio = results["ratio_under_load_to_idle"]
    health = results["sequential_health"]
    print(
        f"\nserver floor: GET /api/health, 1 client, keep-alive: p50 {health['p50_ms']} ms, "
        f"p95 {health['p95_ms']} ms"
    )
    print(f"\n{'phase':<12} {'requests':>8} {'errors':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8}")
    for name, phase in (("idle", idle), ("under load", loaded)):
        print(
            f"{name:<12} {phase['answered']:>8} {phase['errors']:>6} "
            f"{phase['requests_per_second']:>7} {phase['p50_ms']:>8} {phase['p95_ms']:>8}"
        )
    print(
        f"{'load / idle':<12} {'':>8} {'':>6} {ratio['requests_per_second']:>7} "
        f"{ratio['p50']:>8} {ratio['p95']:>8}"
    )
    print(f"\n{'endpoint':<22} {'idle p50':>9} {'p95':>7} {'load p50':>9} {'p95':>7}")
    for name, figures in idle["endpoints"].items():
        other = loaded["endpoints"].get(name, {})
        print(
            f"{name:<22} {figures['p50_ms']:>9} {figures['p95_ms']:>7} "
            f"{other.get('p50_ms', '-'):>9} {other.get('p95_ms', '-'):>7}"
        )
    runs = ", ".join(f"{r['status']} ({100 * r['progress']:.1f}%)" for r in results["long_runs"])
    print(f"\nlong analyses after the burst under load: {runs}")


def run(args: argparse.Namespace, data: str, log: Path) -> dict[str, Any]:
    """Set up the store, start the server, run both phases; return the results."""
    with open_store(data) as store:
        store.accounts.create_user(USERNAME, PASSWORD, role="analyst")
        token, _ = store.accounts.create_token(USERNAME, "load benchmark")
        store.save_scenario(scenario_text(SCENARIO_ID, "Load benchmark"), owner=USERNAME)
    headers = {"Authorization": f"Bearer {token}"}
    bounds = {"total": args.requests, "clients": args.clients, "seconds": args.seconds}
    with (
        serving_process(data, log, extra=SERVE_OPTIONS) as server,
        httpx.Client(base_url=server.url, headers=headers, timeout=60) as client,
    ):
        warm = client.post(
            f"/api/scenarios/{SCENARIO_ID}/analyses/evaluate?wait=true", json={"proposal": "split"}
        )
        warm.raise_for_status()
        health = sequential_health(server.url, 200)
        idle_targets = read_targets(SCENARIO_ID, "split", [int(warm.json()["id"])])
        run_burst(server.url, token, idle_targets, total=80, clients=args.clients, seconds=60)
        print(f"idle: {args.requests} requests from {args.clients} clients...", flush=True)
        idle = run_burst(server.url, token, idle_targets, **bounds)
        run_ids = long_analyses(client)
        wait_for_status(client, run_ids, "running")
        print("under load: the same while two long analyses run...", flush=True)
        targets = read_targets(SCENARIO_ID, "split", run_ids)
        loaded = run_burst(server.url, token, targets, **bounds)
        long_runs = [client.get(f"/api/runs/{i}").json() for i in run_ids]
    return {
        "meta": {
            "peacetalks": __version__,
            "python": platform.python_version(),
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
            "database": "postgresql" if "://" in data else "sqlite",
            "server": f"peacetalks serve {' '.join(SERVE_OPTIONS)}",
            "client": "httpx, one keep-alive connection per thread, same machine",
            "command": " ".join(["benchmarks/bench_load.py", *sys.argv[1:]]),
        },
        "sequential_health": health,
        "idle": idle.summary(),
        "under_load": loaded.summary(),
        "ratio_under_load_to_idle": compare(idle, loaded),
        "long_runs": [
            {"id": r["id"], "kind": r["kind"], "status": r["status"], "progress": r["progress"]}
            for r in long_runs
        ],
    }


def main() -> int:
    """Run the benchmark; return 1 if a request failed or an analysis stopped too early."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per phase")
    parser.add_argument("--clients", type=int, default=8, help="client threads")
    parser.add_argument("--seconds", type=float, default=300.0, help="time cap per phase")
    parser.add_argument("--db", help="a PostgreSQL URL (default: a fresh SQLite data dir)")
    parser.add_argument("--output", type=Path, default=RESULTS, help="results JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="peacetalks-bench-load-") as tmp:
        data = args.db or str(Path(tmp) / "data")
        results = run(args, data, Path(tmp) / "server.log")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print_table(results)
    print(f"\nwritten to {args.output}")
    failed = results["idle"]["errors"] + results["under_load"]["errors"]
    running = all(r["status"] == "running" for r in results["long_runs"])
    return 0 if failed == 0 and running else 1


if __name__ == "__main__":
    raise SystemExit(main())

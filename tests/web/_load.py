"""A bounded burst of concurrent requests at a running server, and what came back.

Shared by ``tests/web/test_load.py`` and ``benchmarks/bench_load.py``: client threads
(each with its own keep-alive connection) take the requests in turn from one counter,
until the count is reached or the time is up, and record each answer's status and
latency. An error is a request that got no answer (a connection error, a timeout) or an
answer that is not 2xx.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.agreements.conftest import AGREEMENTS

__all__ = [
    "Burst",
    "Target",
    "long_analyses",
    "percentile",
    "read_targets",
    "run_burst",
    "scenario_text",
    "wait_for_status",
]

DATA = Path(__file__).resolve().parents[1] / "data"
# The built-in scenario the long analyses run on, and their parameters: far more
# negotiations than fit in any test (~8 ms each on one core), so they outlive the burst.
LONG_SCENARIO = "ukraine-2025"
LONG_ANALYSES: tuple[tuple[str, dict[str, Any]], ...] = (
    ("negotiate", {"runs": 100_000, "seed": 1}),
    ("negotiate", {"protocol": "alternating", "strategies": ["boulware"], "runs": 100_000}),
)


@dataclass(frozen=True)
class Target:
    """One kind of request of the burst."""

    name: str
    method: str
    path: str
    body: dict[str, Any] | None = None


@dataclass
class Burst:
    """What a burst of requests got back."""

    total: int
    clients: int
    seconds: float = 0.0
    sent: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    transport_errors: int = 0
    samples: list[str] = field(default_factory=list)
    latencies: dict[str, list[float]] = field(default_factory=dict)

    @property
    def answered(self) -> int:
        """Requests that got an answer (of any status)."""
        return sum(self.statuses.values())

    @property
    def errors(self) -> int:
        """Requests without an answer, or answered with a status that is not 2xx."""
        failed = sum(n for status, n in self.statuses.items() if not 200 <= status < 300)
        return self.transport_errors + failed

    @property
    def per_second(self) -> float:
        """Answered requests per second of the burst."""
        return self.answered / self.seconds if self.seconds > 0 else 0.0

    def all_latencies(self) -> list[float]:
        """Return the latencies (seconds) of every answered request."""
        return [x for values in self.latencies.values() for x in values]

    def summary(self) -> dict[str, Any]:
        """Return the burst's figures, JSON-ready (latencies in milliseconds)."""
        every = self.all_latencies()
        return {
            "requests": self.total,
            "clients": self.clients,
            "sent": self.sent,
            "answered": self.answered,
            "errors": self.errors,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "seconds": round(self.seconds, 3),
            "requests_per_second": round(self.per_second, 1),
            "p50_ms": round(1000 * percentile(every, 50), 1),
            "p95_ms": round(1000 * percentile(every, 95), 1),
            "endpoints": {
                name: {
                    "answered": len(values),
                    "p50_ms": round(1000 * percentile(values, 50), 1),
                    "p95_ms": round(1000 * percentile(values, 95), 1),
                }
                for name, values in sorted(self.latencies.items())
            },
            "error_samples": self.samples[:5],
        }


def scenario_text(scenario_id: str, title: str) -> str:
    """Return the small scenario with the 'truce' agreement, under an id and a title."""
    text = (DATA / "small.yaml").read_text(encoding="utf-8") + AGREEMENTS
    text = re.sub(r"^id: small$", f"id: {scenario_id}", text, count=1, flags=re.MULTILINE)
    return re.sub(r"^title: .*$", f'title: "{title}"', text, count=1, flags=re.MULTILINE)


def percentile(values: Sequence[float], q: float) -> float:
    """Return the ``q``-th percentile (nearest rank) of the values; NaN when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def read_targets(scenario_id: str, proposal: str, run_ids: Sequence[int]) -> list[Target]:
    """Return the burst's mix: scenario list and reads, run status, and a quick evaluate.

    One request in eight is an evaluate of ``proposal`` of ``scenario_id``, run as a job
    (``wait=true``: answered when its process finished); the runs are read in turn.
    """
    if not run_ids:
        msg = "read_targets needs the id of at least one run to read"
        raise ValueError(msg)
    first, last = run_ids[0], run_ids[-1]
    return [
        Target("scenario list", "GET", "/api/scenarios"),
        Target("scenario get", "GET", f"/api/scenarios/{scenario_id}"),
        Target("run status", "GET", f"/api/runs/{first}"),
        Target("scenario get (large)", "GET", f"/api/scenarios/{LONG_SCENARIO}"),
        Target("scenario yaml", "GET", f"/api/scenarios/{scenario_id}/yaml"),
        Target("run status", "GET", f"/api/runs/{last}"),
        Target("scenario versions", "GET", f"/api/scenarios/{scenario_id}/versions"),
        Target(
            "evaluate (job)",
            "POST",
            f"/api/scenarios/{scenario_id}/analyses/evaluate?wait=true",
            {"proposal": proposal},
        ),
    ]


def run_burst(
    url: str,
    token: str,
    targets: Sequence[Target],
    *,
    total: int,
    clients: int,
    seconds: float,
    timeout: float = 60.0,
) -> Burst:
    """Send ``total`` requests (the targets in turn) from ``clients`` threads, within ``seconds``.

    Requests not started when the time is up are not sent (``sent < total``).
    """
    burst = Burst(total=total, clients=clients)
    lock = threading.Lock()
    counter = iter(range(total))
    headers = {"Authorization": f"Bearer {token}"}
    deadline = time.monotonic() + seconds

    def client_thread() -> None:
        with httpx.Client(base_url=url, headers=headers, timeout=timeout) as client:
            while time.monotonic() < deadline:
                with lock:
                    index = next(counter, None)
                    if index is None:
                        return
                    burst.sent += 1
                target = targets[index % len(targets)]
                start = time.perf_counter()
                try:
                    response = client.request(target.method, target.path, json=target.body)
                except httpx.HTTPError as e:
                    with lock:
                        burst.transport_errors += 1
                        burst.samples.append(f"{target.name}: {e!r}")
                    continue
                elapsed = time.perf_counter() - start
                with lock:
                    burst.statuses[response.status_code] += 1
                    burst.latencies.setdefault(target.name, []).append(elapsed)
                    if not response.is_success:
                        burst.samples.append(
                            f"{target.name}: {response.status_code} {response.text[:300]}"
                        )

    threads = [threading.Thread(target=client_thread, daemon=True) for _ in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + timeout + 5)
    burst.seconds = time.perf_counter() - began
    return burst


def long_analyses(client: httpx.Client) -> list[int]:
    """Start the long analyses as jobs on the large built-in scenario; return their run ids."""
    ids = []
    for kind, parameters in LONG_ANALYSES:
        response = client.post(f"/api/scenarios/{LONG_SCENARIO}/analyses/{kind}", json=parameters)
        assert response.status_code == 202, response.text
        ids.append(int(response.json()["id"]))
    return ids


def wait_for_status(
    client: httpx.Client, run_ids: Sequence[int], status: str, seconds: float = 60.0
) -> list[dict[str, Any]]:
    """Poll runs until each has the status; return their documents.

    Raises
    ------
    AssertionError
        If a run has not reached it within ``seconds``.
    """
    deadline = time.monotonic() + seconds
    while True:
        documents = [client.get(f"/api/runs/{i}").json() for i in run_ids]
        if all(d["status"] == status for d in documents):
            return documents
        assert time.monotonic() < deadline, f"the runs are not {status}: {documents}"
        time.sleep(0.1)

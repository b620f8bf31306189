"""Alternating offers: peacetalks against NegMAS 0.16's SAOMechanism on the same domain.

Run from the repository root::

    .venv/bin/python benchmarks/bench_protocols.py                 # 10 s per tool
    .venv/bin/python benchmarks/bench_protocols.py --seconds 2     # quick look
    .venv/bin/python benchmarks/bench_protocols.py --negmas-python /tmp/negmas-venv/bin/python

NegMAS runs in its own environment: ``benchmarks/.venv-negmas`` by default, or any
interpreter given with ``--negmas-python`` (for example one made outside the repository
with ``python3 -m venv /tmp/negmas-venv && /tmp/negmas-venv/bin/pip install
'negmas==0.16.*'``).

The domain is a random categorical outcome space of 1e4 outcomes (4 issues of 10 options),
two parties with additive utilities drawn uniform in [0, 1] / 4 per option (so utilities
are in [0, 1]), reservation 0, drawn from a seed and written to a temporary ``.npz``.

- NegMAS (in ``benchmarks/.venv-negmas``, never a dependency of peacetalks): one
  ``LinearAdditiveUtilityFunction`` per party with a ``TableFun`` per issue, built once;
  each negotiation is a new ``SAOMechanism(n_steps=100)`` with two default
  ``AspirationNegotiator``s.
- peacetalks: ``negotiation_space`` built once (it enumerates the 1e4 deals); each
  negotiation is ``alternating_offers`` with two Boulware negotiators and a deadline of
  100 rounds (a NegMAS step is one round: each party acts once). "cold" also rebuilds
  the space, so it pays for enumerating and sorting the deals every time.

Each tool runs as many negotiations as fit in ``--seconds`` and reports negotiations per
second, the agreement rate, the mean step of agreement and each party's mean utility. The
time is cut into ``--slices`` turns that alternate between the tools, so that a burst of
load from other work on the machine hits all of them rather than one; the ratio of each
slice is kept too (``ratio_warm_slices``), to show the spread. Results are printed and
written to ``benchmarks/results/protocols.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
NEGMAS_PYTHON = HERE / ".venv-negmas" / "bin" / "python"
RESULTS = HERE / "results" / "protocols.json"
COUNTS = (10, 10, 10, 10)
STEPS = 100


def make_tables(seed: int) -> list[np.ndarray]:
    """Return one (2, n_options) table per issue, utilities summing to at most 1."""
    rng = np.random.default_rng(seed)
    return [rng.random((2, c)) / len(COUNTS) for c in COUNTS]


def _summary(count: int, seconds: float, agreed: list[bool], steps: list[int], utils: Any) -> Any:
    done = [s for s, a in zip(steps, agreed, strict=True) if a]
    return {
        "negotiations": count,
        "seconds": seconds,
        "per_second": count / seconds,
        "agreement_rate": float(np.mean(agreed)),
        "mean_agreement_step": float(np.mean(done)) if done else None,
        "mean_utilities": [float(u) for u in np.mean(np.asarray(utils), axis=0)],
    }


def _merge(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the summary of several slices of one tool, as if run in one go."""
    count = sum(p["negotiations"] for p in parts)
    seconds = sum(p["seconds"] for p in parts)
    agreed = [p["negotiations"] * p["agreement_rate"] for p in parts]
    steps = [a * p["mean_agreement_step"] for a, p in zip(agreed, parts, strict=True) if a]
    utils = np.sum([p["negotiations"] * np.asarray(p["mean_utilities"]) for p in parts], axis=0)
    return {
        **{k: v for k, v in parts[0].items() if k == "version"},
        "negotiations": count,
        "seconds": seconds,
        "per_second": count / seconds,
        "agreement_rate": sum(agreed) / count,
        "mean_agreement_step": sum(steps) / sum(agreed) if sum(agreed) else None,
        "mean_utilities": [float(u) for u in utils / count],
    }


def work_negmas(tables: list[np.ndarray], seconds: float) -> dict[str, Any]:
    """Run NegMAS negotiations for ``seconds``; call only in the NegMAS environment."""
    import negmas
    from negmas import AspirationNegotiator, SAOMechanism, make_issue
    from negmas.preferences import LinearAdditiveUtilityFunction
    from negmas.preferences.value_fun import TableFun

    issues = [make_issue(list(range(t.shape[1])), name=f"i{i}") for i, t in enumerate(tables)]
    ufuns = [
        LinearAdditiveUtilityFunction(
            values=[TableFun({j: float(t[a, j]) for j in range(t.shape[1])}) for t in tables],
            weights=[1.0] * len(tables),
            issues=issues,
            reserved_value=0.0,
        )
        for a in range(2)
    ]
    agreed, steps, utils = [], [], []
    start = time.perf_counter()
    count = 0
    while time.perf_counter() - start < seconds:
        mechanism = SAOMechanism(issues=issues, n_steps=STEPS)
        for a in range(2):
            mechanism.add(AspirationNegotiator(name=f"p{a}"), ufun=ufuns[a])
        state = mechanism.run()
        count += 1
        agreed.append(state.agreement is not None)
        steps.append(int(state.step))
        utils.append(
            [float(u(state.agreement)) if state.agreement is not None else 0.0 for u in ufuns]
        )
    elapsed = time.perf_counter() - start
    return {"version": negmas.__version__, **_summary(count, elapsed, agreed, steps, utils)}


def work_peacetalks(tables: list[np.ndarray], seconds: float, *, cold: bool) -> dict[str, Any]:
    """Run peacetalks negotiations for ``seconds``."""
    from peacetalks import __version__
    from peacetalks.protocols import alternating_offers, make_negotiator, negotiation_space

    space = negotiation_space(tables)
    agreed, steps, utils = [], [], []
    start = time.perf_counter()
    count = 0
    while time.perf_counter() - start < seconds:
        if cold:
            space = negotiation_space(tables)
        negotiators = [make_negotiator("boulware"), make_negotiator("boulware")]
        result = alternating_offers(space, negotiators, rounds=STEPS, rng=count, record=False)
        count += 1
        agreed.append(result.agreement is not None)
        steps.append(result.rounds)
        utils.append(result.utilities)
    elapsed = time.perf_counter() - start
    return {"version": __version__, **_summary(count, elapsed, agreed, steps, utils)}


def main() -> None:
    """Run both tools on the same domain and write the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="time per tool")
    parser.add_argument("--slices", type=int, default=5, help="turns alternating the tools")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--negmas-python", type=Path, default=NEGMAS_PYTHON, help="interpreter with NegMAS"
    )
    parser.add_argument("--worker", choices=["negmas"], help=argparse.SUPPRESS)
    parser.add_argument("--tables", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker == "negmas":
        data = np.load(args.tables)
        tables = [data[f"issue_{i}"] for i in range(len(COUNTS))]
        args.output.write_text(json.dumps(work_negmas(tables, args.seconds)))
        return
    tables = make_tables(args.seed)
    record: dict[str, Any] = {
        "domain": {"option_counts": list(COUNTS), "outcomes": int(np.prod(COUNTS)), "steps": STEPS},
        "seed": args.seed,
        "slices": args.slices,
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
    }
    has_negmas = args.negmas_python.exists()
    if not has_negmas:
        print(f"NegMAS not found at {args.negmas_python}; peacetalks only.", file=sys.stderr)
    share = args.seconds / args.slices
    slices: dict[str, list[dict[str, Any]]] = {"warm": [], "cold": [], "negmas": []}
    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "tables.npz", Path(tmp) / "negmas.json"
        np.savez(source, **{f"issue_{i}": t for i, t in enumerate(tables)})
        python = str(args.negmas_python)
        command = [python, __file__, "--worker", "negmas", "--tables", str(source)]
        command += ["--output", str(target), "--seconds", str(share)]
        for _ in range(args.slices):
            slices["warm"].append(work_peacetalks(tables, share, cold=False))
            slices["cold"].append(work_peacetalks(tables, share, cold=True))
            if has_negmas:
                subprocess.run(command, check=True)
                slices["negmas"].append(json.loads(target.read_text()))
    record["peacetalks_warm"] = _merge(slices["warm"])
    record["peacetalks_cold"] = _merge(slices["cold"])
    if has_negmas:
        record["negmas"] = _merge(slices["negmas"])
        peer = record["negmas"]["per_second"]
        record["ratio_warm"] = record["peacetalks_warm"]["per_second"] / peer
        record["ratio_cold"] = record["peacetalks_cold"]["per_second"] / peer
        record["ratio_warm_slices"] = [
            w["per_second"] / n["per_second"]
            for w, n in zip(slices["warm"], slices["negmas"], strict=True)
        ]
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(record, indent=2) + "\n")
    print(json.dumps(record, indent=2))


if __name__ == "__main__":
    main()

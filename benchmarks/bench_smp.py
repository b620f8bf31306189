"""SMP speed: every shipped KTAB CSV scenario, against KTAB's own times.

The peer is KTAB's ``smpc --csv FILE`` built from source on this kind of machine. There
is no KTAB binary here, so its times are the ones quoted in the issue (about 9 s for
SOE-Policy, 46 s for SOE-Competitive, 13 s for dummyData_6Dim, 50 s for dummyData-a040 and
11 minutes for dummyData-a080) and, for SOE-Pol-Comp and dummyData_3Dim, the elapsed
times printed in KTAB's 2017 reference logs. The ratio is KTAB's quoted time over ours
(best of ``--repeat`` runs). For the two scenarios with reference logs, the script also
checks that every turn's positions equal KTAB's (``same_as_ktab``).

Usage: .venv/bin/python benchmarks/bench_smp.py [--shared ../shared] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import time
from pathlib import Path

import numpy as np

from peacetalks.forecasting.smp import SmpModel
from peacetalks.formats.smp_csv import read_smp_csv

ROOT = Path(__file__).resolve().parents[1]

# seconds; "issue" = quoted in the issue, "log" = the reference log's "Elapsed time"
KTAB_SECONDS = {
    "SOE-Policy": (9.0, "issue"),
    "SOE-Competitive": (46.0, "issue"),
    "dummyData_6Dim": (13.0, "issue"),
    "dummyData-a040": (50.0, "issue"),
    "dummyData-a080": (660.0, "issue"),
}


def _reference(shared: Path, name: str) -> tuple[float | None, list[list[str]] | None]:
    path = shared / "data" / "ktab" / "smp-reference-outputs" / f"20170530_ref-{name}.txt"
    if not path.exists():
        return None, None
    lines = path.read_text().splitlines()
    rows = [lines[k + 1].split() for k, line in enumerate(lines) if re.match(r"postn +\d+ ,", line)]
    elapsed = next(float(line.split()[2]) for line in lines if line.startswith("Elapsed time"))
    return elapsed, rows


def _case(shared: Path, path: Path, repeat: int) -> dict[str, object]:
    name = path.stem
    table = read_smp_csv(path)
    model = SmpModel().fit(table)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        trajectory = model.run()
        times.append(time.perf_counter() - start)
    ours = min(times)
    elapsed, rows = _reference(shared, name)
    ktab, source = KTAB_SECONDS.get(name, (elapsed, "log") if elapsed else (None, None))
    same: bool | None = None
    if rows is not None:
        got = [
            [f"{v:.4f}" for v in row]
            for state in trajectory.states[1:]
            for row in state.positions * 100.0
        ]
        same = got == rows
    row: dict[str, object] = {
        "scenario": path.name,
        "actors": len(table.actor_ids),
        "dimensions": len(table.issue_ids),
        "turns": len(trajectory.steps),
        "seconds": round(ours, 4),
        "ktab_seconds": ktab,
        "ktab_time_from": source,
        "ratio": round(ktab / ours, 1) if ktab else None,
        "same_as_ktab": same,
    }
    ratio = f"x{ktab / ours:,.0f} vs KTAB {ktab:g} s ({source})" if ktab else "no KTAB time"
    print(
        f"{path.name:<36} {len(table.actor_ids):>4} actors {len(table.issue_ids)} dims "
        f"{len(trajectory.steps):>3} turns  {ours:8.3f} s  {ratio}"
        f"{'' if same is None else f'  same as KTAB: {same}'}"
    )
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = args.shared / "data" / "ktab" / "smp"
    rows = [_case(args.shared, path, args.repeat) for path in sorted(folder.glob("*.csv"))]
    out = ROOT / "benchmarks" / "results" / "smp.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    meta = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "machine": platform.machine(),
        "ktab_note": "KTAB not built here: times quoted in the issue or printed in its logs",
    }
    out.write_text(json.dumps({"meta": meta, "cases": rows}, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

"""Make the GENIUS reference fixtures in ``tests/data/genius/`` with NegMAS.

NegMAS is the reference implementation the GENIUS import is checked against, and it is
licensed AGPL: it is never a dependency of peacetalks, and no test imports it or this
script. The tests read only the files this script writes. To remake them::

    python3 -m venv /tmp/negmas-venv
    /tmp/negmas-venv/bin/pip install 'negmas==0.16.*'
    /tmp/negmas-venv/bin/python benchmarks/make_genius_fixtures.py

For each domain below the script draws (with a fixed seed) the issue values, each
party's weights and value tables and its reservation value; builds the NegMAS scenario;
writes it with NegMAS's GENIUS writer (``Scenario.to_genius_files``) into
``tests/data/genius/<name>/``; reads that folder back with NegMAS's GENIUS reader; and
records NegMAS's Pareto front (``pareto_frontier``) and Nash point(s) (``nash_points``)
in ``negmas_reference.json`` beside the XML files.

Two choices make NegMAS's numbers and GENIUS's mean the same thing:

- every value table peaks at exactly 1 (GENIUS divides evaluations by their maximum,
  NegMAS does not; with a maximum of 1 both give the same utilities), and the weights
  sum to 1;
- every reservation value lies above the party's lowest utility (NegMAS measures Nash
  gains from ``max(reservation, lowest utility)``, peacetalks from the reservation), and
  some deal is acceptable to every party.

``pareto_front`` is the front of all deals; ``rational_pareto_front`` is NegMAS's own
``pareto_frontier``, which keeps only deals at or above every reservation value.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import negmas
import numpy as np
from negmas import LinearAdditiveUtilityFunction, make_issue, make_os
from negmas.inout import Scenario, load_genius_domain_from_folder
from negmas.preferences import nash_points, pareto_frontier
from negmas.preferences.value_fun import TableFun

ROOT = Path(__file__).resolve().parents[1]
SEED = 20250212

# name, parties, issues: (issue name, values)
DOMAINS: list[tuple[str, int, list[tuple[str, list[str]]]]] = [
    (
        "fruit",
        2,
        [
            ("Fruit", ["apple", "dark cherry", "pear"]),
            ("Delivery", ["today", "tomorrow"]),
        ],
    ),
    (
        "holiday",
        3,
        [
            ("Destination", ["Lisbon", "Oslo", "Rome", "Tunis"]),
            ("Length", ["weekend", "one week", "two weeks"]),
            ("Lodging", ["camping", "hotel"]),
        ],
    ),
    (
        "merger",
        2,
        [
            ("Head office", ["Paris", "Milan"]),
            ("Chief executive", ["from A", "from B", "outsider"]),
            ("Brand", ["A", "B", "A+B", "new"]),
            ("Job cuts", ["none", "5%", "10%", "15%", "20%"]),
        ],
    ),
    (
        "water-treaty",
        3,
        [
            ("Dam height", ["low", "medium", "high"]),
            ("Water share", ["upstream 40%", "50-50", "upstream 60%", "upstream 70%", "80%"]),
        ],
    ),
]


def value_table(rng: np.random.Generator, n: int) -> list[float]:
    values = np.round(rng.uniform(0.0, 1.0, n), 3)
    values[int(np.argmax(values))] = 1.0
    return [float(v) for v in values]


def weights(rng: np.random.Generator, n: int) -> list[float]:
    raw = np.round(rng.dirichlet(np.ones(n)), 3)
    raw[-1] = round(1.0 - float(raw[:-1].sum()), 3)
    return [float(w) for w in raw]


def make_domain(
    rng: np.random.Generator, name: str, n_parties: int, issues: list[tuple[str, list[str]]]
) -> None:
    folder = ROOT / "tests" / "data" / "genius" / name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.xml"):
        old.unlink()
    negmas_issues = [make_issue(values=values, name=issue) for issue, values in issues]
    space = make_os(negmas_issues, name=f"{name}-domain")
    outcomes = list(space.enumerate())
    ufuns = []
    for p in range(n_parties):
        ws = weights(rng, len(issues))
        tables = [value_table(rng, len(values)) for _, values in issues]
        ufun = LinearAdditiveUtilityFunction(
            values=[
                TableFun(dict(zip(values, table, strict=True)))
                for (_, values), table in zip(issues, tables, strict=True)
            ],
            weights=ws,
            outcome_space=space,
            name=f"party-{chr(ord('a') + p)}",
        )
        ufuns.append(ufun)
    points = np.array([[float(u(o)) for u in ufuns] for o in outcomes])
    low, high = points.min(axis=0), points.max(axis=0)
    for _ in range(1000):
        # Above each lowest utility, in its lower third, rounded up to 3 decimals; drawn
        # again until some deal is acceptable to every party.
        drawn = np.ceil((low + rng.uniform(0, 0.3, len(ufuns)) * (high - low)) * 1000) / 1000
        if np.all(points >= drawn, axis=1).any():
            break
    else:
        raise RuntimeError(f"{name}: no reservation values leave a deal acceptable to all")
    for ufun, reservation in zip(ufuns, drawn, strict=True):
        ufun.reserved_value = float(reservation)
    party_files = [folder / f"{u.name}.xml" for u in ufuns]
    Scenario(outcome_space=space, ufuns=tuple(ufuns)).to_genius_files(
        folder / f"{name}-domain.xml", party_files
    )

    # The reference comes from what NegMAS reads back from the files.
    loaded = load_genius_domain_from_folder(folder)
    if [u.name for u in loaded.ufuns] != [p.stem for p in party_files]:
        raise RuntimeError(f"{name}: NegMAS read the parties in another order")
    loaded_issues = loaded.outcome_space.issues
    all_outcomes = list(loaded.outcome_space.enumerate())
    reservations = [float(u.reserved_value) for u in loaded.ufuns]
    # NegMAS's front keeps only the deals above every reservation value; the full front
    # is its front with the reservation values set to -inf.
    front, indices = pareto_frontier(loaded.ufuns, issues=loaded_issues, sort_by_welfare=True)
    nash = nash_points(loaded.ufuns, front, outcome_space=loaded.outcome_space)
    for ufun in loaded.ufuns:
        ufun.reserved_value = float("-inf")
    full_front, full_indices = pareto_frontier(loaded.ufuns, issues=loaded_issues)
    for ufun, reservation in zip(loaded.ufuns, reservations, strict=True):
        ufun.reserved_value = reservation
    for utilities, _ in nash:
        if any(u < r for u, r in zip(utilities, reservations, strict=True)):
            raise RuntimeError(f"{name}: a Nash point lies below a reservation value")
    reference: dict[str, Any] = {
        "about": (
            "Made by benchmarks/make_genius_fixtures.py with NegMAS's GENIUS writer and "
            "reader; the Pareto front and Nash points are NegMAS's."
        ),
        "negmas_version": negmas.__version__,
        "seed": SEED,
        "domain_file": f"{name}-domain.xml",
        "party_files": [p.name for p in party_files],
        "issues": [{"name": i.name, "values": [str(v) for v in i.all]} for i in loaded_issues],
        "reservations": reservations,
        "pareto_front": {
            "utilities": [[float(u) for u in point] for point in full_front],
            "outcomes": [[str(v) for v in all_outcomes[k]] for k in full_indices],
        },
        "rational_pareto_front": {
            "utilities": [[float(u) for u in point] for point in front],
            "outcomes": [[str(v) for v in all_outcomes[k]] for k in indices],
        },
        "nash_points": [
            {
                "utilities": [float(u) for u in point],
                "outcome": [str(v) for v in all_outcomes[indices[k]]],
            }
            for point, k in nash
        ],
    }
    text = json.dumps(reference, indent=1) + "\n"
    (folder / "negmas_reference.json").write_text(text, encoding="utf-8")
    print(
        f"{name}: {len(all_outcomes)} deals, front {len(full_front)}, "
        f"rational front {len(front)}, Nash points {len(nash)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    rng = np.random.default_rng(SEED)
    for name, n_parties, issues in DOMAINS:
        make_domain(rng, name, n_parties, issues)


if __name__ == "__main__":
    main()

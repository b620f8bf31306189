"""A valid scenario far too large for exact Pareto fronts, for the tests of bounded work."""

from __future__ import annotations

import numpy as np


def big_scenario(n_issues: int = 200, n_options: int = 50, n_actors: int = 3) -> str:
    """Return a valid scenario far too large for the exact fronts (random ideals, seed 1)."""
    rng = np.random.default_rng(1)
    lines = [
        "id: big",
        "title: A very large negotiation",
        "as_of: 2025-01-01",
        "sources:",
        "  - {id: s, author: a, title: t, date: 2025-01-01, address: x, kind: analysis}",
        "actors:",
    ]
    lines += [
        f"  - {{id: a{a}, name: A{a}, capability: 1, veto: true, source: s}}"
        for a in range(n_actors)
    ]
    lines.append("issues:")
    for i in range(n_issues):
        lines += [f"  - id: i{i}", f"    name: I{i}", "    scale: {low: l, high: h}"]
        lines.append("    options:")
        lines += [
            f"      - {{id: o{o}, label: O{o}, position: {o * 100 / (n_options - 1):.4f}}}"
            for o in range(n_options)
        ]
    lines.append("positions:")
    for a in range(n_actors):
        for i in range(n_issues):
            lines.append(
                f"  - {{actor: a{a}, issue: i{i}, ideal: {rng.uniform(0, 100):.2f}, "
                f"salience: {rng.uniform(0.05, 1):.3f}, source: s}}"
            )
    return "\n".join(lines) + "\n"

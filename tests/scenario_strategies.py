"""Hypothesis strategies that build random valid scenarios as plain data."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

__all__ = ["scenario_data"]

_unit = st.floats(0, 1, allow_nan=False, allow_infinity=False)
_scale = st.floats(0, 100, allow_nan=False, allow_infinity=False)


@st.composite
def scenario_data(draw: st.DrawFn, *, max_actors: int = 4, max_issues: int = 4) -> dict[str, Any]:
    """Draw a valid scenario in the YAML structure, with positions, red lines and proposals."""
    n_actors = draw(st.integers(1, max_actors))
    n_issues = draw(st.integers(1, max_issues))
    issues = []
    for i in range(n_issues):
        n_options = draw(st.integers(1, 4))
        issue: dict[str, Any] = {
            "id": f"issue-{i}",
            "name": f"Issue {i}",
            "scale": {"low": "none", "high": "all"},
            "options": [
                {"id": f"o{j}", "label": f"Option {j}", "position": draw(_scale)}
                for j in range(n_options)
            ],
        }
        if draw(st.booleans()):
            issue["default"] = f"o{draw(st.integers(0, n_options - 1))}"
        issues.append(issue)
    actors = [
        {
            "id": f"a{k}",
            "name": f"Actor {k}",
            "capability": draw(st.floats(0.01, 100)),
            "veto": draw(st.booleans()),
            "reservation": draw(_unit),
            "judgement": True,
            "note": "random",
        }
        for k in range(n_actors)
    ]
    positions = []
    for k in range(n_actors):
        chosen = draw(st.sets(st.integers(0, n_issues - 1), min_size=1))
        salient = draw(st.sampled_from(sorted(chosen)))
        for i in sorted(chosen):
            options = [o["id"] for o in issues[i]["options"]]
            position: dict[str, Any] = {
                "actor": f"a{k}",
                "issue": f"issue-{i}",
                "ideal": draw(_scale),
                "salience": draw(st.floats(0.01, 1)) if i == salient else draw(_unit),
                "curve": draw(st.sampled_from(["linear", "quadratic"])),
                "source": "s",
            }
            if len(options) > 1:
                position["red_lines"] = draw(
                    st.lists(st.sampled_from(options), unique=True, max_size=len(options) - 1)
                )
            if draw(st.booleans()):
                position["utilities"] = {o: draw(_unit) for o in options}
            positions.append(position)
    proposals = []
    for p in range(draw(st.integers(0, 3))):
        deal = {}
        for issue in issues:
            if "default" not in issue or draw(st.booleans()):
                deal[issue["id"]] = draw(st.sampled_from([o["id"] for o in issue["options"]]))
        proposals.append({"id": f"p{p}", "title": f"Proposal {p}", "source": "s", "deal": deal})
    return {
        "id": "random",
        "title": "Random scenario",
        "as_of": "2025-01-01",
        "sources": [
            {
                "id": "s",
                "author": "A",
                "title": "T",
                "date": "2025",
                "address": "x",
                "kind": "analysis",
            }
        ],
        "actors": actors,
        "issues": issues,
        "positions": positions,
        "proposals": proposals,
    }

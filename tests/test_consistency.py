"""Cross-checks: every face gives the same verdicts, and modules agree with each other.

The CLI, the API's analyses, the report and the deal builder (checked in Chromium in
tests/web/browser/test_pages.py) must give the same verdict, chance of passing and
defaults for the same inputs; ``stress`` must use the verdicts of ``evaluate`` and
``ratify``; a headlined amendment must not be dominated.
"""

from __future__ import annotations

import itertools
import json
import re
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from typer.testing import CliRunner

from peacetalks.briefing.deals import amendment_data
from peacetalks.briefing.robustness import ACCEPTANCE_RUNS, ACCEPTANCE_SEED
from peacetalks.cli import app
from peacetalks.report.briefing import build_briefing
from peacetalks.scenario.compile import compile_scenario
from peacetalks.scenario.load import load_scenario
from peacetalks.web.runners import parameters_model, run_analysis

SCENARIO = "ukraine-2025"
runner = CliRunner()


def _json(args: list[str]) -> Any:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _no_progress(done: int, total: int) -> None:
    """Ignore progress reports."""


def _api(kind: str, **parameters: Any) -> dict[str, Any]:
    """Return what the API's analysis job computes, with the API's defaults."""
    dumped = parameters_model(kind).model_validate(parameters).model_dump()
    return run_analysis(kind, load_scenario(SCENARIO), dumped, _no_progress)


@cache
def _analyze() -> dict[str, Any]:
    data: dict[str, Any] = _json(["analyze", SCENARIO, "--json"])
    return data


@cache
def _report_proposals() -> dict[str, dict[str, str]]:
    html = build_briefing(load_scenario(SCENARIO)).html
    found = re.findall(
        r'data-proposal="([^"]+)" data-passes="([^"]+)" data-p-pass="([^"]+)" '
        r'data-blockers="([^"]*)"',
        html,
    )
    return {
        pid: {"passes": passes, "p_pass": p_pass, "blockers": blockers}
        for pid, passes, p_pass, blockers in found
    }


def test_defaults_are_the_same_in_every_face() -> None:
    """Check that analyze, the API and the report state the same acceptance draws."""
    assert _analyze()["monte_carlo"] == {
        "runs": ACCEPTANCE_RUNS,
        "seed": ACCEPTANCE_SEED,
        "distribution": "triangular",
    }
    defaults = parameters_model("evaluate").model_validate({"proposal": "x"})
    assert (defaults.runs, defaults.seed) == (ACCEPTANCE_RUNS, ACCEPTANCE_SEED)  # type: ignore[attr-defined]
    stress = parameters_model("stress").model_validate({"agreement": "x"})
    assert stress.seed == ACCEPTANCE_SEED  # type: ignore[attr-defined]


@pytest.mark.parametrize("proposal", [p.id for p in load_scenario(SCENARIO).proposals])
def test_analyze_evaluate_api_and_report_agree(proposal: str) -> None:
    """Check that every face gives a proposal the same verdict, blockers and p_pass."""
    evaluated = _json(["evaluate", SCENARIO, "--proposal", proposal, "--json"])
    api = _api("evaluate", proposal=proposal)
    assert api == evaluated
    briefed = next(p for p in _analyze()["proposals"] if p["id"] == proposal)
    for key in ("deal", "passes", "blockers", "p_pass", "fragile", "deciding", "actors", "imputed"):
        assert briefed[key] == evaluated[key], key
    reported = _report_proposals()[proposal]
    assert reported["passes"] == ("true" if evaluated["passes"] else "false")
    assert reported["blockers"].split() == evaluated["blockers"]
    assert float(reported["p_pass"]) == evaluated["p_pass"]


@pytest.mark.parametrize("proposal", ["us-28-point", "framework-2025-12", "korybko-2025"])
def test_ratify_everywhere_is_the_same(proposal: str) -> None:
    """Check that ratify, the API's ratify and analyze's ratification are one answer."""
    cli = _json(["ratify", SCENARIO, "--proposal", proposal, "--json"])
    assert _api("ratify", proposal=proposal) == cli
    briefed = next(p for p in _analyze()["proposals"] if p["id"] == proposal)["ratification"]
    assert briefed == cli


@pytest.mark.parametrize("agreement", ["monitored-phased-relief", "oil-first-un-peacekeepers"])
def test_stress_uses_evaluate_and_ratify(agreement: str) -> None:
    """Check that stress's signature is evaluate's and ratify's verdict on the same deal."""
    scenario = load_scenario(SCENARIO)
    design = next(a for a in scenario.agreements if a.id == agreement)
    assert design.proposal is not None
    stress = _json(["stress", SCENARIO, "-a", agreement, "--runs", "400", "--json"])
    sign = stress["signature"]
    evaluated = _json(["evaluate", SCENARIO, "-p", design.proposal, "--runs", "400", "--json"])
    ratified = _json(["ratify", SCENARIO, "-p", design.proposal, "--runs", "400", "--json"])
    assert sign["passes"] == evaluated["passes"]
    assert sign["blockers"] == evaluated["blockers"]
    assert sign["p_pass"] == evaluated["p_pass"]
    assert sign["ratified"] == ratified["passes"]
    assert sign["failing_bodies"] == ratified["blocked_by"]
    # Signing needs both: never likelier than either alone.
    assert stress["p_sign"] <= min(evaluated["p_pass"], ratified["p_pass"]) + 1e-12
    assert _api("stress", agreement=agreement, runs=400)["signature"] == sign


def _dominates(a: np.ndarray, b: np.ndarray) -> bool:
    return bool((a >= b - 1e-12).all() and (a > b + 1e-12).any())


@pytest.mark.parametrize("proposal", [p.id for p in load_scenario(SCENARIO).proposals])
def test_headline_amendment_is_not_dominated(proposal: str) -> None:
    """Check by brute force that no amendment with as few changes beats the headline."""
    scenario = load_scenario(SCENARIO)
    compiled = compile_scenario(scenario)
    data = amendment_data(scenario, compiled, proposal, runs=100)
    if not data["possible"] or data["n_changes"] == 0:
        return
    k = data["n_changes"]
    tables = compiled.tables()
    base, _ = compiled.deal_indices(scenario.proposal(proposal).deal)
    headline = np.array(data["amendments"][0]["utilities"])
    veto = compiled.veto
    usable: list[npt.NDArray[np.bool_]] = [
        np.asarray(m[veto].all(axis=0)) for m in compiled.admissible()
    ]
    base_utils: npt.NDArray[np.float64] = np.sum(
        [t[:, base[i]] for i, t in enumerate(tables)], axis=0
    )
    checked = 0
    forced = {i for i in range(compiled.n_issues) if not usable[i][base[i]]}
    for issues in itertools.combinations(range(compiled.n_issues), k):
        if not forced <= set(issues):
            continue  # the deal would still cross a veto holder's red line
        choices = [
            np.flatnonzero(usable[i] & (np.arange(compiled.option_counts[i]) != base[i]))
            for i in issues
        ]
        if any(c.size == 0 for c in choices):
            continue
        grid = np.stack([g.ravel() for g in np.meshgrid(*choices, indexing="ij")], axis=1)
        utils = np.repeat(base_utils[:, None], len(grid), axis=1)
        for column, i in enumerate(issues):
            utils += tables[i][:, grid[:, column]] - tables[i][:, [base[i]]]
        passes = (utils[veto] >= compiled.reservations[veto, None] - 1e-12).all(axis=0)
        checked += int(passes.sum())
        for column in np.flatnonzero(passes).tolist():
            assert not _dominates(utils[:, column], headline), (issues, grid[column])
    assert checked == data["found"]

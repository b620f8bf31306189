"""A scenario too large for exact fronts: clean refusals and sampled answers (issue 18)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from peacetalks.cli import app
from tests.big_scenario import big_scenario

runner = CliRunner()


def test_analyze_refuses_in_the_command_lines_words(tmp_path: Path) -> None:
    """Check analyze stops early with advice a command-line user can follow."""
    path = tmp_path / "big.yaml"
    path.write_text(big_scenario(), encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(path)])
    assert result.exit_code == 1
    message = " ".join(result.stderr.split())
    assert message.startswith(
        "error: the deal space is too large for its exact Pareto front, which would grow to about "
    )
    assert "'peacetalks deals SCENARIO --pareto' lists a front found from a random sample" in (
        message
    )
    assert "max_points" not in message
    assert "Traceback" not in result.output


def test_deals_pareto_falls_back_to_a_sampled_front(tmp_path: Path) -> None:
    """Check --pareto answers with a sampled front, marked and explained."""
    path = tmp_path / "big.yaml"
    path.write_text(big_scenario(), encoding="utf-8")
    result = runner.invoke(app, ["deals", str(path), "--pareto", "--limit", "5", "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)["pareto_info"]
    assert info["exact"] is False
    assert "not the exact front" in info["reason"]
    assert len(json.loads(result.stdout)["pareto"]) == 5

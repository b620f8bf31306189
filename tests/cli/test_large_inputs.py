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


def _ktab_table(path: Path, name: str, title: str, n_actors: int, n_dims: int) -> Path:
    """Write a KTAB SMP table of ``n_actors`` x ``n_dims`` (positions spread, saliences 1)."""
    header = ",".join(f"P{d},S{d}" for d in range(n_dims))
    cells = ",".join(f"{(7 * d) % 100},1" for d in range(n_dims))
    rows = [f"a{k},Actor {k},{1 + k % 50},{cells}," for k in range(n_actors)]
    lines = [f"{name},{title},{n_actors},{n_dims},", f"Actor,Description,Influence,{header},"]
    path.write_text("\n".join([*lines, *rows]) + "\n", encoding="utf-8")
    return path


def test_smp_refuses_a_table_past_its_limit(tmp_path: Path) -> None:
    """Check the SMP stops at once past its work limit, naming it and other models."""
    path = _ktab_table(tmp_path / "many.csv", "Many", "Many actors", 201, 50)
    result = runner.invoke(app, ["forecast", str(path), "--model", "smp"])
    assert result.exit_code == 1, result.output
    assert " ".join(result.stderr.split()) == (
        "error: SmpModel's work grows with the cube of the actors times the dimensions, and "
        "it runs up to 4.0e+08 (200 actors x 50 dimensions, about a minute and 1 GB); Many "
        "has 201 actors x 50 dimensions (4.1e+08). Merge minor actors, split the dimensions, "
        "or use another model (--model compromise)."
    )
    # The same file runs with a model that scales.
    assert runner.invoke(app, ["forecast", str(path), "--model", "compromise"]).exit_code == 0


def test_bdm_refuses_a_table_past_its_limit(tmp_path: Path) -> None:
    """Check the expected-utility models stop at once past their work limit."""
    path = _ktab_table(tmp_path / "wide.csv", "Wide", "Many issues", 120, 100)
    for model in ("bdm", "bdm-scholz"):
        result = runner.invoke(app, ["forecast", str(path), "--model", model])
        assert result.exit_code == 1, result.output
        assert " ".join(result.stderr.split()) == (
            f"error: The {model} model's work grows with the cube of the actors times the "
            "issues and rounds, and it runs up to 1.3e+09 per run (200 actors x 20 issues x 8 "
            "rounds, about a minute); Wide has 120 actors x 100 issues x 8 rounds (1.4e+09). "
            "Merge minor actors, split the issues into several tables, use fewer rounds, or "
            "use another model (--model compromise)."
        )

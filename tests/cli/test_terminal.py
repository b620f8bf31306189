"""The command line as a terminal, a pipe or a file meets it; messages that say what to do."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from peacetalks.cli import app

runner = CliRunner()


def _piped(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "COLUMNS"} | env
    return subprocess.run(
        [sys.executable, "-c", "from peacetalks.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
        timeout=120,
    )


def test_piped_tables_keep_their_width() -> None:
    """Check that redirected output neither folds tables at 80 columns nor cuts ids."""
    result = _piped(["compare", "ukraine-2025", "roberts-2025", "korybko-2025", "us-28-point"])
    assert result.returncode == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if line.startswith("territory "))
    assert "donbas-by-advance-capitals-ukrainian" in row
    assert "donbas-withdrawal-south-frozen" in row
    assert len(row) > 80
    # COLUMNS still chooses the width.
    narrow = _piped(
        ["compare", "ukraine-2025", "roberts-2025", "korybko-2025", "us-28-point"], COLUMNS="60"
    )
    assert max(len(line) for line in narrow.stdout.splitlines()[1:12]) <= 60


def test_tab_in_yaml_says_what_to_do(tmp_path: Path) -> None:
    """Check a tab used for indentation gets a message naming the line and the fix."""
    path = tmp_path / "tabs.yaml"
    path.write_text("id: x\ntitle: y\nactors:\n\t- id: a\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    message = " ".join(result.stderr.split())
    assert f"{path}, line 4: the file is not valid YAML: a tab character where YAML allows" in (
        message
    )
    assert "Replace the tabs on this line with spaces." in message


def test_deal_file_problems_name_the_file_and_line(tmp_path: Path) -> None:
    """Check unknown ids in a deal file are reported with the file, line and key."""
    path = tmp_path / "deal.yaml"
    path.write_text("deal:\n  territory: nope\n  foo: bar\n", encoding="utf-8")
    for command in (["evaluate", "ukraine-2025"], ["territory", "ukraine-2025"]):
        result = runner.invoke(app, [*command, "--deal", str(path)])
        assert result.exit_code == 1, result.output
        message = " ".join(result.stderr.split())
        assert f"{path}, line 2, deal.territory: unknown option 'nope' of issue 'territory'." in (
            message
        )
        assert f"{path}, line 3, deal.foo: unknown issue 'foo'." in message
        assert "Traceback" not in result.output


def test_usage_errors_look_like_every_other_error() -> None:
    """Check a mistake on the command line: 'error: ...', the usage, where help is, status 2."""
    result = runner.invoke(app, ["evaluate", "ukraine-2025", "--bogus"])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith("error: No such option: --bogus")
    assert lines[1].strip() == "Usage: peacetalks evaluate [OPTIONS] {scenario}"
    assert lines[2].strip() == "Try 'peacetalks evaluate --help' for help."
    unknown = runner.invoke(app, ["nosuch"])
    assert unknown.exit_code == 2
    assert unknown.stderr.startswith("error: No such command 'nosuch'.")
    # A peacetalks error has the same first word, status 1.
    missing = runner.invoke(app, ["evaluate", "no-such-scenario", "-p", "x"])
    assert missing.exit_code == 1
    assert missing.stderr.startswith("error: no scenario 'no-such-scenario'")
    # The bare command still shows the help.
    bare = _piped([])
    assert bare.returncode == 2
    assert "[OPTIONS] COMMAND [ARGS]..." in bare.stderr
    assert "Commands:" in bare.stderr


def test_show_gives_each_positions_reason() -> None:
    """Check show prints each position's ranges, source (author, title, date, address) and note."""
    from peacetalks.scenario import load_scenario

    model = load_scenario("ukraine-2025")
    result = _piped(["show", "ukraine-2025"])
    assert result.returncode == 0, result.stderr
    text = result.stdout
    position = next(p for p in model.positions if p.actor == "russia" and p.issue == "territory")
    source = next(s for s in model.sources if s.id == position.source)
    assert position.uncertainty is not None
    assert position.uncertainty.position is not None
    low, high = position.uncertainty.position
    assert f"  russia: ideal {position.ideal:g} (range {low:g}-{high:g})" in text
    assert f'    source: {source.id}: {source.author}, "{source.title}", {source.date}' in text
    assert source.address in text
    assert position.note is not None
    assert f"    why: {' '.join(position.note.split())}" in text
    judged = [p for p in model.positions if p.judgement]
    assert judged
    assert text.count("[judgement]") == len(judged)


def test_markup_and_escape_sequences_in_a_scenario_print_as_text(tmp_path: Path) -> None:
    """Check a title with Rich markup and an escape sequence: printed literally, no crash."""
    small = Path(__file__).resolve().parents[1] / "data" / "small.yaml"
    lines = small.read_text(encoding="utf-8").split("\n")
    at = next(k for k, line in enumerate(lines) if line.startswith("title:"))
    lines[at] = 'title: "[bold]x[/nonsense] \\e[31mRED\\e[0m"'
    path = tmp_path / "markup.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    for command in ("show", "analyze"):
        result = _piped([command, str(path)])
        assert result.returncode == 0, result.stderr
        assert "\x1b" not in result.stdout
        assert "[bold]x[/nonsense] \\x1b[31mRED\\x1b[0m" in result.stdout.splitlines()[0]

"""Malformed inputs that once crashed a command: each gets exit 1 and one plain message.

Table-driven (issue 18): every case writes a file from the shipped test data with one
defect, runs the command as a user does, and checks the status, the exact message and
that no traceback reaches the user.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peacetalks.cli import app

runner = CliRunner()
DATA = Path(__file__).resolve().parents[1] / "data"
AGREEMENT = ["track", "ukraine-2025", "--agreement", "monitored-phased-relief", "--events"]
TOO_LARGE = (
    "capability 1e+308 is above 1e+09, where sums over the actors stop being exact. Scale "
    "the capabilities down: only their ratios matter."
)
ENCODING = (
    "the file declares a character encoding Python does not know (unknown encoding: "
    'bogus-enc). Save it as UTF-8 and declare encoding="UTF-8" (or leave the declaration out).'
)


def _edit(source: str, old: str, new: str, name: str) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        text = (DATA / source).read_text(encoding="utf-8-sig")
        assert old in text, f"{old!r} not in {source}"
        path = folder / name
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return path

    return write


def _text(text: str, name: str) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        path = folder / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


# (case, file maker, command before the file, after it, message on stderr)
CASES = [
    (
        "genius-unknown-encoding",
        _edit(
            "genius/fruit/fruit-domain.xml",
            "<negotiation_template>",
            '<?xml version="1.0" encoding="bogus-enc"?>\n<negotiation_template>',
            "domain.xml",
        ),
        ["deals"],
        ["--json"],
        f"error: domain.xml, line 1: {ENCODING}",
    ),
    (
        "genius-too-many-elements",
        _edit(
            "genius/fruit/fruit-domain.xml",
            "<negotiation_template>",
            "<negotiation_template>" + "<x/>" * 250_000,
            "domain.xml",
        ),
        ["deals"],
        ["--json"],
        "error: domain.xml, line 1: the file has more than 200,000 XML elements; GENIUS "
        "domains and KTAB scenarios have a few thousand. Check that this is the right file.",
    ),
    (
        "smp-xml-unknown-encoding",
        _edit("ktab/smp/smpExample.xml", 'encoding="UTF-8"', 'encoding="bogus-enc"', "smp.xml"),
        ["forecast"],
        ["--model", "smp", "--json"],
        f"error: smp.xml, line 1: {ENCODING}",
    ),
    (
        "scenario-capability-1e308",
        _edit("small.yaml", "capability: 2\n", "capability: 1.0e+308\n", "small.yaml"),
        ["evaluate"],
        ["--proposal", "trade-only", "--json"],
        "actors[0].capability: capability 1e+308 is outside (0, 1e9]. Give a positive "
        "relative clout (only ratios matter: 0-100 is usual).",
    ),
    (
        "ktab-csv-capability-1e308",
        _edit(
            "ktab/smp/SOE-Competitive.csv", "XJ,Xi Jinping,100,", "XJ,Xi Jinping,1e308,", "k.csv"
        ),
        ["forecast"],
        ["--model", "smp", "--json"],
        f"error: k.csv, line 3, column 3 (Influence): {TOO_LARGE}",
    ),
    (
        "bdm-csv-capability-1e308",
        _edit("bdm/Sultan_BDM1997_jmckib.csv", "HAWKS,0.65,", "HAWKS,1e308,", "b.csv"),
        ["forecast"],
        ["--model", "bdm-scholz", "--json"],
        f"error: b.csv, line 2, column 2 (Capability): {TOO_LARGE}",
    ),
    (
        "acled-nan-fatalities",
        _text(
            "event_date,event_type,sub_event_type,actor1,actor2,admin1,fatalities\n"
            "2026-01-10,Battles,Armed clash,Military Forces of Russia,"
            "Military Forces of Ukraine,Donetsk,nan\n",
            "acled.csv",
        ),
        AGREEMENT,
        ["--format", "acled", "--json"],
        "line 2, fatalities: expected a whole number from 0 to 1,000,000,000, got 'nan'.",
    ),
    (
        "events-csv-count-2-63",
        _text(
            "date,provision,party,kind,level,count\n"
            "2026-01-10,mpr-ceasefire-russia,russia,violation,,9223372036854775808\n",
            "events.csv",
        ),
        AGREEMENT,
        ["--json"],
        "line 2, count: expected a whole number from 0 to 1,000,000,000, got "
        "'9223372036854775808'.",
    ),
    (
        "events-yaml-count-2-63",
        _text(
            "events:\n  - {date: 2026-01-10, provision: mpr-ceasefire-russia, party: russia,"
            " kind: violation, count: 9223372036854775808, source: monitors}\n",
            "events.yaml",
        ),
        AGREEMENT,
        ["--json"],
        "line 2, events[0].count: count 9223372036854775808 is outside [0, 1e9]. Give how "
        "many times it happened.",
    ),
]


@pytest.mark.parametrize(
    ("make", "before", "after", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_malformed_input_gets_one_clear_message(
    tmp_path: Path,
    make: Callable[[Path], Path],
    before: list[str],
    after: list[str],
    message: str,
) -> None:
    """Check status 1, the message on stderr, nothing on stdout and no traceback."""
    path = make(tmp_path)
    result = runner.invoke(app, [*before, str(path), *after])
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert message in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)

"""peacetalks lint: each kind of problem in a file made for it, with its exact message."""

from __future__ import annotations

from pathlib import Path

import pytest

from peacetalks.errors import NotFoundError
from peacetalks.scenario.lint import CODES, LintProblem, lint, lint_texts
from peacetalks.scenario.load import builtin_series
from tests.conftest import DATA

LINT = DATA / "lint"
CLEAN = (LINT / "clean.yaml").read_text(encoding="utf-8")


def _lint_file(name: str) -> list[LintProblem]:
    """Lint one test file; a ``series-*`` file is linted after clean.yaml, its predecessor."""
    text = (LINT / name).read_text(encoding="utf-8")
    before = [("clean.yaml", CLEAN)] if name.startswith("series-") else []
    return lint_texts([*before, (name, text)])


# (file, line, field, code, severity, message): the one problem each file is made for.
CASES = [
    (
        "term-missing.yaml",
        53,
        "proposals[0].deal.border",
        "term-missing",
        "error",
        "proposal 'plan' takes 'half' on 'border', but its terms do not say whether its "
        "source (analyst) states it. Add 'terms: {border: {basis: stated, text: ...}}' with "
        "the source's words, or basis: imputed with a reason.",
    ),
    (
        "term-other-source.yaml",
        55,
        "proposals[0].terms.border.source",
        "term-other-source",
        "warning",
        "proposal 'plan' marks 'half' on 'border' as stated, but cites 'north-memo' for it, "
        "not the proposal's source (analyst). Expected a stated term to be in the proposal's "
        "own source. Mark it basis: imputed with a reason that names 'north-memo', or quote "
        "the proposal's source.",
    ),
    (
        "source-after-as-of.yaml",
        17,
        "sources[1].date",
        "source-after-as-of",
        "error",
        "source 'south-memo' is dated 2025-06-02, after the scenario's as_of (2025-06-01). "
        "Expected a source from on or before that date. Move as_of, or cite what was known "
        "by then.",
    ),
    (
        "source-month-after-as-of.yaml",
        10,
        "sources[0].date",
        "source-after-as-of",
        "error",
        "source 'north-memo' is dated 2025-07, after the scenario's as_of (2025-06-01). "
        "Expected a source from on or before that date. Move as_of, or cite what was known "
        "by then.",
    ),
    (
        "analysis-as-stated.yaml",
        40,
        "positions[0].source",
        "analysis-as-stated",
        "error",
        "the position of 'north' on 'border' cites 'analyst', an analyst's source (An "
        "Analyst), as if it stated the party's position. Expected the party's own or a "
        "reported source. Cite one, or mark the position judgement: true with a note that "
        "says it rests on the analysis.",
    ),
    (
        "analysis-as-stated-salience.yaml",
        40,
        "positions[0].salience_source",
        "analysis-as-stated",
        "error",
        "the position of 'north' on 'border' cites 'analyst', an analyst's source (An "
        "Analyst), as if it stated the party's position. Expected the party's own or a "
        "reported source. Cite one, or mark the position judgement: true with a note that "
        "says it rests on the analysis.",
    ),
    (
        "other-actor-source.yaml",
        40,
        "positions[0].source",
        "other-actor-source",
        "warning",
        "the position of 'north' on 'border' cites 'south-memo', which is the account of "
        "'south'. Expected a source of 'north' itself, or a report of its position. Cite one, "
        "or say in the note whose account it is and mark the position judgement: true.",
    ),
    (
        "proposal-analysis-as-stated.yaml",
        52,
        "proposals[0].source",
        "analysis-as-stated",
        "error",
        "proposal 'plan' is the proposal of north (authors) but cites 'analyst', an "
        "analyst's source (An Analyst). Expected the party's own or a reported source for a "
        "party's proposal. Cite one, or drop 'authors' (an analyst's proposal has none).",
    ),
    (
        "proposal-other-actor-source.yaml",
        52,
        "proposals[0].source",
        "other-actor-source",
        "warning",
        "proposal 'plan' is the proposal of north (authors) but cites 'south-memo', which is "
        "the account of 'south'. Expected a source of the authors themselves, or a report of "
        "their proposal. Cite one, or say in the note whose account it is.",
    ),
    (
        "utilities-best-not-nearest.yaml",
        47,
        "positions[1].utilities",
        "utilities-contradict-ideal",
        "error",
        "the utilities of 'south' on 'border' rank 'half' first (1.00), but its ideal (0) is "
        "nearest to 'status-quo' (0.20). Expected the option nearest the ideal to score "
        "highest. Move the ideal or correct the utilities.",
    ),
    (
        "utilities-rise.yaml",
        46,
        "positions[1].utilities",
        "utilities-contradict-ideal",
        "error",
        "the utilities of 'south' on 'border' rise away from its ideal (0): 'all' at 100 "
        "scores 0.60, above 'half' at 50 (0.20), which is nearer. Expected utilities that "
        "fall with distance from the ideal on each side of it. Move the ideal or correct the "
        "utilities.",
    ),
    (
        "redline-unsourced.yaml",
        45,
        "positions[1].red_lines",
        "redline-unsourced",
        "error",
        "the position of 'south' on 'border' has red lines (all) but names no source. A red "
        "line needs the actor's own statement. Add 'source: <source id>', or remove the red "
        "lines.",
    ),
    (
        "redline-judgement.yaml",
        45,
        "positions[1].red_lines",
        "redline-judgement",
        "warning",
        "the position of 'south' on 'border' has red lines (all) but is marked judgement: "
        "true, so its source does not state them as the actor's refusal. Expected red lines "
        "from the actor's own statement. Cite that statement and drop judgement, or say in "
        "the note why these options are red lines.",
    ),
    (
        "stated-source-no-actor.yaml",
        7,
        "sources[0]",
        "stated-source-no-actor",
        "warning",
        "source 'north-memo' is marked stated (by the party itself) but names no actor. Add "
        "'actor: <actor id>' (whose statement it is), or mark it reported or analysis.",
    ),
    (
        "judgement-no-note.yaml",
        47,
        "positions[1].utilities",
        "judgement-no-note",
        "warning",
        "the position of 'south' on 'border' gives utilities per option, which are the "
        "modeller's numbers (a source states a position, not its utilities), but no note. "
        "Add a 'note' that says how they were set, or drop them and let the ideal and curve "
        "decide.",
    ),
    (
        "judgement-without-note-invalid.yaml",
        40,
        "positions[0].note",
        "invalid",
        "error",
        "this position is marked 'judgement: true' but has no 'note'. Add the reasoning.",
    ),
    (
        "invalid.yaml",
        40,
        "positions[0].salience",
        "invalid",
        "error",
        "salience 7 is outside [0, 1]. Use a weight between 0 and 1.",
    ),
    (
        "series-option-changed.yaml",
        37,
        "issues[0].options[1]",
        "option-changed",
        "error",
        "option 'half' of 'border' is 'Most to North' at 75 in series-option-changed.yaml "
        "but 'Split' at 50 in clean.yaml. Expected the same meaning under the same id across "
        "the series. Give the changed option a new id, or use one label and position in "
        "every file.",
    ),
]


@pytest.mark.parametrize(
    ("name", "line", "field", "code", "severity", "message"), CASES, ids=[c[0] for c in CASES]
)
def test_each_kind_is_found_in_its_file(
    name: str, line: int, field: str, code: str, severity: str, message: str
) -> None:
    """Check the one problem of each test file: file, line, field, code, severity, words."""
    assert _lint_file(name) == [LintProblem(name, line, field, code, severity, message)]  # type: ignore[arg-type]
    assert CODES[code][0] == severity


def test_every_code_has_a_file_made_for_it() -> None:
    """Check that the table and the series test between them find every code."""
    found = {case[3] for case in CASES} | {p.code for p in _lint_file("series-renamed.yaml")}
    assert found == set(CODES)
    names = {case[0] for case in CASES} | {"clean.yaml", "series-renamed.yaml", "series-same.yaml"}
    assert names == {path.name for path in LINT.glob("*.yaml")}


def test_a_clean_file_and_a_faithful_snapshot_have_nothing() -> None:
    """Check that the base file, and a later snapshot that keeps every id's meaning, pass."""
    assert _lint_file("clean.yaml") == []
    assert _lint_file("series-same.yaml") == []


def test_a_renamed_issue_actor_and_scale_are_warnings() -> None:
    """Check the issue-renamed warnings: the issue's name, its scale and an actor's name."""
    problems = _lint_file("series-renamed.yaml")
    name = "series-renamed.yaml"
    assert [(p.file, p.line, p.field, p.code, p.severity) for p in problems] == [
        (name, 32, "issues[0].name", "issue-renamed", "warning"),
        (name, 33, "issues[0].scale", "issue-renamed", "warning"),
        (name, 29, "actors[1].name", "issue-renamed", "warning"),
    ]
    assert [p.message for p in problems] == [
        "issue 'border' is named 'The border' in series-renamed.yaml but 'Border' in "
        "clean.yaml. Keep one name per id across the series, or give the changed issue a new "
        "id.",
        "issue 'border' runs from 'South keeps all' to 'North takes most' in "
        "series-renamed.yaml but from 'South keeps all' to 'North takes all' in clean.yaml, "
        "so its positions mean different things. Keep one scale per id across the series, or "
        "give the changed issue a new id.",
        "actor 'south' is named 'The South' in series-renamed.yaml but 'South' in clean.yaml. "
        "Keep one name per id across the series, or give the changed actor a new id.",
    ]


def test_a_series_is_compared_in_date_order_whatever_the_argument_order() -> None:
    """Check that the later snapshot is the one blamed, given first or last."""
    later = (LINT / "series-option-changed.yaml").read_text(encoding="utf-8")
    forwards = lint_texts([("clean.yaml", CLEAN), ("later.yaml", later)])
    backwards = lint_texts([("later.yaml", later), ("clean.yaml", CLEAN)])
    assert [(p.file, p.code) for p in forwards] == [("later.yaml", "option-changed")]
    assert backwards == forwards
    other_series = later.replace("series: lint-test", "series: another")
    assert lint_texts([("clean.yaml", CLEAN), ("later.yaml", other_series)]) == []


@pytest.mark.parametrize(
    ("date", "is_after"),
    [("2025", False), ("2025-06", False), ("2025-06-01", False), ("2025-06-02", True)],
)
def test_a_partial_date_is_after_as_of_only_if_its_first_day_is(date: str, is_after: bool) -> None:
    """Check that a year or month counts from its first day against as_of (2025-06-01)."""
    text = CLEAN.replace("    date: 2025-05-20\n", f"    date: {date}\n")
    codes = [p.code for p in lint_texts([("x.yaml", text)])]
    assert codes == (["source-after-as-of"] if is_after else [])


@pytest.mark.parametrize(
    ("utilities", "codes"),
    [
        # South's ideal is 0: status-quo (0) is nearest, then half (50), then all (100).
        ("{status-quo: 1.0, half: 0.5, all: 0.0}", []),
        ("{status-quo: 1.0, half: 0.5, all: 0.54}", []),  # within the 0.05 slack
        ("{status-quo: 0.97, half: 1.0, all: 0.0}", []),  # the nearest is within 0.05 of best
        ("{status-quo: 1.0, half: 0.5, all: 0.56}", ["utilities-contradict-ideal"]),
        ("{status-quo: 0.9, half: 1.0, all: 0.0}", ["utilities-contradict-ideal"]),
    ],
)
def test_utilities_are_checked_against_the_ideal(utilities: str, codes: list[str]) -> None:
    """Check the slack of 0.05 on both the best option and the order by distance."""
    text = CLEAN.replace("{status-quo: 1.0, half: 0.5, all: 0.0}", utilities).replace(
        "    red_lines: [all]\n", ""
    )
    assert [p.code for p in lint_texts([("x.yaml", text)])] == codes


def test_utilities_on_either_side_of_the_ideal_are_not_compared() -> None:
    """Check that an actor may mind a step one way more than the same step the other way."""
    text = (
        CLEAN.replace("    ideal: 0\n", "    ideal: 50\n")
        .replace("{status-quo: 1.0, half: 0.5, all: 0.0}", "{status-quo: 0.1, half: 1.0, all: 0.6}")
        .replace("    red_lines: [all]\n", "")
    )
    assert lint_texts([("x.yaml", text)]) == []


def test_an_imputed_term_with_its_reason_passes() -> None:
    """Check that an option marked imputed, with a reason, is not reported."""
    text = CLEAN.replace(
        "{basis: stated, text: The plan splits the border region in two.}",
        "{basis: imputed, reason: The plan is silent; the middle option stands for it.}",
    )
    assert lint_texts([("x.yaml", text)]) == []


def test_names_are_files_builtin_ids_or_a_builtin_series() -> None:
    """Check that 'ukraine' names every built-in snapshot, oldest first, and a bad name fails."""
    from peacetalks.scenario.lint import _expand

    labels = [label for label, _ in _expand(["ukraine"])]
    assert labels == builtin_series()["ukraine"]
    assert len(labels) >= 4
    assert [label for label, _ in _expand(["ukraine-2025"])] == ["ukraine-2025"]
    path = LINT / "clean.yaml"
    assert _expand([path]) == [(str(path), path)]
    assert lint([path]) == []
    with pytest.raises(NotFoundError) as caught:
        lint([LINT / "nothing-here.yaml"])
    assert str(caught.value).startswith(f"no scenario '{LINT / 'nothing-here.yaml'}': no such file")


def test_every_code_is_documented() -> None:
    """Check that docs/lint.md has a row for every code, with its severity."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "lint.md").read_text(encoding="utf-8")
    missing = [code for code, (sev, _) in CODES.items() if f"| `{code}` | {sev} |" not in doc]
    assert missing == []


def test_an_option_is_compared_with_the_latest_file_that_has_it() -> None:
    """Check that an option left out of the middle snapshot and changed after it is found."""
    middle = (
        CLEAN.replace("id: clean\n", "id: clean-middle\n")
        .replace("as_of: 2025-06-01", "as_of: 2025-07-01")
        .replace("      - {id: all, label: North takes all, position: 100}\n", "")
        .replace("    red_lines: [all]\n", "")
        .replace("{status-quo: 1.0, half: 0.5, all: 0.0}", "{status-quo: 1.0, half: 0.5}")
    )
    later = (LINT / "series-same.yaml").read_text(encoding="utf-8")
    later = later.replace("label: North takes all,", "label: North takes the region,")
    texts = [("middle.yaml", middle), ("later.yaml", later), ("clean.yaml", CLEAN)]
    problems = lint_texts(texts)
    assert [(p.file, p.field, p.code) for p in problems] == [
        ("later.yaml", "issues[0].options[2]", "option-changed")
    ]
    assert (
        "'North takes the region' at 100 in later.yaml but 'North takes all' at 100 in "
        "clean.yaml." in problems[0].message
    )

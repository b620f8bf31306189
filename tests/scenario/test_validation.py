"""Every validation rule of the scenario format, with the exact message users see."""

from __future__ import annotations

import pytest

from peacetalks.errors import ScenarioError
from peacetalks.scenario import parse_scenario

NORTH_TRADE = "  - {actor: north, issue: trade, ideal: 0, salience: 0.2, source: memo}"
NORTH_BORDER = "{actor: north, issue: border, ideal: 100, salience: 0.6, source: memo}"
BROKER_UTILS = "utilities: {open: 1.0, closed: 0.25}"
HALF = "      - {id: half, label: Split, position: 50}"
TRADE_OPTIONS = (
    "    options:\n      - {id: open, label: Open, position: 0, value: 0}\n"
    "      - {id: closed, label: Closed, position: 100, value: 50}\n"
)

CASES = [
    (
        "salience out of range",
        NORTH_TRADE,
        NORTH_TRADE.replace("0.2", "1.4"),
        "small.yaml, line 50, positions[1].salience: salience 1.4 is outside [0, 1]. "
        "Use a weight between 0 and 1.",
    ),
    (
        "ideal point out of range",
        "ideal: 100, salience: 0.6",
        "ideal: 120, salience: 0.6",
        "small.yaml, line 49, positions[0].ideal: ideal point 120 is outside [0, 100]. "
        "Place it on the issue's 0-100 scale.",
    ),
    (
        "option position out of range",
        HALF,
        HALF.replace("50", "150"),
        "small.yaml, line 39, issues[0].options[1].position: position 150 is outside "
        "[0, 100]. Place it on the issue's 0-100 scale.",
    ),
    (
        "utility out of range",
        BROKER_UTILS,
        BROKER_UTILS.replace("1.0", "1.5"),
        "small.yaml, line 62, positions[4].utilities.open: utility 1.5 is outside [0, 1]. "
        "Give utilities between 0 and 1.",
    ),
    (
        "reservation out of range",
        "reservation: 0.5",
        "reservation: 2",
        "small.yaml, line 18, actors[0].reservation: reservation 2 is outside [0, 1]. "
        "Give the utility of no deal on the 0-1 utility scale.",
    ),
    (
        "negative capability",
        "    capability: 2\n",
        "    capability: -1\n",
        "small.yaml, line 16, actors[0].capability: capability -1 is outside (0, 1e9]. "
        "Give a positive relative clout (only ratios matter: 0-100 is usual).",
    ),
    (
        "unknown key",
        "    veto: true\n    reservation: 0.5",
        "    veto: true\n    reservaton: 0.5",
        "small.yaml, line 18, actors[0].reservaton: unknown key 'reservaton'. Allowed keys "
        "here: id, name, capability, veto, reservation, groups, country, source, judgement, note, "
        "uncertainty. Check the spelling or remove it.",
    ),
    (
        "missing key",
        "    capability: 2\n",
        "",
        "small.yaml, line 14, actors[0].capability: the required key 'capability' is "
        "missing. Add it.",
    ),
    (
        "text where a number belongs",
        "    capability: 2\n",
        "    capability: high\n",
        "small.yaml, line 16, actors[0].capability: expected a number, got 'high' (str).",
    ),
    (
        "not a boolean",
        "    veto: true\n    reservation: 0.5",
        "    veto: maybe\n    reservation: 0.5",
        "small.yaml, line 17, actors[0].veto: expected true or false, got 'maybe' (str).",
    ),
    (
        "unknown source kind",
        "kind: stated",
        "kind: opinion",
        "small.yaml, line 12, sources[0].kind: expected one of 'stated', 'reported' or "
        "'analysis', got 'opinion' (str).",
    ),
    (
        "malformed id",
        "  - id: north\n",
        "  - id: North!\n",
        "small.yaml, line 14, actors[0].id: 'North!' is not an id of lower-case letters, "
        "digits, '-', '_' and '.', starting with a letter or digit.",
    ),
    (
        "date not a date",
        "as_of: 2025-06-01",
        "as_of: June 2025",
        "small.yaml, line 4, as_of: expected a date as YYYY-MM-DD, got 'June 2025' (str).",
    ),
    (
        "empty issue",
        TRADE_OPTIONS,
        "    options: []\n",
        "small.yaml, line 45, issues[1].options: expected at least 1 item(s), got 0.",
    ),
    (
        "unknown actor",
        "{actor: north, issue: trade",
        "{actor: nord, issue: trade",
        "small.yaml, line 50, positions[1].actor: unknown actor 'nord'. "
        "Expected one of: broker, north, south.",
    ),
    (
        "unknown issue",
        "{actor: north, issue: trade",
        "{actor: north, issue: trades",
        "small.yaml, line 50, positions[1].issue: unknown issue 'trades'. "
        "Expected one of: border, trade.",
    ),
    (
        "unknown red-line option",
        "red_lines: [all]",
        "red_lines: [everything]",
        "small.yaml, line 55, positions[2].red_lines[0]: unknown option 'everything' of "
        "issue 'border'. Expected one of: all, half, status-quo.",
    ),
    (
        "red lines exclude every option",
        "red_lines: [all]",
        "red_lines: [all, half, status-quo]",
        "small.yaml, line 55, positions[2].red_lines: the red lines of actor 'south' exclude "
        "every option of issue 'border', so no deal could ever be acceptable to it. "
        "Remove at least one.",
    ),
    (
        "two positions for one actor and issue",
        "  - {actor: south, issue: trade, ideal: 100, salience: 0.2, source: memo}",
        "  - {actor: south, issue: border, ideal: 100, salience: 0.2, source: memo}",
        "small.yaml, line 57, positions[3]: a second position of actor 'south' on issue "
        "'border' (first at positions[2]). Keep one position per actor and issue.",
    ),
    (
        "unknown source",
        NORTH_BORDER,
        NORTH_BORDER.replace("memo}", "memoir}"),
        "small.yaml, line 49, positions[0].source: unknown source 'memoir'. Expected one of: memo.",
    ),
    (
        "position without source or judgement",
        NORTH_BORDER,
        NORTH_BORDER.replace(", source: memo", ""),
        "small.yaml, line 49, positions[0]: this position names no source. Add 'source: "
        "<source id>', or mark it as a modelling judgement with 'judgement: true' and a "
        "'note' that gives the reasoning.",
    ),
    (
        "judgement without note",
        "    judgement: true\n    note: Broker's utilities are a judgement.\n",
        "    judgement: true\n",
        "small.yaml, line 58, positions[4].note: this position is marked 'judgement: true' "
        "but has no 'note'. Add the reasoning.",
    ),
    (
        "utilities miss an option",
        BROKER_UTILS,
        "utilities: {open: 1.0}",
        "small.yaml, line 62, positions[4].utilities: utilities give no value for option(s) "
        "closed of issue 'trade'. Give a utility for every option, or leave 'utilities' out "
        "to derive them from the ideal point.",
    ),
    (
        "utilities name an unknown option",
        BROKER_UTILS,
        "utilities: {open: 1.0, closed: 0.25, shut: 0.1}",
        "small.yaml, line 62, positions[4].utilities.shut: unknown option 'shut' of issue "
        "'trade'. Expected one of: closed, open.",
    ),
    (
        "unknown default option",
        "    default: status-quo",
        "    default: nothing",
        "small.yaml, line 36, issues[0].default: unknown option 'nothing' of issue 'border'. "
        "Expected one of: all, half, status-quo.",
    ),
    (
        "proposal names an unknown option",
        "deal: {border: half, trade: open}",
        "deal: {border: half, trade: ajar}",
        "small.yaml, line 69, proposals[0].deal.trade: unknown option 'ajar' of issue "
        "'trade'. Expected one of: closed, open.",
    ),
    (
        "proposal leaves out an issue with no default",
        "deal: {border: all, trade: closed}",
        "deal: {border: all}",
        "small.yaml, line 73, proposals[1].deal: the deal does not address issue 'trade', "
        "which has no default option. Add 'trade: <option id>' to the deal, or set a "
        "'default' on the issue.",
    ),
    (
        "uncertainty range misses the value",
        "    red_lines: [all]\n",
        "    red_lines: [all]\n    uncertainty: {position: [10, 30]}\n",
        "small.yaml, line 56, positions[2].uncertainty.position: range [10, 30] does not "
        "contain the ideal point 0. Widen the range.",
    ),
    (
        "uncertainty range reversed",
        "    red_lines: [all]\n",
        "    red_lines: [all]\n    uncertainty: {salience: [0.9, 0.7]}\n",
        "small.yaml, line 56, positions[2].uncertainty.salience: range [0.9, 0.7] has its "
        "low end above its high end. Swap them.",
    ),
    (
        "actor with no salient position",
        "    salience: 1\n    utilities",
        "    salience: 0\n    utilities",
        "small.yaml, line 27, actors[2]: actor 'broker' has no position with a salience "
        "above 0, so its utility of a deal is undefined. Add a position or remove the actor.",
    ),
    (
        "unknown region",
        HALF,
        HALF.replace("}", ", regions: [{code: UA-14, share: 0.5}]}"),
        "small.yaml, line 39, issues[0].options[1].regions[0].code: unknown region 'UA-14': "
        "the scenario defines none. Add it.",
    ),
    (
        "duplicate key in a mapping",
        "    veto: true\n    reservation: 0.5",
        "    veto: true\n    veto: false\n    reservation: 0.5",
        "small.yaml, line 18, actors[0].veto: the key 'veto' appears twice in this mapping. "
        "Keep one of them.",
    ),
    (
        "YAML alias",
        "    source: memo\n  - id: south",
        "    source: &m memo\n    note: *m\n  - id: south",
        "small.yaml, line 19, actors[0].note: YAML aliases (*name) are not allowed. "
        "Write the value out.",
    ),
    (
        "object-constructing tag",
        "title: A small test negotiation",
        "title: !!python/object/apply:os.system [echo]",
        "small.yaml, line 3, title: the YAML tag "
        "'tag:yaml.org,2002:python/object/apply:os.system' is not allowed. Remove the tag.",
    ),
    (
        "month 13",
        "    date: 2025-05",
        "    date: 2025-13",
        "small.yaml, line 10, sources[0].date: '2025-13' is not a calendar date: expected "
        "YYYY, YYYY-MM or YYYY-MM-DD with a month from 01 to 12 and a day that month has.",
    ),
    (
        "malformed YAML",
        "title: A small test negotiation",
        "title: [unclosed",
        "small.yaml, line 4: the file is not valid YAML: expected ',' or ']', but got ':'. "
        "Inside braces or brackets a colon starts a key: quote the value that holds it, e.g. "
        '{title: "Talks: round two"}',
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_validation_message(small_text: str, old: str, new: str, message: str) -> None:
    """Check that each mistake gives exactly its message, with file, line and field."""
    assert old in small_text
    with pytest.raises(ScenarioError) as info:
        parse_scenario(small_text.replace(old, new, 1), source="small.yaml")
    assert str(info.value) == message
    assert len(info.value.problems) == 1


def test_a_range_error_does_not_hide_an_unknown_reference(small_text: str) -> None:
    """Check a field error and a cross-record error in one record come back together."""
    text = small_text.replace(HALF, HALF.replace("}", ", regions: [{code: UA-14, share: 1.5}]}"))
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, source="small.yaml")
    assert str(info.value) == (
        "small.yaml: 2 problems\n"
        "  - small.yaml, line 39, issues[0].options[1].regions[0].share: share 1.5 is outside "
        "(0, 1]. Give the fraction of the region's area, above 0 and at most 1.\n"
        "  - small.yaml, line 39, issues[0].options[1].regions[0].code: unknown region "
        "'UA-14': the scenario defines none. Add it."
    )


def test_duplicate_ids_are_reported_with_every_consequence(small_text: str) -> None:
    """Check that a duplicate actor id is named, along with the references it breaks."""
    with pytest.raises(ScenarioError) as info:
        parse_scenario(small_text.replace("  - id: broker\n", "  - id: south\n"), source="s.yaml")
    assert str(info.value) == (
        "s.yaml: 2 problems\n"
        "  - s.yaml, line 27, actors[2].id: duplicate actor id 'south' (first at actors[1].id). "
        "Give each actor its own id.\n"
        "  - s.yaml, line 58, positions[4].actor: unknown actor 'broker'. "
        "Expected one of: north, south."
    )
    assert info.value.line == 27
    assert info.value.path == "actors[2].id"


def test_every_problem_is_reported_at_once(small_text: str) -> None:
    """Check that several independent mistakes come back in one error, in order."""
    text = small_text.replace("salience: 0.6", "salience: 7").replace("kind: stated", "kind: x")
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, source="s.yaml")
    assert [p.path for p in info.value.problems] == ["sources[0].kind", "positions[0].salience"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "",
            "x.yaml: the scenario is empty. Expected a mapping with the keys id, title, as_of, "
            "actors, issues and positions.",
        ),
        (
            "- a\n- b\n",
            "x.yaml, line 1: expected a mapping at the top of the scenario, got a list.",
        ),
        (
            "key: [1, 2",
            "x.yaml, line 1: the file is not valid YAML: expected ',' or ']', but got '<stream end>'.",
        ),
    ],
)
def test_documents_that_are_not_scenarios(text: str, message: str) -> None:
    """Check that empty, non-mapping and broken documents get a clear message."""
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, source="x.yaml")
    assert str(info.value) == message


def test_billion_laughs_is_refused_quickly() -> None:
    """Check that exponential alias expansion is refused instead of expanded."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 9) + "]" for k in range(1, 10)]
    with pytest.raises(ScenarioError) as info:
        parse_scenario("\n".join(lines), source="laughs.yaml")
    assert "YAML aliases (*name) are not allowed" in str(info.value)


def test_oversized_text_is_refused() -> None:
    """Check that a document above the size bound is refused before parsing."""
    with pytest.raises(
        ScenarioError, match=r"the scenario is 4,000,001 characters long; the limit is 4,000,000"
    ):
        parse_scenario("#" * 4_000_001, source="big.yaml")


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("id: x\nactors: [" + ",".join(["1"] * 1_000_000) + "]\n", 2),
        ("id: x\nactors:\n" + "- 1\n" * 500_000, 199_998),
        ("id: x\nactors: [" + ",".join(["{a: 1}"] * 300_000) + "]\n", 2),
    ],
    ids=["flow-list", "block-list", "flow-mappings"],
)
def test_too_many_values_are_refused_before_nodes_are_built(text: str, line: int) -> None:
    """Check millions of tiny values are counted as parsed and refused in bounded memory."""
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, source="many.yaml")
    assert str(info.value) == (
        f"many.yaml, line {line}: the document has more than 200,000 values. Split it or "
        "remove repetition."
    )
    # Composing them first took ~460 MB; counting events keeps the peak where it was.
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 100, grown_mb


def test_deep_nesting_is_refused() -> None:
    """Check that absurdly deep nesting gives a clear error, not a RecursionError."""
    with pytest.raises(ScenarioError, match="nested"):
        parse_scenario("a: " + "[" * 5000 + "]" * 5000, source="deep.yaml")


def test_scenario_error_is_a_value_error(small_text: str) -> None:
    """Check that ScenarioError can be caught as the builtin ValueError."""
    with pytest.raises(ValueError, match="salience"):
        parse_scenario(small_text.replace("salience: 0.6", "salience: 7"))

"""The built-in scenarios as a dated series: dates, provenance, shared ids, movement."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from peacetalks.scenario import (
    Position,
    Scenario,
    Source,
    builtin_scenarios,
    builtin_series,
    load_scenario,
    load_series,
)
from tests.data_builtin._sources import ARTICLES, copied_runs

SERIES = builtin_scenarios()


@cache
def _scenario(scenario_id: str) -> Scenario:
    """Return a built-in scenario, loaded once per test session."""
    return load_scenario(scenario_id)


def _position(scenario_id: str, actor: str, issue: str) -> Position:
    """Return an actor's position on an issue in a built-in scenario."""
    found = [p for p in _scenario(scenario_id).positions if p.actor == actor and p.issue == issue]
    assert len(found) == 1, (scenario_id, actor, issue)
    return found[0]


def _text(scenario_id: str) -> str:
    """Return the YAML text of a built-in scenario."""
    path = resources.files("peacetalks.data") / "scenarios" / f"{scenario_id}.yaml"
    return path.read_text(encoding="utf-8")


def _after(source: Source, as_of: str) -> bool:
    """Return whether a source's (possibly partial) date falls after ``as_of``."""
    return source.date > as_of[: len(source.date)]


def _explains_late_date(source: Source, as_of: str) -> bool:
    """Return whether a late source says why it is used (in its note or title)."""
    year = as_of[:4]
    text = f"{source.title} {source.note or ''}".lower()
    return any(key in text for key in ("as_of", f"end of {year}", f"during {year}"))


def test_there_is_a_dated_series() -> None:
    """Check that the end-of-2025 scenario has earlier dated versions beside it."""
    assert "ukraine-2025" in SERIES
    assert len([s for s in SERIES if s.startswith("ukraine-")]) >= 2


@pytest.mark.parametrize("scenario_id", SERIES)
def test_scenario_loads(scenario_id: str) -> None:
    """Check that each built-in scenario loads and carries its own id."""
    scenario = _scenario(scenario_id)
    assert scenario.id == scenario_id
    assert scenario.positions


@pytest.mark.parametrize("scenario_id", SERIES)
def test_no_source_after_as_of_without_a_reason(scenario_id: str) -> None:
    """Check that no source is dated after as_of unless it says why it is used."""
    scenario = _scenario(scenario_id)
    as_of = scenario.as_of.isoformat()
    late = [
        s.id for s in scenario.sources if _after(s, as_of) and not _explains_late_date(s, as_of)
    ]
    assert late == [], late


def test_partial_dates_compare_on_the_shared_prefix() -> None:
    """Check the date comparison on year, year-month and full dates."""
    source = _scenario("ukraine-2025").sources[0]
    assert not _after(source.model_copy(update={"date": "2025-02"}), "2025-02-28")
    assert not _after(source.model_copy(update={"date": "2025"}), "2025-02-28")
    assert _after(source.model_copy(update={"date": "2025-03"}), "2025-02-28")
    assert _after(source.model_copy(update={"date": "2025-02-12"}), "2025-02-11")


@pytest.mark.parametrize("scenario_id", SERIES)
def test_every_position_is_sourced_or_flagged(scenario_id: str) -> None:
    """Check that every position and actor names a source or is a flagged judgement."""
    scenario = _scenario(scenario_id)
    for position in scenario.positions:
        assert position.source is not None or (position.judgement and position.note)
    for actor in scenario.actors:
        assert actor.source is not None or (actor.judgement and actor.note)


@pytest.mark.parametrize("scenario_id", SERIES)
def test_proposals_existed_by_as_of(scenario_id: str) -> None:
    """Check that every proposal is dated on or before the scenario's as_of date."""
    scenario = _scenario(scenario_id)
    as_of = scenario.as_of.isoformat()
    for proposal in scenario.proposals:
        assert proposal.date is not None, proposal.id
        assert proposal.date <= as_of[: len(proposal.date)], proposal.id


def test_shared_actor_ids_are_consistent() -> None:
    """Check that an actor id means the same actor (name, veto) in every scenario."""
    seen: dict[str, tuple[str, bool]] = {}
    for scenario_id in SERIES:
        for actor in _scenario(scenario_id).actors:
            record = (actor.name, actor.veto)
            assert seen.setdefault(actor.id, record) == record, (scenario_id, actor.id)


def test_shared_issue_ids_are_consistent() -> None:
    """Check that an issue id keeps its scale, unit and shared option positions."""
    scales: dict[str, tuple[str, str, str | None]] = {}
    positions: dict[tuple[str, str], float] = {}
    for scenario_id in SERIES:
        for issue in _scenario(scenario_id).issues:
            scale = (issue.scale.low, issue.scale.high, issue.unit)
            assert scales.setdefault(issue.id, scale) == scale, (scenario_id, issue.id)
            for option in issue.options:
                key = (issue.id, option.id)
                where = (scenario_id, issue.id, option.id)
                assert positions.setdefault(key, option.position) == option.position, where


def test_series_ids_are_a_subset_of_the_latest() -> None:
    """Check that the dated files use only actor and issue ids of ukraine-2025."""
    latest = _scenario("ukraine-2025")
    actors = {a.id for a in latest.actors}
    issues = {i.id for i in latest.issues}
    for scenario_id in SERIES:
        scenario = _scenario(scenario_id)
        assert {a.id for a in scenario.actors} <= actors, scenario_id
        assert {i.id for i in scenario.issues} <= issues, scenario_id


def test_ukraine_moved_away_from_neutrality() -> None:
    """Check that Ukraine's neutrality ideal is on the neutral side in 2022 and not in 2025.

    Sources: Ukraine's Istanbul proposals of 29 March 2022 (d1-ukraine-istanbul-2022)
    offered permanent neutrality in exchange for guarantees; its memorandum of 2 June 2025
    (d13-ukraine-memorandum-2025-06) takes on no obligation to be neutral.
    """
    early = _position("ukraine-2022-03", "ukraine", "neutrality")
    late = _position("ukraine-2025", "ukraine", "neutrality")
    assert early.source == "d1-ukraine-istanbul-2022"
    assert not early.judgement
    assert late.source == "d13-ukraine-memorandum-2025-06"
    assert not late.judgement
    assert early.ideal >= 50 > late.ideal


def test_ukraine_moved_away_from_a_troop_cap() -> None:
    """Check that Ukraine's troop-cap ideal moved from 250,000 (2022) to no limit (2025-06).

    Sources: the April 2022 draft annex (d2-istanbul-draft-treaty-2022, reported) gives
    Ukraine's figure as 250,000; the June 2025 memorandum (d13-ukraine-memorandum-2025-06)
    rules out any limit on the size of the armed forces.
    """
    early = _position("ukraine-2022-03", "ukraine", "demilitarisation")
    late = _position("ukraine-2025-06", "ukraine", "demilitarisation")
    assert early.ideal == 75  # (850,000 - 250,000) / 8,000
    assert late.ideal == 0


@pytest.mark.parametrize("scenario_id", SERIES)
def test_articles_are_paraphrased_not_copied(scenario_id: str) -> None:
    """Check that no run of ten words from either article appears in the scenario file.

    Titles are left out: citing a source by its title is not copying it.
    """
    cited = "\n".join(
        line for line in _text(scenario_id).splitlines() if not line.strip().startswith("title:")
    )
    for article in ARTICLES:
        assert copied_runs(cited, article) == [], article


@pytest.mark.parametrize("scenario_id", SERIES)
def test_contested_terms_are_quoted(scenario_id: str) -> None:
    """Check that 'denazification' only appears in quotation marks, as Russia's term."""
    text = _text(scenario_id)
    for match in re.finditer(r"denazification", text, flags=re.IGNORECASE):
        before = text[max(0, match.start() - 1) : match.start()]
        assert before in {'"', "'", "“"}, text[match.start() - 60 : match.end() + 20]


def _placement() -> Any:
    """Return scripts/territory_positions.py as a module (the series' placement rule)."""
    path = Path(__file__).resolve().parents[2] / "scripts" / "territory_positions.py"
    spec = importlib.util.spec_from_file_location("territory_positions", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_series_has_a_snapshot_where_the_talks_moved() -> None:
    """Check the monthly snapshots of 2025 (and the 2022 one), oldest first."""
    assert builtin_series()["ukraine"] == [
        "ukraine-2022-03",
        "ukraine-2025-02",
        "ukraine-2025-03",
        "ukraine-2025-06",
        "ukraine-2025-08",
        "ukraine-2025-11",
        "ukraine-2025",
    ]
    assert [s.id for s in load_series("ukraine")] == builtin_series()["ukraine"]


@pytest.mark.parametrize("scenario_id", builtin_series()["ukraine"][1:])
def test_each_snapshot_is_silent_on_territory_at_its_own_line(scenario_id: str) -> None:
    """Check the default territory option is the line of the file's date, placed by rule.

    The position is recomputed from DeepState's control shares of that date (interpolated
    between DeepState's figures where the brief has none), as docs/series.md says.
    """
    scenario = _scenario(scenario_id)
    territory = next(i for i in scenario.issues if i.id == "territory")
    default = next(o for o in territory.options if o.id == territory.default)
    month = scenario.as_of.strftime("%Y-%m")
    if scenario_id == "ukraine-2025":
        assert default.id == "ceasefire-line-no-recognition"
        day = dt.date(2026, 1, 1)  # DeepState's end-of-2025 figures
    else:
        assert default.id == f"ceasefire-line-{month}"
        day = scenario.as_of
    rule = _placement()
    shares = {k: v for k, (v, _) in rule.shares_on(day).items()}
    expected, _, _ = rule.position(shares, rule.RUSSIAN_HELD_2025)
    assert default.position == pytest.approx(expected, abs=0.05), (scenario_id, expected)


@pytest.mark.parametrize("scenario_id", [s for s in SERIES if s != "ukraine-2025"])
def test_capabilities_are_dated_or_say_they_are_carried(scenario_id: str) -> None:
    """Check each actor's capability and reservation: its own date's, or flagged as carried."""
    latest = {a.id: a for a in _scenario("ukraine-2025").actors}
    for actor in _scenario(scenario_id).actors:
        same = (actor.capability, actor.reservation) == (
            latest[actor.id].capability,
            latest[actor.id].reservation,
        )
        note = " ".join((actor.note or "").split()).lower()
        assert not same or "carried" in note or "unchanged" in note, (scenario_id, actor.id)

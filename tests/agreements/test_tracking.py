"""Implementation tracking: Peace Accords Matrix scores by hand, and the event readers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from peacetalks.agreements import event_targets, track_agreement
from peacetalks.agreements.tracking import PAM_LEVELS
from peacetalks.errors import ScenarioError
from peacetalks.formats.events import Event, detect_event_format, read_events
from peacetalks.scenario import Scenario

ACTORS = [("north", "North"), ("south", "South"), ("broker", "Broker")]
TARGETS = {"north-holds", "south-holds", "north-withdraws", "ceasefire", "withdrawal"}


def _event(day: str, kind: str, **fields: object) -> Event:
    return Event.model_validate({"date": day, "kind": kind, "source": "test", **fields})


def test_scores_by_hand(truce: Scenario) -> None:
    """Check every scoring rule on the small truce, against scores worked out by hand."""
    agreement = truce.agreements[0]
    events = [
        # north-holds: full, then a verified violation after it -> 3 - 1 = 2.
        _event("2025-01-01", "step", provision="north-holds", party="north"),
        _event("2025-01-05", "violation", provision="north-holds", party="north"),
        # south-holds: assessed minimal, then a violation -> stays 1 (never below 1).
        _event("2025-01-02", "report", provision="south-holds", level=1),
        _event("2025-01-06", "violation", provision="south-holds", count=3),
        # north-withdraws: intermediate, then a later assessment of full -> 3; an earlier
        # violation does not count against the later assessment.
        _event("2025-02-01", "step", provision="north-withdraws", level=2),
        _event("2025-02-02", "violation", provision="north-withdraws"),
        _event("2025-03-01", "report", provision="north-withdraws", level=3),
    ]
    result = track_agreement(agreement, events)
    assert [p.score for p in result.provisions] == [2, 1, 3]
    assert [p.label for p in result.provisions] == ["intermediate", "minimal", "full"]
    assert [p.violations for p in result.provisions] == [1, 3, 1]
    # PAM aggregate: (2 + 1 + 3) / (3 x 3) x 100.
    assert result.aggregate == pytest.approx(600 / 9)
    data = result.to_dict()
    assert data["aggregate"] == pytest.approx(66.6667, abs=1e-4)
    assert data["provisions"][0]["assessed"] == "2025-01-01"
    assert data["months"] == [
        {"month": "2025-01", "verified_violations": 4, "reported_incidents": 0, "fatalities": 0},
        {"month": "2025-02", "verified_violations": 1, "reported_incidents": 0, "fatalities": 0},
        {"month": "2025-03", "verified_violations": 0, "reported_incidents": 0, "fatalities": 0},
    ]


def test_no_events_scores_zero(truce: Scenario) -> None:
    """Check that provisions without events are 'not initiated' and the aggregate is 0."""
    result = track_agreement(truce.agreements[0], [])
    assert [p.score for p in result.provisions] == [0, 0, 0]
    assert result.aggregate == 0.0
    assert PAM_LEVELS[0] == "not initiated"


def test_as_of_ignores_later_events(truce: Scenario) -> None:
    """Check that events after the as-of date are left out."""
    events = [
        _event("2025-01-01", "step", provision="north-holds"),
        _event("2025-06-01", "violation", provision="north-holds"),
    ]
    result = track_agreement(truce.agreements[0], events, as_of=dt.date(2025, 3, 1))
    assert result.provisions[0].score == 3
    assert result.events == 1


def test_phase_events_apply_to_its_obligations(truce: Scenario) -> None:
    """Check that an event naming a phase applies to its obligations, the party's if named."""
    agreement = truce.agreements[0]
    assert event_targets(agreement, _event("2025-01-01", "violation", provision="ceasefire")) == (
        "north-holds",
        "south-holds",
    )
    named = _event("2025-01-01", "violation", provision="ceasefire", party="south")
    assert event_targets(agreement, named) == ("south-holds",)
    assert event_targets(agreement, _event("2025-01-01", "report")) == ()


def test_read_events_yaml(tmp_path: Path) -> None:
    """Check an events YAML file."""
    path = tmp_path / "events.yaml"
    path.write_text(
        "events:\n"
        "  - {date: 2025-01-01, kind: step, provision: north-holds, source: memo}\n"
        "  - {date: 2025-01-03, kind: violation, provision: ceasefire, party: south, "
        "source: monitors}\n",
        encoding="utf-8",
    )
    events, skipped = read_events(path, provisions=TARGETS, actors=ACTORS)
    assert [e.kind for e in events] == ["step", "violation"]
    assert events[1].party == "south"
    assert skipped == 0


def test_read_osce_counts(tmp_path: Path, truce: Scenario) -> None:
    """Check OSCE-style counts: each day a verified, unattributed violation count."""
    path = tmp_path / "osce.csv"
    path.write_text(
        "date,region,violations,explosions\n2021-09-22,Donetsk,745,160\n2021-09-22,Luhansk,0,0\n",
        encoding="utf-8",
    )
    events, _ = read_events(path, provision="ceasefire", provisions=TARGETS, actors=ACTORS)
    assert [(e.kind, e.count, e.explosions, e.region) for e in events] == [
        ("violation", 745, 160, "Donetsk"),
        ("report", 0, 0, "Luhansk"),
    ]
    assert detect_event_format(["date", "region", "violations", "explosions"]) == "osce"
    result = track_agreement(truce.agreements[0], events)
    assert result.to_dict()["months"][0]["verified_violations"] == 745


def test_read_acled_export(tmp_path: Path) -> None:
    """Check a synthetic ACLED export: violent events become reports, others are skipped."""
    path = tmp_path / "acled.csv"
    path.write_text(
        "event_id_cnty,event_date,year,event_type,sub_event_type,actor1,actor2,admin1,"
        "fatalities,notes\n"
        "X1,2025-03-20,2025,Battles,Armed clash,Military Forces of North (2000-),"
        "Military Forces of South (2019-),Border,2,synthetic\n"
        "X2,21 March 2025,2025,Protests,Peaceful protest,Protesters (South),,Capital,0,synthetic\n"
        'X3,2025-03-22,2025,Explosions/Remote violence,Air/drone strike,"Military Forces of '
        'South (2019-)",,Border,0,synthetic\n',
        encoding="utf-8",
    )
    events, skipped = read_events(path, provision="ceasefire", provisions=TARGETS, actors=ACTORS)
    assert skipped == 1
    assert [(e.kind, e.party, e.fatalities, e.region) for e in events] == [
        ("report", "north", 2, "Border"),
        ("report", "south", 0, "Border"),
    ]
    assert events[0].note == (
        "Battles: Armed clash; Military Forces of North (2000-) against Military Forces of "
        "South (2019-)"
    )


def test_read_ucdp_export(tmp_path: Path) -> None:
    """Check a synthetic UCDP GED export."""
    path = tmp_path / "ged.csv"
    path.write_text(
        "id,year,type_of_violence,side_a,side_b,adm_1,date_start,date_end,best\n"
        "1,2025,1,Government of North,Government of South,Border,2025-03-20 00:00:00.000,"
        "2025-03-20,4\n",
        encoding="utf-8",
    )
    events, _ = read_events(path, provision="ceasefire", provisions=TARGETS, actors=ACTORS)
    (event,) = events
    assert (event.date, event.party, event.fatalities) == (dt.date(2025, 3, 20), "north", 4)
    assert event.note == "state-based; Government of North against Government of South"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "osce.csv",
            "date,region,violations,explosions\n2021-09-22,Donetsk,many,1\n",
            "{path}, line 2, violations: expected a whole number from 0 to 1,000,000,000, got 'many'.",
        ),
        (
            "osce.csv",
            "date,region,violations,explosions\n2021-09-22,Donetsk,5,9\n",
            "{path}, line 2, explosions: 9 explosions is more than the 5 violations they are "
            "part of. Explosions are counted among the violations.",
        ),
        (
            "osce.csv",
            "date,region,violations\n22.09.2021,Donetsk,5\n",
            "{path}, line 2, date: expected a date as YYYY-MM-DD, got '22.09.2021'.",
        ),
        (
            "acled.csv",
            "event_date,event_type,actor1\n2025-01-01,Battles\n",
            "{path}, line 2: expected 3 cells as in the header, got 2. Check the separators "
            "and quotes on this line.",
        ),
        (
            "odd.csv",
            "when,what\n2025-01-01,x\n",
            "{path}, line 1: cannot tell the format from the header. Expected an events CSV "
            "(date, kind, ...), OSCE-style counts (date, region, violations, explosions), an "
            "ACLED export (event_date, event_type, actor1, ...) or a UCDP GED export "
            "(date_start, side_a, side_b, ...); or give --format.",
        ),
        (
            "events.csv",
            "date,kind,provision,source\n2025-01-01,step,north-hold,memo\n",
            "{path}, line 2, provision: unknown provision 'north-hold'. Expected an obligation "
            "or phase id of the agreement: ceasefire, north-holds, north-withdraws, "
            "south-holds, withdrawal.",
        ),
        (
            "events.csv",
            "date,kind,source\n2025-01-01,breach,memo\n",
            "{path}, line 2, kind: expected one of 'violation', 'step' or 'report', got "
            "'breach' (str).",
        ),
        (
            "events.csv",
            "date,kind,party,level,source\n2025-01-01,step,west,2,memo\n",
            "{path}, line 2, party: unknown actor 'west'. Expected one of: broker, north, south.",
        ),
        (
            "events.csv",
            "date,kind,level,source\n2025-01-01,step,5,memo\n",
            "{path}, line 2, level: level 5 is outside [0, 3]. Give a Peace Accords Matrix "
            "level: 0 not initiated, 1 minimal, 2 intermediate, 3 full.",
        ),
        (
            "events.yaml",
            "events:\n  - {date: 2025-01-01, kind: step}\n",
            "{path}, line 2, events[0].source: the required key 'source' is missing. Add it.",
        ),
        (
            "events.yaml",
            "items: []\n",
            "{path}, line 1: expected a mapping with the key 'events' (a list of events).",
        ),
        ("empty.csv", "", "{path}, line 1: the file is empty. Expected a header line."),
    ],
)
def test_reader_errors(tmp_path: Path, name: str, text: str, message: str) -> None:
    """Check that every reader mistake names the file, the line and the column."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        read_events(path, provisions=TARGETS, actors=ACTORS)
    assert str(info.value) == message.format(path=path)


def test_reader_refuses_missing_and_oversized_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Check that a missing file and a file above the size bound are refused."""
    with pytest.raises(ScenarioError, match="no such file"):
        read_events(tmp_path / "none.csv")
    path = tmp_path / "big.csv"
    path.write_text("date,kind,source\n" + "2025-01-01,report,x\n" * 20, encoding="utf-8")
    monkeypatch.setattr("peacetalks.formats.events.MAX_EVENT_BYTES", 100)
    with pytest.raises(ScenarioError, match=r"the file is \d+ bytes; the limit is 100\."):
        read_events(path)


def test_missing_required_column(tmp_path: Path) -> None:
    """Check that a format given by option must have its columns."""
    path = tmp_path / "x.csv"
    path.write_text("date,region\n2025-01-01,A\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        read_events(path, format="osce")
    assert str(info.value) == (
        f"{path}, line 1: the header has no column 'violations', which the osce format "
        "needs. Found: date, region."
    )

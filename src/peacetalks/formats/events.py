"""Events observed while an agreement is implemented, and readers for the files that hold them.

An :class:`Event` is a dated record of a verified violation, a completed step or a
report, naming the provision (an obligation id, or a phase id for all of its
obligations) and the party. Events come from:

- an events file: YAML (``events:`` list) or CSV with the columns ``date, provision,
  party, kind, level, count, source, note`` (the last five optional);
- OSCE-style daily violation counts: CSV with ``date, region, violations, explosions``
  (the Special Monitoring Mission's daily reports counted ceasefire violations per region,
  with explosions as a subset). Each row is a violation recorded by monitors but not
  attributed to a party;
- a user's own ACLED export (``event_date, event_type, sub_event_type, actor1, actor2,
  admin1, fatalities, ...``) or UCDP GED export (``date_start, side_a, side_b, adm_1,
  best, type_of_violence, ...``). Their rows become reports, not verified violations:
  both are compiled from media and other sources, not by the agreement's monitors.
  ACLED's terms forbid redistributing its data, so peacetalks ships none: it reads the
  file the user downloaded.

Files are read whole up to :data:`MAX_EVENT_BYTES`; every problem names the file, the
line and the column (or field).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, field_validator

from peacetalks.errors import Problem, ScenarioError
from peacetalks.scenario._fields import Id, Name, Record, Text
from peacetalks.scenario._files import read_bounded_text
from peacetalks.scenario.messages import describe_error
from peacetalks.scenario.yaml_nodes import format_path, read_yaml

__all__ = [
    "EVENT_FORMATS",
    "MAX_EVENT_BYTES",
    "MAX_EVENT_COUNT",
    "MAX_EVENT_ROWS",
    "Event",
    "EventFormat",
    "EventKind",
    "EventsFile",
    "detect_event_format",
    "read_events",
]

MAX_EVENT_BYTES = 100_000_000
"""Largest events file read, in bytes (a national ACLED export for several years fits)."""
MAX_EVENT_ROWS = 1_000_000
"""Most rows (or events) read from one file: ``track`` on 1,000,000 rows takes about 13 s
and 0.9 GB (1,900,000 took 25 s and 1.6 GB, and before the rows were read one at a time
and their events made lighter, 30 s and 4 GB)."""

MAX_EVENT_COUNT = 1_000_000_000
"""Largest count (violations, fatalities) one event may carry."""

EventKind = Literal["violation", "step", "report"]
EventFormat = Literal["auto", "events", "osce", "acled", "ucdp"]
EVENT_FORMATS: tuple[str, ...] = ("auto", "events", "osce", "acled", "ucdp")

# ACLED's political-violence event types; demonstrations and strategic developments are
# not violations of a ceasefire.
_ACLED_VIOLENT = ("battles", "explosions/remote violence", "violence against civilians")


class Event(Record):
    """One observation during implementation.

    ``kind``: ``violation`` (verified by the monitors), ``step`` (a completed step) or
    ``report`` (anything else: an assessment, a media-sourced incident). ``level`` is a
    Peace Accords Matrix level (0-3) that a step reached or a report assessed.
    """

    date: dt.date
    kind: EventKind
    provision: Id | None = None
    party: Id | None = None
    level: Annotated[int, Field(strict=True, ge=0, le=3)] | None = None
    count: Annotated[int, Field(strict=True, ge=0, le=MAX_EVENT_COUNT)] = 1
    explosions: Annotated[int, Field(strict=True, ge=0)] | None = None
    fatalities: Annotated[int, Field(strict=True, ge=0, le=MAX_EVENT_COUNT)] | None = None
    region: Name | None = None
    source: Name
    note: Text | None = None

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, value: object) -> object:
        if isinstance(value, dt.datetime):
            return value.date()
        return value


class EventsFile(Record):
    """The document of an events YAML file."""

    events: Annotated[tuple[Event, ...], Field(max_length=MAX_EVENT_ROWS)]


def _fail(label: str, problems: list[Problem]) -> ScenarioError:
    return ScenarioError(problems, label)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower())


def _header(cells: list[str]) -> list[str]:
    return [_norm(c).lstrip("\ufeff") for c in cells]


def detect_event_format(header: Sequence[str]) -> str:
    """Return the format of a CSV by its header: events, osce, acled, ucdp or '' if none."""
    names = set(_header(list(header)))
    if {"event_date", "event_type", "actor1"} <= names:
        return "acled"
    if {"date_start", "side_a", "side_b"} <= names:
        return "ucdp"
    if {"date", "region", "violations"} <= names:
        return "osce"
    if {"date", "kind"} <= names:
        return "events"
    return ""


_REQUIRED = {
    "events": ("date", "kind"),
    "osce": ("date", "region", "violations"),
    "acled": ("event_date", "event_type", "actor1"),
    "ucdp": ("date_start", "side_a", "side_b"),
}


def _parse_date(text: str) -> dt.date | None:
    value = text.strip()
    for fmt in ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value[:10] if fmt == "%Y-%m-%d" else value, fmt).date()
        except ValueError:
            continue
    return None


class _Rows:
    """CSV rows with their line numbers, and the problems found in them."""

    def __init__(self, text: str, label: str):
        self.label = label
        self.problems: list[Problem] = []
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            self.header = _header(next(reader))
        except StopIteration:
            msg = "the file is empty. Expected a header line."
            raise _fail(label, [Problem("", msg, 1)]) from None
        except csv.Error as e:
            raise _fail(label, [Problem("", f"the file is not valid CSV: {e}.", 1)]) from None
        self.reader = reader

    def __iter__(self) -> Any:
        count = 0
        while True:
            try:
                cells = next(self.reader)
            except StopIteration:
                return
            except csv.Error as e:
                line = self.reader.line_num
                raise _fail(
                    self.label, [Problem("", f"the file is not valid CSV: {e}.", line)]
                ) from None
            if not any(c.strip() for c in cells):
                continue
            count += 1
            if count > MAX_EVENT_ROWS:
                msg = f"the file has more than {MAX_EVENT_ROWS:,} rows. Filter the export."
                raise _fail(self.label, [Problem("", msg, self.reader.line_num)])
            if len(cells) != len(self.header):
                msg = (
                    f"expected {len(self.header)} cells as in the header, got {len(cells)}. "
                    "Check the separators and quotes on this line."
                )
                self.problems.append(Problem("", msg, self.reader.line_num))
                continue
            yield (
                self.reader.line_num,
                dict(zip(self.header, (c.strip() for c in cells), strict=True)),
            )

    def bad(self, line: int, column: str, message: str) -> None:
        self.problems.append(Problem(column, message, line))

    def date(self, line: int, row: dict[str, str], column: str) -> dt.date | None:
        value = _parse_date(row[column])
        if value is None:
            self.bad(line, column, f"expected a date as YYYY-MM-DD, got {row[column]!r}.")
        return value

    def whole(self, line: int, row: dict[str, str], column: str) -> int | None:
        text = row.get(column, "")
        if text == "":
            return None
        try:
            value = float(text)
        except ValueError:
            value = -1.0
        if not 0 <= value <= MAX_EVENT_COUNT or value != int(value):  # NaN fails the first
            msg = f"expected a whole number from 0 to {MAX_EVENT_COUNT:,}, got {text!r}."
            self.bad(line, column, msg)
            return None
        return int(value)


def _party_matcher(actors: Sequence[tuple[str, str]]) -> Callable[[str], str | None]:
    patterns = []
    for actor_id, name in actors:
        words = {actor_id.replace("-", " ").replace("_", " "), name}
        alternatives = "|".join(re.escape(_norm(w)) for w in words if w.strip())
        patterns.append((actor_id, re.compile(rf"\b(?:{alternatives})\b")))

    def match(text: str) -> str | None:
        probe = _norm(text)
        for actor_id, pattern in patterns:
            if pattern.search(probe):
                return actor_id
        return None

    return match


def _events_csv(rows: _Rows, label: str) -> Iterator[dict[str, Any]]:
    for line, row in rows:
        item: dict[str, Any] = {"_line": line}
        for key, value in row.items():
            if value == "":
                continue
            if key in ("level", "count", "explosions", "fatalities"):
                number = rows.whole(line, row, key)
                if number is not None:
                    item[key] = number
            else:
                item[key] = value
        item.setdefault("source", label)
        yield item


def _osce(rows: _Rows, label: str, provision: str | None) -> Iterator[dict[str, Any]]:
    source = f"OSCE-style counts ({label})"
    for line, row in rows:
        date = rows.date(line, row, "date")
        violations = rows.whole(line, row, "violations")
        explosions = rows.whole(line, row, "explosions") if "explosions" in row else None
        if row["violations"] == "":
            rows.bad(line, "violations", "expected a whole number >= 0, got an empty cell.")
        if date is None or violations is None:
            continue
        if explosions is not None and explosions > violations:
            msg = (
                f"{explosions} explosions is more than the {violations} violations they are part "
                "of. Explosions are counted among the violations."
            )
            rows.bad(line, "explosions", msg)
            continue
        yield {
            "_line": line,
            "date": date,
            "kind": "violation" if violations > 0 else "report",
            "provision": provision,
            "count": violations,
            "explosions": explosions,
            "region": row["region"] or None,
            "source": source,
        }


def _acled(
    rows: _Rows,
    label: str,
    provision: str | None,
    match: Callable[[str], str | None],
    skipped: list[int],
) -> Iterator[dict[str, Any]]:
    """Yield the violent events; count the others in ``skipped[0]``."""
    source = f"ACLED export ({label})"
    for line, row in rows:
        if _norm(row["event_type"]) not in _ACLED_VIOLENT:
            skipped[0] += 1
            continue
        date = rows.date(line, row, "event_date")
        fatalities = rows.whole(line, row, "fatalities") if "fatalities" in row else None
        if date is None:
            continue
        what = row["event_type"] + (
            f": {row['sub_event_type']}" if row.get("sub_event_type") else ""
        )
        others = f" against {row['actor2']}" if row.get("actor2") else ""
        yield {
            "_line": line,
            "date": date,
            "kind": "report",
            "provision": provision,
            "party": match(row["actor1"]),
            "fatalities": fatalities,
            "region": row.get("admin1") or None,
            "source": source,
            "note": f"{what}; {row['actor1']}{others}"[:20_000],
        }


def _ucdp(
    rows: _Rows, label: str, provision: str | None, match: Callable[[str], str | None]
) -> Iterator[dict[str, Any]]:
    kinds = {"1": "state-based", "2": "non-state", "3": "one-sided"}
    source = f"UCDP GED export ({label})"
    for line, row in rows:
        date = rows.date(line, row, "date_start")
        best = rows.whole(line, row, "best") if "best" in row else None
        if date is None:
            continue
        violence = kinds.get(row.get("type_of_violence", ""), "violence")
        yield {
            "_line": line,
            "date": date,
            "kind": "report",
            "provision": provision,
            "party": match(row["side_a"]),
            "fatalities": best,
            "region": row.get("adm_1") or None,
            "source": source,
            "note": f"{violence}; {row['side_a']} against {row['side_b']}"[:20_000],
        }


def _validate(
    items: Iterable[dict[str, Any]],
    label: str,
    *,
    provisions: set[str] | None,
    actors: set[str] | None,
    column_of: Callable[[int, str], str],
    earlier: list[Problem] | None = None,
) -> list[Event]:
    """Validate the items as they come; raise with every problem, ``earlier``'s first.

    ``earlier`` holds the problems the reader finds while ``items`` is consumed (a bad
    date, a cell that is not a number): an item with such a problem is not yielded, so
    each row is named once. Repeated texts (kinds, ids, sources) are interned, so that a
    million events share them.
    """
    events: list[Event] = []
    problems: list[Problem] = []
    # Events are frozen: those that set the same fields can share one set of their names
    # (pydantic keeps one per instance, 700 bytes, half of an event's memory).
    fields_sets: dict[frozenset[str], set[str]] = {}
    for k, item in enumerate(items):
        line = item.pop("_line", None)
        data = {
            key: sys.intern(value) if type(value) is str and len(value) <= 64 else value
            for key, value in item.items()
            if value is not None
        }
        try:
            event = Event.model_validate(data)
        except ValidationError as e:
            for error in e.errors(include_url=False):
                loc = tuple(error["loc"])
                column = column_of(k, format_path(loc))
                problems.append(Problem(column, describe_error(Event, error), line))
            continue
        if (
            provisions is not None
            and event.provision is not None
            and event.provision not in provisions
        ):
            shown = ", ".join(sorted(provisions)[:12])
            msg = (
                f"unknown provision {event.provision!r}. Expected an obligation or phase "
                f"id of the agreement: {shown}."
            )
            problems.append(Problem(column_of(k, "provision"), msg, line))
            continue
        if actors is not None and event.party is not None and event.party not in actors:
            shown = ", ".join(sorted(actors)[:12])
            msg = f"unknown actor {event.party!r}. Expected one of: {shown}."
            problems.append(Problem(column_of(k, "party"), msg, line))
            continue
        fields = event.__pydantic_fields_set__
        object.__setattr__(
            event, "__pydantic_fields_set__", fields_sets.setdefault(frozenset(fields), fields)
        )
        events.append(event)
    if earlier or problems:
        found = sorted([*(earlier or []), *problems], key=lambda p: p.line or 0)
        raise _fail(label, found)
    return events


def read_events(
    path: str | Path,
    *,
    format: EventFormat = "auto",
    provision: str | None = None,
    provisions: set[str] | None = None,
    actors: Sequence[tuple[str, str]] = (),
) -> tuple[list[Event], int]:
    """Read events from a file.

    Parameters
    ----------
    path : str or Path
        A YAML events file, an events CSV, an OSCE-style counts CSV, or an ACLED or UCDP
        GED export (CSV).
    format : {'auto', 'events', 'osce', 'acled', 'ucdp'}
        The file's format; ``auto`` tells YAML by its suffix and CSVs by their header.
    provision : str or None
        The provision (obligation or phase id) that rows of OSCE, ACLED and UCDP files
        are recorded against.
    provisions : set of str or None
        The ids an event may name; others are errors. None accepts any.
    actors : sequence of (id, name)
        The scenario's actors: events must name one of them, and ACLED ``actor1`` and
        UCDP ``side_a`` are matched to them by id or name (whole words, any case).

    Returns
    -------
    events : list of Event
    skipped : int
        Rows left out (ACLED events that are not political violence).

    Raises
    ------
    ScenarioError
        With the file, line and column of every problem.
    """
    file = Path(path)
    label = str(path)
    if format not in EVENT_FORMATS:
        msg = f"unknown events format {format!r}. Expected one of: {', '.join(EVENT_FORMATS)}."
        raise _fail(label, [Problem("", msg)])
    if not file.is_file():
        msg = "no such file. Give an events YAML or CSV file."
        raise _fail(label, [Problem("", msg)])
    hint = "Filter the export to the dates and region you need."
    text = read_bounded_text(file, limit=MAX_EVENT_BYTES, label=label, hint=hint)
    known_actors = {a for a, _ in actors} if actors else None
    is_yaml = file.suffix.lower() in (".yaml", ".yml", ".json")
    if is_yaml and format in ("auto", "events"):
        return _read_yaml_events(text, label, provisions, known_actors), 0
    rows = _Rows(text, label)
    kind = detect_event_format(rows.header) if format == "auto" else format
    if not kind:
        msg = (
            "cannot tell the format from the header. Expected an events CSV (date, kind, ...), "
            "OSCE-style counts (date, region, violations, explosions), an ACLED export "
            "(event_date, event_type, actor1, ...) or a UCDP GED export (date_start, side_a, "
            "side_b, ...); or give --format."
        )
        raise _fail(label, [Problem("", msg, 1)])
    missing = [c for c in _REQUIRED[kind] if c not in rows.header]
    if missing:
        msg = (
            f"the header has no column {', '.join(repr(c) for c in missing)}, which the "
            f"{kind} format needs. Found: {', '.join(rows.header)}."
        )
        raise _fail(label, [Problem("", msg, 1)])
    match = _party_matcher(actors)
    skipped = [0]
    # The rows are read, converted and validated one at a time: only the events are kept.
    items: Iterator[dict[str, Any]]
    if kind == "events":
        items = _events_csv(rows, label)
    elif kind == "osce":
        items = _osce(rows, label, provision)
    elif kind == "acled":
        items = _acled(rows, label, provision, match, skipped)
    else:
        items = _ucdp(rows, label, provision, match)
    columns = {"osce": {"count": "violations"}, "acled": {"date": "event_date"}}
    columns["ucdp"] = {"date": "date_start", "fatalities": "best", "party": "side_a"}
    columns["acled"]["party"] = "actor1"
    rename = columns.get(kind, {})
    events = _validate(
        items,
        label,
        provisions=provisions,
        actors=known_actors,
        column_of=lambda _k, field: rename.get(field, field),
        earlier=rows.problems,
    )
    return events, skipped[0]


def _read_yaml_events(
    text: str, label: str, provisions: set[str] | None, actors: set[str] | None
) -> list[Event]:
    document, problems = read_yaml(text)
    if problems or document is None:
        raise _fail(label, problems)
    data = document.data
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        msg = "expected a mapping with the key 'events' (a list of events)."
        raise _fail(label, [Problem("", msg, document.lines.get(()))])
    try:
        EventsFile.model_validate(data)
    except ValidationError as e:
        found = []
        for error in e.errors(include_url=False):
            loc = tuple(error["loc"])
            line = document.lines.get(loc) or document.lines.get(loc[:2])
            found.append(Problem(format_path(loc), describe_error(EventsFile, error), line))
        raise _fail(label, found) from None
    items = []
    for k, item in enumerate(data["events"]):
        items.append({**item, "_line": document.lines.get(("events", k))})
    return _validate(
        items,
        label,
        provisions=provisions,
        actors=actors,
        column_of=lambda k, field: f"events[{k}].{field}",
    )

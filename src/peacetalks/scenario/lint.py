"""Provenance and consistency checks of scenarios: what ``peacetalks lint`` reports.

A scenario can be valid (every id resolves, every number in range) and still mislead: a
proposal option its source never states, a party's position cited from another party's
account, an analyst's view labelled as the party's own words, a source dated after the
scenario, utilities that contradict the ideal point they sit beside, an option that
changes meaning from one dated file of a series to the next. :func:`lint` finds these,
each with the file, line, field, a stable ``code``, a ``severity`` (``error``: the data
says something its sources do not; ``warning``: a label a reader should check) and a
message that says what, where, expected, got and how to fix.

The codes are documented in ``docs/lint.md``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from peacetalks.errors import NotFoundError, ScenarioError
from peacetalks.scenario._files import read_bounded_text
from peacetalks.scenario.index import builtin_ids
from peacetalks.scenario.load import builtin_series, parse_scenario, resolve_scenario_path
from peacetalks.scenario.models import Actor, Issue, Option, Position, Scenario, Source
from peacetalks.scenario.yaml_nodes import MAX_BYTES, format_path, line_for, read_yaml

__all__ = ["CODES", "LintProblem", "Severity", "lint", "lint_texts"]

Severity = Literal["error", "warning"]

CODES: dict[str, tuple[Severity, str]] = {
    "invalid": ("error", "the file does not load as a scenario"),
    "term-missing": (
        "error",
        "a proposal option that its source neither states nor is marked imputed",
    ),
    "source-after-as-of": ("error", "a source dated after the scenario's as_of"),
    "analysis-as-stated": ("error", "a position cites an analyst's source as the party's"),
    "utilities-contradict-ideal": (
        "error",
        "the best option by utilities is not the one nearest the ideal",
    ),
    "redline-unsourced": ("error", "red lines on a position that names no source"),
    "redline-judgement": ("warning", "red lines on a position marked as a judgement"),
    "option-changed": ("error", "an option id whose label or position changes across a series"),
    "other-actor-source": ("warning", "a position cites a source that is another actor's account"),
    "stated-source-no-actor": ("warning", "a stated source that names no actor"),
    "term-other-source": (
        "warning",
        "a proposal option marked stated but cited from another source than the proposal's",
    ),
    "judgement-no-note": (
        "warning",
        "utilities per option (the modeller's numbers) with no note giving the reasoning",
    ),
    "issue-renamed": (
        "warning",
        "an issue or actor id whose name (or an issue's scale) changes across a series",
    ),
}
"""Every code: its severity and what it finds."""


@dataclass(frozen=True)
class LintProblem:
    """One problem found by :func:`lint`.

    Attributes
    ----------
    file : str
        The file (or built-in id) it is in.
    line : int or None
        1-based line of the field, when known.
    field : str
        Path of the field, as ``positions[12].source``.
    code : str
        Stable code of the kind (see :data:`CODES`).
    severity : {"error", "warning"}
    message : str
    """

    file: str
    line: int | None
    field: str
    code: str
    severity: Severity
    message: str

    def to_dict(self) -> dict[str, object]:
        """Return the problem as JSON-ready data."""
        return {
            "file": self.file,
            "line": self.line,
            "field": self.field,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
        }

    def render(self) -> str:
        """Return the problem as one line: ``file:line: severity code field: message``."""
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        field = f" {self.field}" if self.field else ""
        return f"{where}: {self.severity} {self.code}{field}: {self.message}"


@dataclass(frozen=True)
class _Loaded:
    label: str
    scenario: Scenario
    lines: dict[str, int]


def _earliest(date: str) -> dt.date:
    """Return the first day a partial date (``2025``, ``2025-02``, ``2025-02-13``) can mean."""
    parts = [int(p) for p in date.split("-")]
    return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


class _Finder:
    """Collects the problems of one file, with the line of each field."""

    def __init__(self, label: str, lines: dict[str, int]):
        self.label = label
        self.lines = lines
        self.problems: list[LintProblem] = []

    def add(self, code: str, field: str, message: str) -> None:
        severity = CODES[code][0]
        self.problems.append(
            LintProblem(self.label, line_for(field, self.lines), field, code, severity, message)
        )


def _check_sources(find: _Finder, scenario: Scenario) -> None:
    for k, source in enumerate(scenario.sources):
        if _earliest(source.date) > scenario.as_of:
            find.add(
                "source-after-as-of",
                f"sources[{k}].date",
                f"source {source.id!r} is dated {source.date}, after the scenario's as_of "
                f"({scenario.as_of.isoformat()}). Expected a source from on or before that "
                "date. Move as_of, or cite what was known by then.",
            )
        if source.kind == "stated" and source.actor is None:
            find.add(
                "stated-source-no-actor",
                f"sources[{k}]",
                f"source {source.id!r} is marked stated (by the party itself) but names no "
                "actor. Add 'actor: <actor id>' (whose statement it is), or mark it reported "
                "or analysis.",
            )


def _check_judgements(find: _Finder, scenario: Scenario) -> None:
    """Find per-option utilities, numbers no source states, given without a note.

    ``judgement: true`` without a note does not load at all (the loader asks for the
    note), so lint reports it as ``invalid``; what is left to find is the utilities.
    """
    for k, position in enumerate(scenario.positions):
        if position.utilities and not position.note:
            find.add(
                "judgement-no-note",
                f"positions[{k}].utilities",
                f"the position of {position.actor!r} on {position.issue!r} gives utilities "
                "per option, which are the modeller's numbers (a source states a position, "
                "not its utilities), but no note. Add a 'note' that says how they were "
                "set, or drop them and let the ideal and curve decide.",
            )


def _check_position_sources(
    find: _Finder, scenario: Scenario, k: int, position: Position, sources: dict[str, Source]
) -> None:
    who = f"the position of {position.actor!r} on {position.issue!r}"
    for key in ("source", "salience_source"):
        source_id = getattr(position, key)
        source = sources.get(source_id) if source_id is not None else None
        if source is None:
            continue
        field = f"positions[{k}].{key}"
        if source.kind == "analysis" and not position.judgement:
            find.add(
                "analysis-as-stated",
                field,
                f"{who} cites {source.id!r}, an analyst's source ({source.author}), as if it "
                "stated the party's position. Expected the party's own or a reported "
                "source. Cite one, or mark the position judgement: true with a note that "
                "says it rests on the analysis.",
            )
        if source.actor is not None and source.actor != position.actor:
            find.add(
                "other-actor-source",
                field,
                f"{who} cites {source.id!r}, which is the account of {source.actor!r}. "
                f"Expected a source of {position.actor!r} itself, or a report of its "
                "position. Cite one, or say in the note whose account it is and mark the "
                "position judgement: true.",
            )
    if position.red_lines and position.source is None:
        find.add(
            "redline-unsourced",
            f"positions[{k}].red_lines",
            f"{who} has red lines ({', '.join(position.red_lines)}) but names no source. "
            "A red line needs the actor's own statement. Add 'source: <source id>', or "
            "remove the red lines.",
        )
    elif position.red_lines and position.judgement:
        find.add(
            "redline-judgement",
            f"positions[{k}].red_lines",
            f"{who} has red lines ({', '.join(position.red_lines)}) but is marked "
            "judgement: true, so its source does not state them as the actor's refusal. "
            "Expected red lines from the actor's own statement. Cite that statement and "
            "drop judgement, or say in the note why these options are red lines.",
        )


_UTILITY_SLACK = 0.05
"""How far utilities may depart from the ideal's order before it is a contradiction."""


def _check_utilities(find: _Finder, scenario: Scenario, k: int, position: Position) -> None:
    """Find utilities whose best option is not nearest the ideal, or that rise away from it.

    Options on either side of the ideal are compared only with options on the same side
    (an actor may mind a step one way more than the other), each side ordered by distance.
    """
    if not position.utilities:
        return
    issue = scenario.issue(position.issue)
    placed = {o.id: o.position for o in issue.options if o.id in position.utilities}
    utility = position.utilities
    ideal = position.ideal
    where = f"positions[{k}].utilities"
    whose = f"the utilities of {position.actor!r} on {position.issue!r}"
    fix = "Move the ideal or correct the utilities."
    distance = {o: abs(x - ideal) for o, x in placed.items()}
    best = max(utility[o] for o in placed)
    nearest = min(distance.values())
    closest = [o for o in placed if distance[o] == nearest]
    top = [o for o in placed if utility[o] >= best - 1e-9]
    if not set(closest) & set(top) and best - max(utility[o] for o in closest) > _UTILITY_SLACK:
        find.add(
            "utilities-contradict-ideal",
            where,
            f"{whose} rank {top[0]!r} first ({best:.2f}), but its ideal ({ideal:g}) is "
            f"nearest to {closest[0]!r} ({utility[closest[0]]:.2f}). Expected the option "
            f"nearest the ideal to score highest. {fix}",
        )
        return
    for side in (-1, 1):
        ordered = sorted(
            (o for o, x in placed.items() if (x - ideal) * side > 0), key=distance.__getitem__
        )
        for near_index, near in enumerate(ordered):
            far = next(
                (
                    o
                    for o in ordered[near_index + 1 :]
                    if distance[o] > distance[near] and utility[o] - utility[near] > _UTILITY_SLACK
                ),
                None,
            )
            if far is None:
                continue
            find.add(
                "utilities-contradict-ideal",
                where,
                f"{whose} rise away from its ideal ({ideal:g}): {far!r} at {placed[far]:g} "
                f"scores {utility[far]:.2f}, above {near!r} at {placed[near]:g} "
                f"({utility[near]:.2f}), which is nearer. Expected utilities that fall "
                f"with distance from the ideal on each side of it. {fix}",
            )
            return


def _check_proposal_sources(find: _Finder, scenario: Scenario, sources: dict[str, Source]) -> None:
    """Find a party's proposal cited from an analyst, or from another actor's account."""
    for k, proposal in enumerate(scenario.proposals):
        source = sources.get(proposal.source)
        if source is None or not proposal.authors:
            continue
        field = f"proposals[{k}].source"
        authors = ", ".join(proposal.authors)
        if source.kind == "analysis":
            find.add(
                "analysis-as-stated",
                field,
                f"proposal {proposal.id!r} is the proposal of {authors} (authors) but cites "
                f"{source.id!r}, an analyst's source ({source.author}). Expected the "
                "party's own or a reported source for a party's proposal. Cite one, or drop "
                "'authors' (an analyst's proposal has none).",
            )
        elif source.actor is not None and source.actor not in proposal.authors:
            find.add(
                "other-actor-source",
                field,
                f"proposal {proposal.id!r} is the proposal of {authors} (authors) but cites "
                f"{source.id!r}, which is the account of {source.actor!r}. Expected a "
                "source of the authors themselves, or a report of their proposal. Cite one, "
                "or say in the note whose account it is.",
            )


def _check_terms(find: _Finder, scenario: Scenario) -> None:
    for k, proposal in enumerate(scenario.proposals):
        for issue_id, option_id in proposal.deal.items():
            term = proposal.terms.get(issue_id)
            if term is not None:
                if term.basis == "stated" and term.source not in (None, proposal.source):
                    find.add(
                        "term-other-source",
                        f"proposals[{k}].terms.{issue_id}.source",
                        f"proposal {proposal.id!r} marks {option_id!r} on {issue_id!r} as "
                        f"stated, but cites {term.source!r} for it, not the proposal's "
                        f"source ({proposal.source}). Expected a stated term to be in the "
                        "proposal's own source. Mark it basis: imputed with a reason that "
                        f"names {term.source!r}, or quote the proposal's source.",
                    )
                continue
            find.add(
                "term-missing",
                f"proposals[{k}].deal.{issue_id}",
                f"proposal {proposal.id!r} takes {option_id!r} on {issue_id!r}, but its "
                f"terms do not say whether its source ({proposal.source}) states it. Add "
                f"'terms: {{{issue_id}: {{basis: stated, text: ...}}}}' with the source's "
                "words, or basis: imputed with a reason.",
            )


def _check_file(loaded: _Loaded) -> list[LintProblem]:
    scenario = loaded.scenario
    find = _Finder(loaded.label, loaded.lines)
    sources = {s.id: s for s in scenario.sources}
    _check_sources(find, scenario)
    _check_judgements(find, scenario)
    for k, position in enumerate(scenario.positions):
        _check_position_sources(find, scenario, k, position, sources)
        _check_utilities(find, scenario, k, position)
    _check_proposal_sources(find, scenario, sources)
    _check_terms(find, scenario)
    return find.problems


def _check_snapshot(
    after: _Loaded,
    issues_seen: dict[str, tuple[Issue, str]],
    options_seen: dict[tuple[str, str], tuple[Option, str]],
    actors_seen: dict[str, tuple[Actor, str]],
) -> list[LintProblem]:
    """Compare one snapshot with the latest earlier file of its series that has each id."""
    find = _Finder(after.label, after.lines)
    for i, issue in enumerate(after.scenario.issues):
        if issue.id in issues_seen:
            old, before = issues_seen[issue.id]
            if old.name != issue.name:
                find.add(
                    "issue-renamed",
                    f"issues[{i}].name",
                    f"issue {issue.id!r} is named {issue.name!r} in {after.label} but "
                    f"{old.name!r} in {before}. Keep one name per id across the series, or "
                    "give the changed issue a new id.",
                )
            if old.scale != issue.scale:
                find.add(
                    "issue-renamed",
                    f"issues[{i}].scale",
                    f"issue {issue.id!r} runs from {issue.scale.low!r} to "
                    f"{issue.scale.high!r} in {after.label} but from {old.scale.low!r} to "
                    f"{old.scale.high!r} in {before}, so its positions mean different "
                    "things. Keep one scale per id across the series, or give the changed "
                    "issue a new id.",
                )
        for j, option in enumerate(issue.options):
            seen = options_seen.get((issue.id, option.id))
            if seen is None or (seen[0].label, seen[0].position) == (
                option.label,
                option.position,
            ):
                continue
            was, before = seen
            find.add(
                "option-changed",
                f"issues[{i}].options[{j}]",
                f"option {option.id!r} of {issue.id!r} is {option.label!r} at "
                f"{option.position:g} in {after.label} but {was.label!r} at "
                f"{was.position:g} in {before}. Expected the same meaning under the same id "
                "across the series. Give the changed option a new id, or use one label and "
                "position in every file.",
            )
    for a, actor in enumerate(after.scenario.actors):
        if actor.id in actors_seen and actors_seen[actor.id][0].name != actor.name:
            old_actor, before = actors_seen[actor.id]
            find.add(
                "issue-renamed",
                f"actors[{a}].name",
                f"actor {actor.id!r} is named {actor.name!r} in {after.label} but "
                f"{old_actor.name!r} in {before}. Keep one name per id across the series, "
                "or give the changed actor a new id.",
            )
    return find.problems


def _check_series(files: Sequence[_Loaded]) -> list[LintProblem]:
    """Compare each file of a series, in date order, with the files before it.

    Each id is compared with the latest earlier file that has it, so an option left out
    of one snapshot and changed in the next is still found.
    """
    problems: list[LintProblem] = []
    by_series: dict[str, list[_Loaded]] = {}
    for loaded in files:
        if loaded.scenario.series is not None:
            by_series.setdefault(loaded.scenario.series, []).append(loaded)
    for members in by_series.values():
        issues_seen: dict[str, tuple[Issue, str]] = {}
        options_seen: dict[tuple[str, str], tuple[Option, str]] = {}
        actors_seen: dict[str, tuple[Actor, str]] = {}
        for snapshot in sorted(members, key=lambda f: (f.scenario.as_of, f.label)):
            problems += _check_snapshot(snapshot, issues_seen, options_seen, actors_seen)
            for issue in snapshot.scenario.issues:
                issues_seen[issue.id] = (issue, snapshot.label)
                for option in issue.options:
                    options_seen[(issue.id, option.id)] = (option, snapshot.label)
            for actor in snapshot.scenario.actors:
                actors_seen[actor.id] = (actor, snapshot.label)
    return problems


def _load(label: str, text: str) -> tuple[_Loaded | None, list[LintProblem]]:
    document, _ = read_yaml(text)
    lines = {} if document is None else {format_path(k): v for k, v in document.lines.items()}
    try:
        scenario = parse_scenario(text, source=label)
    except ScenarioError as e:
        return None, [
            LintProblem(label, p.line, p.path, "invalid", "error", p.message) for p in e.problems
        ]
    return _Loaded(label, scenario, lines), []


def lint_texts(texts: Iterable[tuple[str, str]]) -> list[LintProblem]:
    """Return the problems of scenarios given as ``(label, YAML text)`` pairs.

    The files are checked one by one, then those that share a ``series`` against each
    other in date order.
    """
    loaded: list[_Loaded] = []
    problems: list[LintProblem] = []
    for label, text in texts:
        one, invalid = _load(label, text)
        problems += invalid
        if one is not None:
            loaded.append(one)
            problems += _check_file(one)
    return problems + _check_series(loaded)


def _expand(names: Sequence[str | Path]) -> list[tuple[str, Path]]:
    """Return (label, path) of every scenario named: files, built-in ids, built-in series."""
    series = builtin_series()
    builtin = set(builtin_ids())
    found: list[tuple[str, Path]] = []
    for name in names:
        if str(name) in series and not Path(name).exists():
            found += [(i, resolve_scenario_path(i)) for i in series[str(name)]]
        elif str(name) in builtin and not Path(name).exists():
            found.append((str(name), resolve_scenario_path(name)))
        elif Path(name).is_file():
            found.append((str(name), Path(name)))
        else:
            msg = (
                f"no scenario {str(name)!r}: no such file, built-in scenario or series. "
                f"Built-in series: {', '.join(series) or 'none'}."
            )
            raise NotFoundError(msg, kind="scenario", value=str(name))
    return found


def lint(names: Sequence[str | Path]) -> list[LintProblem]:
    """Return the provenance and consistency problems of scenario files.

    Parameters
    ----------
    names : sequence of str or Path
        Scenario files, built-in ids (``ukraine-2025``) or built-in series (``ukraine``:
        every snapshot of it).

    Raises
    ------
    NotFoundError
        If a name is neither a file, a built-in scenario nor a built-in series.
    """
    texts: list[tuple[str, str]] = []
    unread: list[LintProblem] = []
    for label, path in _expand(names):
        try:
            text = read_bounded_text(path, limit=MAX_BYTES, label=label, hint="", encoding="utf-8")
        except ScenarioError as e:
            # Too large, unreadable or not UTF-8: an 'invalid' file, and the others go on.
            unread += [
                LintProblem(label, p.line, p.path, "invalid", "error", p.message)
                for p in e.problems
            ]
            continue
        texts.append((label, text))
    return unread + lint_texts(texts)

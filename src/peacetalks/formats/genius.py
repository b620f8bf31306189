"""Import and export GENIUS (ANAC) negotiation domains.

A GENIUS domain is a folder with one domain file (root ``<negotiation_template>``: the
issues and their items) and one utility file per party (root ``<utility_space>``: a
weight per issue, an evaluation per item, a reservation value). GENIUS, the ANAC
competitions and NegMAS read this format. ``docs/genius.md`` describes the mapping both
ways; in short:

- a discrete issue becomes an :class:`~peacetalks.scenario.models.Issue` whose options are
  the items, spread evenly over the 0-100 scale in item order; an integer issue gets one
  option per integer; real-valued issues are refused (discretise them first);
- a utility file becomes a veto :class:`~peacetalks.scenario.models.Actor` (every party
  must agree to a GENIUS deal) with capability 1 and one
  :class:`~peacetalks.scenario.models.Position` per issue it evaluates;
- GENIUS divides each item's evaluation by the largest evaluation of its issue, and a
  deal's utility is the weighted sum of those. The import keeps exactly that: the
  compiled weighted utilities of a deal add up to GENIUS's utility of it, so reservation
  values mean the same in both.

Files are parsed with :mod:`defusedxml`, at most :data:`MAX_FILE_BYTES` each: entity
declarations (billion laughs, external entities) are refused, never expanded.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from peacetalks.errors import FileFormatWarning, Problem, ScenarioError
from peacetalks.formats._genius_xml import (
    _DOMAIN_SUFFIX,
    _WEIGHT_ROUNDING,
    MAX_FILE_BYTES,
    MAX_INTEGER_VALUES,
    _fail,
    _find_files,
    _quoted,
    _slug,
    _Xml,
)
from peacetalks.formats._ids import UniqueIds
from peacetalks.formats.genius_export import dump_genius
from peacetalks.scenario.load import scenario_from_data
from peacetalks.scenario.models import Scenario

__all__ = ["MAX_FILE_BYTES", "MAX_INTEGER_VALUES", "dump_genius", "load_genius"]

# ---------------------------------------------------------------------------------------
# The domain file


@dataclass
class _Issue:
    name: str
    index: int
    id: str
    labels: list[str]
    option_ids: list[str]
    integers: list[int] | None
    line: int | None

    @property
    def lower(self) -> int:
        return self.integers[0] if self.integers else 0

    @functools.cached_property
    def positions(self) -> dict[str, int]:
        """Each label's index (a dict: items are looked up once per evaluation)."""
        return {label: k for k, label in enumerate(self.labels)}

    @functools.cached_property
    def integer_positions(self) -> dict[int, int]:
        """Each integer value's index (integer issues)."""
        return {v: k for k, v in enumerate(self.integers or ())}


def _objective(xml: _Xml) -> ET.Element:
    for space in xml.root.iter("utility_space"):
        for objective in space.iter("objective"):
            return objective
    return xml.root


def _bound(element: ET.Element, name: str) -> str | None:
    """Return an integer issue's bound, from the issue or its <range> child."""
    if name in element.attrib:
        return element.attrib[name]
    ranges = [child for child in element if child.tag == "range" and name in child.attrib]
    return ranges[0].attrib[name] if ranges else None


def _integer_values(xml: _Xml, issue: ET.Element, name: str) -> tuple[list[int], list[Problem]]:
    line = xml.line(issue)
    raw = (_bound(issue, "lowerbound"), _bound(issue, "upperbound"))
    if raw[0] is None or raw[1] is None:
        msg = (
            f"integer issue {name!r} has no lowerbound and upperbound. Add "
            'lowerbound="..." upperbound="..." to its <issue> element.'
        )
        return [], [Problem("", msg, line)]
    try:
        low, high = int(raw[0]), int(raw[1])
    except ValueError:
        msg = (
            f"integer issue {name!r} has bounds {raw[0]!r} and {raw[1]!r}; expected whole "
            "numbers. Fix the bounds."
        )
        return [], [Problem("", msg, line)]
    count = high - low + 1
    if count < 1:
        msg = f"integer issue {name!r} has lowerbound {low} above upperbound {high}. Swap them."
        return [], [Problem("", msg, line)]
    if count > MAX_INTEGER_VALUES:
        msg = (
            f"integer issue {name!r} has {count:,} values ({low} to {high}); the limit is "
            f"{MAX_INTEGER_VALUES:,}, one option each. Narrow the bounds, or make it a "
            "discrete issue with fewer items."
        )
        return [], [Problem("", msg, line)]
    return list(range(low, high + 1)), []


def _parse_domain(xml: _Xml) -> list[_Issue]:
    if xml.root.tag != "negotiation_template":
        msg = (
            f"expected the root element <negotiation_template> of a GENIUS domain file, "
            f"got <{xml.root.tag}>. Pass the domain file, not a utility file."
        )
        raise _fail(xml.label, msg, xml.line(xml.root))
    problems: list[Problem] = []
    issues: list[_Issue] = []
    used_ids = UniqueIds()
    names: set[str] = set()
    indices: dict[int, str] = {}
    elements = [e for e in _objective(xml) if e.tag == "issue"]
    for position, element in enumerate(elements, start=1):
        line = xml.line(element)
        name = element.attrib.get("name", "").strip()
        if not name:
            msg = f"issue number {position} has no 'name'. Give each <issue> a name."
            problems.append(Problem("", msg, line))
            continue
        if name in names:
            msg = f"two issues are named {name!r}. Give each issue its own name."
            problems.append(Problem("", msg, line))
            continue
        names.add(name)
        try:
            index = int(element.attrib.get("index", position))
        except ValueError:
            index = position
        if index in indices:
            msg = (
                f"issues {indices[index]!r} and {name!r} both have index {index}; weights "
                "name issues by index. Give each issue its own index."
            )
            problems.append(Problem("", msg, line))
            continue
        indices[index] = name
        kind = element.attrib.get("type", "discrete")
        integers: list[int] | None = None
        if kind == "discrete":
            labels: list[str] = []
            seen: set[str] = set()
            for item in element:
                if item.tag != "item":
                    continue
                value = item.attrib.get("value")
                if value is None or not value.strip():
                    msg = f"an <item> of issue {name!r} has no 'value'. Give each item a value."
                    problems.append(Problem("", msg, xml.line(item)))
                elif value in seen:
                    msg = (
                        f"issue {name!r} lists the item value {value!r} twice. Give each "
                        "item its own value."
                    )
                    problems.append(Problem("", msg, xml.line(item)))
                else:
                    labels.append(value)
                    seen.add(value)
            if not labels:
                msg = f"issue {name!r} has no items. Add <item value=...> elements."
                problems.append(Problem("", msg, line))
                continue
            ids = UniqueIds()
            option_ids = [ids(_slug(v, f"item-{k}")) for k, v in enumerate(labels, 1)]
        elif kind == "integer":
            integers, found = _integer_values(xml, element, name)
            problems += found
            if found:
                continue
            labels = [str(v) for v in integers]
            option_ids = [str(v) if v >= 0 else f"minus-{-v}" for v in integers]
        elif kind == "real":
            msg = (
                f"issue {name!r} is real-valued; peacetalks issues have a finite set of "
                "options. Discretise it into a discrete issue with items (in NegMAS: "
                "Scenario.discretize) and import again."
            )
            problems.append(Problem("", msg, line))
            continue
        else:
            msg = (
                f"issue {name!r} has type {kind!r}; expected 'discrete' or 'integer' "
                "('real' issues must be discretised first)."
            )
            problems.append(Problem("", msg, line))
            continue
        issue_id = used_ids(_slug(name, f"issue-{position}"))
        issues.append(_Issue(name, index, issue_id, labels, option_ids, integers, line))
    if not elements:
        msg = (
            "the domain defines no issues: expected <issue> elements inside "
            "<utility_space><objective>."
        )
        problems.append(Problem("", msg, xml.line(xml.root)))
    if problems:
        raise ScenarioError(problems, xml.label)
    return issues


# ---------------------------------------------------------------------------------------
# The utility files


@dataclass
class _Party:
    label: str
    weights: dict[str, float] = field(default_factory=dict)
    evaluations: dict[str, list[float]] = field(default_factory=dict)
    normalised: dict[str, bool] = field(default_factory=dict)
    reservation: float = 0.0
    discount: float | None = None


def _number(raw: str | None) -> float | None:
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _item_index(issue: _Issue, value: str) -> int | None:
    if value in issue.positions:
        return issue.positions[value]
    if issue.integers is not None:
        number = _number(value)
        if number is not None and number.is_integer():
            return issue.integer_positions.get(int(number))
    return None


def _evaluate_issue(
    xml: _Xml, element: ET.Element, issue: _Issue, domain: str
) -> tuple[list[float] | None, bool, list[Problem]]:
    """Return an issue's evaluations, whether GENIUS divides them by their maximum, problems."""
    problems: list[Problem] = []
    evaluators = [e for e in element if e.tag == "evaluator"]
    items = [e for e in element if e.tag == "item"]
    if evaluators:
        evaluator = evaluators[0]
        line = xml.line(evaluator)
        if issue.integers is None:
            msg = (
                f"issue {issue.name!r} is discrete in the domain, but the utility file gives "
                "it an <evaluator>; expected <item value=... evaluation=...> elements."
            )
            return None, False, [Problem("", msg, line)]
        ftype = evaluator.attrib.get("ftype")
        if ftype != "linear":
            msg = (
                f"issue {issue.name!r} uses an evaluator of ftype {ftype!r}; only 'linear' "
                "is supported. Replace it with <item value=... evaluation=...> elements."
            )
            return None, False, [Problem("", msg, line)]
        offset = _number(evaluator.attrib.get("offset", evaluator.attrib.get("parameter0", "0")))
        slope = _number(evaluator.attrib.get("slope", evaluator.attrib.get("parameter1", "1")))
        lower = _number(element.attrib.get("lowerbound", str(issue.lower)))
        if offset is None or slope is None or lower is None:
            msg = (
                f"the linear evaluator of issue {issue.name!r} needs numbers for 'offset', "
                "'slope' and the issue's 'lowerbound'. Fix them."
            )
            return None, False, [Problem("", msg, line)]
        # GENIUS evaluates offset + slope * (x - lowerbound), clipped to [0, 1].
        values = np.clip(offset + slope * (np.array(issue.integers) - lower), 0.0, 1.0)
        return [float(v) for v in values], False, []
    evaluations: list[float | None] = [None] * len(issue.labels)
    for item in items:
        line = xml.line(item)
        value = item.attrib.get("value")
        k = None if value is None else _item_index(issue, value)
        if k is None:
            msg = (
                f"unknown item value {value!r} of issue {issue.name!r}. Expected one of: "
                f"{_quoted(issue.labels)}, as in the domain file {domain}."
            )
            problems.append(Problem("", msg, line))
            continue
        raw = item.attrib.get("evaluation")
        number = _number(raw)
        if raw is None:
            msg = (
                f"item {value!r} of issue {issue.name!r} has no 'evaluation'. Add "
                'evaluation="<number >= 0>".'
            )
            problems.append(Problem("", msg, line))
        elif number is None or number < 0:
            msg = (
                f"item {value!r} of issue {issue.name!r} has evaluation {raw!r}; expected a "
                "finite number >= 0."
            )
            problems.append(Problem("", msg, line))
        elif evaluations[k] is not None:
            msg = f"item {value!r} of issue {issue.name!r} is evaluated twice. Keep one."
            problems.append(Problem("", msg, line))
        else:
            evaluations[k] = number
    missing = [label for label, e in zip(issue.labels, evaluations, strict=True) if e is None]
    if missing and not problems:
        msg = (
            f"issue {issue.name!r} gives no evaluation for item(s) {_quoted(missing)}. "
            "Expected one <item value=... evaluation=...> per item of the domain."
        )
        problems.append(Problem("", msg, xml.line(element)))
    if problems:
        return None, True, problems
    return [e for e in evaluations if e is not None], True, []


# Elements of GENIUS's non-linear utility spaces (constraints on hyper-rectangles).
_NON_LINEAR_TAGS = ("utility_function", "ufun", "hyperRectangle")


def _warn(label: str, message: str, line: int | None) -> None:
    where = f"{label}, line {line}" if line is not None else label
    warnings.warn(f"{where}: {message}", FileFormatWarning, stacklevel=4)


def _matched_issue(
    xml: _Xml, element: ET.Element, by_name: dict[str, _Issue], by_index: dict[int, _Issue]
) -> _Issue | None:
    """Return the domain issue an ``<issue>`` of a utility file evaluates, as GENIUS finds it.

    GENIUS finds it by its index. An index that names a domain issue whose name differs
    from this one only by surrounding spaces is read with a warning; other names must
    match, since a different name under the same index points at a mismatched file.
    """
    name = element.attrib.get("name")
    index = _number(element.attrib.get("index"))
    by_its_index = by_index.get(int(index)) if index is not None and index.is_integer() else None
    if name is None:
        return by_its_index
    if name in by_name:
        return by_name[name]
    if by_its_index is not None and name.strip() == by_its_index.name:
        msg = (
            f"issue {name!r} (index {by_its_index.index}) is named {by_its_index.name!r} in "
            "the domain file; read by its index, as GENIUS does. Remove the spaces from the "
            "name."
        )
        _warn(xml.label, msg, xml.line(element))
        return by_its_index
    return None


def _parse_utility(xml: _Xml, issues: list[_Issue], domain: str) -> _Party:
    if xml.root.tag != "utility_space":
        msg = (
            f"expected the root element <utility_space> of a GENIUS utility file, got "
            f"<{xml.root.tag}>."
        )
        raise _fail(xml.label, msg, xml.line(xml.root))
    # A non-linear space has no per-item evaluations: name it before anything they cause.
    for element in xml.root.iter():
        if element.tag in _NON_LINEAR_TAGS:
            msg = (
                f"the file is a non-linear utility space (<{element.tag}>); peacetalks reads "
                "linear additive utility files only (a weight per issue and an evaluation "
                "per item). Use a linear utility file for this party."
            )
            raise _fail(xml.label, msg, xml.line(element))
    party = _Party(xml.label)
    problems: list[Problem] = []
    by_name = {issue.name: issue for issue in issues}
    by_index = {issue.index: issue for issue in issues}
    for child in xml.root:
        if child.tag == "reservation":
            raw = child.attrib.get("value")
            number = _number(raw)
            if number is None or not 0 <= number <= 1:
                msg = (
                    f"reservation value {raw!r} is not a number in [0, 1]. GENIUS "
                    "reservation values are utilities between 0 and 1."
                )
                problems.append(Problem("", msg, xml.line(child)))
            else:
                party.reservation = number
        elif child.tag == "discount_factor":
            party.discount = _number(child.attrib.get("value"))
    objective = next((c for c in xml.root if c.tag == "objective"), xml.root)
    objective_index = _number(objective.attrib.get("index"))
    weight_lines: dict[str, int | None] = {}
    for child in objective:
        line = xml.line(child)
        if child.tag == "issue":
            name = child.attrib.get("name")
            issue = _matched_issue(xml, child, by_name, by_index)
            if issue is None:
                msg = (
                    f"the utility file evaluates issue {name!r}, which the domain file "
                    f"{domain} does not define. Expected one of: {_quoted(by_name)}."
                )
                problems.append(Problem("", msg, line))
                continue
            if issue.id in party.evaluations:
                msg = f"issue {issue.name!r} is evaluated twice. Keep one <issue> for it."
                problems.append(Problem("", msg, line))
                continue
            values, normalised, found = _evaluate_issue(xml, child, issue, domain)
            problems += found
            if values is not None:
                party.evaluations[issue.id] = values
                party.normalised[issue.id] = normalised
        elif child.tag == "weight":
            raw_index, raw = child.attrib.get("index"), child.attrib.get("value")
            index, number = _number(raw_index), _number(raw)
            issue = by_index.get(int(index)) if index is not None and index.is_integer() else None
            if issue is None and index is not None and index == objective_index:
                msg = (
                    f"a <weight> has index {raw_index!r}, the index of the objective, not of an "
                    "issue; GENIUS ignores it, and so does peacetalks. Remove it."
                )
                _warn(xml.label, msg, line)
            elif issue is None:
                msg = (
                    f"a <weight> has index {raw_index!r}, which names no issue of the domain "
                    f"(indices {', '.join(str(i.index) for i in issues)}). Fix the index."
                )
                problems.append(Problem("", msg, line))
            elif number is None or number < 0:
                msg = (
                    f"the weight of issue {issue.name!r} is {raw!r}; expected a finite number >= 0."
                )
                problems.append(Problem("", msg, line))
            else:
                party.weights[issue.id] = number
                weight_lines[issue.id] = line
    for issue in issues if not problems else ():
        weight = party.weights.get(issue.id)
        if issue.id in party.evaluations and weight is None:
            msg = (
                f"issue {issue.name!r} is evaluated but has no <weight>. Add "
                f'<weight index="{issue.index}" value="..."/>.'
            )
            problems.append(Problem("", msg, xml.line(objective)))
        elif weight and issue.id not in party.evaluations:
            msg = (
                f"issue {issue.name!r} has weight {weight:g} but no evaluations. Add its "
                "<issue> with one <item value=... evaluation=...> per item."
            )
            problems.append(Problem("", msg, weight_lines.get(issue.id)))
    total = sum(party.weights.values())
    if not problems and not party.evaluations:
        msg = (
            "the utility file evaluates no issue: expected <issue> elements with "
            "<item value=... evaluation=...> and <weight> elements inside <objective>."
        )
        problems.append(Problem("", msg, xml.line(objective)))
    elif not problems and total <= 0:
        msg = (
            "the weights sum to 0, so this party cares about no issue. Give at least one "
            "issue a weight above 0."
        )
        problems.append(Problem("", msg, xml.line(objective)))
    if problems:
        raise ScenarioError(problems, xml.label)
    if total > 1 + _WEIGHT_ROUNDING:
        scaled = party.reservation / total
        msg = (
            f"the weights sum to {total:g}, above 1. GENIUS keeps them and caps a deal's "
            "utility at 1; peacetalks divides the weights by their sum and the reservation "
            f"value {party.reservation:g} by it too ({scaled:.6g}), so the same deals clear "
            "the reservation and deals rank as in GENIUS, except that deals GENIUS caps at 1 "
            "stay apart. Divide each weight by their sum to silence this."
        )
        _warn(xml.label, msg, xml.line(objective))
        party.reservation = scaled
    return party


# ---------------------------------------------------------------------------------------
# Building the scenario


def _domain_name(domain: _Xml, folder: Path) -> str:
    name = _DOMAIN_SUFFIX.sub("", Path(domain.label).stem).strip(" -_.")
    return name or folder.name or "genius"


def _domain_title(domain: _Xml, name: str) -> str:
    # Classic GENIUS files name the domain on the objective; NegMAS writes "root".
    title = _objective(domain).attrib.get("name", "").strip()
    return title if title and title.lower() not in ("root", "any") else name


def _position(issue: _Issue, party: _Party, actor_id: str, source_id: str) -> dict[str, Any]:
    total = sum(party.weights.values())
    evaluations = np.array(party.evaluations[issue.id], dtype=np.float64)
    if party.normalised[issue.id]:
        top = evaluations.max()
        evaluations = evaluations / top if top > 0 else np.zeros_like(evaluations)
    # Scaling by the weights' sum (when below 1) keeps GENIUS's utility of every deal.
    utilities = np.minimum(evaluations * min(total, 1.0), 1.0)
    positions = _option_positions(len(issue.labels))
    return {
        "actor": actor_id,
        "issue": issue.id,
        "ideal": positions[int(np.argmax(utilities))],
        "salience": party.weights[issue.id] / total,
        "utilities": {o: float(u) for o, u in zip(issue.option_ids, utilities, strict=True)},
        "source": source_id,
    }


def _option_positions(n: int) -> list[float]:
    return [100.0 * k / (n - 1) for k in range(n)] if n > 1 else [0.0]


def _actor_note(party: _Party) -> str:
    note = (
        "Imported from GENIUS. Capability is not part of GENIUS, so every party gets 1; "
        "every party has a veto, as a GENIUS deal needs all parties to agree."
    )
    if party.discount is not None and 0 < party.discount < 1:
        note += f" The discount factor {party.discount:g} is dropped: peacetalks has no clock."
    return note


def load_genius(
    folder_or_domain_file: str | Path,
    *,
    utility_files: Sequence[str | Path] | None = None,
    as_of: dt.date | None = None,
) -> Scenario:
    """Load a GENIUS / ANAC negotiation domain as a scenario.

    Parameters
    ----------
    folder_or_domain_file : str or Path
        A folder holding one domain file (root ``<negotiation_template>``) and one utility
        file per party (root ``<utility_space>``), or the domain file itself.
    utility_files : sequence of str or Path, optional
        The parties' utility files, in the order the actors should have. By default every
        utility file in the domain's folder, sorted by file name.
    as_of : datetime.date, optional
        The scenario's date; GENIUS files carry none. Defaults to the day the domain file
        was last modified.

    Returns
    -------
    Scenario
        One issue per GENIUS issue, one veto actor per utility file, one position per
        evaluated issue, and one source per utility file.

    Raises
    ------
    ScenarioError
        If a file is missing, too large, not well-formed, declares entities, or does not
        follow the GENIUS format (real-valued issues, unknown issues or items, missing
        evaluations or weights, a non-linear utility space). The message names the file
        and line.

    Warns
    -----
    FileFormatWarning
        When a file is read as GENIUS reads it where that may surprise: a ``<weight>``
        for the objective itself (ignored), an ``<issue>`` whose name differs from the
        domain's by surrounding spaces (matched by index), weights summing above 1.01
        (see Notes).

    Notes
    -----
    GENIUS divides each evaluation by the largest evaluation of its issue, and a party's
    utility of a deal is ``sum(weight[i] * evaluation[i] / max_evaluation[i])``. The
    saliences are the weights divided by their sum and the utilities are the divided
    evaluations times that sum (when it is below 1), so the compiled weighted utilities
    are exactly GENIUS's terms. A sum above 1 but within 1.01 is taken as rounding and
    divided out. GENIUS keeps a larger sum and caps a deal's utility at 1, which no
    additive utility can do: the weights are divided by their sum and so is the
    reservation value, so the deals that clear it and the order of deals are GENIUS's,
    except that deals GENIUS caps at 1 (tied there) keep their order here. Integer issues
    with a linear evaluator use GENIUS's ``offset + slope * (x - lowerbound)``, clipped
    to [0, 1], undivided.
    """
    target = Path(folder_or_domain_file)
    domain, party_files = _find_files(target, utility_files)
    issues = _parse_domain(domain)
    parties = [_parse_utility(xml, issues, domain.label) for xml in party_files]
    folder = target if target.is_dir() else target.parent
    name = _domain_name(domain, folder)
    title = _domain_title(domain, name)
    if as_of is None:
        domain_path = target / domain.label if target.is_dir() else target
        as_of = dt.date.fromtimestamp(domain_path.stat().st_mtime)
    actor_ids = UniqueIds()
    actors, sources, positions = [], [], []
    for k, party in enumerate(parties, start=1):
        stem = Path(party.label).stem
        actor_id = actor_ids(_slug(stem, f"party-{k}"))
        source_id = f"genius-{actor_id}"
        sources.append(
            {
                "id": source_id,
                "author": "GENIUS domain",
                "title": title,
                "date": as_of.isoformat(),
                "address": party.label,
                "kind": "analysis",
            }
        )
        actors.append(
            {
                "id": actor_id,
                "name": stem or actor_id,
                "capability": 1.0,
                "veto": True,
                "reservation": party.reservation,
                "source": source_id,
                "judgement": True,
                "note": _actor_note(party),
            }
        )
        positions += [
            _position(issue, party, actor_id, source_id)
            for issue in issues
            if issue.id in party.evaluations
        ]
    data = {
        "id": _slug(name, "genius"),
        "title": title,
        "as_of": as_of,
        "description": (
            f"Imported from the GENIUS domain {domain.label} with the utility files "
            f"{', '.join(p.label for p in parties)}."
        ),
        "sources": sources,
        "actors": actors,
        "issues": [
            {
                "id": issue.id,
                "name": issue.name,
                "scale": {"low": issue.labels[0], "high": issue.labels[-1]},
                "options": [
                    {"id": option_id, "label": label, "position": position}
                    for option_id, label, position in zip(
                        issue.option_ids,
                        issue.labels,
                        _option_positions(len(issue.labels)),
                        strict=True,
                    )
                ],
            }
            for issue in issues
        ],
        "positions": positions,
    }
    return scenario_from_data(data, source=domain.label)

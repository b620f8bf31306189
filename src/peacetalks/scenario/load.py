"""Load, validate and dump scenarios (YAML), and find the built-in ones.

Every problem in a file is reported at once, each with the file, the line, the path of
the field, what was expected and what was got, in one :class:`~peacetalks.errors.ScenarioError`.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from peacetalks.errors import NotFoundError, Problem, ScenarioError
from peacetalks.scenario._files import read_bounded_text
from peacetalks.scenario.index import builtin_headers, builtin_ids
from peacetalks.scenario.messages import describe_error
from peacetalks.scenario.models import Scenario
from peacetalks.scenario.rules import check_scenario
from peacetalks.scenario.yaml_nodes import MAX_BYTES, Lines, format_path, line_for, read_yaml

__all__ = [
    "builtin_scenarios",
    "builtin_series",
    "dump_scenario",
    "load_scenario",
    "load_series",
    "parse_scenario",
    "resolve_scenario_path",
    "scenario_from_data",
    "scenario_to_data",
]

_BUILTIN_PACKAGE = "peacetalks.data"
_BUILTIN_FOLDER = "scenarios"


def scenario_from_data(
    data: Any, *, source: str | None = None, lines: Lines | None = None
) -> Scenario:
    """Validate plain data (as read from YAML or JSON) into a :class:`Scenario`.

    Parameters
    ----------
    data : object
        A mapping in the scenario format.
    source : str or None
        File name or label used in error messages.
    lines : dict or None
        Line of each path, as made by the YAML reader.

    Raises
    ------
    ScenarioError
        With one problem per mistake found.
    """
    lines = lines or {}
    if data is None:
        msg = (
            "the scenario is empty. Expected a mapping with the keys id, title, as_of, "
            "actors, issues and positions."
        )
        raise ScenarioError([Problem("", msg)], source)
    if not isinstance(data, dict):
        msg = f"expected a mapping at the top of the scenario, got a {type(data).__name__}."
        raise ScenarioError([Problem("", msg, lines.get(()))], source)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as e:
        by_text = _lines_by_text(lines)
        errors = e.errors(include_url=False)
        problems = []
        for error in errors:
            path = format_path(tuple(error["loc"]))
            problems.append(Problem(path, describe_error(Scenario, error), line_for(path, by_text)))
        rest = _cross_check_the_rest(data, errors)
        if rest:
            problems += [Problem(p.path, p.message, line_for(p.path, by_text)) for p in rest]
            # One list in the file's order, as a reader goes through it.
            problems.sort(key=lambda p: p.line if p.line is not None else 0)
        raise ScenarioError(problems, source) from None
    found = check_scenario(scenario)
    if found:
        by_text = _lines_by_text(lines)
        problems = [Problem(p.path, p.message, line_for(p.path, by_text)) for p in found]
        raise ScenarioError(problems, source)
    return scenario


_RECORD_PATH = re.compile(r"^([a-z_]+)\[(\d+)\]")


# What a record of each list is called in the cross-checks' messages ("unknown actor").
_KINDS = {
    "actors": "actor",
    "issues": "issue",
    "sources": "source",
    "proposals": "proposal",
    "regions": "region",
    "cities": "city",
    "bodies": "body",
    "agreements": "agreement",
}
# Fields whose values name other records: a left-out record's references.
_REFERENCES = ("id", "actor", "issue", "source", "proposal")


def _cross_check_the_rest(data: dict[str, Any], errors: list[Any]) -> list[Problem]:
    """Return the cross-record problems found once the field errors are set aside.

    So that one run lists every problem of every kind. In a record (a list item such
    as ``actors[0]``) with a field error, a number outside its bounds is taken at the
    nearest bound and any other wrong field is dropped (its default stands in); a
    record still invalid then is left out, with the problems that may only follow from
    it (those that quote an id it holds or names, and unknown references of its kind).
    Problems of a field already reported, or of a record or mapping holding one, are
    dropped too. Paths keep the file's numbering. Returns nothing when a field outside
    the lists is wrong (every check would follow from it) or the rest is still invalid.
    """
    records: dict[str, dict[int, list[Any]]] = {}
    for error in errors:
        loc = tuple(error["loc"])
        if len(loc) < 2 or not isinstance(loc[0], str) or not isinstance(loc[1], int):
            return []
        records.setdefault(loc[0], {}).setdefault(loc[1], []).append(error)
    rest = dict(data)
    for key, by_index in records.items():
        items = data.get(key)
        if not isinstance(items, list):
            return []
        rest[key] = [
            _repaired(item, by_index[i]) if i in by_index else item for i, item in enumerate(items)
        ]
    left_out_ids: set[str] = set()
    left_out_kinds: set[str] = set()
    kept_index: dict[str, list[int]] = {}
    try:
        scenario = Scenario.model_validate(rest)
    except ValidationError as e:
        still = {tuple(x["loc"])[:2] for x in e.errors()}
        if any(len(k) < 2 or k[0] not in records for k in still):
            return []
        for key in records:
            items = rest[key]
            kept_index[key] = [i for i in range(len(items)) if (key, i) not in still]
            for i in set(range(len(items))) - set(kept_index[key]):
                left_out_kinds.add(_KINDS.get(key, key))
                if isinstance(items[i], dict):
                    left_out_ids |= {str(items[i][f]) for f in _REFERENCES if f in items[i]}
            rest[key] = [items[i] for i in kept_index[key]]
        try:
            scenario = Scenario.model_validate(rest)
        except ValidationError:
            return []
    reported = [format_path(tuple(e["loc"])) for e in errors]
    found = []
    for problem in check_scenario(scenario):
        message = problem.message
        if any(repr(item_id) in message for item_id in left_out_ids) or any(
            message.startswith(f"unknown {kind} ") for kind in left_out_kinds
        ):
            continue
        path = problem.path
        match = _RECORD_PATH.match(path)
        if match and match.group(1) in kept_index:
            original = kept_index[match.group(1)][int(match.group(2))]
            path = f"{match.group(1)}[{original}]{path[match.end() :]}"
        if any(_related(path, r) for r in reported):
            continue
        # A field set to its bound may upset the checks of its own record ("quiet period
        # longer than the phase"); a reference to an unknown id there is its own mistake.
        if not message.startswith("unknown ") and any(
            path.startswith(_record_of(r) + ".") for r in reported
        ):
            continue
        found.append(Problem(path, message))
    return found


def _record_of(path: str) -> str:
    """Return the path of the record holding a field (``a[0].b[1]`` for ``a[0].b[1].c``)."""
    return path.rsplit(".", 1)[0] if "." in path else path


def _related(path: str, reported: str) -> bool:
    """Whether ``path`` is ``reported`` or holds it, or lies inside it."""
    inner, outer = (path, reported) if len(path) >= len(reported) else (reported, path)
    return inner == outer or inner.startswith((outer + ".", outer + "["))


def _repaired(item: Any, errors: list[Any]) -> Any:
    """Return a copy of a record with its wrong fields set to their bound or dropped."""
    item = copy.deepcopy(item)
    for error in errors:
        loc = tuple(error["loc"])[2:]
        if not loc:
            continue
        parent = item
        for step in loc[:-1]:
            try:
                parent = parent[step]
            except (KeyError, IndexError, TypeError):
                parent = None
                break
        bound = (error.get("ctx") or {}).get(_BOUNDS.get(error["type"], ""))
        if isinstance(parent, dict):
            if isinstance(bound, int | float):
                parent[loc[-1]] = bound
            else:
                parent.pop(loc[-1], None)
        elif isinstance(parent, list) and isinstance(loc[-1], int) and 0 <= loc[-1] < len(parent):
            parent[loc[-1]] = bound if isinstance(bound, int | float) else None
    return item


_BOUNDS = {"greater_than_equal": "ge", "less_than_equal": "le"}


def _lines_by_text(lines: Lines) -> dict[str, int]:
    # The line of each path by its text (``positions[3].salience``), for the problems
    # found: made only when there are some.
    return {format_path(key): line for key, line in lines.items()}


def parse_scenario(text: str, *, source: str | None = None) -> Scenario:
    """Parse and validate a scenario from YAML text.

    Parameters
    ----------
    text : str
        The YAML document.
    source : str or None
        File name or label used in error messages.
    """
    if len(text) > MAX_BYTES:
        msg = (
            f"the scenario is {len(text):,} characters long; the limit is {MAX_BYTES:,}. "
            "Split it into smaller scenarios."
        )
        raise ScenarioError([Problem("", msg)], source)
    document, problems = read_yaml(text)
    if problems or document is None:
        raise ScenarioError(problems, source)
    return scenario_from_data(document.data, source=source, lines=document.lines)


def builtin_scenarios() -> list[str]:
    """Return the ids of the built-in scenarios, sorted."""
    return builtin_ids()


def resolve_scenario_path(name: str | Path) -> Path:
    """Return the file of a built-in scenario id, or the given path if it exists.

    Raises
    ------
    NotFoundError
        If ``name`` is neither an existing file nor a built-in id.
    """
    path = Path(name)
    if path.is_file():
        return path
    ids = builtin_scenarios()
    if str(name) in ids:
        folder = resources.files(_BUILTIN_PACKAGE) / _BUILTIN_FOLDER
        return Path(str(folder / f"{name}.yaml"))
    if path.exists():
        msg = f"{name}: is a folder, expected a scenario file (.yaml) or a built-in id."
    else:
        msg = (
            f"no scenario {str(name)!r}: no such file, and no built-in scenario has that id. "
            f"Built-in scenarios: {', '.join(ids)}. Run 'peacetalks scenarios' to list them."
        )
    raise NotFoundError(msg, kind="scenario", value=str(name))


def load_scenario(name: str | Path) -> Scenario:
    """Load a scenario from a YAML file or by built-in id.

    Parameters
    ----------
    name : str or Path
        A path to a YAML file, or the id of a built-in scenario (``"ukraine-2025"``).

    Raises
    ------
    NotFoundError
        If there is no such file or built-in scenario.
    ScenarioError
        If the file is unreadable or invalid; the message lists every problem.
    """
    path = resolve_scenario_path(name)
    label = path.name if str(name) in builtin_scenarios() else str(name)
    text = read_bounded_text(
        path,
        limit=MAX_BYTES,
        label=label,
        hint="Split it into smaller scenarios.",
        encoding="utf-8",
    )
    return parse_scenario(text, source=label)


def builtin_series() -> dict[str, list[str]]:
    """Return each built-in series' id with the ids of its snapshots, oldest first."""
    series: dict[str, list[tuple[str, str]]] = {}
    for header in builtin_headers():
        if header.series is not None:
            series.setdefault(header.series, []).append((header.as_of, header.id))
    return {name: [i for _, i in sorted(snapshots)] for name, snapshots in sorted(series.items())}


def load_series(names: str | Path | list[str | Path]) -> list[Scenario]:
    """Load the snapshots of a series, oldest first.

    Parameters
    ----------
    names : str, Path or list of them
        A built-in series id (``"ukraine"``: every built-in scenario whose ``series`` is
        that id), or scenario files and built-in ids to read as one series.

    Returns
    -------
    list of Scenario
        Ordered by ``as_of`` (then id).

    Raises
    ------
    NotFoundError
        If a single name is neither a series, a file nor a built-in scenario.
    """
    if not isinstance(names, list):
        known = builtin_series()
        if str(names) in known:
            return [load_scenario(i) for i in known[str(names)]]
        if not Path(names).is_file() and str(names) not in builtin_scenarios():
            msg = (
                f"no series {str(names)!r}: no built-in series has that id, and it is no "
                f"scenario file. Built-in series: {', '.join(known) or 'none'}."
            )
            raise NotFoundError(msg, kind="series", value=str(names))
        names = [names]
    scenarios = [load_scenario(name) for name in names]
    return sorted(scenarios, key=lambda s: (s.as_of, s.id))


def scenario_to_data(scenario: Scenario) -> dict[str, Any]:
    """Return the scenario as plain data in the YAML structure (JSON-compatible)."""
    data: dict[str, Any] = scenario.model_dump(mode="json", exclude_none=True)
    return data


class _Dumper(yaml.SafeDumper):
    pass


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def dump_scenario(scenario: Scenario) -> str:
    """Return the scenario as YAML text that :func:`parse_scenario` reads back unchanged."""
    data = scenario_to_data(scenario)
    data["as_of"] = dt.date.fromisoformat(data["as_of"])
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)

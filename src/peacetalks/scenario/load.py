"""Load, validate and dump scenarios (YAML), and find the built-in ones.

Every problem in a file is reported at once, each with the file, the line, the path of
the field, what was expected and what was got, in one :class:`~peacetalks.errors.ScenarioError`.
"""

from __future__ import annotations

import datetime as dt
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
        problems = []
        for error in e.errors(include_url=False):
            path = format_path(tuple(error["loc"]))
            problems.append(Problem(path, describe_error(Scenario, error), line_for(path, by_text)))
        raise ScenarioError(problems, source) from None
    found = check_scenario(scenario)
    if found:
        by_text = _lines_by_text(lines)
        problems = [Problem(p.path, p.message, line_for(p.path, by_text)) for p in found]
        raise ScenarioError(problems, source)
    return scenario


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

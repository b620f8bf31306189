"""The built-in scenarios' headers (id, title, date, series) without validating them.

Listing the built-in scenarios, or the snapshots of a series, needs four fields of each
file, not the records: this module reads them from the YAML nodes (libyaml when PyYAML
has it), with neither pydantic nor NumPy, so ``peacetalks scenarios`` starts fast. The
built-in files are validated by the test suite and by ``load_scenario`` when they are used.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

__all__ = ["ScenarioHeader", "builtin_headers", "builtin_ids", "packaged_ids", "read_header"]

PACKAGE = "peacetalks.data"
FOLDER = "scenarios"
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class ScenarioHeader:
    """The top-level fields of a built-in scenario that lists and series need."""

    id: str
    title: str
    as_of: str
    series: str | None


def packaged_ids(folder: str = FOLDER) -> list[str]:
    """Return the ids (file names without ``.yaml``) of a folder of ``peacetalks.data``, sorted."""
    entries = resources.files(PACKAGE) / folder
    names = [entry.name for entry in entries.iterdir()]
    return sorted(name.removesuffix(".yaml") for name in names if name.endswith(".yaml"))


def builtin_ids() -> list[str]:
    """Return the ids of the built-in scenarios (their file names), sorted."""
    return packaged_ids(FOLDER)


def _scalar(root: yaml.MappingNode, key: str) -> str | None:
    for name, value in root.value:
        if name.value == key and isinstance(value, yaml.ScalarNode):
            return str(value.value)
    return None


@functools.cache
def builtin_headers() -> tuple[ScenarioHeader, ...]:
    """Return every built-in scenario's header, sorted by id."""
    return tuple(
        read_header(
            scenario_id,
            (resources.files(PACKAGE) / FOLDER / f"{scenario_id}.yaml").read_text("utf-8"),
        )
        for scenario_id in builtin_ids()
    )


def read_header(scenario_id: str, text: str) -> ScenarioHeader:
    """Return the header of one scenario file's text, without validating the rest.

    A text that does not parse, or whose top level is not a mapping, still gives a
    header with its id (and empty fields): the file is listed, and loading it reports
    the full error with file and line.
    """
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError:
        root = None
    if not isinstance(root, yaml.MappingNode):
        return ScenarioHeader(id=scenario_id, title="", as_of="", series=None)
    return ScenarioHeader(
        id=_scalar(root, "id") or scenario_id,
        title=_scalar(root, "title") or "",
        as_of=_scalar(root, "as_of") or "",
        series=_scalar(root, "series"),
    )

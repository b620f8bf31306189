"""Built-in bodies and body files: read, validate, and merge into a scenario's bodies.

A body file is YAML holding either one body (the keys of a scenario's ``bodies`` entry)
or a mapping with ``body`` and ``sources`` (the sources its ``source`` ids name). The
built-in bodies (``src/peacetalks/data/bodies/``) are body files of the second kind:
``unsc``, ``eu-council-unanimity``, ``eu-council-qmv``, ``verkhovna-rada``,
``ukraine-referendum``, ``russia-federal-assembly`` and ``us-senate``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, ValidationError

from peacetalks.errors import NotFoundError, Problem, ScenarioError
from peacetalks.scenario._fields import Record
from peacetalks.scenario.bodies import (
    Body,
    builtin_body_ids,
    builtin_body_text,
)
from peacetalks.scenario.messages import describe_error
from peacetalks.scenario.models import Scenario, Source
from peacetalks.scenario.rules import check_body
from peacetalks.scenario.yaml_nodes import MAX_BYTES, format_path, read_yaml

__all__ = [
    "BodyDocument",
    "builtin_bodies",
    "builtin_body",
    "load_body",
    "parse_body",
    "resolve_body",
    "scenario_body",
]


# Paths quoted inside messages (a duplicate's first place) lose the 'body.' of a bare file.
_BODY_PREFIX = re.compile(r"\bbody\.(?=members|rule|actors|votes)")


class _BodyFile(Record):
    sources: Annotated[tuple[Source, ...], Field(max_length=1000)] = ()
    body: Body


@dataclass(frozen=True)
class BodyDocument:
    """A body with the sources it cites.

    Attributes
    ----------
    body : Body
    sources : tuple of Source
    """

    body: Body
    sources: tuple[Source, ...] = ()


def _line_for(path: str, by_text: dict[str, int]) -> int | None:
    probe = path
    while probe:
        if probe in by_text:
            return by_text[probe]
        cut = max(probe.rfind("."), probe.rfind("["))
        probe = probe[:cut] if cut > 0 else ""
    return None


def parse_body(text: str, *, source: str | None = None) -> BodyDocument:
    """Parse and validate a body file from YAML text.

    Parameters
    ----------
    text : str
        One body, or a mapping with ``body`` and ``sources``.
    source : str or None
        File name or label used in error messages.

    Raises
    ------
    ScenarioError
        With one problem per mistake found (file, line, field, what and how to fix).
    """
    if len(text) > MAX_BYTES:
        msg = f"the body file is {len(text):,} characters long; the limit is {MAX_BYTES:,}."
        raise ScenarioError([Problem("", msg)], source)
    document, problems = read_yaml(text)
    if problems or document is None:
        raise ScenarioError(problems, source)
    data: Any = document.data
    if not isinstance(data, dict):
        kind = "nothing" if data is None else f"a {type(data).__name__}"
        msg = f"expected a mapping with the keys of one body, got {kind}."
        raise ScenarioError([Problem("", msg, 1)], source)
    wrapped = "body" in data
    lines = document.lines if wrapped else {("body", *k): v for k, v in document.lines.items()}
    by_text = {format_path(key): line for key, line in lines.items()}

    def shown(path: str) -> str:
        return path if wrapped else path.removeprefix("body").removeprefix(".")

    try:
        parsed = _BodyFile.model_validate(data if wrapped else {"body": data})
    except ValidationError as e:
        found = []
        for error in e.errors(include_url=False):
            path = format_path(tuple(error["loc"]))
            message = describe_error(_BodyFile, error)
            found.append(Problem(shown(path), message, _line_for(path, by_text)))
        raise ScenarioError(found, source) from None
    sources = {s.id for s in parsed.sources} if wrapped else None
    # check_body also checks the members' positions, electorate and quorum.
    checked = check_body(parsed.body, "body", sources=sources)
    if checked:
        found = [
            Problem(
                shown(p.path),
                p.message if wrapped else _BODY_PREFIX.sub("", p.message),
                _line_for(p.path, by_text),
            )
            for p in checked
        ]
        raise ScenarioError(found, source)
    return BodyDocument(parsed.body, parsed.sources)


def builtin_bodies() -> list[str]:
    """Return the ids of the built-in bodies, sorted."""
    return builtin_body_ids()


@functools.lru_cache(maxsize=32)
def _builtin_document(body_id: str) -> BodyDocument:
    return parse_body(builtin_body_text(body_id), source=f"{body_id}.yaml")


def builtin_body(body_id: str) -> BodyDocument:
    """Return a built-in body with its sources.

    Raises
    ------
    NotFoundError
        If there is no built-in body with this id.
    """
    if body_id not in builtin_body_ids():
        msg = f"no built-in body {body_id!r}. Built-in bodies: {', '.join(builtin_body_ids())}."
        raise NotFoundError(msg, kind="body", value=body_id)
    return _builtin_document(body_id)


def load_body(name: str | Path) -> BodyDocument:
    """Load a body by built-in id or from a YAML body file.

    Raises
    ------
    NotFoundError
        If ``name`` is neither a file nor a built-in id.
    ScenarioError
        If the file is invalid.
    """
    path = Path(name)
    if not path.is_file():
        if str(name) in builtin_body_ids():
            return builtin_body(str(name))
        msg = (
            f"no body {str(name)!r}: no such file, and no built-in body has that id. "
            f"Built-in bodies: {', '.join(builtin_body_ids())}."
        )
        raise NotFoundError(msg, kind="body", value=str(name))
    if path.stat().st_size > MAX_BYTES:
        msg = f"the file is {path.stat().st_size:,} bytes; the limit is {MAX_BYTES:,}."
        raise ScenarioError([Problem("", msg)], str(name))
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        msg = f"the file is not UTF-8 text (byte {e.start}). Save it as UTF-8."
        raise ScenarioError([Problem("", msg)], str(name)) from None
    return parse_body(text, source=str(name))


def resolve_body(body: Body) -> BodyDocument:
    """Return a scenario's body complete: a ``builtin`` body merged with its overrides.

    The built-in's members are kept; ``name``, ``note``, ``rule``, ``follow``,
    ``default_vote`` and ``electorate`` replace the built-in's when given; ``actors``
    re-links members to actors; ``votes`` and ``positions`` (per member) add to the
    built-in's.
    """
    if body.builtin is None:
        if not body.actors:
            return BodyDocument(body)
        members = tuple(
            m.model_copy(update={"actor": body.actors.get(m.id, m.actor)}) for m in body.members
        )
        return BodyDocument(body.model_copy(update={"members": members, "actors": {}}))
    base = builtin_body(body.builtin)
    merged = base.body.model_copy(
        update={
            "id": body.id,
            "name": body.name or base.body.name,
            "builtin": body.builtin,
            "members": tuple(
                m.model_copy(update={"actor": body.actors.get(m.id, m.actor)})
                for m in base.body.members
            ),
            "rule": body.rule or base.body.rule,
            "follow": body.follow or base.body.follow,
            "default_vote": body.default_vote or base.body.default_vote,
            "votes": {**base.body.votes, **body.votes},
            "positions": {**base.body.positions, **body.positions},
            "electorate": body.electorate or base.body.electorate,
            "note": body.note or base.body.note,
        }
    )
    return BodyDocument(merged, base.sources)


def scenario_body(scenario: Scenario, body_id: str) -> BodyDocument:
    """Return the body a scenario means by ``body_id``: its own, else a built-in one.

    Raises
    ------
    NotFoundError
        If the scenario has no such body and there is no such built-in body.
    """
    for body in scenario.bodies:
        if body.id == body_id:
            return resolve_body(body)
    if body_id in builtin_body_ids():
        return builtin_body(body_id)
    known = sorted({b.id for b in scenario.bodies} | set(builtin_body_ids()))
    msg = f"scenario {scenario.id!r} has no body {body_id!r}. Its bodies: {', '.join(known)}."
    raise NotFoundError(msg, kind="body", value=body_id)

r"""Edit the text of a YAML scenario in place, keeping its comments and layout.

The editor's form and the deal builder's "Save as proposal" change one value, or add one
item, without rewriting the rest of the file: PyYAML's safe composer gives every node the
offsets where it starts and ends in the text, so a scalar is replaced by its new text at
those offsets and a new item is written after the last one of its sequence, indented as
the others are. Every comment and every other line stays as it was.

A node is named by a path such as ``actors[id=russia].reservation``,
``positions[actor=russia,issue=territory].ideal``, ``proposals[id=X].deal.territory`` or
``issues[0].name``: keys separated by dots; ``[key=value,...]`` picks the one item of a
sequence whose keys have those values; ``[N]`` picks an item by its 0-based index.

Examples
--------
>>> text = "actors:\n  - {id: north, reservation: 0.4}  # our guess\n"
>>> print(set_scalar(text, "actors[id=north].reservation", 0.5), end="")
actors:
  - {id: north, reservation: 0.5}  # our guess
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = [
    "Scalar",
    "YamlEditError",
    "append_item",
    "format_scalar",
    "locate",
    "parse_path",
    "set_scalar",
]

Scalar = str | int | float | bool | None

_STEP = re.compile(r"([^.\[\]]+)|\[([^\]]*)\]|(\.)")
_PLAIN_SAFE = re.compile(r"[A-Za-z_][A-Za-z0-9_ ./()'-]*")


class YamlEditError(ValueError):
    """An edit that cannot be made: the path names nothing, or the text is not YAML."""


@dataclass(frozen=True)
class _Key:
    name: str


@dataclass(frozen=True)
class _Index:
    index: int


@dataclass(frozen=True)
class _Select:
    pairs: tuple[tuple[str, str], ...]


_Step = _Key | _Index | _Select


def parse_path(path: str) -> tuple[_Key | _Index | _Select, ...]:
    """Return the steps of a path such as ``positions[actor=russia,issue=territory].ideal``.

    Raises
    ------
    YamlEditError
        When the path is empty or malformed.
    """
    steps: list[_Step] = []
    position = 0
    expect_key = True
    while position < len(path):
        match = _STEP.match(path, position)
        if match is None:
            break
        key, selector, dot = match.groups()
        if dot is not None:
            if expect_key:
                break
            expect_key = True
        elif key is not None:
            if not expect_key:
                break
            steps.append(_Key(key.strip()))
            expect_key = False
        else:
            steps.append(_selector(path, selector or ""))
            expect_key = False
        position = match.end()
    if position < len(path) or not steps or expect_key:
        msg = (
            f"the path {path!r} is malformed at character {position + 1}. Expected keys "
            "separated by dots, each optionally followed by [key=value] or [N], e.g. "
            "actors[id=russia].reservation."
        )
        raise YamlEditError(msg)
    return tuple(steps)


def _selector(path: str, text: str) -> _Index | _Select:
    text = text.strip()
    if text.isdigit():
        return _Index(int(text))
    pairs = []
    for part in text.split(","):
        key, equals, value = part.partition("=")
        if not equals or not key.strip() or not value.strip():
            msg = (
                f"the selector [{text}] in the path {path!r} is malformed. Write [N] for the "
                "N-th item (from 0) or [key=value,key=value], e.g. [id=russia]."
            )
            raise YamlEditError(msg)
        pairs.append((key.strip(), value.strip()))
    return _Select(tuple(pairs))


def _compose(text: str) -> Node:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as e:
        raise YamlEditError(f"the text is not valid YAML, so it cannot be edited: {e}") from e
    if root is None:
        raise YamlEditError("the text is empty: there is nothing to edit.")
    return root


def _scalar_value(node: Node) -> str | None:
    return node.value if isinstance(node, ScalarNode) else None


def _item_label(node: Node, keys: tuple[str, ...]) -> str:
    if not isinstance(node, MappingNode):
        return "(not a mapping)"
    found = {k.value: _scalar_value(v) for k, v in node.value if isinstance(k, ScalarNode)}
    return ",".join(f"{k}={found.get(k)}" for k in keys)


def _step_text(step: _Step) -> str:
    if isinstance(step, _Key):
        return f".{step.name}"
    if isinstance(step, _Index):
        return f"[{step.index}]"
    return "[" + ",".join(f"{k}={v}" for k, v in step.pairs) + "]"


def _walk(root: Node, path: str) -> tuple[Node | None, MappingNode | None, str]:
    """Return the node at the path, or (None, parent mapping, key) if only the key is missing."""
    steps = parse_path(path)
    node = root
    done = ""
    for n, step in enumerate(steps):
        where = done.lstrip(".") or "the top level"
        if isinstance(step, _Key):
            if not isinstance(node, MappingNode):
                msg = f"{path}: {where} is not a mapping, so it has no key {step.name!r}."
                raise YamlEditError(msg)
            match = [v for k, v in node.value if _scalar_value(k) == step.name]
            if not match:
                if n == len(steps) - 1:
                    return None, node, step.name
                keys = ", ".join(str(_scalar_value(k)) for k, _ in node.value) or "none"
                msg = (
                    f"{path}: {where} has no key {step.name!r}. Its keys are: {keys}. "
                    "Check the spelling of the path."
                )
                raise YamlEditError(msg)
            node = match[0]
        else:
            if not isinstance(node, SequenceNode):
                msg = f"{path}: {where} is not a list, so {_step_text(step)} picks nothing."
                raise YamlEditError(msg)
            if isinstance(step, _Index):
                if step.index >= len(node.value):
                    msg = (
                        f"{path}: {where} has {len(node.value)} items, so there is no item "
                        f"[{step.index}] (the first is [0])."
                    )
                    raise YamlEditError(msg)
                node = node.value[step.index]
            else:
                node = _select(node, step, path, where)
        done += _step_text(step)
    return node, None, ""


def _select(node: SequenceNode, step: _Select, path: str, where: str) -> Node:
    wanted = dict(step.pairs)
    keys = tuple(wanted)
    hits = []
    for item in node.value:
        if not isinstance(item, MappingNode):
            continue
        values = {_scalar_value(k): _scalar_value(v) for k, v in item.value}
        if all(values.get(k) == v for k, v in wanted.items()):
            hits.append(item)
    if len(hits) == 1:
        return hits[0]
    labels = [_item_label(item, keys) for item in node.value]
    if not hits:
        shown = "; ".join(labels[:40]) + ("; ..." if len(labels) > 40 else "")
        msg = (
            f"{path}: no item of {where} has {_step_text(step)}. The items have: "
            f"{shown or 'no items'}."
        )
    else:
        msg = (
            f"{path}: {len(hits)} items of {where} have {_step_text(step)}; the path must "
            "pick one. Add another key to the selector."
        )
    raise YamlEditError(msg)


def locate(text: str, path: str) -> Node:
    """Return the node at ``path`` in the YAML text, with its start and end marks.

    Raises
    ------
    YamlEditError
        When the path names nothing; the message says what exists there instead.
    """
    node, parent, key = _walk(_compose(text), path)
    if node is None:
        assert parent is not None
        keys = ", ".join(str(_scalar_value(k)) for k, _ in parent.value) or "none"
        msg = f"{path}: there is no key {key!r} here. The keys here are: {keys}."
        raise YamlEditError(msg)
    return node


def format_scalar(value: Scalar) -> str:
    """Return a value as YAML scalar text, safe inside a block or a flow collection."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise YamlEditError(f"the number {value} is not finite. Give a finite number.")
        return repr(value)
    text = str(value)
    if (
        _PLAIN_SAFE.fullmatch(text)
        and text == text.strip()
        and yaml.safe_load(text) == text
        and " #" not in text
    ):
        return text
    return json.dumps(text, ensure_ascii=False)


def _value_of(text: str, path: str) -> Any:
    node = locate(text, path)
    return yaml.safe_load(yaml.serialize(node))


def _line_end(text: str, index: int) -> int:
    end = text.find("\n", index)
    return len(text) if end < 0 else end


def _content_end(node: Node) -> int:
    """Return the offset just after the last character of the node's own content."""
    if isinstance(node, ScalarNode) and node.style in ("|", ">"):
        return _block_scalar_end(node)
    if isinstance(node, ScalarNode) or getattr(node, "flow_style", False):
        return int(node.end_mark.index)
    if isinstance(node, MappingNode) and node.value:
        return _content_end(node.value[-1][1])
    if isinstance(node, SequenceNode) and node.value:
        return _content_end(node.value[-1])
    return int(node.start_mark.index)


def _block_scalar_end(node: ScalarNode) -> int:
    """Return the end of a ``|`` or ``>`` scalar's last line of text.

    PyYAML's end mark of a block scalar lies past the blank and comment lines after it.
    """
    buffer = node.start_mark.buffer
    start, end = int(node.start_mark.index), int(node.end_mark.index)
    if buffer is None:
        return end
    text = str(buffer)
    offset = text.find("\n", start, end)
    last, indent = start, -1
    while 0 <= offset < end:
        line_start = offset + 1
        line_end = text.find("\n", line_start)
        line_end = len(text) if line_end < 0 else line_end
        line = text[line_start : min(line_end, end)].rstrip("\0")
        if line.strip():
            column = len(line) - len(line.lstrip(" "))
            if indent < 0:
                indent = column
            if column < indent:
                break
            last = line_start + len(line.rstrip())
        offset = line_end if line_end < end else -1
    return last


def set_scalar(text: str, path: str, value: Scalar, *, create: bool = False) -> str:
    """Return the text with the scalar at ``path`` replaced by ``value``; nothing else changes.

    Parameters
    ----------
    text : str
        The YAML document.
    path : str
        The scalar, e.g. ``actors[id=russia].reservation``.
    value : str, int, float, bool or None
        The new value.
    create : bool
        Add the last key of the path to its mapping when it is missing (otherwise missing
        is an error).

    Raises
    ------
    YamlEditError
        When the path names nothing, or names a list or mapping rather than one value.
    """
    node, parent, key = _walk(_compose(text), path)
    scalar = format_scalar(value)
    if node is None:
        assert parent is not None
        if not create:
            keys = ", ".join(str(_scalar_value(k)) for k, _ in parent.value) or "none"
            msg = f"{path}: there is no key {key!r} to change. The keys here are: {keys}."
            raise YamlEditError(msg)
        edited = _insert_key(text, parent, format_scalar(key), scalar)
    else:
        if not isinstance(node, ScalarNode):
            kind = "a list" if isinstance(node, SequenceNode) else "a mapping"
            msg = f"{path} is {kind}, not a single value: name one of its values instead."
            raise YamlEditError(msg)
        start, end = node.start_mark.index, node.end_mark.index
        edited = text[:start] + scalar + text[end:]
    got = _value_of(edited, path)
    if got != value:
        msg = f"{path}: the edit would read back as {got!r}, not {value!r}; nothing was changed."
        raise YamlEditError(msg)
    return edited


def _insert_key(text: str, mapping: MappingNode, key: str, scalar: str) -> str:
    if mapping.flow_style:
        close = mapping.end_mark.index - 1
        while close > 0 and text[close] != "}":
            close -= 1
        before = text[:close].rstrip()
        separator = "" if before.endswith("{") else ", "
        return before + separator + f"{key}: {scalar}" + text[close:]
    if not mapping.value:
        msg = "cannot add a key to an empty block mapping. Write the key in the text instead."
        raise YamlEditError(msg)
    indent = " " * mapping.value[0][0].start_mark.column
    at = _line_end(text, _content_end(mapping))
    return text[:at] + f"\n{indent}{key}: {scalar}" + text[at:]


def append_item(text: str, key: str, item: dict[str, Any]) -> str:
    """Return the text with ``item`` added as the last item of the top-level list ``key``.

    The item is written in block style, indented as the list's other items; when the list
    is missing (or empty) it is written at the end of the file (or in place of ``[]``).

    Raises
    ------
    YamlEditError
        When the document is not a mapping or ``key`` is not a list.
    """
    root = _compose(text)
    if not isinstance(root, MappingNode):
        raise YamlEditError("the document is not a mapping of keys, so it has no lists to add to.")
    dumped = yaml.safe_dump(
        item, sort_keys=False, default_flow_style=False, allow_unicode=True, width=100_000
    ).rstrip("\n")
    match = [(k, v) for k, v in root.value if _scalar_value(k) == key]
    if not match:
        body = _indent_item(dumped, "  ")
        ending = "" if text.endswith("\n") or not text else "\n"
        return f"{text}{ending}{key}:\n{body}\n"
    key_node, sequence = match[0]
    empty = (isinstance(sequence, SequenceNode) and not sequence.value) or (
        isinstance(sequence, ScalarNode) and sequence.value in ("", "~", "null")
    )
    if empty:
        colon = text.index(":", key_node.end_mark.index)
        end = colon + 1 if sequence.value == "" else sequence.end_mark.index
        return text[: colon + 1] + "\n" + _indent_item(dumped, "  ") + text[end:]
    if not isinstance(sequence, SequenceNode):
        msg = f"{key} is not a list, so an item cannot be added to it."
        raise YamlEditError(msg)
    if sequence.flow_style:
        msg = f"{key} is written as a flow list ([...]); write it as a block list to add items."
        raise YamlEditError(msg)
    first = sequence.value[0]
    line_start = text.rfind("\n", 0, first.start_mark.index) + 1
    dash = text.index("-", line_start)
    indent = " " * (dash - line_start)
    at = _line_end(text, _content_end(sequence))
    return text[:at] + "\n" + _indent_item(dumped, indent) + text[at:]


def _indent_item(dumped: str, indent: str) -> str:
    lines = dumped.split("\n")
    head = f"{indent}- {lines[0]}"
    rest = [f"{indent}  {line}" if line else line for line in lines[1:]]
    return "\n".join([head, *rest])

"""Safe, bounded YAML reading that keeps the line of every value.

PyYAML composes the document into nodes (no object is ever constructed from a tag);
this module turns the nodes into plain Python values itself, rejecting anchors and
aliases (which can blow up the work of reading, as in the "billion laughs" attack),
duplicate keys, non-standard tags and very deep nesting, and records for every path
(``("positions", 12, "salience")``) the 1-based line where its value starts.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from peacetalks.errors import Problem

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_NODES",
    "Lines",
    "YamlDocument",
    "format_path",
    "line_for",
    "read_yaml",
]

MAX_BYTES = 4_000_000
MAX_NODES = 200_000
MAX_DEPTH = 64

Path = tuple[str | int, ...]
Lines = dict[Path, int]

_STANDARD_TAGS = frozenset(
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
)
# Most values are text: a plain scalar tagged str is its own value (as the constructor
# gives it), read without the constructor's bookkeeping.
_STR_TAG = "tag:yaml.org,2002:str"


class YamlDocument:
    """A YAML document read into plain values, with the line of every path."""

    def __init__(self, data: Any, lines: Lines):
        self.data = data
        self.lines = lines


class _Reader:
    def __init__(self) -> None:
        self.lines: Lines = {}
        self.problems: list[Problem] = []
        self.count = 0
        self.seen: set[int] = set()
        self.constructor = SafeConstructor()

    def problem(self, path: Path, node: Node, message: str) -> None:
        self.problems.append(Problem(format_path(path), message, node.start_mark.line + 1))

    def read(self, node: Node, path: Path, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            msg = f"the document has more than {MAX_NODES:,} values. Split it or remove repetition."
            raise _TooLargeError(Problem(format_path(path), msg, node.start_mark.line + 1))
        if depth > MAX_DEPTH:
            msg = f"the document is nested more than {MAX_DEPTH} levels deep."
            raise _TooLargeError(Problem(format_path(path), msg, node.start_mark.line + 1))
        if id(node) in self.seen:
            self.problem(path, node, "YAML aliases (*name) are not allowed. Write the value out.")
            return None
        self.seen.add(id(node))
        self.lines[path] = node.start_mark.line + 1
        if node.tag == _STR_TAG and isinstance(node, ScalarNode):
            return node.value
        if node.tag not in _STANDARD_TAGS:
            self.problem(path, node, f"the YAML tag {node.tag!r} is not allowed. Remove the tag.")
            return None
        if isinstance(node, MappingNode):
            return self.read_mapping(node, path, depth)
        if isinstance(node, SequenceNode):
            return [self.read(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        try:
            return self.constructor.construct_object(node)
        except (ConstructorError, ValueError) as e:
            self.problem(path, node, f"cannot read the value {node.value!r}: {e}")
            return None

    def read_mapping(self, node: MappingNode, path: Path, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.problem(path, key_node, "YAML merge keys (<<) are not allowed.")
                continue
            if not isinstance(key_node, ScalarNode):
                self.problem(path, key_node, "a key must be plain text, not a list or mapping.")
                continue
            key = key_node.value
            if key in result:
                self.problem(
                    (*path, key),
                    key_node,
                    f"the key {key!r} appears twice in this mapping. Keep one of them.",
                )
                continue
            child = (*path, key)
            result[key] = self.read(value_node, child, depth + 1)
            self.lines.setdefault(child, key_node.start_mark.line + 1)
        return result


class _TooLargeError(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem


def format_path(path: Path) -> str:
    """Return ``("positions", 12, "salience")`` as ``positions[12].salience``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def line_for(path: str, by_text: dict[str, int]) -> int | None:
    """Return the line of ``path`` (``positions[3].salience``), or of its nearest parent.

    ``by_text`` maps formatted paths to lines, as ``{format_path(k): v for k, v in lines.items()}``.
    """
    probe = path
    while probe:
        if probe in by_text:
            return by_text[probe]
        cut = max(probe.rfind("."), probe.rfind("["))
        probe = probe[:cut] if cut > 0 else ""
    return None


# libyaml's composer when PyYAML was built with it (the wheels are): the same nodes and
# lines, about ten times faster than the pure-Python one on the built-in scenario.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _syntax_hint(what: str) -> str:
    """Return a plain hint for the YAML mistakes people make most, or ''."""
    if "mapping values are not allowed" in what:
        return (
            " A value that contains ': ' must be quoted: write title: \"Talks: the second"
            ' round", not title: Talks: the second round'
        )
    if "but got ':'" in what and ("'}'" in what or "']'" in what):
        return (
            " Inside braces or brackets a colon starts a key: quote the value that holds it,"
            ' e.g. {title: "Talks: round two"}'
        )
    return ""


def _too_many_values(text: str) -> Problem | None:
    """Return the problem of a text with more than ``MAX_NODES`` values, counted as parsed.

    The parser's events are counted one by one and dropped, so a file of millions of
    tiny values is refused in bounded memory before any node is built.
    """
    count = 0
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            if isinstance(event, yaml.NodeEvent):
                count += 1
                if count > MAX_NODES:
                    msg = (
                        f"the document has more than {MAX_NODES:,} values. Split it or "
                        "remove repetition."
                    )
                    mark = event.start_mark
                    return Problem("", msg, None if mark is None else mark.line + 1)
    except yaml.YAMLError:
        return None  # the composer words the syntax error (read_yaml)
    return None


def read_yaml(text: str) -> tuple[YamlDocument | None, list[Problem]]:
    """Read one YAML document safely.

    Parameters
    ----------
    text : str
        The document.

    Returns
    -------
    document : YamlDocument or None
        The values and lines, or None when the text is not valid YAML.
    problems : list of Problem
        Everything that was rejected, with lines.
    """
    # Each value takes at least two characters: only a longer text can hold too many,
    # and for it they are counted before the nodes are built.
    if len(text) > 2 * MAX_NODES:
        too_many = _too_many_values(text)
        if too_many is not None:
            return None, [too_many]
    try:
        try:
            root = yaml.compose(text, Loader=_LOADER)
        except yaml.YAMLError:
            # Malformed: the pure-Python composer words the problem better ("expected
            # ',' or ']', but got ':'"), and errors are rare enough to read twice.
            root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark is not None else None
        what = e.problem or e.context or "malformed YAML"
        if "'\\t'" in what or "\t" in what:
            # PyYAML's words ("found character '\t' that cannot start any token") do not
            # say what to do.
            what = (
                "a tab character where YAML allows only spaces (YAML indents with spaces). "
                "Replace the tabs on this line with spaces"
            )
        hint = _syntax_hint(what)
        return None, [Problem("", f"the file is not valid YAML: {what}.{hint}", line)]
    except yaml.YAMLError as e:
        return None, [Problem("", f"the file is not valid YAML: {e}.")]
    except RecursionError:
        return None, [Problem("", f"the document is nested too deeply (limit {MAX_DEPTH}).")]
    if root is None:
        return YamlDocument(None, {}), []
    reader = _Reader()
    try:
        data = reader.read(root, (), 0)
    except _TooLargeError as e:
        return None, [e.problem]
    return YamlDocument(data, reader.lines), reader.problems

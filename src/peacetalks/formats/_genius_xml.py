"""Safe reading of GENIUS XML files: size bound, no entities, line numbers, file discovery."""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser

from peacetalks.errors import Problem, ScenarioError
from peacetalks.scenario._files import read_bounded

__all__: list[str] = []

MAX_FILE_BYTES = 20_000_000
"""Largest GENIUS file read, in bytes; real domains are a few kilobytes."""

MAX_INTEGER_VALUES = 1000
"""Most values an integer issue may have (one option each; an issue holds at most 1000)."""

_WEIGHT_ROUNDING = 0.01
_ID_LENGTH = 48
_DOMAIN_SUFFIX = re.compile(r"[-_ .]*domain$", re.IGNORECASE)


@dataclass(frozen=True)
class _Xml:
    """A parsed file: its root, the line of each element, and its name for messages."""

    root: ET.Element
    lines: dict[ET.Element, int]
    label: str

    def line(self, element: ET.Element) -> int | None:
        return self.lines.get(element)


MAX_ELEMENTS = 200_000
"""Most XML elements read from one file: a GENIUS domain or a KTAB scenario has a few
thousand, and each element costs about a kilobyte once parsed."""


class _TooManyElementsError(Exception):
    """Raised from the parser's target to stop a file with too many elements."""


class _LineTracker:
    """Parser target that builds the tree and records each element's starting line."""

    def __init__(self) -> None:
        self.builder = ET.TreeBuilder()
        self.lines: dict[ET.Element, int] = {}
        self.expat: Any = None

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
        if len(self.lines) >= MAX_ELEMENTS:
            raise _TooManyElementsError
        element = self.builder.start(tag, attrs)
        self.lines[element] = int(self.expat.CurrentLineNumber)
        return element

    def end(self, tag: str) -> ET.Element:
        return self.builder.end(tag)

    def data(self, data: str) -> None:
        self.builder.data(data)

    def close(self) -> ET.Element:
        return self.builder.close()


def tracked_parser(
    path: Path, hint: str, *, limit: int | None = None
) -> tuple[bytes, _LineTracker, DefusedXMLParser]:
    """Return a file's bytes, bounded in size, and a safe parser recording element lines.

    ``limit`` defaults to :data:`MAX_FILE_BYTES` as set when called. ``hint`` is the
    advice given when the file is too large. The caller feeds the bytes and turns the
    parser's refusals into its own messages.
    """
    bound = MAX_FILE_BYTES if limit is None else limit
    data = read_bounded(path, limit=bound, label=path.name, hint=hint)
    tracker = _LineTracker()
    parser = DefusedXMLParser(target=tracker)
    tracker.expat = parser.parser
    return data, tracker, parser


def parse_tracked(data: bytes, parser: DefusedXMLParser, label: str) -> ET.Element:
    """Feed the bytes to a parser from :func:`tracked_parser` and return the root.

    Malformed XML and an encoding Python does not know become a :class:`ScenarioError`
    with the line; defusedxml's refusals (entities, external references, DTDs) pass
    through for the caller to word.
    """
    try:
        parser.feed(data)
        root: ET.Element = parser.close()
    except ET.ParseError as e:
        line, column = e.position
        reason = str(e).split(":", 1)[0]
        msg = f"the file is not well-formed XML: {reason} (column {column + 1}). Fix the XML."
        raise _fail(label, msg, line) from None
    except _TooManyElementsError:
        msg = (
            f"the file has more than {MAX_ELEMENTS:,} XML elements; GENIUS domains and "
            "KTAB scenarios have a few thousand. Check that this is the right file."
        )
        raise _fail(label, msg, int(parser.parser.CurrentLineNumber)) from None
    except LookupError as e:  # <?xml ... encoding="..."?> that Python does not know
        msg = (
            f"the file declares a character encoding Python does not know ({e}). Save it "
            'as UTF-8 and declare encoding="UTF-8" (or leave the declaration out).'
        )
        raise _fail(label, msg, 1) from None
    return root


def _fail(label: str, message: str, line: int | None = None) -> ScenarioError:
    return ScenarioError([Problem("", message, line)], label)


def _read_xml(path: Path) -> _Xml:
    """Parse one file safely, refusing large files, entities and external references."""
    label = path.name
    hint = "GENIUS domains are a few kilobytes: check that this is the right file."
    data, tracker, parser = tracked_parser(path, hint)
    try:
        root = parse_tracked(data, parser, label)
    except EntitiesForbidden as e:
        msg = (
            f"the file declares the XML entity {e.name!r}. GENIUS files need no entities, "
            "and they are refused because they can expand without bound (billion laughs) "
            "or read other files (external entities). Remove the <!DOCTYPE> block."
        )
        raise _fail(label, msg, int(tracker.expat.CurrentLineNumber)) from None
    except ExternalReferenceForbidden as e:
        msg = (
            f"the file refers to the external resource {e.sysid!r}; external references "
            "are refused, as they could read other files. Remove the <!DOCTYPE> block."
        )
        raise _fail(label, msg, int(tracker.expat.CurrentLineNumber)) from None
    except DefusedXmlException as e:  # defusedxml's other refusals (DTDs and the like)
        msg = f"the file uses a refused XML feature ({e}). Remove the <!DOCTYPE> block."
        raise _fail(label, msg) from None
    return _Xml(root, tracker.lines, label)


def _slug(text: str, fallback: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9_.-]+", "-", ascii_text.lower())
    slug = re.sub(r"^[^a-z0-9]+", "", slug)[:_ID_LENGTH].rstrip("-_.")
    return slug or fallback


def _quoted(values: Iterable[str], limit: int = 12) -> str:
    shown = [repr(v) for v in values]
    return ", ".join(shown[:limit]) + (", ..." if len(shown) > limit else "")


# ---------------------------------------------------------------------------------------
# Finding the files


def _folder_xml(folder: Path, *, skip: Path | None = None) -> list[_Xml]:
    """Parse the folder's XML files in name order, leaving out GENIUS's Pareto files."""
    return [
        _read_xml(path)
        for path in sorted(folder.iterdir())
        if path.is_file()
        and path != skip
        and path.suffix.lower() == ".xml"
        and not path.name.lower().endswith("pareto.xml")
    ]


def _find_files(
    target: Path, utility_files: Sequence[str | Path] | None
) -> tuple[_Xml, list[_Xml]]:
    if not target.exists():
        msg = "no such file or folder. Pass a GENIUS domain folder or its domain XML file."
        raise _fail(str(target), msg)
    if target.is_dir():
        parsed = _folder_xml(target)
        domains = [x for x in parsed if x.root.tag == "negotiation_template"] or [
            x for x in parsed if "domain" in x.label.lower() and x.root.tag != "utility_space"
        ]
        if not domains:
            msg = (
                "no GENIUS domain file in this folder: expected an XML file whose root "
                f"element is <negotiation_template>, among {len(parsed)} XML file(s). "
                "Add the domain file, or pass it directly."
            )
            raise _fail(str(target), msg)
        if len(domains) > 1:
            msg = (
                f"{len(domains)} domain files ({', '.join(x.label for x in domains)}) in one "
                "folder. Keep one domain per folder, or pass the domain file and its "
                "'utility_files' explicitly."
            )
            raise _fail(str(target), msg)
        domain = domains[0]
        others = [x for x in parsed if x is not domain]
    else:
        domain = _read_xml(target)
        others = _folder_xml(target.parent, skip=target) if utility_files is None else []
    if utility_files is None:
        parties = [x for x in others if x.root.tag == "utility_space"]
    else:
        parties = []
        for name in utility_files:
            path = Path(name)
            if not path.is_file():
                msg = "no such utility file. Check the paths given in 'utility_files'."
                raise _fail(str(path), msg)
            parties.append(_read_xml(path))
    if not parties:
        msg = (
            "no utility files next to this domain file: expected one XML file per party, "
            "with root element <utility_space>. Add the parties' utility files to the "
            "folder, or pass them as 'utility_files'."
        )
        raise _fail(domain.label, msg)
    return domain, parties

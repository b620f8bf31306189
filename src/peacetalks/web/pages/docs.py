"""Page: the scenario format (docs/scenario-format.md), rendered as HTML.

The editor links here. The Markdown is rendered with markdown-it-py (which Rich, a
dependency, already needs) in CommonMark mode with tables and with raw HTML turned off,
so every ``<`` of the document is escaped and no markup of its own reaches the page.
Links to other documents that the app does not serve become their file names in text;
links go only to http(s) addresses, same-page anchors and the pages served here.

The document is looked for in the installed package first (the wheel force-includes it
as ``peacetalks/_docs/scenario-format.md``), then in the source tree's ``docs/`` (an
editable install).
"""

from __future__ import annotations

import functools
import posixpath
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from markdown_it import MarkdownIt
from markdown_it.token import Token

from peacetalks.storage.accounts import User
from peacetalks.web.pages._render import error_page, render
from peacetalks.web.security import current_user

__all__ = ["DOCS", "doc_path", "render_markdown", "router"]

router = APIRouter()

CurrentUser = Annotated[User | None, Depends(current_user)]

# Documents served, by the name in their address and file: /docs/<name>, <name>.md.
DOCS = {"scenario-format": "The scenario format"}

_PACKAGE = Path(__file__).resolve().parents[2]
_PLACES = (_PACKAGE / "_docs", _PACKAGE.parents[1] / "docs")


def doc_path(name: str) -> Path | None:
    """Return the file of a served document: the packaged copy, else the source tree's."""
    for folder in _PLACES:
        path = folder / f"{name}.md"
        if path.is_file():
            return path
    return None


def _served_href(href: str) -> str | None:
    """Return the address a link may keep, or None when it must become plain text."""
    if href.startswith(("https://", "http://", "#")):
        return href
    name = href.split("#", 1)[0]
    if name.endswith(".md") and name[:-3] in DOCS:
        return f"/docs/{name[:-3]}" + href[len(name) :]
    return None


def _unlink(children: list[Token]) -> list[Token]:
    """Return the inline tokens with links to unserved documents turned into text."""
    kept: list[Token] = []
    dropped: list[str] = []
    for token in children:
        if token.type == "link_open":
            href = _served_href(str(token.attrGet("href") or ""))
            if href is None:
                dropped.append(str(token.attrGet("href") or ""))
                continue
            token.attrSet("href", href)
            dropped.append("")
        elif token.type == "link_close":
            target = dropped.pop() if dropped else ""
            if target:
                note = Token("text", "", 0)
                note.content = f" ({posixpath.normpath('docs/' + target.split('#', 1)[0])})"
                kept.append(note)
                continue
        kept.append(token)
    return kept


@functools.lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render_markdown(text: str) -> str:
    """Return a Markdown text as HTML: headings, paragraphs, lists, code, tables, links.

    Raw HTML in the text is escaped, never passed through; tables are wrapped in a
    scrollable region so a narrow screen does not scroll sideways.
    """
    parser = _parser()
    tokens = parser.parse(text)
    for token in tokens:
        if token.type == "inline" and token.children:
            token.children = _unlink(token.children)
    html: str = parser.renderer.render(tokens, parser.options, {})
    return html.replace(
        "<table>", '<div class="table-scroll" role="region" aria-label="Table" tabindex="0"><table>'
    ).replace("</table>", "</table></div>")


@functools.lru_cache(maxsize=8)
def _rendered(path: Path, mtime: float) -> str:
    return render_markdown(path.read_text(encoding="utf-8"))


@router.get("/docs/{name}", include_in_schema=False)
def show_doc(request: Request, name: str, user: CurrentUser) -> Response:
    """Show one of the served documents (the scenario format) as a page."""
    path = doc_path(name) if name in DOCS else None
    if path is None:
        return error_page(
            request,
            user,
            404,
            "Document not found",
            f"There is no document {name!r} here. The scenario format is at /docs/scenario-format.",
        )
    body = _rendered(path, path.stat().st_mtime)
    return render(request, "doc.html", user, title=DOCS[name], body=body, name=name)

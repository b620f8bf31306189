"""Read a PDF that Chromium printed: its pages and the page each named destination is on.

Chromium (Skia) writes a plain PDF: every object as ``N 0 obj ... endobj`` (no object
streams), a page tree of ``/Kids``, and a ``/Dests`` dictionary that names each element
a link in the document points to (``/summary [12 0 R /XYZ ...]``). That is enough to say
on which page an element with an id starts, without a PDF library.
"""

from __future__ import annotations

import re

__all__ = ["destination_pages", "page_count"]

_OBJECT = re.compile(rb"(?<![0-9])(\d+) 0 obj\s*(.*?)endobj", re.S)
_REF = rb"(\d+) 0 R"


def _objects(pdf: bytes) -> dict[int, bytes]:
    return {int(m.group(1)): m.group(2) for m in _OBJECT.finditer(pdf)}


def _pages(objects: dict[int, bytes], node: int) -> list[int]:
    """Return the page objects under a page-tree node, in reading order."""
    body = objects[node]
    if re.search(rb"/Type\s*/Page(?![a-zA-Z])", body):
        return [node]
    kids = re.search(rb"/Kids\s*\[([^\]]*)\]", body)
    if kids is None:
        msg = f"PDF page-tree object {node} has neither /Type /Page nor /Kids: {body[:80]!r}."
        raise ValueError(msg)
    return [page for kid in re.findall(_REF, kids.group(1)) for page in _pages(objects, int(kid))]


def _page_order(pdf: bytes) -> tuple[dict[int, bytes], list[int]]:
    objects = _objects(pdf)
    catalog = next(body for body in objects.values() if re.search(rb"/Type\s*/Catalog", body))
    root = re.search(rb"/Pages\s+" + _REF, catalog)
    if root is None:
        msg = "The PDF's catalog names no /Pages tree."
        raise ValueError(msg)
    return objects, _pages(objects, int(root.group(1)))


def page_count(pdf: bytes) -> int:
    """Return the number of pages in the page tree."""
    return len(_page_order(pdf)[1])


def destination_pages(pdf: bytes) -> dict[str, int]:
    """Return each named destination with the number (from 1) of the page it is on."""
    objects, order = _page_order(pdf)
    number = {page: k + 1 for k, page in enumerate(order)}
    catalog = next(body for body in objects.values() if re.search(rb"/Type\s*/Catalog", body))
    dests = re.search(rb"/Dests\s+" + _REF, catalog)
    if dests is None:
        return {}
    found = {}
    for name, page in re.findall(
        rb"/([^\s/\[\]<>()]+)\s*\[\s*" + _REF, objects[int(dests.group(1))]
    ):
        text = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), name)
        found[text.decode("utf-8")] = number[int(page)]
    return found

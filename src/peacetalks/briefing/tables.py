"""Every table in a command's JSON document, as rows of plain cells for CSV and Excel.

A command's ``--json`` document is the one source of its numbers; its tables are read
from it, never recomputed, so a CSV file or a workbook sheet holds exactly what the JSON
holds. The rules, the same for every command:

- every list of mappings in the document is a table, named by its path
  (``proposals``, ``proposals.actors``, ``deal_space.pareto``);
- a row is the mapping's scalars; nested mappings become dotted columns
  (``utility.russia``); lists of scalars are joined with ``"; "``; ``None`` is empty;
- a table inside a row of another carries the ``id`` (or the position, from 1) of each
  row it sits in, in first columns named after those tables (``proposals`` and
  ``actors`` for ``proposals.actors.worst_issues``);
- the document's top-level scalars and dotted mappings form the table ``document``, one
  row of ``field`` and ``value`` each.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["Cell", "Table", "document_tables", "flat_value"]

Cell = str | int | float | bool | None
Table = list[dict[str, Cell]]


def flat_value(value: Any) -> Cell:
    """Return a scalar cell for a JSON value that is not a table (lists joined by '; ')."""
    if isinstance(value, list):
        return "; ".join("" if v is None else str(flat_value(v)) for v in value)
    if isinstance(value, Mapping):
        return "; ".join(f"{k}={flat_value(v)}" for k, v in value.items())
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _is_table(value: Any) -> bool:
    return (
        isinstance(value, list) and bool(value) and all(isinstance(item, Mapping) for item in value)
    )


def _row(
    item: Mapping[str, Any], prefix: str, row: dict[str, Cell], nested: list[tuple[str, Any]]
) -> None:
    """Fill ``row`` with the item's cells; collect its nested tables in ``nested``."""
    for key, value in item.items():
        column = f"{prefix}{key}"
        if _is_table(value):
            nested.append((column, value))
        elif isinstance(value, Mapping) and value:
            _row(value, f"{column}.", row, nested)
        else:
            row[column] = flat_value(value)


def _collect(
    name: str,
    items: list[Mapping[str, Any]],
    tables: dict[str, Table],
    parents: tuple[tuple[str, Cell], ...],
) -> None:
    rows = tables.setdefault(name, [])
    for position, item in enumerate(items, start=1):
        row: dict[str, Cell] = dict(parents)
        nested: list[tuple[str, Any]] = []
        _row(item, "", row, nested)
        rows.append(row)
        ident = item.get("id")
        key: Cell = ident if isinstance(ident, str | int) else position
        for column, value in nested:
            _collect(f"{name}.{column}", value, tables, (*parents, (name.rsplit(".", 1)[-1], key)))


def document_tables(document: Mapping[str, Any]) -> dict[str, Table]:
    """Return every table of a JSON document, by name, in document order.

    Parameters
    ----------
    document : mapping
        What a command prints with ``--json``.

    Returns
    -------
    dict of str to list of dict
        Table name to rows; each row maps column to cell. ``document`` (the top-level
        scalars) comes first when there are any.
    """
    tables: dict[str, Table] = {}
    scalars: dict[str, Cell] = {}
    nested: list[tuple[str, Any]] = []
    _row(document, "", scalars, nested)
    if scalars:
        tables["document"] = [{"field": k, "value": v} for k, v in scalars.items()]
    for name, items in nested:
        _collect(name, items, tables, ())
    return tables

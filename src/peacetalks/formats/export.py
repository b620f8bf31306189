"""Tables written as CSV files and as an Excel workbook, from a command's JSON document.

The tables are those of :func:`peacetalks.briefing.tables.document_tables`, so a file holds
what ``--json`` prints. CSV cells are written as JSON writes scalars (``true``/``false``,
numbers at full precision, nothing for null). The workbook stores numbers to 16 significant
digits (openpyxl's writer; Excel shows 15), and every text as text,
never as a formula, whatever it starts with (names and notes come from scenario files,
which may be anyone's).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Any, TextIO

from peacetalks.briefing.tables import Cell, Table, document_tables
from peacetalks.errors import ParameterError

__all__ = ["csv_paths", "read_csv_table", "table_csv", "write_csv", "write_xlsx"]

# Excel's limits: 31 characters per sheet name, none of []:*?/\ in it.
_SHEET_NAME = 31
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
# Characters XML 1.0 (and so the workbook) cannot hold.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _columns(rows: Table) -> list[str]:
    return list(dict.fromkeys(column for row in rows for column in row))


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def csv_paths(path: Path, names: Iterable[str]) -> dict[str, Path]:
    """Return the file each table goes to: ``path`` for a lone table, else ``STEM.NAME.csv``."""
    listed = list(names)
    if len(listed) == 1:
        return {listed[0]: path}
    return {name: path.with_name(f"{path.stem}.{name}{path.suffix or '.csv'}") for name in listed}


def table_csv(rows: Table, handle: TextIO) -> None:
    """Write one table as CSV to an open text handle (header, then one line per row)."""
    columns = _columns(rows)
    writer = csv.writer(handle)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(row.get(c)) for c in columns])


def _write_rows(path: Path, rows: Table) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        table_csv(rows, handle)


def _check_folder(path: Path, option: str) -> None:
    if not path.parent.is_dir():
        msg = (
            f"The '{option}' option must name a file in an existing folder. Got {str(path)!r}: "
            f"there is no folder {str(path.parent)!r}."
        )
        raise ParameterError(msg, parameter=option, value=str(path))


def write_csv(document: Mapping[str, Any], path: Path) -> list[Path]:
    """Write every table of a JSON document as CSV; return the files written.

    With one table besides the document's own fields, ``path`` holds it. With several,
    each goes to ``STEM.NAME.csv`` beside ``path``, and ``path`` lists them (``table``,
    ``rows``, ``file``), the document's own fields first.

    Raises
    ------
    ParameterError
        If the folder of ``path`` does not exist.
    """
    _check_folder(path, "--csv")
    tables = document_tables(document)
    listed = [name for name in tables if name != "document"] or list(tables)
    if len(listed) == 1:
        _write_rows(path, tables[listed[0]])
        return [path]
    files = csv_paths(path, tables)
    for name, rows in tables.items():
        _write_rows(files[name], rows)
    index: Table = [
        {"table": name, "rows": len(tables[name]), "file": files[name].name} for name in tables
    ]
    _write_rows(path, index)
    return [path, *files.values()]


def read_csv_table(path: Path) -> list[dict[str, str]]:
    """Return the rows of a CSV file written by :func:`write_csv`, cells as text."""
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _sheet_names(names: Iterable[str]) -> dict[str, str]:
    taken: set[str] = set()
    result = {}
    for name in names:
        base = _BAD_SHEET_CHARS.sub("_", name)[:_SHEET_NAME]
        title, k = base, 1
        while title.lower() in taken:
            k += 1
            suffix = f"~{k}"
            title = base[: _SHEET_NAME - len(suffix)] + suffix
        taken.add(title.lower())
        result[name] = title
    return result


def write_xlsx(
    document: Mapping[str, Any],
    path: Path | IO[bytes],
    *,
    extra: Mapping[str, Table] | None = None,
) -> dict[str, str]:
    """Write every table of a JSON document, one sheet each, as an Excel workbook.

    Parameters
    ----------
    document : mapping
        What the command prints with ``--json``.
    path : Path or binary file object
    extra : mapping of str to table, optional
        More tables, after the document's (``analyze`` adds the scenario's sources and
        positions, with their judgement flags).

    Returns
    -------
    dict
        Table name to sheet name. A first sheet ``contents`` lists them.

    Raises
    ------
    ParameterError
        If the folder of ``path`` does not exist.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    if isinstance(path, Path):
        _check_folder(path, "--xlsx")
    tables = dict(document_tables(document))
    tables.update(extra or {})
    sheets = _sheet_names(["contents", *tables])
    book = Workbook(write_only=True)

    def add(title: str, rows: Table) -> None:
        sheet = book.create_sheet(title)
        columns = _columns(rows)
        sheet.append([_text_cell(sheet, c, WriteOnlyCell) for c in columns])
        for row in rows:
            sheet.append([_cell(sheet, row.get(c), WriteOnlyCell) for c in columns])

    add(
        sheets["contents"],
        [
            {"table": name, "sheet": sheets[name], "rows": len(rows)}
            for name, rows in tables.items()
        ],
    )
    for name, rows in tables.items():
        add(sheets[name], rows)
    book.save(path)
    return {name: sheets[name] for name in tables}


def _text_cell(sheet: Any, value: str, make: Any) -> Any:
    cell = make(sheet, value=_ILLEGAL.sub("\ufffd", value))
    cell.data_type = "s"  # text stays text, even when it starts with '='
    return cell


def _cell(sheet: Any, value: Cell, make: Any) -> Any:
    if isinstance(value, str):
        return _text_cell(sheet, value, make)
    return make(sheet, value=value)

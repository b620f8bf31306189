"""Read the CSV tables of Bueno de Mesquita's expected-utility examples.

The format is the one the public re-implementations of the model share: a header line and
one row per actor, with the actor's name, capability, position and salience::

    Actor,Capability,Position,Salience
    Netherlands,0.08,4,80
    Belgium,0.08,7,40

The header may also read ``Stakeholder,Resources,Position,Salience``. A file holds one
issue; more issues follow as extra ``Position2,Salience2``, ``Position3,Salience3`` ...
column pairs. An actor that takes no part in an issue leaves both of its cells empty.

Rules:

- Lines may end in LF, CRLF or a lone CR (old Mac files); blank lines are
  skipped. The file must be UTF-8 (a byte-order mark is allowed) and at most
  :data:`MAX_FILE_BYTES` bytes.
- Capabilities are on any positive scale and kept as they are.
- Saliences are on 0-1 or 0-100, by the file's convention: if any salience of the file is
  above 1, the whole file is on 0-100 and every salience is divided by 100. A salience
  above 100 or below 0 is an error.
- The scale of each issue runs from the lowest to the highest position on it.
- Actor names must be non-empty and unique; they are used as the actor ids unchanged, so
  that forecasts show the names of the file.
- With one issue, the issue id is the file's stem; with several, the stem followed by
  ``-1``, ``-2`` ...
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import numpy as np

from peacetalks.errors import Problem, ScenarioError
from peacetalks.scenario._fields import MAX_CAPABILITY, capability_too_large
from peacetalks.scenario._files import read_bounded_text
from peacetalks.scenario.stakeholders import StakeholderTable

__all__ = ["MAX_FILE_BYTES", "read_bdm_csv"]

MAX_FILE_BYTES = 10_000_000
"""Largest file read, in bytes; BDM tables are a few hundred bytes."""

_NAME_HEADERS = ("actor", "stakeholder")
_CAPABILITY_HEADERS = ("capability", "resources")
_EXPECTED_HEADER = (
    "'Actor,Capability,Position,Salience' (or 'Stakeholder,Resources,Position,Salience'), "
    "optionally followed by 'Position2,Salience2' and further pairs"
)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _fail(label: str, message: str, line: int | None = None, path: str = "") -> ScenarioError:
    return ScenarioError([Problem(path, message, line)], label)


def _read_text(path: Path, label: str) -> str:
    hint = "BDM tables are a few kilobytes: check that this is the right file."
    return read_bounded_text(path, limit=MAX_FILE_BYTES, label=label, hint=hint)


def _rows(text: str) -> list[tuple[int, list[str]]]:
    """Return the non-blank rows with their 1-based line numbers, cells stripped."""
    rows: list[tuple[int, list[str]]] = []
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        if not line.strip():
            continue
        cells = [cell.strip() for cell in next(csv.reader([line]))]
        if not any(cells):
            continue
        rows.append((number, cells))
    return rows


def _issue_columns(header: list[str]) -> bool:
    """Return whether the header names the name, capability and position/salience pairs."""
    names = [cell.lower() for cell in header]
    if len(names) < 4 or len(names) % 2:
        return False
    if names[0] not in _NAME_HEADERS or names[1] not in _CAPABILITY_HEADERS:
        return False
    for k in range(1, (len(names) - 2) // 2 + 1):
        suffixes = ("", "1") if k == 1 else (str(k),)
        if names[2 * k] not in {f"position{x}" for x in suffixes}:
            return False
        if names[2 * k + 1] not in {f"salience{x}" for x in suffixes}:
            return False
    return True


def _number(cell: str, where: str, line: int, problems: list[Problem]) -> float:
    try:
        value = float(cell)
    except ValueError:
        value = math.nan
        shown = f"'{cell}'" if cell else "the empty cell"
        msg = f"{shown} is not a number. Write a number such as 0.5."
        if not cell:
            msg = (
                "the cell is empty. Write a number, or leave both the position and the "
                "salience of an issue empty when the actor takes no part in it."
            )
        problems.append(Problem(where, msg, line))
        return value
    if not math.isfinite(value):
        problems.append(Problem(where, f"'{cell}' is not a finite number. Write a number.", line))
        return math.nan
    return value


def read_bdm_csv(path: str | Path) -> StakeholderTable:
    """Return the stakeholder table of a BDM example CSV file.

    Parameters
    ----------
    path : str or Path
        The CSV file; see the module documentation for the format and its rules.

    Returns
    -------
    StakeholderTable
        ``positions`` and ``saliences`` of shape (n_actors, n_issues), saliences on
        0-1; ``capabilities`` of shape (n_actors,) as in the file; ``scale`` from the
        lowest to the highest position of each issue; ``name`` the file's stem.

    Raises
    ------
    ScenarioError
        If the file is missing, too large, not UTF-8, empty, has a wrong header, a row
        with the wrong number of columns, a duplicate or empty actor name, a cell that is
        not a number, a capability that is not positive, or a salience outside 0-100. The
        message names the file, line and column, what was expected and got, and the fix.
    """
    path = Path(path)
    label = path.name
    rows = _rows(_read_text(path, label))
    if not rows:
        msg = (
            "the file is empty. Write the header 'Actor,Capability,Position,Salience' and "
            "one row per actor."
        )
        raise _fail(label, msg)
    header_line, header = rows[0]
    if not _issue_columns(header):
        msg = f"the header is '{','.join(header)}'; expected {_EXPECTED_HEADER}. Fix the header."
        raise _fail(label, msg, header_line)
    body = rows[1:]
    if not body:
        msg = "the file has a header but no actors. Add one row per actor below the header."
        raise _fail(label, msg, header_line)
    n_columns = len(header)
    n_issues = (n_columns - 2) // 2
    problems: list[Problem] = []
    names: list[str] = []
    first_line: dict[str, int] = {}
    capabilities: list[float] = []
    positions = np.full((len(body), n_issues), np.nan)
    saliences = np.zeros((len(body), n_issues))
    salience_cells: list[tuple[int, int, int, float]] = []
    for a, (line, cells) in enumerate(body):
        if len(cells) != n_columns:
            msg = (
                f"mismatched columns: the row has {len(cells)} columns; the header has "
                f"{n_columns}. Give every row one value per column, separated by commas."
            )
            problems.append(Problem("", msg, line))
            names.append(f"#{a}")
            capabilities.append(math.nan)
            continue
        name = cells[0]
        where_name = f"column 1 ({header[0]})"
        if not name:
            problems.append(Problem(where_name, "the actor name is empty. Name every actor.", line))
        elif name in first_line:
            msg = (
                f"actor '{name}' is listed twice (first on line {first_line[name]}). "
                "Give each actor one row, with a unique name."
            )
            problems.append(Problem(where_name, msg, line))
        else:
            first_line[name] = line
        names.append(name)
        where = f"column 2 ({header[1]})"
        capability = _number(cells[1], where, line, problems)
        if capability <= 0:
            msg = (
                f"capability {capability:g} is not positive. Give every actor a capability above 0."
            )
            problems.append(Problem(where, msg, line))
        elif capability > MAX_CAPABILITY:
            problems.append(Problem(where, capability_too_large(capability), line))
        capabilities.append(capability)
        for k in range(n_issues):
            p_col, s_col = 2 + 2 * k, 3 + 2 * k
            if not cells[p_col] and not cells[s_col]:
                continue
            position = _number(
                cells[p_col], f"column {p_col + 1} ({header[p_col]})", line, problems
            )
            where = f"column {s_col + 1} ({header[s_col]})"
            salience = _number(cells[s_col], where, line, problems)
            if salience < 0:
                msg = (
                    f"salience {salience:g} is negative. Use weights between 0 and 1, or "
                    "between 0 and 100 throughout the file."
                )
                problems.append(Problem(where, msg, line))
            elif salience > 100:
                msg = (
                    f"salience {salience:g} is above 100. Use weights between 0 and 1, or "
                    "between 0 and 100 throughout the file."
                )
                problems.append(Problem(where, msg, line))
            positions[a, k] = position
            saliences[a, k] = salience
            salience_cells.append((a, k, line, salience))
    for k in range(n_issues):
        if not problems and np.isnan(positions[:, k]).all():
            column = 3 + 2 * k
            msg = (
                f"no actor has a position on the issue of column {column} "
                f"({header[column - 1]}). Give at least one actor a position, or remove the "
                "column pair."
            )
            problems.append(Problem(f"column {column} ({header[column - 1]})", msg, header_line))
    if problems:
        raise ScenarioError(problems, label)
    notes: tuple[str, ...] = ()
    if any(value > 1 for *_, value in salience_cells):
        saliences = saliences / 100.0
        notes = ("Saliences were read on 0-100 and divided by 100.",)
    taking = ~np.isnan(positions)
    low = np.where(taking, positions, np.inf).min(axis=0)
    high = np.where(taking, positions, -np.inf).max(axis=0)
    stem = path.stem
    issue_ids = [stem] if n_issues == 1 else [f"{stem}-{k + 1}" for k in range(n_issues)]
    return StakeholderTable.build(
        actor_ids=names,
        issue_ids=issue_ids,
        positions=positions,
        saliences=saliences,
        capabilities=capabilities,
        scale=np.stack([low, high], axis=1),
        name=stem,
        notes=notes,
    )

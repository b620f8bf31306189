"""Read the CSV input of KTAB's Spatial Model of Politics (SMP) as a stakeholder table.

The format (KTAB, KAPSARC; read by ``SMPModel::csvRead``)::

    scenarioName,description,numActors,numDims
    Actor,Description,Power,Pos1,Sal1,Pos2,Sal2,...
    name,description,capability,position,salience,position,salience,...

one row per actor, positions and saliences on [0, 100], an actor's saliences summing to
at most 100 (its attention is split across the dimensions), capability positive.
Files in the wild end rows with a comma or not, pad cells with spaces, quote cells,
carry extra fields after ``numDims`` on line 1 and end lines with CRLF; all are read.

Positions stay on the 0-100 scale (the table's scale is 0-100, as for scenarios);
saliences are divided by 100 onto [0, 1], which keeps KTAB's meaning (a share of the
actor's attention). Actor names become the actor ids; their descriptions are kept in the
table's ``notes``. An issue id is the position column's name with a trailing
" Position" removed ("Policy Position" becomes "Policy"; "Pstn1" stays).
"""

from __future__ import annotations

import csv
import io
import math
import unicodedata
from pathlib import Path

import numpy as np

from peacetalks.errors import Problem, ScenarioError
from peacetalks.scenario._fields import MAX_CAPABILITY, capability_too_large
from peacetalks.scenario._files import read_bounded_text
from peacetalks.scenario.stakeholders import StakeholderTable

__all__ = ["read_smp_csv"]

MAX_FILE_BYTES = 10_000_000
"""Largest file read, in bytes."""

_SALIENCE_TOLERANCE = 1e-6  # sums such as 33.33 + 33.33 + 33.34 land a hair above 100


def _trim(row: list[str]) -> list[str]:
    """Return the cells stripped of spaces, without the empty cells at the end."""
    cells = [cell.strip() for cell in row]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _where(number: int, name: str) -> str:
    return f"column {number} ({name})" if name else f"column {number}"


def _count(text: str, what: str, number: int, problems: list[Problem]) -> int | None:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        got = repr(text) if text else "an empty cell"
        msg = f"{what} must be a whole number of at least 1. Got {got} instead."
        problems.append(Problem(_where(number, what), msg, 1))
        return None
    return value


def _issue_id(name: str, index: int) -> str:
    if name.lower().endswith(" position"):
        name = name[: -len(" position")].strip()
    return name or f"dim{index + 1}"


def read_smp_csv(path: str | Path) -> StakeholderTable:
    """Return the actors of a KTAB SMP CSV file as a stakeholder table.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    StakeholderTable
        Positions of shape (numActors, numDims) on 0-100; saliences on [0, 1]; the
        capabilities as given; actor descriptions in ``notes``; ``name`` the scenario
        name of line 1.

    Raises
    ------
    ScenarioError
        With file, line and column of every problem: a count on line 1 that is not a
        positive whole number, a header or an actor row with too few or too many
        columns, a row count that differs from numActors, an empty or non-numeric cell,
        a position or salience outside [0, 100], saliences summing above 100, a
        capability that is not positive, a repeated actor name.
    """
    path = Path(path)
    source = path.name
    text = read_bounded_text(
        path,
        limit=MAX_FILE_BYTES,
        label=source,
        hint="KTAB SMP files are a few kilobytes: check that this is the right file.",
    )
    reader = csv.reader(io.StringIO(text, newline=""), skipinitialspace=True)
    rows = [_trim(row) for row in reader]
    while rows and not rows[-1]:
        rows.pop()
    problems: list[Problem] = []
    if len(rows) < 2:
        msg = (
            f"the file has {len(rows)} line(s). An SMP CSV file needs the line "
            "'scenarioName,description,numActors,numDims', a header and one row per actor."
        )
        raise ScenarioError([Problem("", msg, None)], source)
    first = rows[0]
    if len(first) < 4:
        msg = (
            f"the line must be 'scenarioName,description,numActors,numDims'. Got {len(first)} "
            f"field(s) instead."
        )
        raise ScenarioError([Problem("", msg, 1)], source)
    n_actors = _count(first[2], "numActors", 3, problems)
    n_dims = _count(first[3], "numDims", 4, problems)
    if n_actors is None or n_dims is None:
        raise ScenarioError(problems, source)
    width = 3 + 2 * n_dims
    header = rows[1]
    if len(header) != width:
        msg = (
            f"the header has {len(header)} column(s); numDims = {n_dims} (line 1) needs "
            f"{width} (Actor, Description, Power and a position and a salience per "
            "dimension). Make numDims match the columns."
        )
        raise ScenarioError([Problem("", msg, 2)], source)
    issue_ids = [_issue_id(header[3 + 2 * d], d) for d in range(n_dims)]
    for d, issue in enumerate(issue_ids):
        if issue in issue_ids[:d]:
            msg = f"two dimensions are named {issue!r}. Give each dimension its own name."
            raise ScenarioError([Problem(_where(4 + 2 * d, header[3 + 2 * d]), msg, 2)], source)
    body = rows[2:]
    if len(body) != n_actors:
        msg = (
            f"numActors is {n_actors} but the file has {len(body)} actor row(s). Make "
            "numActors match the rows."
        )
        raise ScenarioError([Problem(_where(3, "numActors"), msg, 1)], source)

    actor_ids: list[str] = []
    notes: list[str] = []
    capabilities: list[float] = []
    positions = np.full((n_actors, n_dims), np.nan)
    saliences = np.full((n_actors, n_dims), np.nan)
    seen: dict[str, int] = {}
    for a, row in enumerate(body):
        line = a + 3
        if len(row) != width:
            msg = (
                f"the row has {len(row)} column(s); the header has {width}. Give every "
                "actor a capability and a position and a salience on each dimension."
            )
            problems.append(Problem("", msg, line))
            continue
        name = row[0]
        control = next((c for c in name if unicodedata.category(c) == "Cc"), None)
        if not name:
            problems.append(Problem(_where(1, header[0]), "the actor name is empty.", line))
        elif control is not None:
            msg = (
                f"the actor name {name!r} holds the control character {control!r} "
                f"(position {name.index(control) + 1}). Names become actor ids and are "
                "printed: remove it."
            )
            problems.append(Problem(_where(1, header[0]), msg, line))
        elif name in seen:
            msg = (
                f"actor {name!r} is listed again (first on line {seen[name]}). Give each "
                "actor its own name."
            )
            problems.append(Problem(_where(1, header[0]), msg, line))
        seen.setdefault(name, line)
        values = []
        for k in range(2, width):
            text = row[k]
            where = _where(k + 1, header[k])
            wanted = "a positive number" if k == 2 else "a number between 0 and 100"
            if not text:
                values.append(math.nan)
                problems.append(Problem(where, f"the cell is empty. Write {wanted}.", line))
                continue
            try:
                value = float(text)
            except ValueError:
                values.append(math.nan)
                msg = f"{text!r} is not a number. Write {wanted}."
                problems.append(Problem(where, msg, line))
                continue
            if not math.isfinite(value):
                problems.append(Problem(where, f"{text!r} is not a finite number.", line))
            elif k == 2 and value <= 0:
                msg = f"the capability must be positive. Got {value:g} instead."
                problems.append(Problem(where, msg, line))
            elif k == 2 and value > MAX_CAPABILITY:
                problems.append(Problem(where, capability_too_large(value), line))
            elif k > 2 and not 0.0 <= value <= 100.0:
                msg = f"{value:g} is outside [0, 100]. Use the SMP 0-100 scale."
                problems.append(Problem(where, msg, line))
            values.append(value)
        actor_ids.append(name)
        notes.append(row[1])
        capabilities.append(values[0])
        positions[a] = values[1::2]
        saliences[a] = values[2::2]
        total = float(np.nansum(saliences[a]))
        if total > 100.0 + _SALIENCE_TOLERANCE:
            msg = (
                f"the saliences sum to {total:g}, above 100. An actor splits at most 100 "
                "points of attention across the dimensions; scale them down."
            )
            columns = ", ".join(str(k) for k in range(5, width + 1, 2))
            problems.append(Problem(f"salience columns {columns}", msg, line))
    if problems:
        raise ScenarioError(problems, source)
    return StakeholderTable.build(
        actor_ids=actor_ids,
        issue_ids=issue_ids,
        positions=positions,
        saliences=saliences / 100.0,
        capabilities=capabilities,
        name=first[0],
        notes=tuple(notes),
    )

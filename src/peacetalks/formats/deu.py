"""Read the DEU data set (Decision-making in the European Union) as a stakeholder table.

The DEU III data (Arregui & Perarnaud 2021, doi:10.34810/data53) code, for each
controversial issue of an EU legislative proposal, the positions and saliences of the
Commission, the European Parliament and the member states on a 0-100 scale, the
reference point (status quo), the adopted outcome, the legislative procedure and the
Council's voting rule. :func:`read_deu` reads the tab-separated edition prepared in
blksv/predictioneers_game, whose line 2 holds each actor's GDP, used as capability.

Choices, each checked against the reported baselines (compromise model 23.2, equal
capability 23.7, capability x salience weighted median 27.6; all three reproduce):

- Capabilities are the GDP row as written. That row gives the Commission and the
  Parliament the largest member's value (4.1, Germany's), so each institution weighs as
  much as the largest member state; this is what the 23.2 baseline uses. Giving them no
  weight raises the compromise model's error to 24.7; ``institution_capability``
  overrides the value.
- Saliences are divided by 100. A position without a salience gets salience 0 (the actor
  is listed but carries no weight, as in the baseline); a salience without a position is
  dropped (the actor takes no part).
- Only issues with an outcome are kept unless ``require_outcome=False``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from peacetalks.errors import Problem, ScenarioError
from peacetalks.scenario._files import read_bounded_text
from peacetalks.scenario.stakeholders import StakeholderTable

__all__ = ["INSTITUTIONS", "VOTING_RULES", "DeuData", "read_deu"]

MAX_FILE_BYTES = 20_000_000
"""Largest file read, in bytes."""

FloatArray = npt.NDArray[np.float64]

INSTITUTIONS = ("com", "ep")
"""Actor ids of the Commission and the European Parliament; every other actor is a member state."""

VOTING_RULES = {
    "QMV": "qualified",
    "QMV(10)": "qualified",
    "SMV": "majority",
    "Unan": "unanimity",
}
"""DEU codes of the Council's voting rule (column ``counvte``) and the rule each stands for."""

_REQUIRED = ("isnr", "proc", "counvte", "rp", "out")


@dataclass(frozen=True, eq=False)
class DeuData:
    """DEU issues as a stakeholder table, with the procedure of each issue.

    Attributes
    ----------
    table : StakeholderTable
        Positions (0-100), saliences (0-1), GDP as capability, reference point and
        outcome of each issue. ``veto`` is False for every actor: who can block depends
        on the issue's procedure, given below.
    procedures : tuple of str, length n_issues
        The legislative procedure as coded (``"COD"`` codecision, ``"CNS"``
        consultation).
    voting_rules : tuple of str, length n_issues
        The Council's voting rule: ``"qualified"``, ``"unanimity"`` or ``"majority"``.
    council : tuple of str
        Actor ids of the member states (the actors that vote in the Council).
    proposal_ids : tuple of str, length n_issues
        The proposal each issue belongs to.
    """

    table: StakeholderTable
    procedures: tuple[str, ...]
    voting_rules: tuple[str, ...]
    council: tuple[str, ...]
    proposal_ids: tuple[str, ...]


def _column(index: int, header: list[str]) -> str:
    return f"column {index + 1} ({header[index]})"


def _number(text: str, line: int, index: int, header: list[str], problems: list[Problem]) -> float:
    """Return the cell as a float in [0, 100], NaN when empty; record a problem when bad."""
    text = text.strip()
    if not text:
        return np.nan
    try:
        value = float(text)
    except ValueError:
        msg = f"{text!r} is not a number. Write a number between 0 and 100, or leave it empty."
        problems.append(Problem(_column(index, header), msg, line))
        return np.nan
    if not 0.0 <= value <= 100.0:
        msg = f"{value:g} is outside [0, 100]. Use the DEU 0-100 scale."
        problems.append(Problem(_column(index, header), msg, line))
        return np.nan
    return value


def _capability(text: str, index: int, header: list[str], problems: list[Problem]) -> float:
    text = text.strip()
    try:
        value = float(text)
    except ValueError:
        got = repr(text) if text else "an empty cell"
        msg = (
            f"the capability (GDP) row must give a positive number for every actor. "
            f"Got {got} instead."
        )
        problems.append(Problem(_column(index, header), msg, 2))
        return np.nan
    if not (np.isfinite(value) and value > 0):
        msg = (
            f"the capability (GDP) row must give a positive number for every actor. "
            f"Got {value:g} instead."
        )
        problems.append(Problem(_column(index, header), msg, 2))
        return np.nan
    return value


def _actor_columns(
    header: list[str], gdp: list[str], problems: list[Problem]
) -> list[tuple[str, int, int]]:
    """Return (actor id, position column, salience column) of each actor, in header order.

    An actor is a ``p<id>`` column with a value in the capability row; it must have a
    ``s<id>`` salience column.
    """
    actors = []
    for index, name in enumerate(header):
        if not (name.startswith("p") and len(name) > 1 and gdp[index].strip()):
            continue
        actor = name[1:]
        salience = f"s{actor}"
        if salience not in header:
            msg = (
                f"actor {actor!r} has a position column and a capability but no salience "
                f"column {salience!r}. Add the column."
            )
            problems.append(Problem(_column(index, header), msg, 1))
            continue
        actors.append((actor, index, header.index(salience)))
    if not actors and not problems:
        msg = (
            "the capability (GDP) row gives no value under any 'p<actor>' column. Put each "
            "actor's GDP under its position column."
        )
        problems.append(Problem("", msg, 2))
    return actors


def read_deu(
    path: str | Path,
    *,
    require_outcome: bool = True,
    institution_capability: float | None = None,
) -> DeuData:
    """Return the issues of a DEU file (blksv/predictioneers_game edition).

    Parameters
    ----------
    path : str or Path
        A tab-separated file: line 1 the header, line 2 the capability (GDP) of each
        actor under its ``p<actor>`` column, then one issue a line with ``isnr`` (issue
        id), ``proc``, ``counvte``, ``rp``, ``out`` and ``p<actor>``/``s<actor>``
        position and salience columns on 0-100.
    require_outcome : bool
        Keep only issues with an outcome (the default, for backtests). With False every
        issue is kept, its outcome NaN when absent.
    institution_capability : float or None
        Capability of the Commission and the Parliament; None keeps the file's value
        (the largest member's GDP).

    Returns
    -------
    DeuData

    Raises
    ------
    ScenarioError
        With every problem found and its line: a row whose number of fields differs
        from the header's, a required column missing, a cell that is not a number in
        [0, 100], an unknown voting rule, a repeated issue id, a bad capability row.
    """
    path = Path(path)
    source = path.name
    text = read_bounded_text(
        path,
        limit=MAX_FILE_BYTES,
        label=source,
        hint="The DEU III file is about 90 kilobytes: check that this is the right file.",
    )
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter="\t", quotechar='"'))
    if len(rows) < 2:
        msg = (
            f"the file has {len(rows)} line(s). A DEU file needs a header, a capability "
            "(GDP) row and one row per issue."
        )
        raise ScenarioError([Problem("", msg, None)], source)
    header = [name.strip() for name in rows[0]]
    problems = [
        Problem("", f"the header has no {name!r} column. Add it.", 1)
        for name in _REQUIRED
        if name not in header
    ]
    for number, row in enumerate(rows[1:], 2):
        if len(row) != len(header) and any(cell.strip() for cell in row):
            msg = (
                f"the row has {len(row)} fields; the header (line 1) has {len(header)}. "
                "Check for a missing or extra tab."
            )
            problems.append(Problem("", msg, number))
    if problems:
        raise ScenarioError(problems, source)
    column = {name: header.index(name) for name in _REQUIRED}
    gdp = rows[1]
    if gdp[column["isnr"]].strip():
        msg = (
            f"this line must be the capability (GDP) row, with no issue id. Got issue "
            f"{gdp[column['isnr']].strip()!r} instead."
        )
        raise ScenarioError([Problem(_column(column["isnr"], header), msg, 2)], source)
    actors = _actor_columns(header, gdp, problems)
    capabilities = np.array([_capability(gdp[p], p, header, problems) for _, p, _ in actors])
    if problems:
        raise ScenarioError(problems, source)
    actor_ids = tuple(actor for actor, _, _ in actors)
    if institution_capability is not None:
        is_institution = np.isin(np.array(actor_ids), INSTITUTIONS)
        capabilities = np.where(is_institution, float(institution_capability), capabilities)

    issue_ids: list[str] = []
    positions: list[list[float]] = []
    saliences: list[list[float]] = []
    reference: list[float] = []
    outcome: list[float] = []
    procedures: list[str] = []
    voting_rules: list[str] = []
    proposal_ids: list[str] = []
    seen: dict[str, int] = {}
    known_rules = ", ".join(repr(code) for code in VOTING_RULES)
    prnr = header.index("prnr") if "prnr" in header else None
    for number, row in enumerate(rows[2:], 3):
        if not any(cell.strip() for cell in row):
            continue
        out = _number(row[column["out"]], number, column["out"], header, problems)
        if require_outcome and np.isnan(out):
            continue
        issue = row[column["isnr"]].strip()
        if not issue:
            msg = "the issue id is empty. Give every issue an id."
            problems.append(Problem(_column(column["isnr"], header), msg, number))
        elif issue in seen:
            msg = (
                f"issue {issue!r} is listed again (first on line {seen[issue]}). Give each "
                "issue its own id."
            )
            problems.append(Problem(_column(column["isnr"], header), msg, number))
        seen.setdefault(issue, number)
        code = row[column["counvte"]].strip()
        if code not in VOTING_RULES:
            msg = f"unknown Council voting rule {code!r}. Use one of {known_rules}."
            problems.append(Problem(_column(column["counvte"], header), msg, number))
        pos = [_number(row[p], number, p, header, problems) for _, p, _ in actors]
        sal = [_number(row[s], number, s, header, problems) for _, _, s in actors]
        issue_ids.append(issue)
        positions.append(pos)
        saliences.append(sal)
        reference.append(_number(row[column["rp"]], number, column["rp"], header, problems))
        outcome.append(out)
        procedures.append(row[column["proc"]].strip())
        voting_rules.append(VOTING_RULES.get(code, ""))
        proposal_ids.append(row[prnr].strip() if prnr is not None else "")
    if problems:
        raise ScenarioError(problems, source)

    n_a = len(actor_ids)
    pos_array = np.array(positions, dtype=np.float64).reshape(-1, n_a).T
    sal_array = np.array(saliences, dtype=np.float64).reshape(-1, n_a).T / 100.0
    # A listed position without a salience carries no weight; a salience without a
    # position has nobody to carry it.
    sal_array = np.where(np.isnan(pos_array) | np.isnan(sal_array), 0.0, sal_array)
    table = StakeholderTable.build(
        actor_ids=actor_ids,
        issue_ids=issue_ids,
        positions=pos_array,
        saliences=sal_array,
        capabilities=capabilities,
        reference=np.array(reference, dtype=np.float64),
        outcome=np.array(outcome, dtype=np.float64),
        name=path.stem,
    )
    return DeuData(
        table=table,
        procedures=tuple(procedures),
        voting_rules=tuple(voting_rules),
        council=tuple(actor for actor in actor_ids if actor not in INSTITUTIONS),
        proposal_ids=tuple(proposal_ids),
    )

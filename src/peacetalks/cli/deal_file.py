"""Deal files: a YAML or JSON mapping of issue ids to option ids (``evaluate --deal``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from peacetalks.errors import ParameterError, Problem, ScenarioError
from peacetalks.scenario.models import Scenario
from peacetalks.scenario.yaml_nodes import read_yaml

__all__ = ["MAX_DEAL_BYTES", "read_deal"]

MAX_DEAL_BYTES = 100_000


def read_deal(path: Path, scenario: Scenario | None = None) -> dict[str, str]:
    """Return a deal file's mapping of issue ids to option ids.

    A YAML or JSON mapping, optionally under one key ``deal``; at most
    ``MAX_DEAL_BYTES`` bytes. With ``scenario``, every issue and option id is checked
    against it, and each unknown one is reported with the file and its line.

    Raises
    ------
    ParameterError
        If the file does not exist.
    ScenarioError
        If it is too large, not UTF-8, not YAML, not a mapping of ids to ids, or names ids
        the scenario does not have (with the file, line and key).
    """
    label = str(path)
    if not path.is_file():
        msg = f"no deal file {label!r}. Give a YAML or JSON file mapping issue ids to option ids."
        raise ParameterError(msg, parameter="--deal", value=label)
    if path.stat().st_size > MAX_DEAL_BYTES:
        msg = f"the deal file is larger than {MAX_DEAL_BYTES:,} bytes."
        raise ScenarioError([Problem("", msg)], label)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ScenarioError([Problem("", "the file is not UTF-8 text.")], label) from None
    document, problems = read_yaml(text)
    if problems or document is None:
        raise ScenarioError(problems, label)
    data: Any = document.data
    prefix = ""
    if isinstance(data, dict) and set(data) == {"deal"}:
        data, prefix = data["deal"], "deal"
    if not isinstance(data, dict) or not data:
        msg = (
            "expected a mapping of issue ids to option ids (optionally under a 'deal' key), "
            f"got {type(data).__name__ if data is not None else 'nothing'}."
        )
        raise ScenarioError([Problem(prefix, msg, 1)], label)
    bad = [
        Problem(
            f"{prefix}.{k}" if prefix else str(k),
            f"expected an option id (text), got {v!r}.",
            document.lines.get((prefix, k) if prefix else (k,)),
        )
        for k, v in data.items()
        if not isinstance(v, str)
    ]
    if bad:
        raise ScenarioError(bad, label)
    deal = {str(k): v for k, v in data.items()}
    if scenario is not None:
        unknown = _unknown_ids(scenario, deal, prefix, document.lines)
        if unknown:
            raise ScenarioError(unknown, label)
    return deal


def _unknown_ids(
    scenario: Scenario, deal: dict[str, str], prefix: str, lines: dict[Any, int]
) -> list[Problem]:
    """Return the deal's problems against the scenario (as evaluate words them), with lines."""
    from peacetalks.scenario.compile import compile_scenario

    try:
        compile_scenario(scenario).deal_indices(deal)
    except ScenarioError as e:
        problems = []
        for problem in e.problems:
            key = problem.path.removeprefix("deal.")
            line = lines.get((prefix, key) if prefix else (key,))
            path = f"{prefix}.{key}" if prefix else key
            problems.append(Problem(path, problem.message, line))
        return problems
    return []

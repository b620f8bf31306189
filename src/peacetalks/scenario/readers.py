"""Open a scenario from whatever the user names: a built-in id, a YAML file or a GENIUS domain."""

from __future__ import annotations

from pathlib import Path

from peacetalks.scenario.genius import load_genius
from peacetalks.scenario.load import load_scenario
from peacetalks.scenario.models import Scenario
from peacetalks.scenario.stakeholders import StakeholderTable, stakeholders_from_scenario

__all__ = ["read_forecast_input", "read_scenario"]


def read_scenario(name: str | Path) -> Scenario:
    """Return the scenario named by a built-in id or a path.

    Parameters
    ----------
    name : str or Path
        A built-in id (``"ukraine-2025"``), a YAML file, or a GENIUS domain: a folder with
        a domain file and one utility file per party, or the domain file itself.

    Raises
    ------
    NotFoundError
        If nothing by that name exists.
    ScenarioError
        If the file or folder is invalid.
    """
    path = Path(name)
    if path.is_dir() or (path.is_file() and path.suffix.lower() == ".xml"):
        return load_genius(path)
    return load_scenario(name)


def read_forecast_input(name: str | Path) -> tuple[StakeholderTable, Scenario | None]:
    """Return the stakeholder table named by a scenario id or path, and the scenario if any.

    Parameters
    ----------
    name : str or Path
        A built-in id, a scenario YAML file or a GENIUS domain.
    """
    scenario = read_scenario(name)
    return stakeholders_from_scenario(scenario), scenario

"""Open a scenario from whatever the user names: a built-in id, a YAML file or a GENIUS domain."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from peacetalks.errors import Problem, ScenarioError
from peacetalks.scenario.load import load_scenario

# Each reader is imported when a file of its kind is read (start-up of every command).
if TYPE_CHECKING:
    from peacetalks.scenario.models import Scenario
    from peacetalks.scenario.stakeholders import StakeholderTable

__all__ = ["forecast_input_options", "read_forecast_input", "read_scenario", "table_kind"]


def _is_smp_xml(path: Path) -> bool:
    """Return whether ``path`` is a KTAB SMP XML file; the XML reader loads only for .xml."""
    if path.suffix.lower() != ".xml" or not path.is_file():
        return False
    from peacetalks.formats.smp_xml import is_smp_xml

    return is_smp_xml(path)


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
        If the file or folder is invalid, or is a KTAB SMP XML file (a stakeholder table,
        not a scenario: forecast it with ``--model smp``).
    """
    path = Path(name)
    if _is_smp_xml(path):
        msg = (
            "the file is a KTAB SMP XML scenario (root <Scenario>), not a GENIUS domain or a "
            "peacetalks scenario. Forecast it: 'peacetalks forecast FILE --model smp'."
        )
        raise ScenarioError([Problem("", msg, None)], path.name)
    if path.is_dir() or (path.is_file() and path.suffix.lower() == ".xml"):
        from peacetalks.formats.genius import load_genius

        return load_genius(path)
    return load_scenario(name)


def _first_lines(path: Path, count: int) -> list[str]:
    with path.open("rb") as handle:
        head = handle.read(4096).decode("utf-8-sig", errors="replace")
    return head.replace("\r\n", "\n").replace("\r", "\n").split("\n")[:count]


def _cells(line: str) -> str:
    """Return a CSV line's cells stripped of spaces and quotes, joined by bare commas.

    KTAB's own files pad cells (``XYZ,  XYZ Issue,  40,  1,``); KTAB reads them.
    """
    return ",".join(cell.strip().strip('"').strip() for cell in line.split(","))


def table_kind(path: Path) -> str:
    """Return the kind of a table file: ``"deu"``, ``"smp"``, ``"smp-xml"``, ``"bdm"`` or ``""``.

    DEU files are tab-separated with a ``prnrnmc`` column; KTAB SMP CSVs have a second
    line starting ``Actor,Description`` (spaces and quotes around cells and a UTF-8 BOM
    allowed, as KTAB reads them); KTAB SMP XML files have the root element
    ``<Scenario>`` (GENIUS files, the other ``.xml``, have other roots); BDM CSVs start
    ``Actor,Capability`` (or ``Stakeholder,Resources``). ``""``: not a table.
    """
    if _is_smp_xml(path):
        return "smp-xml"
    if not path.is_file() or path.suffix.lower() not in (".csv", ".tsv", ".txt"):
        return ""
    lines = _first_lines(path, 2)
    first = lines[0].strip().lower() if lines else ""
    second = lines[1].strip().lower() if len(lines) > 1 else ""
    if "\t" in first and "prnrnmc" in first:
        return "deu"
    if _cells(second).startswith("actor,description"):
        return "smp"
    if _cells(first).startswith(("actor,capability", "stakeholder,resources")):
        return "bdm"
    return ""


def read_forecast_input(name: str | Path) -> tuple[StakeholderTable, Scenario | None]:
    """Return the stakeholder table named by a scenario, a table file or a DEU file.

    Parameters
    ----------
    name : str or Path
        A built-in id, a scenario YAML file, a GENIUS domain, a BDM CSV
        (``Actor,Capability,Position,Salience``), a KTAB SMP CSV or XML file, or the DEU
        data file. The model parameters an SMP XML file carries are read by
        :func:`forecast_input_options`.

    Returns
    -------
    table : StakeholderTable
    scenario : Scenario or None
        The scenario, when the input was one.
    """
    from peacetalks.formats.bdm_csv import read_bdm_csv
    from peacetalks.formats.deu import read_deu
    from peacetalks.formats.smp_csv import read_smp_csv
    from peacetalks.formats.smp_xml import read_smp_xml
    from peacetalks.scenario.stakeholders import stakeholders_from_scenario

    path = Path(name)
    kind = table_kind(path)
    if kind == "deu":
        return read_deu(path).table, None
    if kind == "smp":
        return read_smp_csv(path), None
    if kind == "smp-xml":
        return read_smp_xml(path).table, None
    if kind == "bdm":
        return read_bdm_csv(path), None
    if path.is_file() and path.suffix.lower() in (".csv", ".tsv"):
        msg = (
            "the file is not a table peacetalks reads: expected a BDM CSV (header "
            "'Actor,Capability,Position,Salience'), a KTAB SMP CSV (second line "
            "'Actor,Description,...') or the DEU data (tab-separated, with 'prnrnmc')."
        )
        raise ScenarioError([Problem("", msg, 1)], str(path))
    scenario = read_scenario(name)
    return stakeholders_from_scenario(scenario), scenario


def forecast_input_options(name: str | Path, model: str) -> dict[str, Any]:
    """Return the options of ``model`` that the input itself carries; empty for most inputs.

    A KTAB SMP XML file carries the SMP's seed, sub-models (``ModelParameters``) and ideal
    adjustment: for ``model == "smp"`` they come back as keyword arguments of
    :class:`~peacetalks.forecasting.smp.SmpModel`, so that a forecast runs what KTAB runs.

    Parameters
    ----------
    name : str or Path
        What :func:`read_forecast_input` reads.
    model : str
        The model's name in the registry (``"smp"``).
    """
    from peacetalks.formats.smp_xml import read_smp_xml

    path = Path(name)
    if model == "smp" and table_kind(path) == "smp-xml":
        return read_smp_xml(path).model_options()
    return {}

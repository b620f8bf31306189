"""Export a scenario as a GENIUS (ANAC) domain: a domain file and one utility file per actor."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from peacetalks.errors import ParameterError
from peacetalks.scenario.compile import compile_scenario
from peacetalks.scenario.models import Scenario

__all__ = ["dump_genius"]

# ---------------------------------------------------------------------------------------
# Writing


def _unique_names(names: Sequence[str], ids: Sequence[str]) -> list[str]:
    """Return the names, adding the id to any name that is not unique."""
    return [
        name if names.count(name) == 1 else f"{name} ({id_})"
        for name, id_ in zip(names, ids, strict=True)
    ]


def _write(element: ET.Element, path: Path) -> None:
    tree = ET.ElementTree(element)
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)


def _number_text(value: float) -> str:
    return repr(float(value))


def dump_genius(scenario: Scenario, folder: str | Path) -> list[Path]:
    """Write a scenario as a GENIUS domain: a domain file and one utility file per actor.

    Parameters
    ----------
    scenario : Scenario
    folder : str or Path
        Where to write; created if missing. It must hold no other XML files, so that
        loading the folder finds exactly this domain.

    Returns
    -------
    list of Path
        The domain file, then one utility file per actor in the scenario's order (pass
        them to :func:`load_genius` as ``utility_files`` to keep that order).

    Raises
    ------
    ParameterError
        If ``folder`` is a file, or holds XML files that are not part of this domain.

    Notes
    -----
    Each actor's weights are its saliences normalised to sum 1, each multiplied by the
    actor's largest utility on that issue, and its evaluations are its utilities divided
    by that largest utility. GENIUS divides evaluations by their maximum, so its utility of
    every deal equals the actor's utility here (and NegMAS, which does not divide, agrees
    too). An issue on which the actor has no position gets weight 0. Capabilities, red
    lines, uncertainty, proposals and regions have no place in GENIUS and are not written.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        msg = f"The 'folder' parameter of dump_genius must be a folder. Got the file {folder}."
        raise ParameterError(msg, parameter="folder", value=str(folder))
    actor_files = [f"{actor.id}.xml" for actor in scenario.actors]
    domain_file = next(
        name
        for name in (f"{scenario.id}-domain.xml", "domain.xml", "genius-domain.xml")
        if name not in actor_files
    )
    names = {domain_file, *actor_files}
    if folder.is_dir():
        strangers = sorted(
            p.name for p in folder.iterdir() if p.suffix.lower() == ".xml" and p.name not in names
        )
        if strangers:
            msg = (
                f"The 'folder' parameter of dump_genius must name a folder without other "
                f"XML files, so that loading it finds only this domain. Got {folder}, which "
                f"holds {', '.join(strangers[:5])}. Use an empty folder."
            )
            raise ParameterError(msg, parameter="folder", value=str(folder))
    folder.mkdir(parents=True, exist_ok=True)

    compiled = compile_scenario(scenario)
    issue_names = _unique_names([i.name for i in scenario.issues], [i.id for i in scenario.issues])
    item_values = [
        _unique_names([o.label for o in issue.options], [o.id for o in issue.options])
        for issue in scenario.issues
    ]

    def objective(space: ET.Element) -> ET.Element:
        space.set("number_of_issues", str(len(scenario.issues)))
        attrs = {"index": "0", "description": "", "name": scenario.title}
        return ET.SubElement(
            space, "objective", {**attrs, "type": "objective", "etype": "objective"}
        )

    def issue_element(parent: ET.Element, i: int) -> ET.Element:
        attrs = {"index": str(i + 1), "name": issue_names[i]}
        kinds = {"etype": "discrete", "type": "discrete", "vtype": "discrete"}
        return ET.SubElement(parent, "issue", {**attrs, **kinds})

    root = ET.Element("negotiation_template")
    domain_objective = objective(ET.SubElement(root, "utility_space"))
    for i in range(len(scenario.issues)):
        element = issue_element(domain_objective, i)
        for k, value in enumerate(item_values[i]):
            ET.SubElement(element, "item", {"index": str(k + 1), "value": value, "cost": "0"})
    paths = [folder / domain_file]
    _write(root, paths[0])

    for a, actor in enumerate(scenario.actors):
        space = ET.Element("utility_space")
        actor_objective = objective(space)
        weights = []
        for i in range(len(scenario.issues)):
            count = int(compiled.option_counts[i])
            utilities = compiled.utilities[a, i, :count]
            top = float(utilities.max())
            weight = float(compiled.weights[a, i]) * top
            # A weightless issue is written as all zeros, which any weight leaves at 0.
            evaluations = utilities / top if weight > 0 else np.zeros(count)
            weights.append(weight)
            element = issue_element(actor_objective, i)
            for k, value in enumerate(item_values[i]):
                attrs = {"index": str(k + 1), "value": value}
                ET.SubElement(
                    element, "item", {**attrs, "evaluation": _number_text(evaluations[k])}
                )
        if sum(weights) <= 0:
            # Zero utility everywhere: any weights give it, and GENIUS needs some.
            weights = [1.0 / len(weights)] * len(weights)
        for i, weight in enumerate(weights):
            ET.SubElement(
                actor_objective, "weight", {"index": str(i + 1), "value": _number_text(weight)}
            )
        ET.SubElement(space, "reservation", {"value": _number_text(actor.reservation)})
        ET.SubElement(space, "discount_factor", {"value": "1.0"})
        paths.append(folder / actor_files[a])
        _write(space, paths[-1])
    return paths

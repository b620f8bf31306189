"""Read the XML input of KTAB's Spatial Model of Politics (SMP).

The format (KTAB, KAPSARC; schema ``smpSchema.xsd``, read by ``SMPModel::xmlRead``)::

    <Scenario>
      <name/> <desc/> <prngSeed/>          the seed of KTAB's generator
      <ModelParameters>                    optional: the nine sub-models, all or none
        <VictoryProbModel/> <PCEModel/> <StateTransitions/> <VotingRule/>
        <BigRAdjust/> <BigRRange/> <ThirdPartyCommit/> <InterVecBrgn/> <BargnModel/>
      </ModelParameters>
      <Dimensions> <dName/>... </Dimensions>
      <Actors>
        <Actor> <name/> <description/> <capability/>
          <Position> <dCoord/>... </Position> <Salience> <dSal/>... </Salience>
        </Actor>...
      </Actors>
      <IdealAdjustment>                    optional: the accommodation matrix
        <iaPair> <adjustingIdeal/> <referencePos/> <adjust/> </iaPair>...
      </IdealAdjustment>
    </Scenario>

As for the CSV, positions stay on the 0-100 scale and saliences are divided by 100. The
model parameters come back under the names of :class:`~peacetalks.forecasting.smp.SmpModel`'s
options, so that ``SmpModel(**read_smp_xml(path).model_options())`` runs what KTAB runs.

KTAB crashes or stops on some malformed files (an empty coordinate, an ``iaPair`` without
its ``adjust``, an unknown actor in an ``iaPair``, a dimension count that differs from the
number of coordinates); those are errors here too, with file, line and element path. It
reads others silently although they break its own schema or model, and those are errors
here as well: positions or saliences outside [0, 100], saliences summing above 100, a
capability that is not positive, an unknown sub-model name, a repeated actor or
dimension name, adjustment rates outside [0, 1] or summing above 1 for one actor.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from defusedxml import DefusedXmlException

from peacetalks.errors import Problem, ScenarioError
from peacetalks.formats._genius_xml import parse_tracked, tracked_parser
from peacetalks.scenario._fields import MAX_CAPABILITY, capability_too_large
from peacetalks.scenario.stakeholders import StakeholderTable

__all__ = ["MODEL_PARAMETERS", "SmpXml", "is_smp_xml", "read_smp_xml"]

MAX_FILE_BYTES = 10_000_000
"""Largest file read, in bytes."""

MODEL_PARAMETERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "VictoryProbModel": ("victory_model", ("Linear", "Square", "Quartic", "Octic", "Binary")),
    "PCEModel": ("pce_model", ("Conditional", "MarkovIncentive", "MarkovUniform")),
    "StateTransitions": ("transitions", ("Deterministic", "Stochastic")),
    "VotingRule": (
        "voting_rule",
        ("Binary", "PropBin", "Proportional", "PropCbc", "Cubic", "ASymProsp"),
    ),
    "BigRAdjust": ("big_r_adjust", ("Full", "TwoThirds", "Half", "OneThird", "No")),
    "BigRRange": ("big_r_range", ("Min", "Mid", "Max")),
    "ThirdPartyCommit": ("third_party_commit", ("NoCommit", "SemiCommit", "FullCommit")),
    "InterVecBrgn": ("interpolation", ("S1P1", "S2P2", "S2PMax")),
    "BargnModel": ("bargain_model", ("InitOnlyInterp", "InitRcvrInterp", "PWCompInterp")),
}
"""XML element of each model parameter -> (SmpModel option, the values KTAB's schema allows)."""

MIN_ACTORS = 3
"""Fewest actors KTAB's schema allows."""

_TOLERANCE = 1e-6  # sums such as 33.33 + 33.33 + 33.34 land a hair above 100
_SCENARIO = (
    "name",
    "desc",
    "prngSeed",
    "ModelParameters",
    "Dimensions",
    "Actors",
    "IdealAdjustment",
)
_ACTOR = ("name", "description", "capability", "Position", "Salience")

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class SmpXml:
    """A KTAB SMP XML scenario.

    Attributes
    ----------
    table : StakeholderTable
        Positions of shape (n_actors, n_dims) on 0-100, saliences on [0, 1], the
        capabilities; actor descriptions in ``notes``; ``name`` the scenario's name.
    description : str
    seed : int
        KTAB's seed (``prngSeed``), in [0, 2**64).
    parameters : dict
        The sub-models under :class:`~peacetalks.forecasting.smp.SmpModel`'s option names
        (``{"voting_rule": "PropCbc", ...}``); empty when the file has no
        ``ModelParameters`` (KTAB then uses its defaults, as ``SmpModel`` does).
    accommodation : ndarray of shape (n_actors, n_actors)
        The ideal-adjustment matrix: the identity with the file's ``iaPair`` entries set.
    """

    table: StakeholderTable
    description: str
    seed: int
    parameters: dict[str, str]
    accommodation: FloatArray

    @property
    def has_accommodation(self) -> bool:
        """Return whether the ideal adjustment differs from the identity."""
        return not np.array_equal(self.accommodation, np.eye(self.table.n_actors))

    def model_options(self) -> dict[str, Any]:
        """Return the keyword arguments of ``SmpModel`` that run this scenario as KTAB does.

        The seed, the sub-models the file names and, when it is not the identity, the
        ideal adjustment (``accommodation``).
        """
        options: dict[str, Any] = {"seed": self.seed, **self.parameters}
        if self.has_accommodation:
            options["accommodation"] = self.accommodation
        return options


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class _Reader:
    """Walks the tree, collecting every problem with its line and element path."""

    def __init__(self, lines: dict[ET.Element, int], label: str) -> None:
        self.lines = lines
        self.label = label
        self.problems: list[Problem] = []

    def problem(self, element: ET.Element | None, path: str, message: str) -> None:
        line = self.lines.get(element) if element is not None else None
        self.problems.append(Problem(path, message, line))

    def children(
        self, element: ET.Element, path: str, allowed: tuple[str, ...]
    ) -> dict[str, list[ET.Element]]:
        found: dict[str, list[ET.Element]] = {}
        for child in element:
            name = _local(child.tag)
            if name not in allowed:
                msg = (
                    f"unknown element <{name}>. Expected {', '.join(f'<{a}>' for a in allowed)}; "
                    "check the spelling against KTAB's smpSchema.xsd."
                )
                self.problem(child, f"{path}.{name}", msg)
                continue
            found.setdefault(name, []).append(child)
        return found

    def one(
        self,
        found: dict[str, list[ET.Element]],
        name: str,
        parent: ET.Element,
        path: str,
        *,
        required: bool = True,
    ) -> ET.Element | None:
        elements = found.get(name, [])
        if len(elements) > 1:
            self.problem(elements[1], f"{path}.{name}", f"<{name}> is given twice. Keep one.")
        if not elements:
            if required:
                msg = f"<{name}> is missing. KTAB needs it; add it."
                self.problem(parent, f"{path}.{name}", msg)
            return None
        return elements[0]

    def text(self, element: ET.Element | None) -> str:
        return "" if element is None or element.text is None else element.text.strip()

    def number(self, element: ET.Element, path: str, wanted: str, low: float, high: float) -> float:
        """Return the element's number, or NaN after recording why it is not one in range."""
        text = self.text(element)
        if not text:
            msg = f"the element is empty. Write {wanted}."
            self.problem(element, path, msg)
            return math.nan
        try:
            value = float(text)
        except ValueError:
            self.problem(element, path, f"{text!r} is not a number. Write {wanted}.")
            return math.nan
        if not math.isfinite(value):
            self.problem(element, path, f"{text!r} is not a finite number. Write {wanted}.")
            return math.nan
        if not low <= value <= high:
            self.problem(element, path, f"{value:g} is outside the range. Write {wanted}.")
        return value


def _parse(path: Path) -> tuple[ET.Element, dict[ET.Element, int]]:
    label = path.name
    hint = "KTAB SMP files are a few kilobytes: check that this is the right file."
    data, tracker, parser = tracked_parser(path, hint, limit=MAX_FILE_BYTES)
    try:
        root = parse_tracked(data, parser, label)
    except DefusedXmlException as e:  # entities, external references, DTDs
        msg = (
            f"the file uses a refused XML feature ({type(e).__name__}). KTAB SMP files need "
            "no <!DOCTYPE>, entities or external references; remove them."
        )
        line = int(tracker.expat.CurrentLineNumber)
        raise ScenarioError([Problem("", msg, line)], label) from None
    return root, tracker.lines


def is_smp_xml(path: Path) -> bool:
    """Return whether a file's root element is KTAB's ``<Scenario>`` (read from its start)."""
    if not path.is_file() or path.suffix.lower() != ".xml":
        return False
    with path.open("rb") as handle:
        head = handle.read(4096).decode("utf-8", errors="replace")
    position = 0
    while True:
        start = head.find("<", position)
        if start < 0 or start + 1 >= len(head):
            return False
        if head.startswith("<?", start):
            position = head.find("?>", start) + 2
        elif head.startswith("<!--", start):
            position = head.find("-->", start) + 3
        elif head.startswith("<!", start):
            position = head.find(">", start) + 1
        else:
            name = head[start + 1 :].split(maxsplit=1)[0] if head[start + 1 :].strip() else ""
            name = name.split(">", 1)[0].split("/", 1)[0]
            return _local(name.split(":")[-1]) == "Scenario"
        if position <= 1:
            return False


def _read_parameters(reader: _Reader, element: ET.Element) -> dict[str, str]:
    path = "Scenario.ModelParameters"
    found = reader.children(element, path, tuple(MODEL_PARAMETERS))
    parameters: dict[str, str] = {}
    for name, (option, allowed) in MODEL_PARAMETERS.items():
        child = reader.one(found, name, element, path)
        if child is None:
            continue
        value = reader.text(child)
        if value not in allowed:
            msg = f"{value!r} is not a {name}. Expected one of: {', '.join(allowed)}."
            reader.problem(child, f"{path}.{name}", msg)
            continue
        parameters[option] = value
    return parameters


def _read_seed(reader: _Reader, element: ET.Element | None) -> int:
    text = reader.text(element)
    if element is None:
        return 0
    if not text.isdigit() or int(text) >= 2**64:
        msg = (
            f"the seed must be a whole number in [0, 2**64). Got {text!r} instead "
            "(KTAB reads it with stoull)."
        )
        reader.problem(element, "Scenario.prngSeed", msg)
        return 0
    return int(text)


def _read_dimensions(reader: _Reader, element: ET.Element | None) -> list[str]:
    path = "Scenario.Dimensions"
    if element is None:
        return []
    names: list[str] = []
    for k, child in enumerate(reader.children(element, path, ("dName",)).get("dName", [])):
        name = reader.text(child)
        where = f"{path}.dName[{k}]"
        if not name:
            reader.problem(child, where, "the dimension name is empty. Name the dimension.")
        elif name in names:
            msg = f"two dimensions are named {name!r}. Give each dimension its own name."
            reader.problem(child, where, msg)
        names.append(name or f"dim{k + 1}")
    if not names:
        msg = "<Dimensions> lists no <dName>. Name every dimension."
        reader.problem(element, path, msg)
    return names


def _read_vector(
    reader: _Reader,
    actor: ET.Element,
    found: dict[str, list[ET.Element]],
    group: str,
    path: str,
    count: int,
) -> list[float]:
    """Return an actor's coordinates (``group`` "Position") or saliences ("Salience").

    ``count`` is the number of dimensions, or -1 when they are unknown (already reported).
    """
    item = "dCoord" if group == "Position" else "dSal"
    element = reader.one(found, group, actor, path)
    if element is None:
        return [math.nan] * max(count, 0)
    wanted = "a number between 0 and 100"
    children = reader.children(element, f"{path}.{group}", (item,)).get(item, [])
    values = [
        reader.number(child, f"{path}.{group}.{item}[{k}]", wanted, 0.0, 100.0)
        for k, child in enumerate(children)
    ]
    if count >= 0 and len(values) != count:
        msg = (
            f"<{group}> has {len(values)} <{item}>; <Dimensions> names {count}. Give one per "
            "dimension, in the order of <Dimensions>."
        )
        reader.problem(element, f"{path}.{group}", msg)
        values = (values + [math.nan] * count)[:count]
    return values


@dataclass
class _Actors:
    names: list[str]
    notes: list[str]
    capabilities: list[float]
    positions: list[list[float]]
    saliences: list[list[float]]


def _read_actors(reader: _Reader, element: ET.Element | None, n_dims: int) -> _Actors:
    actors = _Actors([], [], [], [], [])
    if element is None:
        return actors
    seen: dict[str, int] = {}
    listed = reader.children(element, "Scenario.Actors", ("Actor",)).get("Actor", [])
    for a, actor in enumerate(listed):
        path = f"Scenario.Actors.Actor[{a}]"
        found = reader.children(actor, path, _ACTOR)
        name_element = reader.one(found, "name", actor, path)
        name = reader.text(name_element)
        if name_element is not None and not name:
            reader.problem(name_element, f"{path}.name", "the actor name is empty. Name it.")
        elif name in seen:
            msg = (
                f"actor {name!r} is listed again (first as Actor[{seen[name]}]). Give each "
                "actor its own name."
            )
            reader.problem(name_element, f"{path}.name", msg)
        seen.setdefault(name, a)
        actors.names.append(name or f"actor{a + 1}")
        actors.notes.append(reader.text(reader.one(found, "description", actor, path)))
        capability = reader.one(found, "capability", actor, path)
        value = math.nan
        if capability is not None:
            value = reader.number(
                capability, f"{path}.capability", "a positive number", 0.0, math.inf
            )
            if value == 0.0:
                msg = "the capability must be positive. Got 0 instead."
                reader.problem(capability, f"{path}.capability", msg)
            elif value > MAX_CAPABILITY:
                reader.problem(capability, f"{path}.capability", capability_too_large(value))
        actors.capabilities.append(value)
        positions = _read_vector(reader, actor, found, "Position", path, n_dims)
        saliences = _read_vector(reader, actor, found, "Salience", path, n_dims)
        salience_element = found.get("Salience", [actor])[0]
        total = math.fsum(s for s in saliences if math.isfinite(s))
        if total > 100.0 + _TOLERANCE:
            msg = (
                f"the saliences sum to {total:g}, above 100. An actor splits at most 100 "
                "points of attention across the dimensions; scale them down."
            )
            reader.problem(salience_element, f"{path}.Salience", msg)
        elif total == 0.0 and all(math.isfinite(s) for s in saliences):
            msg = "every salience is 0. Give the actor some attention to at least one dimension."
            reader.problem(salience_element, f"{path}.Salience", msg)
        actors.positions.append(positions)
        actors.saliences.append(saliences)
    if len(listed) < MIN_ACTORS:
        msg = f"<Actors> lists {len(listed)} <Actor>; KTAB's schema needs at least {MIN_ACTORS}."
        reader.problem(element, "Scenario.Actors", msg)
    return actors


def _read_accommodation(
    reader: _Reader, element: ET.Element | None, names: list[str]
) -> FloatArray:
    n = len(names)
    matrix = np.eye(n)
    if element is None:
        return matrix
    path = "Scenario.IdealAdjustment"
    pairs = reader.children(element, path, ("iaPair",)).get("iaPair", [])
    if not pairs:
        msg = "<IdealAdjustment> lists no <iaPair>. Add the pairs, or remove the element."
        reader.problem(element, path, msg)
    index = {name: k for k, name in enumerate(names)}
    given: dict[tuple[int, int], int] = {}
    for p, pair in enumerate(pairs):
        where = f"{path}.iaPair[{p}]"
        found = reader.children(pair, where, ("adjustingIdeal", "referencePos", "adjust"))
        ends: list[int] = []
        for role in ("adjustingIdeal", "referencePos"):
            child = reader.one(found, role, pair, where)
            if child is None:
                continue
            name = reader.text(child)
            if name not in index:
                msg = f"unknown actor {name!r}. Expected one of: {', '.join(names)}."
                reader.problem(child, f"{where}.{role}", msg)
                continue
            ends.append(index[name])
        adjust = reader.one(found, "adjust", pair, where)
        if adjust is None or len(ends) != 2:
            continue
        value = reader.number(adjust, f"{where}.adjust", "a rate between 0 and 1", 0.0, 1.0)
        key = (ends[0], ends[1])
        if key in given:
            msg = (
                f"the pair {names[key[0]]!r} -> {names[key[1]]!r} is given again (first as "
                f"iaPair[{given[key]}]); KTAB would keep the last silently. Keep one."
            )
            reader.problem(pair, where, msg)
        given.setdefault(key, p)
        matrix[key] = value
    for i, name in enumerate(names):
        total = math.fsum(v for v in matrix[i] if math.isfinite(v))
        if total > 1.0 + _TOLERANCE:
            msg = (
                f"the adjustment rates of {name!r} sum to {total:g}, above 1 (an actor's "
                "pairs without one of its own count 1 for itself). Lower them, or give the "
                f"pair {name!r} -> {name!r} explicitly."
            )
            reader.problem(element, path, msg)
    return matrix


def read_smp_xml(path: str | Path) -> SmpXml:
    """Return a KTAB SMP XML scenario: the actors, the model parameters, the ideal adjustment.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    SmpXml

    Raises
    ------
    ScenarioError
        With file, line and element path of every problem: a file that is too large or not
        well-formed XML (or uses entities or a DTD), a root other than ``<Scenario>``, a
        missing or repeated element, an unknown element, an empty or non-numeric value, a
        sub-model KTAB does not know, a seed outside [0, 2**64), a count of coordinates or
        saliences that differs from the dimensions, a position or salience outside
        [0, 100], saliences summing above 100 or to 0, a capability that is not positive,
        a repeated actor or dimension name, fewer than three actors, and an
        ``IdealAdjustment`` with an unknown actor, a missing ``adjust``, a rate outside
        [0, 1], a repeated pair or an actor's rates summing above 1.
    """
    path = Path(path)
    label = path.name
    root, lines = _parse(path)
    reader = _Reader(lines, label)
    if _local(root.tag) != "Scenario":
        msg = (
            f"the root element is <{_local(root.tag)}>; a KTAB SMP XML file has <Scenario>. "
            "Check that this is the right file."
        )
        raise ScenarioError([Problem("", msg, lines.get(root))], label)
    found = reader.children(root, "Scenario", _SCENARIO)
    name = reader.text(reader.one(found, "name", root, "Scenario"))
    description = reader.text(reader.one(found, "desc", root, "Scenario"))
    seed = _read_seed(reader, reader.one(found, "prngSeed", root, "Scenario"))
    model = reader.one(found, "ModelParameters", root, "Scenario", required=False)
    parameters = {} if model is None else _read_parameters(reader, model)
    dimensions = _read_dimensions(reader, reader.one(found, "Dimensions", root, "Scenario"))
    actors = _read_actors(
        reader, reader.one(found, "Actors", root, "Scenario"), len(dimensions) or -1
    )
    ideal = reader.one(found, "IdealAdjustment", root, "Scenario", required=False)
    accommodation = _read_accommodation(reader, ideal, actors.names)
    if reader.problems:
        raise ScenarioError(reader.problems, label)
    table = StakeholderTable.build(
        actor_ids=actors.names,
        issue_ids=dimensions,
        positions=np.array(actors.positions, dtype=np.float64),
        saliences=np.array(actors.saliences, dtype=np.float64) / 100.0,
        capabilities=actors.capabilities,
        name=name,
        notes=tuple(actors.notes),
    )
    accommodation.setflags(write=False)
    return SmpXml(
        table=table,
        description=description,
        seed=seed,
        parameters=parameters,
        accommodation=accommodation,
    )

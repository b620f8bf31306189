"""Scenarios: the records, YAML load and dump, and compilation to arrays."""

from peacetalks.scenario.compile import CompiledScenario, compile_scenario, option_utilities
from peacetalks.scenario.genius import dump_genius, load_genius
from peacetalks.scenario.load import (
    builtin_scenarios,
    dump_scenario,
    load_scenario,
    parse_scenario,
    resolve_scenario_path,
    scenario_from_data,
    scenario_to_data,
)
from peacetalks.scenario.models import (
    Actor,
    ActorUncertainty,
    Issue,
    Option,
    Position,
    PositionUncertainty,
    Proposal,
    Region,
    RegionShare,
    Scale,
    Scenario,
    Source,
)
from peacetalks.scenario.readers import read_scenario

__all__ = [
    "Actor",
    "ActorUncertainty",
    "CompiledScenario",
    "Issue",
    "Option",
    "Position",
    "PositionUncertainty",
    "Proposal",
    "Region",
    "RegionShare",
    "Scale",
    "Scenario",
    "Source",
    "builtin_scenarios",
    "compile_scenario",
    "dump_genius",
    "dump_scenario",
    "load_genius",
    "load_scenario",
    "option_utilities",
    "parse_scenario",
    "read_scenario",
    "resolve_scenario_path",
    "scenario_from_data",
    "scenario_to_data",
]

"""Scenarios: the records, YAML load and dump, and compilation to arrays."""

from peacetalks.scenario.bdm_csv import read_bdm_csv
from peacetalks.scenario.compile import CompiledScenario, compile_scenario, option_utilities
from peacetalks.scenario.deu import DeuData, read_deu
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
from peacetalks.scenario.readers import read_forecast_input, read_scenario, table_kind
from peacetalks.scenario.smp_csv import read_smp_csv
from peacetalks.scenario.smp_xml import SmpXml, read_smp_xml
from peacetalks.scenario.stakeholders import StakeholderTable, stakeholders_from_scenario

__all__ = [
    "Actor",
    "ActorUncertainty",
    "CompiledScenario",
    "DeuData",
    "Issue",
    "Option",
    "Position",
    "PositionUncertainty",
    "Proposal",
    "Region",
    "RegionShare",
    "Scale",
    "Scenario",
    "SmpXml",
    "Source",
    "StakeholderTable",
    "builtin_scenarios",
    "compile_scenario",
    "dump_genius",
    "dump_scenario",
    "load_genius",
    "load_scenario",
    "option_utilities",
    "parse_scenario",
    "read_bdm_csv",
    "read_deu",
    "read_forecast_input",
    "read_scenario",
    "read_smp_csv",
    "read_smp_xml",
    "resolve_scenario_path",
    "scenario_from_data",
    "scenario_to_data",
    "stakeholders_from_scenario",
    "table_kind",
]

"""Scenarios: the records, YAML load and dump, and compilation to arrays."""

from __future__ import annotations

from typing import TYPE_CHECKING

from peacetalks import _lazy

if TYPE_CHECKING:
    from peacetalks.scenario.bdm_csv import (
        read_bdm_csv,
    )
    from peacetalks.scenario.compile import (
        CompiledScenario,
        compile_scenario,
        option_utilities,
    )
    from peacetalks.scenario.deu import (
        DeuData,
        read_deu,
    )
    from peacetalks.scenario.genius import (
        dump_genius,
        load_genius,
    )
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
    from peacetalks.scenario.readers import (
        read_forecast_input,
        read_scenario,
        table_kind,
    )
    from peacetalks.scenario.smp_csv import (
        read_smp_csv,
    )
    from peacetalks.scenario.smp_xml import (
        SmpXml,
        read_smp_xml,
    )
    from peacetalks.scenario.stakeholders import (
        StakeholderTable,
        stakeholders_from_scenario,
    )

# Each name is imported from its module on first use (see peacetalks._lazy).
_WHERE = {
    "read_bdm_csv": "peacetalks.scenario.bdm_csv",
    "CompiledScenario": "peacetalks.scenario.compile",
    "compile_scenario": "peacetalks.scenario.compile",
    "option_utilities": "peacetalks.scenario.compile",
    "DeuData": "peacetalks.scenario.deu",
    "read_deu": "peacetalks.scenario.deu",
    "dump_genius": "peacetalks.scenario.genius",
    "load_genius": "peacetalks.scenario.genius",
    "builtin_scenarios": "peacetalks.scenario.load",
    "dump_scenario": "peacetalks.scenario.load",
    "load_scenario": "peacetalks.scenario.load",
    "parse_scenario": "peacetalks.scenario.load",
    "resolve_scenario_path": "peacetalks.scenario.load",
    "scenario_from_data": "peacetalks.scenario.load",
    "scenario_to_data": "peacetalks.scenario.load",
    "Actor": "peacetalks.scenario.models",
    "ActorUncertainty": "peacetalks.scenario.models",
    "Issue": "peacetalks.scenario.models",
    "Option": "peacetalks.scenario.models",
    "Position": "peacetalks.scenario.models",
    "PositionUncertainty": "peacetalks.scenario.models",
    "Proposal": "peacetalks.scenario.models",
    "Region": "peacetalks.scenario.models",
    "RegionShare": "peacetalks.scenario.models",
    "Scale": "peacetalks.scenario.models",
    "Scenario": "peacetalks.scenario.models",
    "Source": "peacetalks.scenario.models",
    "read_forecast_input": "peacetalks.scenario.readers",
    "read_scenario": "peacetalks.scenario.readers",
    "table_kind": "peacetalks.scenario.readers",
    "read_smp_csv": "peacetalks.scenario.smp_csv",
    "SmpXml": "peacetalks.scenario.smp_xml",
    "read_smp_xml": "peacetalks.scenario.smp_xml",
    "StakeholderTable": "peacetalks.scenario.stakeholders",
    "stakeholders_from_scenario": "peacetalks.scenario.stakeholders",
}

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

__getattr__ = _lazy.exports(__name__, _WHERE)

"""Scenarios: the records, YAML load and dump, and compilation to arrays.

The names below are imported from their modules when first used (PEP 562), so that
``import peacetalks.scenario.load`` does not load NumPy, the CSV and XML readers or the
compiler; ``from peacetalks.scenario import X`` works as before.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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

_WHERE = {
    "Actor": "peacetalks.scenario.models",
    "ActorUncertainty": "peacetalks.scenario.models",
    "CompiledScenario": "peacetalks.scenario.compile",
    "DeuData": "peacetalks.scenario.deu",
    "Issue": "peacetalks.scenario.models",
    "Option": "peacetalks.scenario.models",
    "Position": "peacetalks.scenario.models",
    "PositionUncertainty": "peacetalks.scenario.models",
    "Proposal": "peacetalks.scenario.models",
    "Region": "peacetalks.scenario.models",
    "RegionShare": "peacetalks.scenario.models",
    "Scale": "peacetalks.scenario.models",
    "Scenario": "peacetalks.scenario.models",
    "SmpXml": "peacetalks.scenario.smp_xml",
    "Source": "peacetalks.scenario.models",
    "StakeholderTable": "peacetalks.scenario.stakeholders",
    "builtin_scenarios": "peacetalks.scenario.load",
    "compile_scenario": "peacetalks.scenario.compile",
    "dump_genius": "peacetalks.scenario.genius",
    "dump_scenario": "peacetalks.scenario.load",
    "load_genius": "peacetalks.scenario.genius",
    "load_scenario": "peacetalks.scenario.load",
    "option_utilities": "peacetalks.scenario.compile",
    "parse_scenario": "peacetalks.scenario.load",
    "read_bdm_csv": "peacetalks.scenario.bdm_csv",
    "read_deu": "peacetalks.scenario.deu",
    "read_forecast_input": "peacetalks.scenario.readers",
    "read_scenario": "peacetalks.scenario.readers",
    "read_smp_csv": "peacetalks.scenario.smp_csv",
    "read_smp_xml": "peacetalks.scenario.smp_xml",
    "resolve_scenario_path": "peacetalks.scenario.load",
    "scenario_from_data": "peacetalks.scenario.load",
    "scenario_to_data": "peacetalks.scenario.load",
    "stakeholders_from_scenario": "peacetalks.scenario.stakeholders",
    "table_kind": "peacetalks.scenario.readers",
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


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)

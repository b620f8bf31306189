"""Scenarios: the records, YAML load and dump, and compilation to arrays.

The other file formats (GENIUS, KTAB, BDM, DEU, events) are read and written by
:mod:`peacetalks.formats`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from peacetalks import _lazy

if TYPE_CHECKING:
    from peacetalks.scenario.compile import (
        CompiledScenario,
        compile_scenario,
        option_utilities,
    )
    from peacetalks.scenario.load import (
        builtin_scenarios,
        builtin_series,
        dump_scenario,
        load_scenario,
        load_series,
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
    from peacetalks.scenario.stakeholders import (
        StakeholderTable,
        stakeholders_from_scenario,
    )

# Each name is imported from its module on first use (see peacetalks._lazy).
_WHERE = {
    "CompiledScenario": "peacetalks.scenario.compile",
    "compile_scenario": "peacetalks.scenario.compile",
    "option_utilities": "peacetalks.scenario.compile",
    "builtin_scenarios": "peacetalks.scenario.load",
    "builtin_series": "peacetalks.scenario.load",
    "load_series": "peacetalks.scenario.load",
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
    "StakeholderTable": "peacetalks.scenario.stakeholders",
    "stakeholders_from_scenario": "peacetalks.scenario.stakeholders",
}

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
    "StakeholderTable",
    "builtin_scenarios",
    "builtin_series",
    "compile_scenario",
    "dump_scenario",
    "load_scenario",
    "load_series",
    "option_utilities",
    "parse_scenario",
    "resolve_scenario_path",
    "scenario_from_data",
    "scenario_to_data",
    "stakeholders_from_scenario",
]

__getattr__ = _lazy.exports(__name__, _WHERE)

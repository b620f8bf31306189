"""File formats other than the scenario YAML: read and written beside the records.

GENIUS (ANAC) domains, KTAB's SMP CSV and XML inputs, BDM stakeholder CSVs, the DEU data
set, event logs for tracking, agreements in files of their own, and the dispatcher that
tells them apart (:mod:`~peacetalks.formats.readers`). Each reader turns a file into the
records of :mod:`peacetalks.scenario` (or a stakeholder table) with errors that name the
file and line; nothing here computes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from peacetalks import _lazy

if TYPE_CHECKING:
    from peacetalks.formats.bdm_csv import read_bdm_csv
    from peacetalks.formats.deu import DeuData, read_deu
    from peacetalks.formats.genius import dump_genius, load_genius
    from peacetalks.formats.readers import read_forecast_input, read_scenario, table_kind
    from peacetalks.formats.smp_csv import read_smp_csv
    from peacetalks.formats.smp_xml import SmpXml, read_smp_xml

# Each name is imported from its module on first use (see peacetalks._lazy).
_WHERE = {
    "read_bdm_csv": "peacetalks.formats.bdm_csv",
    "DeuData": "peacetalks.formats.deu",
    "read_deu": "peacetalks.formats.deu",
    "dump_genius": "peacetalks.formats.genius",
    "load_genius": "peacetalks.formats.genius",
    "read_forecast_input": "peacetalks.formats.readers",
    "read_scenario": "peacetalks.formats.readers",
    "table_kind": "peacetalks.formats.readers",
    "read_smp_csv": "peacetalks.formats.smp_csv",
    "SmpXml": "peacetalks.formats.smp_xml",
    "read_smp_xml": "peacetalks.formats.smp_xml",
}

__all__ = [
    "DeuData",
    "SmpXml",
    "dump_genius",
    "load_genius",
    "read_bdm_csv",
    "read_deu",
    "read_forecast_input",
    "read_scenario",
    "read_smp_csv",
    "read_smp_xml",
    "table_kind",
]

__getattr__ = _lazy.exports(__name__, _WHERE)

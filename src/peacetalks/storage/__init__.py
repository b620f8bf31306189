"""Storage: the only place that touches a database.

Scenarios with every saved version, analysis runs and agreement events, in SQLite (the
default, in a data directory) or PostgreSQL (by URL), with the schema migrated by the
Alembic revisions shipped in ``migrations/``.
"""

from peacetalks.errors import StorageError
from peacetalks.storage.engine import default_data_dir
from peacetalks.storage.schema import downgrade_schema, upgrade_schema
from peacetalks.storage.store import AnalysisRun, ScenarioVersion, Store, open_store

__all__ = [
    "AnalysisRun",
    "ScenarioVersion",
    "StorageError",
    "Store",
    "default_data_dir",
    "downgrade_schema",
    "open_store",
    "upgrade_schema",
]

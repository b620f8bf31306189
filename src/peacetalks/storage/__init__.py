"""Storage: the only place that touches a database.

Scenarios with every saved version and who may read them, analysis runs (also as jobs
with progress), agreement events, and accounts (users, API tokens, sessions), in SQLite
(the default, in a data directory) or PostgreSQL (by URL), with the schema migrated by
the Alembic revisions shipped in ``migrations/``.
"""

from peacetalks.errors import StorageError
from peacetalks.storage.accounts import ROLES, Accounts, ApiToken, Role, User
from peacetalks.storage.engine import default_data_dir
from peacetalks.storage.schema import downgrade_schema, upgrade_schema
from peacetalks.storage.store import (
    OWNER_SEPARATOR,
    RUN_STATUSES,
    AnalysisRun,
    RunStatus,
    ScenarioRef,
    ScenarioVersion,
    Store,
    integrity_check,
    open_store,
)

__all__ = [
    "OWNER_SEPARATOR",
    "ROLES",
    "RUN_STATUSES",
    "Accounts",
    "AnalysisRun",
    "ApiToken",
    "Role",
    "RunStatus",
    "ScenarioRef",
    "ScenarioVersion",
    "StorageError",
    "Store",
    "User",
    "default_data_dir",
    "downgrade_schema",
    "integrity_check",
    "open_store",
    "upgrade_schema",
]

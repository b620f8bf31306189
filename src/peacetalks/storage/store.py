"""The store: a small typed API over the database, one transaction per write.

:class:`Store` joins what it holds, one module each: saved scenarios and their versions
(:mod:`~peacetalks.storage.versions`), analysis runs and jobs (:mod:`~peacetalks.storage.runs`),
who may read a scenario (:mod:`~peacetalks.storage.sharing`) and agreement events
(:mod:`~peacetalks.storage.agreement_events`), over the connections and transactions of
:mod:`~peacetalks.storage._base`.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from peacetalks.errors import StorageError
from peacetalks.storage._base import (
    EVERYONE,
    OWNER_SEPARATOR,
    RUN_STATUSES,
    AnalysisRun,
    RunStatus,
    ScenarioRef,
    ScenarioVersion,
)
from peacetalks.storage.agreement_events import AgreementEvents
from peacetalks.storage.engine import create_store_engine, store_url
from peacetalks.storage.runs import AnalysisRuns
from peacetalks.storage.schema import current_revision, head_revision, upgrade_schema
from peacetalks.storage.sharing import ScenarioSharing
from peacetalks.storage.versions import ScenarioVersions

__all__ = [
    "EVERYONE",
    "OWNER_SEPARATOR",
    "RUN_STATUSES",
    "AnalysisRun",
    "RunStatus",
    "ScenarioRef",
    "ScenarioVersion",
    "Store",
    "integrity_check",
    "open_store",
]


class Store(ScenarioVersions, AnalysisRuns, ScenarioSharing, AgreementEvents):
    """Scenarios with every saved version, analysis runs and agreement events.

    Open one with :func:`open_store`. Every write runs in one transaction: it is all
    there after it returns, or none of it is.

    Parameters
    ----------
    engine : Engine
        An engine on a database already migrated to the newest schema.
    """


def open_store(target: str | Path | None = None) -> Store:
    """Open the store, creating it and migrating its schema to the newest as needed.

    Parameters
    ----------
    target : str, Path or None
        A database URL (``postgresql+psycopg://user:pw@host/db``), a SQLite file
        (``*.db``), a data directory (``peacetalks.db`` inside it), or ``None`` for
        ``$PEACETALKS_DATA`` or ``~/.local/share/peacetalks``.

    Raises
    ------
    StorageError
        If the database cannot be reached, created or migrated.
    """
    url = store_url(target)
    engine = create_store_engine(url)
    try:
        upgrade_schema(engine)
    except SQLAlchemyError as e:
        engine.dispose()
        where = url.render_as_string(hide_password=True)
        reason = getattr(e, "orig", None) or e
        msg = f"Cannot open or migrate the database at {where!r}: {reason}."
        raise StorageError(msg, kind="database", value=where) from e
    return Store(engine)


def integrity_check(store: Store) -> list[str]:
    """Return the problems found in a store's database; an empty list when it is sound.

    On SQLite this runs ``PRAGMA integrity_check`` (pages, indexes, constraints) and
    ``PRAGMA foreign_key_check``; on PostgreSQL, which checks itself, a cheap query. On
    both it checks that the schema is at the newest revision.

    Parameters
    ----------
    store : Store
        An open store.
    """
    problems: list[str] = []
    try:
        with store.engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                for (line,) in connection.exec_driver_sql("PRAGMA integrity_check"):
                    if line != "ok":
                        problems.append(f"integrity_check: {line}")
                for table, rowid, parent, _ in connection.exec_driver_sql(
                    "PRAGMA foreign_key_check"
                ):
                    problems.append(
                        f"foreign_key_check: row {rowid} of {table!r} points to a missing "
                        f"row of {parent!r}"
                    )
            else:
                connection.execute(text("SELECT count(*) FROM scenarios"))
    except SQLAlchemyError as e:
        problems.append(f"the database cannot be read: {getattr(e, 'orig', None) or e}")
        return problems
    try:
        revision, head = current_revision(store.engine), head_revision()
    except SQLAlchemyError as e:
        problems.append(f"the schema revision cannot be read: {getattr(e, 'orig', None) or e}")
        return problems
    if revision != head:
        problems.append(
            f"the schema is at revision {revision!r}, not the newest {head!r}; "
            "open the store with open_store to migrate it"
        )
    return problems

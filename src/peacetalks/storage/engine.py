"""Where the store lives, and the engine that talks to it.

SQLite is the default: one file in a data directory, created on first use, with WAL
journaling, ``synchronous=FULL`` (an acknowledged commit survives a crash or power
loss) and foreign keys on every connection. PostgreSQL is reached by URL.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event, make_url
from sqlalchemy.engine import Connection
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import ConnectionPoolEntry

from peacetalks.errors import StorageError

__all__ = ["DATABASE_FILE", "DATA_ENV", "create_store_engine", "default_data_dir", "store_url"]

DATA_ENV = "PEACETALKS_DATA"
DATABASE_FILE = "peacetalks.db"
_SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3")
# How long a writer waits for another writer's lock before SQLite reports "busy".
_BUSY_TIMEOUT_MS = 30_000
# Execution option that makes a SQLite transaction take the write lock at BEGIN, so
# that a read-then-write transaction never fails half way on a lock upgrade.
IMMEDIATE = "peacetalks_begin_immediate"


def default_data_dir() -> Path:
    """Return the data directory: ``$PEACETALKS_DATA``, else ``~/.local/share/peacetalks``."""
    configured = os.environ.get(DATA_ENV)
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".local" / "share" / "peacetalks"


def store_url(target: str | Path | None = None) -> URL:
    """Return the database URL for a URL, a SQLite file, a data directory or the default.

    Parameters
    ----------
    target : str, Path or None
        A database URL (``postgresql+psycopg://user@host/db``; a bare ``postgresql://``
        means psycopg 3), a SQLite file (``*.db``, ``*.sqlite``, ``*.sqlite3``), a data
        directory (the file ``peacetalks.db`` inside it), or ``None`` for
        :func:`default_data_dir`. Directories are created when missing.
    """
    if isinstance(target, str) and "://" in target:
        try:
            url = make_url(target)
        except ArgumentError as e:
            msg = f"The database URL {target!r} is malformed: {e}."
            raise StorageError(msg, kind="database", value=target) from e
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")
        return url
    path = default_data_dir() if target is None else Path(target).expanduser()
    if path.suffix.lower() not in _SQLITE_SUFFIXES:
        path = path / DATABASE_FILE
    if path.parent.exists() and not path.parent.is_dir():
        msg = (
            f"The data directory {str(path.parent)!r} is not a folder (it is a file or a "
            f"device). Give a folder, a SQLite file ending in .db, or a database URL, or "
            f"set the {DATA_ENV} environment variable."
        )
        raise StorageError(msg, kind="database", value=str(path.parent))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        msg = (
            f"Cannot create the data directory {str(path.parent)!r}: {e.strerror}. "
            f"Choose another with the {DATA_ENV} environment variable."
        )
        raise StorageError(msg, kind="database", value=str(path.parent)) from e
    return URL.create("sqlite", database=str(path.resolve()))


def _on_sqlite_connect(dbapi_connection: DBAPIConnection, record: ConnectionPoolEntry) -> None:
    # The driver's own transaction handling is switched off so that SQLAlchemy's
    # "begin" hook below decides when a transaction starts (DDL included).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def _on_sqlite_begin(connection: Connection) -> None:
    immediate = connection.get_execution_options().get(IMMEDIATE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_store_engine(url: URL, **kwargs: Any) -> Engine:
    """Return an engine for ``url``, with the SQLite settings hooked on every connection."""
    try:
        engine = create_engine(url, **kwargs)
    except (ArgumentError, ImportError) as e:
        msg = (
            f"Cannot open a database at {url.render_as_string(hide_password=True)!r}: {e}. "
            "For PostgreSQL install psycopg ('pip install peacetalks[postgres]')."
        )
        raise StorageError(msg, kind="database", value=str(url)) from e
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
    return engine

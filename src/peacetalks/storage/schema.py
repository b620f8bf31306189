"""Run the Alembic migrations shipped in ``migrations/``, with no ``alembic.ini``."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.engine import Connection

__all__ = [
    "MIGRATIONS",
    "alembic_config",
    "current_revision",
    "downgrade_schema",
    "head_revision",
    "upgrade_schema",
]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    """Return an Alembic configuration for the shipped migrations, on ``connection``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    """Return the newest revision the shipped migrations know."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """Return the revision the database is at, or ``None`` if it has no schema yet."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade_schema(engine: Engine, revision: str = "head") -> None:
    """Migrate the database up to ``revision``, in one transaction."""
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade_schema(engine: Engine, revision: str) -> None:
    """Migrate the database down to ``revision`` (``"base"`` drops all), in one transaction."""
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)

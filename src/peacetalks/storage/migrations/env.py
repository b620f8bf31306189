"""Alembic environment: runs on the connection that :mod:`peacetalks.storage.schema` passes in."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from peacetalks.storage.models import Base


def _run_online(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    connection = context.config.attributes.get("connection")
    if not isinstance(connection, Connection):
        msg = (
            "The peacetalks migrations run on a connection given in "
            "Config.attributes['connection']. Use peacetalks.storage.upgrade_schema."
        )
        raise TypeError(msg)
    _run_online(connection)


_main()

"""Scenario ids per owner: a ``name`` (the id in the YAML) beside the storage key.

Two users may each keep a private scenario with the same id. The row's primary key
(``scenarios.id``, which the other tables point to) stays an opaque storage key: the
name itself when it was free at the first save, else ``name~owner``. ``(owner, name)``
is unique. Existing rows keep their keys; their name is their key.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Add ``scenarios.name`` (filled with the key) and make ``(owner, name)`` unique.

    Plain ``ALTER TABLE ... ADD COLUMN`` and new indexes: on SQLite a table copy of
    ``scenarios`` would, with foreign keys on, delete every row that points to it.
    """
    op.add_column("scenarios", sa.Column("name", sa.String(64), nullable=False, server_default=""))
    op.execute(sa.text("UPDATE scenarios SET name = id"))
    op.create_index("ix_scenarios_name", "scenarios", ["name"])
    op.create_index("uq_scenarios_owner_name", "scenarios", ["owner", "name"], unique=True)


def downgrade() -> None:
    """Drop ``scenarios.name``; refused while a scenario is stored under another key."""
    clashes = (
        op.get_bind()
        .execute(sa.text("SELECT count(*) FROM scenarios WHERE id <> name"))
        .scalar_one()
    )
    if clashes:
        msg = (
            f"Cannot downgrade below revision 0003: {clashes} scenario(s) are stored under a "
            "key other than their id, because another user's scenario has that id. Delete "
            "them (or save them under other ids) first."
        )
        raise RuntimeError(msg)
    op.drop_index("uq_scenarios_owner_name", table_name="scenarios")
    op.drop_index("ix_scenarios_name", table_name="scenarios")
    op.drop_column("scenarios", "name")

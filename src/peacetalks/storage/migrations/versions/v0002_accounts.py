"""Add accounts and jobs: users, API tokens, sessions, scenario shares; run progress and owner.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def _stamp(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _user_id() -> sa.Column[object]:
    return sa.Column(
        "user_id",
        sa.Integer(),
        sa.ForeignKey("users.id", ondelete="CASCADE"),
        nullable=False,
    )


def upgrade() -> None:
    """Create the four account tables and add ``progress`` and ``owner`` to analysis runs."""
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        _stamp("created_at"),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _user_id(),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
        _stamp("created_at"),
        _stamp("last_used_at", nullable=True),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _user_id(),
        sa.Column("secret_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        _stamp("created_at"),
        _stamp("expires_at"),
    )
    op.create_index("ix_sessions_user_id", "sessions", ["user_id"])
    op.create_index("ix_sessions_expires_at", "sessions", ["expires_at"])
    op.create_table(
        "scenario_shares",
        sa.Column(
            "scenario_id",
            sa.String(200),
            sa.ForeignKey("scenarios.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("grantee", sa.String(64), primary_key=True),
        _stamp("created_at"),
    )
    op.create_index("ix_scenario_shares_grantee", "scenario_shares", ["grantee"])
    with op.batch_alter_table("analysis_runs") as batch:
        batch.add_column(
            sa.Column("progress", sa.Float(), nullable=False, server_default=sa.text("0"))
        )
        batch.add_column(sa.Column("owner", sa.String(64), nullable=True))
        batch.create_index("ix_analysis_runs_owner", ["owner"])


def downgrade() -> None:
    """Drop what :func:`upgrade` added, dependants first."""
    with op.batch_alter_table("analysis_runs") as batch:
        batch.drop_index("ix_analysis_runs_owner")
        batch.drop_column("owner")
        batch.drop_column("progress")
    op.drop_index("ix_scenario_shares_grantee", "scenario_shares")
    op.drop_table("scenario_shares")
    op.drop_index("ix_sessions_expires_at", "sessions")
    op.drop_index("ix_sessions_user_id", "sessions")
    op.drop_table("sessions")
    op.drop_index("ix_api_tokens_user_id", "api_tokens")
    op.drop_table("api_tokens")
    op.drop_table("users")

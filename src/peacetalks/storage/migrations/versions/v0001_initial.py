"""Create the initial schema: scenarios, versions, analysis runs, agreement events.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def _stamp(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    """Create the four tables."""
    op.create_table(
        "scenarios",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("owner", sa.String(200), nullable=True),
        _stamp("created_at"),
        _stamp("updated_at"),
    )
    op.create_table(
        "scenario_versions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "scenario_id",
            sa.String(200),
            sa.ForeignKey("scenarios.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("yaml_text", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        _stamp("created_at"),
        sa.UniqueConstraint("scenario_id", "number"),
    )
    op.create_index("ix_scenario_versions_scenario_id", "scenario_versions", ["scenario_id"])
    op.create_table(
        "analysis_runs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(50), nullable=False),
        sa.Column(
            "scenario_id",
            sa.String(200),
            sa.ForeignKey("scenarios.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column("scenario_version", sa.Integer(), nullable=True),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=True),
        sa.Column("results", sa.JSON(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        _stamp("started_at"),
        _stamp("finished_at", nullable=True),
        sa.Column("duration_seconds", sa.Float(), nullable=True),
    )
    op.create_index("ix_analysis_runs_kind", "analysis_runs", ["kind"])
    op.create_index("ix_analysis_runs_scenario_id", "analysis_runs", ["scenario_id"])
    op.create_table(
        "agreement_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "scenario_id",
            sa.String(200),
            sa.ForeignKey("scenarios.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("agreement", sa.String(200), nullable=True),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("provision", sa.String(200), nullable=True),
        sa.Column("party", sa.String(200), nullable=True),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("explosions", sa.Integer(), nullable=True),
        sa.Column("fatalities", sa.Integer(), nullable=True),
        sa.Column("region", sa.String(300), nullable=True),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
    )
    op.create_index("ix_agreement_events_scenario_id", "agreement_events", ["scenario_id"])


def downgrade() -> None:
    """Drop the four tables, dependants first."""
    op.drop_index("ix_agreement_events_scenario_id", "agreement_events")
    op.drop_table("agreement_events")
    op.drop_index("ix_analysis_runs_scenario_id", "analysis_runs")
    op.drop_index("ix_analysis_runs_kind", "analysis_runs")
    op.drop_table("analysis_runs")
    op.drop_index("ix_scenario_versions_scenario_id", "scenario_versions")
    op.drop_table("scenario_versions")
    op.drop_table("scenarios")

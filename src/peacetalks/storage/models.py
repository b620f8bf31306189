"""The tables of the store, as typed SQLAlchemy 2 ORM classes.

The schema itself is owned by the Alembic revisions in ``migrations/versions``; these
classes must match them (a test compares the two).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

__all__ = [
    "AgreementEventRow",
    "AnalysisRunRow",
    "ApiTokenRow",
    "Base",
    "ScenarioRow",
    "ScenarioShareRow",
    "ScenarioVersionRow",
    "SessionRow",
    "UserRow",
]


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC timestamp, also on SQLite (which stores it without a zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            msg = f"Timestamps in the store must be timezone-aware. Got {value.isoformat()}."
            raise ValueError(msg)
        return value.astimezone(dt.UTC)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    """The declarative base of the store's tables."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {dt.datetime: UtcDateTime()}


class ScenarioRow(Base):
    """A scenario; its texts are in ``scenario_versions``.

    ``name`` is the id in its YAML, unique per owner; ``id`` is the storage key the other
    tables point to: the name when it was free at the first save, else ``name~owner``.
    """

    __tablename__ = "scenarios"
    __table_args__ = (Index("uq_scenarios_owner_name", "owner", "name", unique=True),)

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), index=True, server_default="")
    owner: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class ScenarioVersionRow(Base):
    """One saved text of a scenario; numbers run 1, 2, … per scenario."""

    __tablename__ = "scenario_versions"
    __table_args__ = (UniqueConstraint("scenario_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scenario_id: Mapped[str] = mapped_column(
        String(200), ForeignKey("scenarios.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    yaml_text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime]


class AnalysisRunRow(Base):
    """One analysis run: what was asked, with which seed, what came out and how long it took."""

    __tablename__ = "analysis_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(50), index=True)
    scenario_id: Mapped[str | None] = mapped_column(
        String(200), ForeignKey("scenarios.id", ondelete="CASCADE"), index=True
    )
    scenario_version: Mapped[int | None]
    inputs: Mapped[Any] = mapped_column(JSON)
    parameters: Mapped[Any] = mapped_column(JSON)
    seed: Mapped[int | None] = mapped_column(BigInteger)
    results: Mapped[Any] = mapped_column(JSON, nullable=True)
    status: Mapped[str] = mapped_column(String(20))
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[dt.datetime]
    finished_at: Mapped[dt.datetime | None]
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    progress: Mapped[float] = mapped_column(Float, default=0.0, server_default=text("0"))
    owner: Mapped[str | None] = mapped_column(String(64), index=True)


class AgreementEventRow(Base):
    """One implementation event of an agreement (a violation, a step, a report)."""

    __tablename__ = "agreement_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scenario_id: Mapped[str] = mapped_column(
        String(200), ForeignKey("scenarios.id", ondelete="CASCADE"), index=True
    )
    agreement: Mapped[str | None] = mapped_column(String(200))
    date: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))
    provision: Mapped[str | None] = mapped_column(String(200))
    party: Mapped[str | None] = mapped_column(String(200))
    level: Mapped[int | None]
    count: Mapped[int]
    explosions: Mapped[int | None]
    fatalities: Mapped[int | None]
    region: Mapped[str | None] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(300))
    note: Mapped[str | None] = mapped_column(Text)


class ScenarioShareRow(Base):
    """A scenario shared with one user, or with every signed-in user (grantee ``"*"``)."""

    __tablename__ = "scenario_shares"

    scenario_id: Mapped[str] = mapped_column(
        String(200), ForeignKey("scenarios.id", ondelete="CASCADE"), primary_key=True
    )
    grantee: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    created_at: Mapped[dt.datetime]


class UserRow(Base):
    """An account: a lowercase username, a scrypt password hash and a role."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime]


class ApiTokenRow(Base):
    """An API token of a user, kept only as the SHA-256 of its secret."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime]
    last_used_at: Mapped[dt.datetime | None]


class SessionRow(Base):
    """A signed-in browser session, kept as the SHA-256 of its secret, with its CSRF token."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    secret_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)

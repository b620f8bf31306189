"""Saved scenarios and every version of them."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from peacetalks.errors import StorageError
from peacetalks.scenario import Scenario, parse_scenario
from peacetalks.storage._base import (
    ScenarioVersion,
    StoreBase,
    _now,
    _version,
)
from peacetalks.storage.models import (
    ScenarioRow,
    ScenarioVersionRow,
)

__all__ = ["ScenarioVersions"]


class ScenarioVersions(StoreBase):
    """Saved scenarios and every version of them."""

    # -- scenarios -----------------------------------------------------------------

    def save_scenario(self, text: str, *, owner: str | None = None) -> ScenarioVersion:
        """Validate and save a scenario's YAML text; return its newest version.

        A new version is made only when the text differs from the newest saved one.

        Parameters
        ----------
        text : str
            The scenario as YAML; it is stored as given, byte for byte.
        owner : str or None
            The owner recorded when the scenario is first saved.

        Raises
        ------
        ScenarioError
            If the text is not a valid scenario; nothing is written.
        """
        scenario = parse_scenario(text)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        try:
            with self._transaction(write=True) as session:
                row = session.get(ScenarioRow, scenario.id)
                now = _now()
                if row is None:
                    row = ScenarioRow(id=scenario.id, owner=owner, created_at=now, updated_at=now)
                    session.add(row)
                    latest = None
                else:
                    latest = session.scalars(
                        select(ScenarioVersionRow)
                        .where(ScenarioVersionRow.scenario_id == scenario.id)
                        .order_by(ScenarioVersionRow.number.desc())
                        .limit(1)
                    ).first()
                if latest is not None and latest.sha256 == digest and latest.yaml_text == text:
                    return _version(latest)
                version = ScenarioVersionRow(
                    scenario_id=scenario.id,
                    number=1 if latest is None else latest.number + 1,
                    yaml_text=text,
                    sha256=digest,
                    created_at=now,
                )
                row.updated_at = now
                session.add(version)
                session.flush()
                return _version(version)
        except StorageError as e:
            if isinstance(e.__cause__, IntegrityError):
                msg = (
                    f"Scenario {scenario.id!r} was saved by someone else at the same time. "
                    "Load its newest version and save again."
                )
                raise StorageError(msg, kind="scenario", value=scenario.id) from e
            raise

    def scenario_ids(self) -> list[str]:
        """Return the ids of the saved scenarios, sorted."""
        with self._transaction(write=False) as session:
            return list(session.scalars(select(ScenarioRow.id).order_by(ScenarioRow.id)))

    def scenario_versions(self, scenario_id: str) -> list[ScenarioVersion]:
        """Return every saved version of a scenario, oldest first.

        Raises
        ------
        StorageError
            If no scenario has this id.
        """
        with self._transaction(write=False) as session:
            self._require_scenario(session, scenario_id)
            rows = session.scalars(
                select(ScenarioVersionRow)
                .where(ScenarioVersionRow.scenario_id == scenario_id)
                .order_by(ScenarioVersionRow.number)
            )
            return [_version(row) for row in rows]

    def scenario_text(self, scenario_id: str, version: int | None = None) -> str:
        """Return the YAML text of a version (the newest when ``version`` is None).

        Raises
        ------
        StorageError
            If no scenario has this id, or it has no such version.
        """
        with self._transaction(write=False) as session:
            return self._version_row(session, scenario_id, version).yaml_text

    def load_scenario_version(self, scenario_id: str, version: int | None = None) -> Scenario:
        """Return the scenario of a saved version (the newest when ``version`` is None).

        Raises
        ------
        StorageError
            If no scenario has this id, or it has no such version.
        """
        with self._transaction(write=False) as session:
            row = self._version_row(session, scenario_id, version)
            text, number = row.yaml_text, row.number
        return parse_scenario(text, source=f"{scenario_id} version {number}")

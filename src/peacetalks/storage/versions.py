"""Saved scenarios and every version of them."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from peacetalks.errors import StorageError
from peacetalks.scenario import Scenario, parse_scenario
from peacetalks.storage._base import (
    OWNER_SEPARATOR,
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

    def save_scenario(
        self,
        text: str,
        *,
        owner: str | None = None,
        key: str | None = None,
        base: str | None = None,
    ) -> ScenarioVersion:
        """Validate and save a scenario's YAML text; return its newest version.

        A new version is made only when the text differs from the newest saved one. Ids
        are per owner: two users may each keep a scenario with the same id. The returned
        version's ``scenario_id`` is the storage key the other methods take: the id when
        it was free at the first save, else ``id~owner``.

        Parameters
        ----------
        text : str
            The scenario as YAML; it is stored as given, byte for byte.
        owner : str or None
            With ``key`` None: whose scenario of this id to save (created when they have
            none). None saves to the scenario stored under the id itself, or creates one
            owned by nobody.
        key : str or None
            The storage key of an existing scenario to save a new version of (its owner
            is kept); the text's id must be its id.
        base : str or None
            The SHA-256 of the newest version the text was made from: the save is
            refused if another version is the newest by then (a compare-and-swap, sound
            across processes and servers). ``""`` means that the scenario must not exist
            yet; None saves whatever is there.

        Raises
        ------
        ScenarioError
            If the text is not a valid scenario; nothing is written.
        StorageError
            If ``key`` names no scenario or one with another id (``kind="scenario"``),
            or a scenario owned by nobody would take a key another owner holds;
            ``kind="changed"`` if the newest version is not ``base``.
        """
        scenario = parse_scenario(text)
        name = scenario.id
        owner = None if owner is None else owner.lower()
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        try:
            with self._transaction(write=True) as session:
                now = _now()
                row = self._row_to_save(session, name, owner, key)
                if row is None:
                    row = ScenarioRow(
                        id=self._free_key(session, name, owner),
                        name=name,
                        owner=owner,
                        created_at=now,
                        updated_at=now,
                    )
                    session.add(row)
                    latest = None
                else:
                    latest = session.scalars(
                        select(ScenarioVersionRow)
                        .where(ScenarioVersionRow.scenario_id == row.id)
                        .order_by(ScenarioVersionRow.number.desc())
                        .limit(1)
                    ).first()
                if base is not None and (latest.sha256 if latest else "") != base:
                    raise _changed(name, base, latest)
                if latest is not None and latest.sha256 == digest and latest.yaml_text == text:
                    return _version(latest)
                version = ScenarioVersionRow(
                    scenario_id=row.id,
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
                    f"Scenario {name!r} was saved by someone else at the same time. "
                    "Load its newest version and save again."
                )
                raise StorageError(msg, kind="scenario", value=name) from e
            raise

    def _row_to_save(
        self, session: Session, name: str, owner: str | None, key: str | None
    ) -> ScenarioRow | None:
        """Return the scenario a save adds a version to, or None to create one."""
        if key is not None:
            row = self._require_scenario(session, key)
            if row.name != name:
                msg = (
                    f"The text's id is {name!r}, but the scenario it is saved to has the id "
                    f"{row.name!r}. Keep 'id: {row.name}', or save it as a new scenario."
                )
                raise StorageError(msg, kind="scenario", value=name)
            return row
        if owner is None:
            return session.get(ScenarioRow, name)
        return session.scalars(
            select(ScenarioRow).where(ScenarioRow.owner == owner, ScenarioRow.name == name)
        ).first()

    @staticmethod
    def _free_key(session: Session, name: str, owner: str | None) -> str:
        """Return the storage key of a new scenario: its id, or ``id~owner`` if taken."""
        if session.get(ScenarioRow, name) is None:
            return name
        if owner is None:
            msg = (
                f"The id {name!r} is taken by a user's own scenario, so a scenario owned by "
                "nobody cannot be saved under it. Choose another id."
            )
            raise StorageError(msg, kind="scenario", value=name)
        return f"{name}{OWNER_SEPARATOR}{owner}"

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


def _changed(name: str, base: str, latest: ScenarioVersionRow | None) -> StorageError:
    expected = f"its newest version to be SHA-256 {base[:12]}" if base else "no saved version"
    got = "none saved" if latest is None else f"version {latest.number}"
    msg = (
        f"Scenario {name!r} changed before this save: expected {expected}, got {got}. "
        "Load the newest version, make the change again and save."
    )
    return StorageError(msg, kind="changed", value=got)

"""Who may read a saved scenario: its owner, shares with users or everyone."""

from __future__ import annotations

from sqlalchemy import Select, delete, func, or_, select
from sqlalchemy.exc import IntegrityError

from peacetalks.errors import StorageError
from peacetalks.storage._base import (
    EVERYONE,
    StoreBase,
    _now,
)
from peacetalks.storage.accounts import normalize_username
from peacetalks.storage.models import (
    ScenarioRow,
    ScenarioShareRow,
)

__all__ = ["ScenarioSharing"]


class ScenarioSharing(StoreBase):
    """Who may read a saved scenario: its owner, shares with users or everyone."""

    # -- who may read a scenario ---------------------------------------------------

    def scenario_owner(self, scenario_id: str) -> str | None:
        """Return the owner of a saved scenario, or ``None`` if it has none.

        Raises
        ------
        StorageError
            If no scenario has this id.
        """
        with self._transaction(write=False) as session:
            return self._require_scenario(session, scenario_id).owner

    def share_scenario(self, scenario_id: str, username: str | None) -> None:
        """Let a user (or, with ``None``, every signed-in user) read a scenario.

        Sharing twice is the same as sharing once.

        Raises
        ------
        StorageError
            If no scenario has this id (``kind="scenario"``) or no user this username
            (``kind="user"``).
        """
        grantee = self._grantee(username, "Store.share_scenario")
        try:
            with self._transaction(write=True) as session:
                self._require_scenario(session, scenario_id)
                if grantee != EVERYONE:
                    self.accounts._require_user(session, grantee)
                if session.get(ScenarioShareRow, (scenario_id, grantee)) is None:
                    session.add(
                        ScenarioShareRow(
                            scenario_id=scenario_id, grantee=grantee, created_at=_now()
                        )
                    )
        except StorageError as e:
            # The same share made at the same time by another writer: it is there.
            if not isinstance(e.__cause__, IntegrityError):
                raise

    def unshare_scenario(self, scenario_id: str, username: str | None) -> None:
        """Withdraw a share made with :meth:`share_scenario`; a missing share is ignored.

        Raises
        ------
        StorageError
            If no scenario has this id.
        """
        grantee = self._grantee(username, "Store.unshare_scenario")
        with self._transaction(write=True) as session:
            self._require_scenario(session, scenario_id)
            session.execute(
                delete(ScenarioShareRow).where(
                    ScenarioShareRow.scenario_id == scenario_id,
                    ScenarioShareRow.grantee == grantee,
                )
            )

    def shares(self, scenario_id: str) -> list[str | None]:
        """Return who a scenario is shared with: ``None`` (everyone) first, then usernames.

        Raises
        ------
        StorageError
            If no scenario has this id.
        """
        with self._transaction(write=False) as session:
            self._require_scenario(session, scenario_id)
            grantees = session.scalars(
                select(ScenarioShareRow.grantee)
                .where(ScenarioShareRow.scenario_id == scenario_id)
                .order_by(ScenarioShareRow.grantee)
            )
            found = list(grantees)
        users: list[str | None] = [name for name in found if name != EVERYONE]
        return [None, *users] if EVERYONE in found else users

    def can_read(self, scenario_id: str, username: str | None, *, admin: bool = False) -> bool:
        """Return whether a user (``None``: not signed in) may read a scenario.

        An admin reads everything; a scenario without an owner is readable by all; else
        its owner, the users it is shared with and, if shared with everyone, every
        signed-in user. An unknown scenario gives ``False``.
        """
        query = self._visible(username, admin=admin).where(ScenarioRow.id == scenario_id)
        with self._transaction(write=False) as session:
            return session.scalar(query) is not None

    def visible_scenario_ids(self, username: str | None, *, admin: bool = False) -> list[str]:
        """Return the ids of the scenarios a user may read (see :meth:`can_read`), sorted."""
        query = self._visible(username, admin=admin).order_by(ScenarioRow.id)
        with self._transaction(write=False) as session:
            return list(session.scalars(query))

    @staticmethod
    def _grantee(username: str | None, where: str) -> str:
        return EVERYONE if username is None else normalize_username(username, where=where)

    @staticmethod
    def _visible(username: str | None, *, admin: bool) -> Select[str]:
        query = select(ScenarioRow.id)
        if admin:
            return query
        if username is None:
            return query.where(ScenarioRow.owner.is_(None))
        name = username.lower()
        shared = select(ScenarioShareRow.scenario_id).where(
            ScenarioShareRow.grantee.in_([name, EVERYONE])
        )
        return query.where(
            or_(
                ScenarioRow.owner.is_(None),
                func.lower(ScenarioRow.owner) == name,
                ScenarioRow.id.in_(shared),
            )
        )

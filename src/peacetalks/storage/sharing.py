"""Who may read a saved scenario: its owner, shares with users or everyone."""

from __future__ import annotations

from sqlalchemy import Select, delete, func, or_, select
from sqlalchemy.exc import IntegrityError

from peacetalks.errors import StorageError
from peacetalks.storage._base import (
    EVERYONE,
    OWNER_SEPARATOR,
    ScenarioRef,
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

        Parameters
        ----------
        scenario_id : str
            The scenario's storage key (``ScenarioRef.key``).
        """
        query = self._visible(username, admin=admin).where(ScenarioRow.id == scenario_id)
        with self._transaction(write=False) as session:
            return session.scalar(query) is not None

    def visible_scenario_ids(self, username: str | None, *, admin: bool = False) -> list[str]:
        """Return the storage keys of the scenarios a user may read (see :meth:`can_read`)."""
        return [found.key for found in self.visible_scenarios(username, admin=admin)]

    def visible_scenarios(self, username: str | None, *, admin: bool = False) -> list[ScenarioRef]:
        """Return the scenarios a user may read, each with the reference that names it.

        Sorted by reference. See :meth:`find_scenario` for how references resolve.
        """
        with self._transaction(write=False) as session:
            rows = list(session.scalars(self._visible(username, admin=admin)))
        by_name: dict[str, list[ScenarioRow]] = {}
        for row in rows:
            by_name.setdefault(row.name, []).append(row)
        found = [_ref(row, by_name[row.name], username) for row in rows]
        return sorted(found, key=lambda item: item.ref)

    def find_scenario(
        self, ref: str, username: str | None, *, admin: bool = False
    ) -> ScenarioRef | None:
        """Return the scenario a reference names for a user, or None if they may read none.

        Ids are per owner, so a reference resolves for the user who gives it:
        ``id~owner`` names that owner's scenario (``id~`` the one owned by nobody); a
        bare ``id`` names the user's own scenario of that id, else the one owned by
        nobody, else the one scenario of that id shared with them. A scenario the user
        may not read gives None, exactly as a missing one does.

        Raises
        ------
        StorageError
            ``kind="ambiguous"`` when a bare id names several scenarios shared with the
            user; the message lists their references.
        """
        name, qualified, owner = ref.partition(OWNER_SEPARATOR)
        with self._transaction(write=False) as session:
            query = self._visible(username, admin=admin).where(ScenarioRow.name == name)
            rows = list(session.scalars(query))
        if qualified:
            wanted = owner.lower() or None
            chosen = [row for row in rows if row.owner == wanted]
        else:
            user = _lower(username)
            chosen = [row for row in rows if row.owner is not None and row.owner == user]
            chosen = chosen or [row for row in rows if row.owner is None] or rows
        if len(chosen) > 1:
            refs = sorted(_ref(row, rows, username).ref for row in chosen)
            msg = (
                f"{len(chosen)} scenarios you can read have the id {name!r}: "
                f"{', '.join(refs)}. Name one of them by its owner, as in {refs[0]!r}."
            )
            raise StorageError(msg, kind="ambiguous", value=ref)
        return _ref(chosen[0], rows, username) if chosen else None

    def scenario_ref(self, scenario_id: str, username: str | None, *, admin: bool = False) -> str:
        """Return how a user names a scenario given by its storage key.

        See :meth:`find_scenario` for how the reference resolves.
        """
        with self._transaction(write=False) as session:
            row = self._require_scenario(session, scenario_id)
            query = self._visible(username, admin=admin).where(ScenarioRow.name == row.name)
            rows = list(session.scalars(query))
        return _ref(row, rows or [row], username).ref

    @staticmethod
    def _grantee(username: str | None, where: str) -> str:
        return EVERYONE if username is None else normalize_username(username, where=where)

    @staticmethod
    def _visible(username: str | None, *, admin: bool) -> Select[ScenarioRow]:
        query = select(ScenarioRow)
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


def _lower(username: str | None) -> str | None:
    return None if username is None else username.lower()


def _ref(row: ScenarioRow, same_name: list[ScenarioRow], username: str | None) -> ScenarioRef:
    """Return ``row`` with the reference that names it for ``username``.

    ``same_name`` are the scenarios of its id the user may read (``row`` among them).
    """
    user = _lower(username)
    owners = [other.owner for other in same_name]
    if row.owner is not None and row.owner == user:
        bare = True
    elif row.owner is None:
        bare = user is None or user not in owners
    else:
        bare = None not in owners and user not in owners and len(same_name) == 1
    ref = row.name if bare else f"{row.name}{OWNER_SEPARATOR}{row.owner or ''}"
    return ScenarioRef(key=row.id, name=row.name, owner=row.owner, ref=ref)

"""Events of an agreement's implementation, kept per scenario."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from peacetalks.formats.events import Event
from peacetalks.storage._base import (
    StoreBase,
)
from peacetalks.storage.models import (
    AgreementEventRow,
)

__all__ = ["AgreementEvents"]


class AgreementEvents(StoreBase):
    """Events of an agreement's implementation, kept per scenario."""

    # -- agreement events ----------------------------------------------------------

    def add_events(
        self, scenario_id: str, events: Iterable[Event], *, agreement: str | None = None
    ) -> int:
        """Add implementation events of a saved scenario's agreement; return how many.

        Raises
        ------
        StorageError
            If no scenario has this id; then no event is added.
        """
        with self._transaction(write=True) as session:
            self._require_scenario(session, scenario_id)
            rows = [
                AgreementEventRow(
                    scenario_id=scenario_id,
                    agreement=agreement,
                    date=item.date,
                    kind=item.kind,
                    provision=item.provision,
                    party=item.party,
                    level=item.level,
                    count=item.count,
                    explosions=item.explosions,
                    fatalities=item.fatalities,
                    region=item.region,
                    source=item.source,
                    note=item.note,
                )
                for item in events
            ]
            session.add_all(rows)
            return len(rows)

    def events(self, scenario_id: str, *, agreement: str | None = None) -> list[Event]:
        """Return a scenario's events in date order (those of one agreement if given).

        Raises
        ------
        StorageError
            If no scenario has this id.
        """
        query = (
            select(AgreementEventRow)
            .where(AgreementEventRow.scenario_id == scenario_id)
            .order_by(AgreementEventRow.date, AgreementEventRow.id)
        )
        if agreement is not None:
            query = query.where(AgreementEventRow.agreement == agreement)
        with self._transaction(write=False) as session:
            self._require_scenario(session, scenario_id)
            return [
                Event.model_validate(
                    {
                        "date": row.date,
                        "kind": row.kind,
                        "provision": row.provision,
                        "party": row.party,
                        "level": row.level,
                        "count": row.count,
                        "explosions": row.explosions,
                        "fatalities": row.fatalities,
                        "region": row.region,
                        "source": row.source,
                        "note": row.note,
                    }
                )
                for row in session.scalars(query)
            ]

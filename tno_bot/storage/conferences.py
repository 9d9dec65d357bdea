"""Conferences: rows <-> the domain's `Conference` (its id is the row id, its room the room it was created in)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from sqlmodel import Session, col, select

from tno_bot.domain.agenda import Conference

from .tables import AgendaRow, ConferenceRow


def _domain(row: ConferenceRow) -> Conference:
    return Conference(row.id, row.day, row.start_time, row.lieu, row.cancelled, row.sequence)


def add_conference(session: Session, conference: Conference, room_id: str, created_by: str,
                   now: datetime) -> Conference:
    """Store a new conference (and its empty draft agenda); returns it with its id."""
    row = ConferenceRow(room_id=room_id, day=conference.day, start_time=conference.start_time, lieu=conference.lieu,
                        cancelled=conference.cancelled, created_by=created_by, created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    session.add(AgendaRow(conference_id=row.id))
    session.flush()
    return _domain(row)


def get_conference(session: Session, conference_id: int) -> Conference | None:
    row = session.get(ConferenceRow, conference_id)
    return _domain(row) if row else None


def conference_room(session: Session, conference_id: int) -> str | None:
    """The room the conference belongs to (where it was created)."""
    row = session.get(ConferenceRow, conference_id)
    return row.room_id if row else None


def conference_rooms(session: Session, ids: Collection[int] | None = None) -> dict[int, tuple[str, date]]:
    """The room and the day of every conference (among `ids`), by conference id (one query)."""
    query = select(ConferenceRow.id, ConferenceRow.room_id, ConferenceRow.day)
    if ids is not None:
        query = query.where(col(ConferenceRow.id).in_(ids))
    return {id_: (room_id, day) for id_, room_id, day in session.exec(query).all()}


def update_conference(session: Session, conference: Conference, now: datetime) -> None:
    """Write a moved, re-placed or cancelled conference, its calendar SEQUENCE increased; LookupError when
    unknown."""
    row = session.get(ConferenceRow, conference.id)
    if row is None:
        raise LookupError(f"no conference with id {conference.id}")
    row.day, row.start_time, row.lieu, row.cancelled = (conference.day, conference.start_time, conference.lieu,
                                                        conference.cancelled)
    row.updated_at = now
    row.sequence += 1
    session.add(row)
    session.flush()


def all_conferences(session: Session) -> list[tuple[Conference, str]]:
    """Every conference with its room, in chronological order (cancelled ones included)."""
    rows = session.exec(select(ConferenceRow).order_by(ConferenceRow.day, ConferenceRow.start_time, ConferenceRow.id))
    return [(_domain(row), row.room_id) for row in rows]

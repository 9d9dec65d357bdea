"""Séances, their attendance facts and their notes: rows <-> the domain's `Seance`, `Attendance` and `Note`.

Attendance facts and notes are append-only, in recording order (row id). A séance row changes only at its
closing; its suspensions are rows of their own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from tno_bot.domain.attendance import Attendance, AttendanceFact, Cast, FactKind, Status
from tno_bot.domain.seance import Pause, Seance

from .tables import AttendanceRow, NoteRow, SeancePause, SeancePoint, SeanceRow


@dataclass(frozen=True)
class Note:
    """A point raised under "questions diverses"."""

    author: str
    at: datetime
    text: str
    event_id: str


def _domain(session: Session, row: SeanceRow) -> Seance:
    points = session.exec(select(SeancePoint).where(SeancePoint.seance_id == row.id)
                          .order_by(SeancePoint.numero)).all()
    pauses = session.exec(select(SeancePause).where(SeancePause.seance_id == row.id)
                          .order_by(SeancePause.id)).all()
    return Seance(row.conference_id, row.room_id, tuple(p.title for p in points), row.agenda_version, row.opened_at,
                  row.opened_by, row.opened_event_id,
                  tuple(Pause(p.suspended_at, p.suspended_by, p.suspended_event_id, p.resumed_at, p.resumed_by,
                              p.resumed_event_id) for p in pauses),
                  row.closed_at, row.closed_by, row.closed_event_id, row.id, row.secretaire,
                  row.other_day_reason, row.presided_by)


def add_seance(session: Session, seance: Seance) -> Seance:
    """Store a newly opened séance and its agenda snapshot; returns it with its id."""
    row = SeanceRow(conference_id=seance.conference_id, room_id=seance.room_id, agenda_version=seance.agenda_version,
                    opened_at=seance.opened_at, opened_by=seance.opened_by, opened_event_id=seance.opened_event_id,
                    other_day_reason=seance.other_day_reason)
    session.add(row)
    session.flush()
    session.add_all(SeancePoint(seance_id=row.id, numero=i, title=title) for i, title in enumerate(seance.points, 1))
    session.flush()
    return _domain(session, row)


def save_seance(session: Session, seance: Seance) -> None:
    """Write a suspended, resumed or closed séance: new pauses appended, the last one's resumption, the closing,
    the secrétaire de séance, who presided in the président's absence."""
    row = session.get(SeanceRow, seance.id)
    if row is None:
        raise LookupError(f"no séance with id {seance.id}")
    stored = session.exec(select(SeancePause).where(SeancePause.seance_id == seance.id)
                          .order_by(SeancePause.id)).all()
    for pause_row, pause in zip(stored, seance.pauses):
        if pause_row.resumed_at is None and pause.resumed_at is not None:
            pause_row.resumed_at, pause_row.resumed_by = pause.resumed_at, pause.resumed_by
            pause_row.resumed_event_id = pause.resumed_event_id
            session.add(pause_row)
    for pause in seance.pauses[len(stored):]:
        session.add(SeancePause(seance_id=seance.id, suspended_at=pause.suspended_at, suspended_by=pause.suspended_by,
                                suspended_event_id=pause.suspended_event_id, resumed_at=pause.resumed_at,
                                resumed_by=pause.resumed_by, resumed_event_id=pause.resumed_event_id))
    row.closed_at, row.closed_by, row.closed_event_id = seance.closed_at, seance.closed_by, seance.closed_event_id
    row.secretaire, row.presided_by = seance.secretaire, seance.presided_by
    session.add(row)
    session.flush()


def get_seance(session: Session, seance_id: int) -> Seance | None:
    row = session.get(SeanceRow, seance_id)
    return _domain(session, row) if row else None


def seance_of_conference(session: Session, conference_id: int) -> Seance | None:
    row = session.exec(select(SeanceRow).where(SeanceRow.conference_id == conference_id)).first()
    return _domain(session, row) if row else None


def open_seance_in_room(session: Session, room_id: str) -> Seance | None:
    """The séance sitting in `room_id` (opened, not closed), if any."""
    row = session.exec(select(SeanceRow).where(SeanceRow.room_id == room_id, col(SeanceRow.closed_at).is_(None))
                       .order_by(col(SeanceRow.id).desc())).first()
    return _domain(session, row) if row else None


def latest_seance_in_room(session: Session, room_id: str) -> Seance | None:
    """The last séance opened in `room_id`, sitting or closed."""
    row = session.exec(select(SeanceRow).where(SeanceRow.room_id == room_id)
                       .order_by(col(SeanceRow.id).desc())).first()
    return _domain(session, row) if row else None


# --- attendance ---------------------------------------------------------------------------------------------------


def add_attendance_facts(session: Session, seance_id: int, facts: Iterable[AttendanceFact]) -> None:
    """Append facts, in the order given."""
    for fact in facts:
        session.add(AttendanceRow(seance_id=seance_id, kind=fact.kind.value, person=fact.person,
                                  recorded_by=fact.recorded_by, at=fact.at, event_id=fact.event_id,
                                  status=fact.status.value if fact.status else None, mandataire=fact.mandataire))
        session.flush()  # one at a time: the row id is the recording order


def attendance_facts(session: Session, seance_id: int) -> list[AttendanceFact]:
    # the columns, not the rows as objects: read at every command of a séance, a ballot among fifty
    rows = session.exec(select(AttendanceRow.kind, AttendanceRow.person, AttendanceRow.recorded_by, AttendanceRow.at,
                               AttendanceRow.event_id, AttendanceRow.status, AttendanceRow.mandataire)
                        .where(AttendanceRow.seance_id == seance_id).order_by(AttendanceRow.id)).all()
    return [AttendanceFact(FactKind(kind), person, recorded_by, at, event_id, Status(status) if status else None,
                           mandataire) for kind, person, recorded_by, at, event_id, status, mandataire in rows]


def load_attendance(session: Session, seance_id: int, cast: Cast) -> Attendance:
    """The séance's attendance, replayed from its facts on `cast`."""
    return Attendance.replay(cast, attendance_facts(session, seance_id))


# --- notes ------------------------------------------------------------------------------------------------------


def add_note(session: Session, seance_id: int, note: Note) -> None:
    session.add(NoteRow(seance_id=seance_id, author=note.author, at=note.at, event_id=note.event_id, text=note.text))
    session.flush()


def notes_of(session: Session, seance_id: int) -> list[Note]:
    rows = session.exec(select(NoteRow).where(NoteRow.seance_id == seance_id).order_by(NoteRow.id)).all()
    return [Note(r.author, r.at, r.text, r.event_id) for r in rows]

"""Pouvoirs given before the séance of a conference: rows <-> the domain's pouvoir and retrait facts, replayed as an
`Attendance` of pouvoirs only (the same rules as in séance). Append-only, in recording order (row id).
"""

from __future__ import annotations

from sqlmodel import Session, select

from tno_bot.domain.attendance import Attendance, AttendanceFact, Cast, FactKind

from .tables import AdvancePouvoirRow


def add_advance_pouvoir_fact(session: Session, conference_id: int, fact: AttendanceFact) -> None:
    """Append a pouvoir or retrait fact given before the séance of `conference_id`."""
    session.add(AdvancePouvoirRow(conference_id=conference_id, kind=fact.kind.value, mandant=fact.person,
                                  mandataire=fact.mandataire, recorded_by=fact.recorded_by, at=fact.at,
                                  event_id=fact.event_id))
    session.flush()


def advance_pouvoirs(session: Session, conference_id: int, cast: Cast) -> Attendance:
    """The pouvoirs given so far for the séance of `conference_id`, replayed on `cast`."""
    rows = session.exec(select(AdvancePouvoirRow).where(AdvancePouvoirRow.conference_id == conference_id)
                        .order_by(AdvancePouvoirRow.id)).all()
    return Attendance.replay(cast, (AttendanceFact(FactKind(r.kind), r.mandant, r.recorded_by, r.at, r.event_id,
                                                   mandataire=r.mandataire) for r in rows))

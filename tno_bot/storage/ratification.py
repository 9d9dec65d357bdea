"""Ratification rows <-> the domain's `RatificationFact`, announcements done, reminders sent, notifications.

Facts are append-only (row id = recording order); a decision's stored facts come after the facts of the history
files when its ratification is replayed (see `tno_bot.app.decisions`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, datetime

from sqlmodel import Session, col, select

from tno_bot.domain.ratification import FactKind, RatificationFact

from .ratification_tables import (
    DecisionNotificationRow,
    RatificationAnnouncementRow,
    RatificationFactRow,
    RatificationReminderRow,
)


def _of(query, column, decision_ids: Collection[str] | None):
    """`query` narrowed to the rows of the decisions `decision_ids` (all of them when None)."""
    return query if decision_ids is None else query.where(col(column).in_(decision_ids))


def _fact(row: RatificationFactRow) -> RatificationFact:
    return RatificationFact(FactKind(row.kind), row.member, row.recorded_by, row.at, row.event_id, on=row.day,
                            correction=row.correction, number=row.number, adopted=row.adopted, pour=row.pour,
                            contre=row.contre, abstention=row.abstention, identifier=row.identifier,
                            target=FactKind(row.target) if row.target else None)


def add_ratification_fact(session: Session, decision_id: str, fact: RatificationFact) -> None:
    session.add(RatificationFactRow(
        decision_id=decision_id, member=fact.member, kind=fact.kind.value, day=fact.on, correction=fact.correction,
        number=fact.number, adopted=fact.adopted, pour=fact.pour, contre=fact.contre, abstention=fact.abstention,
        identifier=fact.identifier, target=fact.target.value if fact.target else None, recorded_by=fact.recorded_by,
        at=fact.at, event_id=fact.event_id))
    session.flush()


def ratification_facts(session: Session, decision_id: str) -> tuple[RatificationFact, ...]:
    """The stored facts of one decision, in recording order."""
    return all_ratification_facts(session, [decision_id]).get(decision_id, ())


def all_ratification_facts(session: Session,
                           decision_ids: Collection[str] | None = None) -> dict[str, tuple[RatificationFact, ...]]:
    """Every stored fact (of the decisions `decision_ids`), by decision id, in recording order."""
    facts: dict[str, list[RatificationFact]] = {}
    query = _of(select(RatificationFactRow), RatificationFactRow.decision_id, decision_ids)
    for row in session.exec(query.order_by(RatificationFactRow.id)).all():
        facts.setdefault(row.decision_id, []).append(_fact(row))
    return {d: tuple(f) for d, f in facts.items()}


def announcement_of(session: Session, decision_id: str) -> RatificationAnnouncementRow | None:
    return session.get(RatificationAnnouncementRow, decision_id)


def add_announcement(session: Session, decision_id: str, executory_on: date, room_id: str, at: datetime,
                     event_id: str) -> None:
    session.add(RatificationAnnouncementRow(decision_id=decision_id, executory_on=executory_on, room_id=room_id,
                                            announced_at=at, event_id=event_id))
    session.flush()


def last_ratification_reminders(session: Session,
                                decision_ids: Collection[str] | None = None) -> dict[tuple[str, str], datetime]:
    """(decision id, member) -> when its latest reminder was sent (of the decisions `decision_ids`)."""
    last: dict[tuple[str, str], datetime] = {}
    query = _of(select(RatificationReminderRow), RatificationReminderRow.decision_id, decision_ids)
    for row in session.exec(query.order_by(RatificationReminderRow.id)).all():
        last[(row.decision_id, row.member)] = row.sent_at
    return last


def ratification_reminders(session: Session, decision_id: str | None = None) -> list[RatificationReminderRow]:
    """Reminders sent (of one decision), in sending order."""
    query = select(RatificationReminderRow)
    if decision_id is not None:
        query = query.where(RatificationReminderRow.decision_id == decision_id)
    return list(session.exec(query.order_by(RatificationReminderRow.id)).all())


def add_ratification_reminders(session: Session, sent: Iterable[tuple[str, str, datetime]], room_id: str,
                               now: datetime) -> None:
    """Record reminders sent at `now`: (decision id, member, due_at) each."""
    for decision_id, member, due_at in sent:
        session.add(RatificationReminderRow(decision_id=decision_id, member=member, due_at=due_at, sent_at=now,
                                            room_id=room_id))
    session.flush()


def add_notification(session: Session, decision_id: str, notified_on: date, by: str, at: datetime,
                     event_id: str) -> None:
    session.add(DecisionNotificationRow(decision_id=decision_id, notified_on=notified_on, recorded_by=by,
                                        recorded_at=at, event_id=event_id))
    session.flush()


def notifications(session: Session, decision_ids: Collection[str] | None = None) -> dict[str, date]:
    """The day each notified decision (of `decision_ids`) was notified to the members (the latest record counts)."""
    query = _of(select(DecisionNotificationRow), DecisionNotificationRow.decision_id, decision_ids)
    rows = session.exec(query.order_by(DecisionNotificationRow.id)).all()
    return {row.decision_id: row.notified_on for row in rows}

"""What the health check and the metrics read from the database: counts, each one query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from .ratification_tables import RatificationReminderRow
from .tables import PENDING, REMINDER_MISSED, REMINDER_SENT, OutboxMessage, ReminderRow, UndecryptedEvent


@dataclass(frozen=True)
class OperatingCounts:
    outbox_pending: int  # messages not delivered yet
    oldest_pending: datetime | None  # when the oldest of them was queued
    undecrypted: int  # encrypted events still waiting for their room key
    reminders_sent: int  # agenda reminders posted
    reminders_missed: int  # agenda reminders that fell due while the bot was down and were too late to post
    ratification_reminders: int  # members reminded of an awaited deliberation


def operating_counts(session: Session) -> OperatingCounts:
    oldest = session.exec(select(OutboxMessage.created_at).where(OutboxMessage.status == PENDING)
                          .order_by(OutboxMessage.id).limit(1)).first()
    reminders = dict(session.exec(select(ReminderRow.status, func.count()).where(
        ReminderRow.status.in_((REMINDER_SENT, REMINDER_MISSED))).group_by(ReminderRow.status)).all())
    return OperatingCounts(
        outbox_pending=session.exec(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == PENDING)).one(),
        oldest_pending=oldest,
        undecrypted=session.exec(select(func.count()).select_from(UndecryptedEvent)).one(),
        reminders_sent=reminders.get(REMINDER_SENT, 0),
        reminders_missed=reminders.get(REMINDER_MISSED, 0),
        ratification_reminders=session.exec(select(func.count()).select_from(RatificationReminderRow)).one(),
    )

"""Reminder rows: the domain's `reminder_plan` written down, so that nothing is sent twice nor dropped silently.

A reminder row is identified by its conference, its `key` and its `due_at`: a conference moved gets new rows for
its new dates. `replan_reminders` is called after every change of a conference or its agenda: planned reminders
get a pending row (unless already due at that moment), pending rows that no longer belong to the plan are
cancelled, rows sent or missed are kept as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, select

from tno_bot.domain.agenda import AgendaRules
from tno_bot.domain.reminders import Reminder, ReminderKind, ReminderSettings, reminder_plan

from .agenda import load_agenda
from .conferences import get_conference
from .seances import seance_of_conference
from .tables import REMINDER_CANCELLED, REMINDER_PENDING, ReminderRow


def as_reminder(row: ReminderRow) -> Reminder:
    """The domain reminder of a row (without its Deadline: recompute it from the conference when needed)."""
    return Reminder(row.key, ReminderKind(row.kind), row.due_at, row.role_names, row.announces, None, row.version)


def sync_reminders(session: Session, conference_id: int, plan: Iterable[Reminder], now: datetime) -> None:
    """Make the pending rows of the conference match `plan` (see the module docstring)."""
    rows = list(session.exec(select(ReminderRow).where(ReminderRow.conference_id == conference_id)))
    by_identity = {(row.key, row.due_at): row for row in rows}
    wanted = set()
    for reminder in plan:
        identity = (reminder.key, reminder.due_at)
        wanted.add(identity)
        row = by_identity.get(identity)
        if row is None:
            if reminder.due_at <= now:
                continue  # already due when planned: never announced late
            row = ReminderRow(conference_id=conference_id, key=reminder.key, kind=reminder.kind.value,
                              due_at=reminder.due_at, announces=reminder.announces, roles=",".join(reminder.roles),
                              version=reminder.version)
            session.add(row)
        elif row.status in (REMINDER_PENDING, REMINDER_CANCELLED):
            if row.status == REMINDER_CANCELLED and reminder.due_at <= now:
                continue
            row.status, row.done_at = REMINDER_PENDING, None
            row.announces, row.roles, row.version = reminder.announces, ",".join(reminder.roles), reminder.version
            session.add(row)
    for row in rows:
        if row.status == REMINDER_PENDING and (row.key, row.due_at) not in wanted:
            row.status, row.done_at = REMINDER_CANCELLED, now
            session.add(row)
    session.flush()


def replan_reminders(session: Session, conference_id: int, rules: AgendaRules, settings: ReminderSettings,
                     now: datetime) -> None:
    """Recompute the reminder plan of a stored conference from its current state and its agenda: none once its
    séance has opened (the conference sits, even before its day)."""
    conference = get_conference(session, conference_id)
    if conference is None:
        raise LookupError(f"no conference with id {conference_id}")
    sitting = seance_of_conference(session, conference_id) is not None
    plan = () if sitting else reminder_plan(conference, load_agenda(session, conference_id), rules, settings)
    sync_reminders(session, conference_id, plan, now)


def due_reminders(session: Session, now: datetime) -> list[ReminderRow]:
    """Pending rows due at `now` or before, oldest first."""
    query = (select(ReminderRow).where(ReminderRow.status == REMINDER_PENDING, ReminderRow.due_at <= now)
             .order_by(ReminderRow.due_at, ReminderRow.id))
    return list(session.exec(query))


def mark_reminder(session: Session, row: ReminderRow, status: str, now: datetime) -> None:
    """Record what became of a reminder (sent, missed, cancelled)."""
    row.status, row.done_at = status, now
    session.add(row)
    session.flush()


def reminders_of(session: Session, conference_id: int | None = None,
                 statuses: Iterable[str] | None = None) -> list[ReminderRow]:
    """Reminder rows (of one conference, of some statuses), by due time."""
    query = select(ReminderRow)
    if conference_id is not None:
        query = query.where(ReminderRow.conference_id == conference_id)
    if statuses is not None:
        query = query.where(ReminderRow.status.in_(tuple(statuses)))
    return list(session.exec(query.order_by(ReminderRow.due_at, ReminderRow.id)))


def pending_instants(session: Session, now: datetime) -> list[datetime]:
    """The due times of the pending rows after `now`."""
    query = select(ReminderRow.due_at).where(ReminderRow.status == REMINDER_PENDING, ReminderRow.due_at > now)
    return sorted(set(session.exec(query)))

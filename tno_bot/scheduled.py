"""Work done by the clock, pure of Matrix: reminders due and tacit fixings, from the rows of `storage`.

`run_due_work` does, in the caller's transaction, everything due at `now`, in chronological order (a tacit fixing
that fell due during an outage comes before the eve reminder that shows the fixed agenda): each reminder due is
posted if what it announces is still ahead, else recorded as missed; each reply window closed without avis is
fixed tacitly, dated at the end of the window, and the convocation posted. Rows are marked in the same transaction,
so nothing is done twice. Several reminders of one conference announcing the same instant and due together (the eve
and the morning, caught up after an outage) make one message, worded for `now`: only the last one is posted, the
others are marked sent with it. `upcoming` lists the future instants at which there will be work, for the runtime's
scheduler; `plan` gives them with the reminders of awaited members (read, or kept by the caller in an
`app.awaited.AwaitedRegister`), which `run_due_work` may reuse while none of the rows of `SCHEDULE_TABLES` (nor the
history files) changed.

Ratification: while a member's deliberation on a pending decision is awaited, its representatives are
reminded in the room of the conference every `[ratification] reminder_interval_days` (one message per member and
room, listing its awaited decisions); each reminder is recorded with its due time, so it is sent once, and one
that fell due during an outage is sent once at the next run. Decisions of the history files have no room: they are
not reminded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from sqlmodel import Session

from tno_bot import storage
from tno_bot.app.awaited import AwaitedByDecision
from tno_bot.app.decisions import AwaitedReminder, awaited_reminders
from tno_bot.app.conferences import replan
from tno_bot.app.rooms import room_language
from tno_bot.config import Config
from tno_bot.domain.agenda import AgendaError
from tno_bot.domain.calendar import require_aware
from tno_bot.i18n import Translator
from tno_bot.reports.agenda import announced, people_with_roles, reminder_message, tacit_fixing_message
from tno_bot.reports.convocation import convocation_reply
from tno_bot.reports.language import room_translator
from tno_bot.reports.message import Reply
from tno_bot.reports.ratification import reminder_message as awaited_message

__all__ = ["SCHEDULE_TABLES", "Posting", "Schedule", "plan", "replan_ahead", "run_due_work", "upcoming"]

# The tables whose rows decide when there is work (the conferences and their agendas, reminders, decisions, their
# notifications to the members and the ratification facts and reminders): a transaction that wrote none of them leaves
# the schedule as it was.
SCHEDULE_TABLES = frozenset(table.__tablename__ for table in (
    storage.ConferenceRow, storage.AgendaRow, storage.AgendaPoint, storage.AgendaVersion, storage.AgendaAvis,
    storage.ReminderRow, storage.DecisionRow, storage.DecisionNotificationRow, storage.RatificationFactRow,
    storage.RatificationReminderRow))


@dataclass(frozen=True)
class Posting:
    """A message the bot posts by itself (an `m.text`, notifying `reply.mentions`)."""

    room_id: str
    reply: Reply


def _translator(session: Session, config: Config, room_id: str) -> Translator:
    return room_translator(room_language(session, config, room_id))


def run_due_work(session: Session, config: Config, now: datetime,
                 awaited: Sequence[AwaitedReminder] | None = None) -> list[Posting]:
    """Everything due at `now`, done and marked in the caller's transaction; the messages to post. `awaited`: the
    reminders of awaited members of a `plan` made since the last change of the schedule's rows, or those of them
    due at `now` (else computed)."""
    require_aware(now)
    due = storage.due_reminders(session, now)
    last_of = {(row.conference_id, row.announces): row for row in due}  # due rows are sorted by due time
    work: list[tuple[datetime, int, object]] = [(row.due_at, 1, row) for row in due]
    for conference_id in storage.proposed_agendas(session):
        at = storage.load_agenda(session, conference_id).tacit_fixing_at
        if at is not None and at <= now:
            work.append((at, 0, conference_id))
    postings: list[Posting] = []
    for _, order, item in sorted(work, key=lambda w: (w[0], w[1], getattr(w[2], "id", w[2]))):
        if order == 0:
            postings += _fix_tacitly(session, config, item, now)
        elif (posting := _remind(session, config, item, now,
                                 last_of[(item.conference_id, item.announces)] is item)) is not None:
            postings.append(posting)
    return postings + _remind_awaited(session, config, now,
                                      awaited_reminders(session, config) if awaited is None else awaited)


def _remind_awaited(session: Session, config: Config, now: datetime,
                    awaited: Sequence[AwaitedReminder]) -> list[Posting]:
    """The reminders of awaited members due at `now`: one posting per room and member, recorded as sent."""
    groups: dict[tuple[str, str], list[AwaitedReminder]] = {}
    for reminder in awaited:
        if reminder.due_at <= now:
            groups.setdefault((reminder.decision.room_id, reminder.member), []).append(reminder)
    postings = []
    for (room, member), items in groups.items():
        mentions = tuple(p.matrix_id for p in config.people if p.member == member)
        plain, html = awaited_message(member, [(r.decision, r.ratification) for r in items], config, now,
                                      _translator(session, config, room), mentions)
        storage.add_ratification_reminders(session, [(r.decision.key, member, r.due_at) for r in items], room, now)
        postings.append(Posting(room, Reply(plain, html, mentions=mentions)))
    return postings


def _fix_tacitly(session: Session, config: Config, conference_id: int, now: datetime) -> list[Posting]:
    """The agenda fixed tacitly: the message saying so, then the convocation with the fixed agenda."""
    conference = storage.get_conference(session, conference_id)
    odj = storage.load_agenda(session, conference_id)
    try:
        fixed = odj.fixer_tacitement(now)
    except AgendaError:  # nothing to fix any more
        return []
    storage.save_agenda(session, conference_id, fixed)
    replan(session, config, conference_id, now)
    room = storage.conference_room(session, conference_id)
    tr = _translator(session, config, room)
    plain, html = tacit_fixing_message(conference, fixed, tr)
    return [Posting(room, announced(Reply(plain, html), config, tr)),
            Posting(room, convocation_reply(conference, fixed, config, tr, now))]


def _remind(session: Session, config: Config, row: storage.ReminderRow, now: datetime,
            post: bool = True) -> Posting | None:
    """The reminder's message, or None (cancelled, missed, or `post` false: merged into a later one's message)."""
    if row.status != storage.REMINDER_PENDING:  # cancelled by a tacit fixing processed just before
        return None
    conference = storage.get_conference(session, row.conference_id)
    reminder = storage.as_reminder(row)
    if conference.cancelled:
        storage.mark_reminder(session, row, storage.REMINDER_CANCELLED, now)
        return None
    if not reminder.is_still_relevant(now):
        storage.mark_reminder(session, row, storage.REMINDER_MISSED, now)
        return None
    if not post:
        storage.mark_reminder(session, row, storage.REMINDER_SENT, now)
        return None
    odj = storage.load_agenda(session, row.conference_id)
    room = storage.conference_room(session, row.conference_id)
    plain, html = reminder_message(reminder, conference, odj, config, now, _translator(session, config, room))
    storage.mark_reminder(session, row, storage.REMINDER_SENT, now)
    return Posting(room, Reply(plain, html, mentions=people_with_roles(config, reminder.roles)))


@dataclass(frozen=True)
class Schedule:
    """When there will be work after `now`, and the reminders of awaited members (due or not) found on the way."""

    instants: tuple[datetime, ...]  # UTC, sorted
    kept: AwaitedByDecision

    @property
    def awaited(self) -> tuple[AwaitedReminder, ...]:
        """Every reminder of `kept`, in the order of `awaited_reminders`."""
        return self.kept.all

    @cached_property
    def first_awaited_due(self) -> datetime | None:
        """The earliest `due_at` of `awaited`; None when there is none."""
        return min(self.kept.due, default=None)

    def awaited_due(self, now: datetime) -> tuple[AwaitedReminder, ...]:
        """The reminders of `awaited` due at `now`, in their order: none looked through while the first is ahead (a
        clock run then costs the same whatever the size of the register)."""
        if self.first_awaited_due is None or self.first_awaited_due > now:
            return ()
        return tuple(r for r in self.awaited if r.due_at <= now)


def plan(session: Session, now: datetime, config: Config, awaited: AwaitedByDecision | None = None) -> Schedule:
    """The future instants (UTC) at which `run_due_work` will have work: pending reminders, tacit fixings, and the
    reminders of members awaited on a decision (on the schedule of `config`; `awaited`: all of them, when the caller
    keeps them, else read)."""
    require_aware(now)
    awaited = AwaitedByDecision.of(awaited_reminders(session, config)) if awaited is None else awaited
    instants = set(storage.pending_instants(session, now))
    instants.update(at for at in awaited.due if at > now)
    for conference_id in storage.proposed_agendas(session):
        at = storage.load_agenda(session, conference_id).tacit_fixing_at
        if at is not None and at > now:
            instants.add(at)
    return Schedule(tuple(sorted(instants)), awaited)


def replan_ahead(session: Session, config: Config, now: datetime) -> int:
    """The reminders of every conference not cancelled and still ahead planned again on `config` (a reloaded one:
    its `[reminders]` and `[rules]` may have changed); how many conferences."""
    ahead = [conference.id for conference, _ in storage.all_conferences(session)
             if not conference.cancelled and conference.starts_at > now]
    for conference_id in ahead:
        replan(session, config, conference_id, now)
    return len(ahead)


def upcoming(session: Session, now: datetime, config: Config) -> list[datetime]:
    """The instants of `plan`."""
    return list(plan(session, now, config).instants)

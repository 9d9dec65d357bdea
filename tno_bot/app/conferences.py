"""Conferences and their agenda: which conference a command is about, every change written with its reminders
replanned, the timeline of a stored conference."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session

from tno_bot import storage
from tno_bot.app.rooms import in_its_room
from tno_bot.config import Config
from tno_bot.domain.agenda import AgendaError, Conference, OrdreDuJour, Reason, Timeline, timeline
from tno_bot.domain.reminders import Reminder

Change = Callable[[Conference, OrdreDuJour], OrdreDuJour]


def get_conference(session: Session, number: int) -> Conference:
    conference = storage.get_conference(session, number)
    if conference is None:
        raise AgendaError(Reason.NO_SUCH_CONFERENCE, number=number)
    return conference


def choose_conference(session: Session, room_id: str, now: datetime, number: int | None = None) -> Conference:
    """Conference `number`, else the next one of `room_id`, else the only one to come."""
    if number is not None:
        return get_conference(session, number)
    to_come = [(c, room) for c, room in storage.all_conferences(session) if not c.cancelled and c.starts_at > now]
    here = [c for c, room in to_come if room == room_id]
    if here:
        return here[0]
    if len(to_come) == 1:
        return to_come[0][0]
    if not to_come:
        raise AgendaError(Reason.NO_CONFERENCE_PLANNED)
    raise AgendaError(Reason.CONFERENCE_ELSEWHERE, count=len(to_come))


def conference_here(session: Session, room_id: str, now: datetime, number: int | None = None) -> Conference:
    """The conference chosen as `choose_conference` does, refused unless `room_id` is its own room: for the commands
    that act on it or read what is not public yet (its draft agenda)."""
    conference = choose_conference(session, room_id, now, number)
    in_its_room(session, conference.id, room_id)
    return conference


def pending_reminders(session: Session, conference: Conference) -> list[Reminder]:
    rows = storage.reminders_of(session, conference.id, [storage.REMINDER_PENDING])
    return [storage.as_reminder(r) for r in rows]


def replan(session: Session, config: Config, conference_id: int, now: datetime) -> None:
    storage.replan_reminders(session, conference_id, config.agenda_rules, config.reminders, now)


def create(session: Session, config: Config, planned: Conference, room_id: str, by: str,
           now: datetime) -> Conference:
    stored = storage.add_conference(session, planned, room_id, by, now)
    replan(session, config, stored.id, now)
    return stored


def update(session: Session, config: Config, changed: Conference, now: datetime) -> None:
    """A moved or cancelled conference written, its reminders replanned."""
    storage.update_conference(session, changed, now)
    replan(session, config, changed.id, now)


def change_agenda(session: Session, config: Config, conference: Conference, change: Change,
                  now: datetime) -> tuple[OrdreDuJour, OrdreDuJour]:
    """`change(conference, odj) -> odj` applied to the conference's agenda and written, reminders replanned; the
    agenda before and after. AgendaError when the domain refuses (a cancelled conference changes no more), with the
    agenda refused as its `odj` param."""
    before = storage.load_agenda(session, conference.id)
    try:
        if conference.cancelled:
            raise AgendaError(Reason.CANCELLED)
        after = change(conference, before)
    except AgendaError as error:
        error.params.setdefault("odj", before)  # the agenda refused, for the wording
        raise
    storage.save_agenda(session, conference.id, after)
    replan(session, config, conference.id, now)
    return before, after


def timeline_of(session: Session, config: Config, conference: Conference) -> Timeline:
    """The deadlines of a stored conference, the reply window of its current agenda version included."""
    return timeline(conference, config.agenda_rules, storage.load_agenda(session, conference.id))


def fixed_agenda(session: Session, conference: Conference) -> OrdreDuJour:
    """The agenda of a conference to convene: AgendaError when it is cancelled or its agenda is not fixed."""
    odj = storage.load_agenda(session, conference.id)
    if conference.cancelled:
        raise AgendaError(Reason.CANCELLED, conference=conference)
    if odj.fixation is None:
        raise AgendaError(Reason.NOT_FIXED, conference=conference)
    return odj

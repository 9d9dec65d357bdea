"""The reminder plan of a conference, from the config's offsets and hours (Europe/Paris wall-clock time).

- comité technique: `notice_days_before` days before the last day to send the agenda, while nothing is sent;
- representatives: `window_days_before` days before the reply window of the current proposal closes;
- everyone: the day before the conference (at `hour`) and on its morning (at `conference_morning_hour`).

A reminder never falls on a Saturday, a Sunday or a public holiday unless `on_days_off`: it moves to the previous
working day at the same hour, and the morning reminder of a conference held on a day off is dropped (the eve's
is there). A reply reminder is never planned
after the conference has started (a short-notice conference).

The plan is a pure function of the conference, its agenda and the settings: recompute it after any change (move,
cancellation, sending, fixing) and diff by `key`. A reminder that fell due while the bot was down is still worth
sending while `is_still_relevant(now)`; otherwise it is missed. A caller planning a new or moved conference drops
the reminders already due at that moment.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from enum import Enum

from tno_bot.domain.agenda import (
    COMITE_TECHNIQUE,
    PRESIDENT,
    REPRESENTANT,
    SECRETARIAT,
    AgendaRules,
    Conference,
    Etat,
    OrdreDuJour,
    notice_deadline,
)
from tno_bot.domain.calendar import PARIS, Deadline, at_local, is_working_day, previous_working_day, require_aware

EVERYONE = (PRESIDENT, SECRETARIAT, COMITE_TECHNIQUE, REPRESENTANT)


@dataclass(frozen=True)
class ReminderSettings:
    """Config `[reminders]`: offsets in calendar days, wall-clock hours in Europe/Paris."""

    notice_days_before: tuple[int, ...] = (7, 1)
    window_days_before: tuple[int, ...] = (3,)
    hour: time = time(9, 0)
    conference_eve: bool = True
    conference_morning: bool = True
    conference_morning_hour: time = time(8, 0)
    on_days_off: bool = False  # a reminder may fall on a weekend or a public holiday


class ReminderKind(str, Enum):
    NOTICE = "notice"  # send the agenda proposal
    WINDOW = "window"  # reply to the proposal
    EVE = "eve"  # the conference is tomorrow
    MORNING = "morning"  # the conference is today


@dataclass(frozen=True)
class Reminder:
    """One planned ping. `key` is stable for the same reminder of the same conference ("notice-7d",
    "window-3d-v1", "eve", "morning"); `announces` is the instant it warns about (the close of `deadline`, or the
    start of the conference)."""

    key: str
    kind: ReminderKind
    due_at: datetime
    roles: tuple[str, ...]  # who is pinged
    announces: datetime
    deadline: Deadline | None  # None for the conference reminders
    version: int | None = None  # the proposal a WINDOW reminder is about

    def is_still_relevant(self, now: datetime) -> bool:
        """Whether sending now still makes sense: what it announces has not happened yet."""
        return require_aware(now) < self.announces


def reminder_plan(conference: Conference, odj: OrdreDuJour | None, rules: AgendaRules,
                  settings: ReminderSettings) -> tuple[Reminder, ...]:
    """Every reminder of `conference` in its current state, sorted by due time; none once it is cancelled."""
    if conference.cancelled:
        return ()
    reminders: list[Reminder] = []
    if odj is None or not odj.versions:
        notice = notice_deadline(conference, rules)
        reminders += [_before(ReminderKind.NOTICE, f"notice-{n}d", notice, n, settings.hour, (COMITE_TECHNIQUE,))
                      for n in settings.notice_days_before]
    if odj is not None and odj.etat is Etat.PROPOSE:
        version = odj.current
        reminders += [_before(ReminderKind.WINDOW, f"window-{n}d-v{version.numero}", version.window, n,
                              settings.hour, (REPRESENTANT,), version.numero)
                      for n in settings.window_days_before]
    starts_at = conference.starts_at
    if settings.conference_eve:
        due = at_local(conference.day - timedelta(days=1), settings.hour)
        reminders.append(Reminder("eve", ReminderKind.EVE, due, EVERYONE, starts_at, None))
    morning = at_local(conference.day, settings.conference_morning_hour)
    if settings.conference_morning and morning < starts_at:
        reminders.append(Reminder("morning", ReminderKind.MORNING, morning, EVERYONE, starts_at, None))
    if not settings.on_days_off:  # the morning of a conference held on a day off is not moved: the eve is there
        reminders = [_on_working_day(r) for r in reminders
                     if r.kind is not ReminderKind.MORNING or is_working_day(conference.day)]
    reminders = [r for r in reminders if r.due_at < starts_at]
    return tuple(sorted(reminders, key=lambda r: (r.due_at, r.key)))


def _before(kind: ReminderKind, key: str, deadline: Deadline, days: int, hour: time, roles: tuple[str, ...],
            version: int | None = None) -> Reminder:
    due = at_local(deadline.effective - timedelta(days=days), hour)
    return Reminder(key, kind, due, roles, deadline.closes_at(), deadline, version)


def _on_working_day(reminder: Reminder) -> Reminder:
    """`reminder` moved to the previous working day at the same wall-clock hour when it falls on a day off."""
    local = reminder.due_at.astimezone(PARIS)
    day = previous_working_day(local.date())
    return reminder if day == local.date() else replace(reminder, due_at=at_local(day, local.time()))

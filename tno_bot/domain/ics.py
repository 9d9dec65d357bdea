"""An iCalendar document of a conference and its deadlines (RFC 5545, with the `icalendar` library).

The conference is a timed VEVENT in Europe/Paris (TZID, with its VTIMEZONE); each deadline is an all-day,
transparent VEVENT on its effective last day. UIDs depend only on the conference id (and the proposal's version),
so a re-exported file updates the events already imported. Summaries come from the caller (the domain writes no
sentence); DTSTAMP comes from the injected clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from enum import Enum

import icalendar

from tno_bot.domain.agenda import Conference, Timeline
from tno_bot.domain.calendar import ONE_DAY, PARIS, Clock, require_aware

PRODID = "-//tno-bot//conference intercommunale//FR"
UID_DOMAIN = "tno-bot"


class EventKind(str, Enum):
    CONFERENCE = "conference"
    NOTICE = "notice"  # last day to send the agenda proposal
    REPLY_WINDOW = "reply_window"  # last day to reply to a sent proposal


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    kind: EventKind
    start: datetime | date  # the conference's start in Europe/Paris, a deadline's (all-day) date
    version: int | None = None  # the proposal of a REPLY_WINDOW


def calendar_events(conference: Conference, timeline: Timeline) -> tuple[CalendarEvent, ...]:
    """The conference, its notice deadline and, once a proposal is sent, its reply window."""
    if conference.id is None:
        raise ValueError("a stored conference (with an id) is needed for stable UIDs")
    prefix = f"conference-{conference.id}"
    events = [
        CalendarEvent(f"{prefix}@{UID_DOMAIN}", EventKind.CONFERENCE, timeline.starts_at.astimezone(PARIS)),
        CalendarEvent(f"{prefix}-notice@{UID_DOMAIN}", EventKind.NOTICE, timeline.notice.effective),
    ]
    if (version := timeline.reply_window_version) is not None:
        events.append(CalendarEvent(f"{prefix}-reply-window-v{version}@{UID_DOMAIN}", EventKind.REPLY_WINDOW,
                                    timeline.reply_window.effective, version))
    return tuple(events)


def conference_ics(conference: Conference, timeline: Timeline, *, summary: Callable[[CalendarEvent], str],
                   clock: Clock, duration: timedelta | None = None) -> bytes:
    """The .ics file: `summary` names each event; `duration` of the conference, if known, sets its DTEND."""
    stamp = require_aware(clock()).astimezone(timezone.utc)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    for event in calendar_events(conference, timeline):
        vevent = icalendar.Event()
        vevent.add("uid", event.uid)
        vevent.add("dtstamp", stamp)
        vevent.add("summary", summary(event))
        vevent.add("dtstart", event.start)
        vevent.add("status", "CANCELLED" if conference.cancelled else "CONFIRMED")
        if event.kind is EventKind.CONFERENCE:
            if duration is not None:
                vevent.add("dtend", event.start + duration)
            if conference.lieu:
                vevent.add("location", conference.lieu)
        else:
            vevent.add("dtend", event.start + ONE_DAY)
            vevent.add("transp", "TRANSPARENT")
        calendar.add_component(vevent)
    year = timedelta(days=366)
    calendar.add_missing_timezones(first_date=conference.day - year, last_date=conference.day + year)
    return calendar.to_ical()

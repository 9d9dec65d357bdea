"""An iCalendar document of a conference and its deadlines (RFC 5545, with the `icalendar` library).

The conference is a timed VEVENT in Europe/Paris (TZID, with its VTIMEZONE) from its start to its start plus its
duration; each deadline is an all-day, transparent VEVENT on its effective last day. UIDs depend only on the
conference id (and the proposal's version) under the operator's domain, so a re-exported file updates the events
already imported; SEQUENCE is the conference's count of changes (moves, new place, cancellation), so a calendar
takes the new version over the one it has; a cancelled conference's events are STATUS:CANCELLED. Summaries and the
description (the ordre du jour) come from the caller (the domain writes no sentence); DTSTAMP comes from the
injected clock.
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
DEFAULT_DURATION = timedelta(hours=2)


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


def calendar_events(conference: Conference, timeline: Timeline, uid_domain: str) -> tuple[CalendarEvent, ...]:
    """The conference, its notice deadline and, once a proposal is sent, its reply window; UIDs under
    `uid_domain`."""
    if conference.id is None:
        raise ValueError("a stored conference (with an id) is needed for stable UIDs")
    prefix = f"conference-{conference.id}"
    events = [
        CalendarEvent(f"{prefix}@{uid_domain}", EventKind.CONFERENCE, timeline.starts_at.astimezone(PARIS)),
        CalendarEvent(f"{prefix}-notice@{uid_domain}", EventKind.NOTICE, timeline.notice.effective),
    ]
    if (version := timeline.reply_window_version) is not None:
        events.append(CalendarEvent(f"{prefix}-reply-window-v{version}@{uid_domain}", EventKind.REPLY_WINDOW,
                                    timeline.reply_window.effective, version))
    return tuple(events)


def conference_ics(conference: Conference, timeline: Timeline, *, summary: Callable[[CalendarEvent], str],
                   clock: Clock, uid_domain: str, duration: timedelta = DEFAULT_DURATION,
                   description: str | None = None) -> bytes:
    """The .ics file: `summary` names each event; `duration` of the conference sets its DTEND; `description` (the
    ordre du jour) goes with the conference's event."""
    stamp = require_aware(clock()).astimezone(timezone.utc)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    for event in calendar_events(conference, timeline, uid_domain):
        vevent = icalendar.Event()
        vevent.add("uid", event.uid)
        vevent.add("dtstamp", stamp)
        vevent.add("summary", summary(event))
        vevent.add("dtstart", event.start)
        vevent.add("sequence", conference.sequence)
        vevent.add("status", "CANCELLED" if conference.cancelled else "CONFIRMED")
        if event.kind is EventKind.CONFERENCE:
            vevent.add("dtend", event.start + duration)
            if description:
                vevent.add("description", description)
            if conference.lieu:
                vevent.add("location", conference.lieu)
        else:
            vevent.add("dtend", event.start + ONE_DAY)
            vevent.add("transp", "TRANSPARENT")
        calendar.add_component(vevent)
    year = timedelta(days=366)
    calendar.add_missing_timezones(first_date=conference.day - year, last_date=conference.day + year)
    return calendar.to_ical()

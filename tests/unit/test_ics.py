"""The iCalendar file of a conference: read back with the library, TZID Europe/Paris, DTEND from the duration,
all-day deadlines, stable UIDs under the configured domain, SEQUENCE, STATUS, the ordre du jour as DESCRIPTION,
DTSTAMP from the injected clock."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time, timedelta, timezone

import icalendar
import pytest

from tests.cast import FAURY
from tno_bot.domain.agenda import AgendaRules, Conference, OrdreDuJour, timeline
from tno_bot.domain.calendar import PARIS
from tno_bot.domain.ics import CalendarEvent, EventKind, calendar_events, conference_ics

UTC = timezone.utc
RULES = AgendaRules()
CONF = Conference(7, date(2025, 11, 7), time(14, 30), "Hôtel de la Métropole, Lyon")
COMITE = {"comite_technique"}
DOMAIN = "tno.example"


class FixedClock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


CLOCK = FixedClock(datetime(2025, 9, 1, 10, 0, tzinfo=PARIS))


def summary(event: CalendarEvent) -> str:
    return {EventKind.CONFERENCE: "Conférence intercommunale", EventKind.NOTICE: "Envoi de l'ordre du jour",
            EventKind.REPLY_WINDOW: f"Fin des réponses (version {event.version})"}[event.kind]


def proposed() -> OrdreDuJour:
    return OrdreDuJour().ajouter("Budget 2024", roles=COMITE).envoyer(
        by=FAURY, roles=COMITE, now=datetime(2025, 10, 1, 10, tzinfo=PARIS), conference=CONF,
        rules=RULES)


def read(conference=CONF, odj=None, clock=CLOCK, **kwargs) -> dict[str, icalendar.Event]:
    data = conference_ics(conference, timeline(conference, RULES, odj), summary=summary, clock=clock,
                          uid_domain=DOMAIN, **kwargs)
    assert isinstance(data, bytes)
    calendar = icalendar.Calendar.from_ical(data)
    assert (str(calendar["VERSION"]), str(calendar["PRODID"])) == ("2.0", "-//tno-bot//conference intercommunale//FR")
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_conference_event_in_paris_time():
    events = read()
    conference = events["conference-7@tno.example"]
    start = conference.decoded("DTSTART")
    assert start == datetime(2025, 11, 7, 14, 30, tzinfo=PARIS)
    assert conference["DTSTART"].params["TZID"] == "Europe/Paris"
    assert "TZID=Europe/Paris:20251107T143000" in conference.to_ical().decode()
    assert str(conference["SUMMARY"]) == "Conférence intercommunale"
    assert str(conference["LOCATION"]) == "Hôtel de la Métropole, Lyon"
    assert str(conference["STATUS"]) == "CONFIRMED"
    assert conference.decoded("DTEND") == datetime(2025, 11, 7, 16, 30, tzinfo=PARIS)  # two hours by default
    assert conference.decoded("SEQUENCE") == 0
    assert "DESCRIPTION" not in conference


def test_notice_is_an_all_day_transparent_event():
    notice = read()["conference-7-notice@tno.example"]
    assert notice.decoded("DTSTART") == date(2025, 10, 8)
    assert notice.decoded("DTEND") == date(2025, 10, 9)
    assert str(notice["TRANSP"]) == "TRANSPARENT"
    assert str(notice["SUMMARY"]) == "Envoi de l'ordre du jour"


def test_reply_window_appears_once_sent_with_its_version():
    assert set(read()) == {"conference-7@tno.example", "conference-7-notice@tno.example"}
    events = read(odj=proposed())
    window = events["conference-7-reply-window-v1@tno.example"]
    assert window.decoded("DTSTART") == date(2025, 10, 16)
    assert str(window["SUMMARY"]) == "Fin des réponses (version 1)"


def test_dtstamp_comes_from_the_clock_in_utc_and_uids_are_stable():
    first = read()
    later = read(clock=FixedClock(datetime(2025, 9, 2, 8, 0, tzinfo=UTC)))
    assert set(first) == set(later)
    assert {e.decoded("DTSTAMP") for e in first.values()} == {datetime(2025, 9, 1, 8, 0, tzinfo=UTC)}
    assert {e.decoded("DTSTAMP") for e in later.values()} == {datetime(2025, 9, 2, 8, 0, tzinfo=UTC)}
    assert b"DTSTAMP:20250901T080000Z" in conference_ics(CONF, timeline(CONF, RULES), summary=summary, clock=CLOCK,
                                                         uid_domain=DOMAIN)


def test_moved_conference_keeps_its_uids_with_a_higher_sequence():
    moved = dataclasses.replace(CONF, day=date(2025, 12, 12), start_time=time(10), sequence=1)
    events = read(conference=moved)
    assert set(events) == set(read())
    assert {e.decoded("SEQUENCE") for e in events.values()} == {1}
    assert events["conference-7@tno.example"].decoded("DTSTART") == datetime(2025, 12, 12, 10, 0, tzinfo=PARIS)
    assert events["conference-7-notice@tno.example"].decoded("DTSTART") == date(2025, 11, 12)


def test_cancelled_conference_is_marked_cancelled():
    events = read(conference=dataclasses.replace(CONF, cancelled=True, sequence=2))
    assert {str(e["STATUS"]) for e in events.values()} == {"CANCELLED"}
    assert {e.decoded("SEQUENCE") for e in events.values()} == {2}


def test_the_description_is_the_ordre_du_jour():
    conference = read(description="Ordre du jour fixé.\n1. Budget 2026 ; 10 000 €")["conference-7@tno.example"]
    assert str(conference["DESCRIPTION"]) == "Ordre du jour fixé.\n1. Budget 2026 ; 10 000 €"


def test_duration_sets_the_end_and_no_place_no_location():
    events = read(conference=dataclasses.replace(CONF, lieu=""), duration=timedelta(hours=3, minutes=15))
    conference = events["conference-7@tno.example"]
    assert conference.decoded("DTEND") == datetime(2025, 11, 7, 17, 45, tzinfo=PARIS)
    assert "LOCATION" not in conference


def test_summer_conference_keeps_its_wall_clock_time():
    summer = dataclasses.replace(CONF, day=date(2025, 6, 26))
    start = read(conference=summer)["conference-7@tno.example"].decoded("DTSTART")
    assert start == datetime(2025, 6, 26, 12, 30, tzinfo=UTC)
    assert (start.hour, start.minute) == (14, 30)


def test_events_without_the_library():
    events = calendar_events(CONF, timeline(CONF, RULES, proposed()), DOMAIN)
    assert [(e.kind, e.start, e.version) for e in events] == [
        (EventKind.CONFERENCE, datetime(2025, 11, 7, 14, 30, tzinfo=PARIS), None),
        (EventKind.NOTICE, date(2025, 10, 8), None),
        (EventKind.REPLY_WINDOW, date(2025, 10, 16), 1),
    ]


def test_refusals():
    with pytest.raises(ValueError, match="id"):
        calendar_events(dataclasses.replace(CONF, id=None), timeline(CONF, RULES), DOMAIN)
    with pytest.raises(ValueError, match="timezone-aware"):
        conference_ics(CONF, timeline(CONF, RULES), summary=summary, clock=lambda: datetime(2025, 9, 1),
                       uid_domain=DOMAIN)

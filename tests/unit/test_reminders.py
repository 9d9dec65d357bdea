"""The reminder plan: who is pinged when, in every state of the agenda, across both daylight-saving changes, and
what a reminder that fell due during an outage is still worth."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time

import pytest

from tests.cast import BAUME, FAURY
from tests.harness import paris, utc
from tno_bot.domain.agenda import AgendaRules, Conference, OrdreDuJour, notice_deadline
from tno_bot.domain.calendar import PARIS
from tno_bot.domain.reminders import EVERYONE, Reminder, ReminderKind, ReminderSettings, reminder_plan

RULES = AgendaRules()
SETTINGS = ReminderSettings()
ANY_DAY = ReminderSettings(on_days_off=True)  # the daylight-saving tests fall on Sundays
CONF = Conference(1, date(2025, 11, 7), time(14, 30))  # notice: Wednesday 8 October 2025
COMITE, REPRESENTANT = {"comite_technique"}, {"representant"}


def due(plan) -> dict[str, datetime]:
    return {r.key: r.due_at for r in plan}


def proposed() -> OrdreDuJour:
    """Sent on 1 October 2025: the window ends on Thursday 16 October."""
    return OrdreDuJour().ajouter("Budget 2024", roles=COMITE).envoyer(
        by=FAURY, roles=COMITE, now=paris(2025, 10, 1, 10), conference=CONF, rules=RULES)


def test_plan_before_sending():
    plan = reminder_plan(CONF, OrdreDuJour(), RULES, SETTINGS)
    assert due(plan) == {
        "notice-7d": utc(2025, 10, 1, 7, 0),  # 09:00 summer time
        "notice-1d": utc(2025, 10, 7, 7, 0),
        "eve": utc(2025, 11, 6, 8, 0),  # 09:00 winter time
        "morning": utc(2025, 11, 7, 7, 0),  # 08:00 winter time
    }
    assert list(due(plan)) == ["notice-7d", "notice-1d", "eve", "morning"]  # sorted by due time
    notice = notice_deadline(CONF, RULES)
    seven = plan[0]
    assert seven == Reminder("notice-7d", ReminderKind.NOTICE, utc(2025, 10, 1, 7, 0), ("comite_technique",),
                             notice.closes_at(), notice)
    assert seven.announces == utc(2025, 10, 8, 22, 0)
    eve, morning = plan[2], plan[3]
    assert eve.roles == morning.roles == EVERYONE == ("president", "secretariat", "comite_technique", "representant")
    assert eve.announces == morning.announces == CONF.starts_at == utc(2025, 11, 7, 13, 30)
    assert (eve.kind, morning.kind, eve.deadline, eve.version) == (ReminderKind.EVE, ReminderKind.MORNING, None, None)


def test_plan_without_agenda_yet_is_the_same():
    assert reminder_plan(CONF, None, RULES, SETTINGS) == reminder_plan(CONF, OrdreDuJour(), RULES, SETTINGS)


def test_plan_once_proposed_pings_the_representatives_before_the_window_closes():
    odj = proposed()
    plan = reminder_plan(CONF, odj, RULES, SETTINGS)
    assert list(due(plan)) == ["window-3d-v1", "eve", "morning"]
    window = plan[0]
    assert window.due_at == utc(2025, 10, 13, 7, 0)
    assert (window.kind, window.roles, window.version) == (ReminderKind.WINDOW, ("representant",), 1)
    assert window.deadline == odj.current.window and window.announces == utc(2025, 10, 16, 22, 0)


def test_plan_after_an_avis_still_reminds_the_window():
    odj = proposed().donner_avis("Objection", by=BAUME, roles=REPRESENTANT, now=paris(2025, 10, 2))
    assert list(due(reminder_plan(CONF, odj, RULES, SETTINGS))) == ["window-3d-v1", "eve", "morning"]


def test_plan_while_amending_has_neither_notice_nor_window_reminders():
    odj = proposed().donner_avis("Objection", by=BAUME, roles=REPRESENTANT, now=paris(2025, 10, 2))
    odj = odj.amender(roles=COMITE)
    assert list(due(reminder_plan(CONF, odj, RULES, SETTINGS))) == ["eve", "morning"]
    v2 = odj.envoyer(by=FAURY, roles=COMITE, now=paris(2025, 10, 10, 9), conference=CONF, rules=RULES)
    assert due(reminder_plan(CONF, v2, RULES, SETTINGS))["window-3d-v2"] == utc(2025, 10, 22, 7, 0)


def test_plan_once_fixed_keeps_the_conference_reminders():
    odj = proposed().fixer_tacitement(paris(2025, 10, 17))
    assert list(due(reminder_plan(CONF, odj, RULES, SETTINGS))) == ["eve", "morning"]


def test_cancelled_conference_has_no_reminder():
    assert reminder_plan(dataclasses.replace(CONF, cancelled=True), None, RULES, SETTINGS) == ()


def test_moved_conference_keeps_its_keys_with_new_times():
    moved = dataclasses.replace(CONF, day=date(2025, 12, 12), start_time=time(10))
    before, after = reminder_plan(CONF, None, RULES, SETTINGS), reminder_plan(moved, None, RULES, SETTINGS)
    assert [r.key for r in before] == [r.key for r in after]
    assert due(after) == {
        "notice-7d": utc(2025, 11, 5, 8, 0),
        "notice-1d": utc(2025, 11, 10, 8, 0),  # 11 November is a holiday: the Monday before, same hour
        "eve": utc(2025, 12, 11, 8, 0),
        "morning": utc(2025, 12, 12, 7, 0),
    }


def test_spring_change():
    """Notice on Sunday 6 April 2025: 7 days before is 30 March, the day clocks go forward."""
    plan = reminder_plan(Conference(2, date(2025, 5, 6), time(10)), None, RULES, ANY_DAY)
    assert due(plan)["notice-7d"] == utc(2025, 3, 30, 7, 0)
    assert due(plan)["notice-7d"].astimezone(PARIS).hour == 9
    winter = reminder_plan(Conference(3, date(2025, 4, 25), time(10)), None, RULES, ANY_DAY)
    assert due(winter)["notice-7d"] == utc(2025, 3, 19, 8, 0)  # still winter time: 09:00 is 08:00 UTC


def test_autumn_change():
    """Conference on Sunday 26 October 2025, the day clocks go back: eve in summer time, morning in winter time."""
    plan = reminder_plan(Conference(2, date(2025, 10, 26), time(14)), None, RULES, ANY_DAY)
    assert due(plan)["eve"] == utc(2025, 10, 25, 7, 0)
    assert due(plan)["morning"] == utc(2025, 10, 26, 7, 0)
    assert [due(plan)[k].astimezone(PARIS).hour for k in ("eve", "morning")] == [9, 8]


def test_custom_settings():
    settings = ReminderSettings(notice_days_before=(14,), window_days_before=(5, 1), hour=time(10, 30),
                                conference_eve=False, conference_morning=False)
    assert due(reminder_plan(CONF, None, RULES, settings)) == {"notice-14d": utc(2025, 9, 24, 8, 30)}
    assert due(reminder_plan(CONF, proposed(), RULES, settings)) == {
        "window-5d-v1": utc(2025, 10, 10, 8, 30),  # Saturday 11 October: the Friday before, same hour
        "window-1d-v1": utc(2025, 10, 15, 8, 30),
    }


def test_morning_reminder_only_before_the_conference_starts():
    early = Conference(2, date(2025, 11, 7), time(8, 0))
    assert "morning" not in due(reminder_plan(early, None, RULES, SETTINGS))
    assert "morning" in due(reminder_plan(dataclasses.replace(early, start_time=time(8, 1)), None, RULES, SETTINGS))


def test_reminders_follow_an_extended_deadline():
    rules = AgendaRules(extend_to_working_day=True)
    conference = Conference(2, date(2025, 12, 1), time(14))  # D-30: Toussaint, a Saturday -> Friday 31 October
    plan = reminder_plan(conference, None, rules, SETTINGS)
    assert due(plan)["notice-1d"] == utc(2025, 10, 30, 8, 0)
    assert plan[0].announces == utc(2025, 10, 31, 23, 0)


def test_a_reminder_missed_during_an_outage():
    seven = reminder_plan(CONF, None, RULES, SETTINGS)[0]  # due 1 October, announces the close of 8 October
    assert seven.is_still_relevant(paris(2025, 10, 5))  # bot back before the deadline: send it once
    assert seven.is_still_relevant(paris(2025, 10, 8, 23, 59))
    assert not seven.is_still_relevant(paris(2025, 10, 9, 0, 0))  # too late: recorded as missed
    morning = reminder_plan(CONF, None, RULES, SETTINGS)[-1]
    assert morning.is_still_relevant(utc(2025, 11, 7, 13, 29))
    assert not morning.is_still_relevant(utc(2025, 11, 7, 13, 30))
    with pytest.raises(ValueError):
        morning.is_still_relevant(datetime(2025, 11, 7, 9, 0))


def test_a_reminder_on_a_day_off_moves_to_the_previous_working_day_at_the_same_hour():
    monday = Conference(2, date(2025, 11, 10), time(14))  # eve: Sunday 9 November
    assert due(reminder_plan(monday, None, RULES, SETTINGS))["eve"] == paris(2025, 11, 7, 9)  # Friday, 09:00
    assert due(reminder_plan(monday, None, RULES, ANY_DAY))["eve"] == paris(2025, 11, 9, 9)  # configured: Sunday


def test_a_conference_on_a_holiday_has_its_eve_reminder_on_a_working_day_and_no_morning_one():
    christmas = Conference(2, date(2025, 12, 25), time(10))  # Thursday 25 December
    plan = due(reminder_plan(christmas, None, RULES, SETTINGS))
    assert plan["eve"] == paris(2025, 12, 24, 9) and "morning" not in plan
    assert "morning" in due(reminder_plan(christmas, None, RULES, ANY_DAY))


def test_no_reply_reminder_after_a_short_notice_conference():
    """Sent on 1 March 2024 for Monday 11 March: the window ends on the eve, Sunday 10 March; its D-3 reminder is
    on Thursday 7 March, never on 13 March."""
    conference = Conference(2, date(2024, 3, 11), time(14))
    odj = OrdreDuJour().ajouter("Budget", roles=COMITE).envoyer(
        by=FAURY, roles={"president"}, now=paris(2024, 3, 1, 10), conference=conference, rules=RULES, hors_delai=True)
    assert odj.current.window.effective == date(2024, 3, 10) and odj.current.window.capped
    plan = reminder_plan(conference, odj, RULES, SETTINGS)
    assert due(plan)["window-3d-v1"] == paris(2024, 3, 7, 9)
    assert all(r.due_at < conference.starts_at for r in plan)

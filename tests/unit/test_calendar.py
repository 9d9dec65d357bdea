"""Calendar: French public holidays (known dates, Easter-based ones cross-checked), working days, deadlines
across month ends and leap years, day boundaries and wall-clock hours across both daylight-saving changes."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from tests.harness import UTC, utc
from tno_bot.domain.calendar import (
    PARIS,
    DayOff,
    Deadline,
    at_local,
    day_off,
    deadline,
    end_of_day,
    french_holidays,
    holiday_name,
    is_working_day,
    local_date,
    next_working_day,
    require_aware,
    start_of_day,
)

def easter(year: int) -> date:
    """Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher), to cross-check the library."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 (the algorithm's name)
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day + 1)


# --- holidays ----------------------------------------------------------------------------------------------------

KNOWN_EASTER_BASED = {  # year: (Easter Monday, Ascension, Whit Monday), from published calendars
    2022: (date(2022, 4, 18), date(2022, 5, 26), date(2022, 6, 6)),
    2023: (date(2023, 4, 10), date(2023, 5, 18), date(2023, 5, 29)),
    2024: (date(2024, 4, 1), date(2024, 5, 9), date(2024, 5, 20)),
    2025: (date(2025, 4, 21), date(2025, 5, 29), date(2025, 6, 9)),
    2026: (date(2026, 4, 6), date(2026, 5, 14), date(2026, 5, 25)),
    2027: (date(2027, 3, 29), date(2027, 5, 6), date(2027, 5, 17)),
    2028: (date(2028, 4, 17), date(2028, 5, 25), date(2028, 6, 5)),
}


@pytest.mark.parametrize("year", sorted(KNOWN_EASTER_BASED))
def test_holidays_of_known_years(year):
    lundi_de_paques, ascension, pentecote = KNOWN_EASTER_BASED[year]
    fixed = {date(year, m, d) for m, d in ((1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25))}
    assert set(french_holidays(year)) == fixed | {lundi_de_paques, ascension, pentecote}
    assert len(french_holidays(year)) == 11
    assert holiday_name(lundi_de_paques) == "Lundi de Pâques"
    assert holiday_name(ascension) == "Ascension"
    assert holiday_name(pentecote) == "Lundi de Pentecôte"


def test_holiday_names_in_french_and_english():
    holidays = french_holidays(2025)
    assert holidays[date(2025, 1, 1)] == "Jour de l'an"
    assert holidays[date(2025, 7, 14)] == "Fête nationale"
    assert holidays[date(2025, 11, 1)] == "Toussaint"
    assert holidays[date(2025, 12, 25)] == "Noël"
    assert french_holidays(2025, "en")[date(2025, 4, 21)] == "Easter Monday"
    assert holiday_name(date(2025, 6, 9), "en") == "Pentecost Monday"
    assert holiday_name(date(2025, 6, 10)) is None


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="de"):
        french_holidays(2025, "de")


@pytest.mark.parametrize("year", range(2008, 2101))
def test_easter_based_holidays_follow_easter(year):
    sunday = easter(year)
    holidays = french_holidays(year)
    for offset in (1, 39, 50):  # Easter Monday, Ascension (Thursday), Whit Monday
        assert sunday + timedelta(days=offset) in holidays
    assert not any(d.month == 12 and d.day == 26 for d in holidays)  # Saint-Étienne: Alsace-Moselle only


def test_two_holidays_on_one_day():
    """1 May 2008 was also Ascension: one day, both names."""
    assert holiday_name(date(2008, 5, 1)) == "Ascension; Fête du Travail"
    assert len(french_holidays(2008)) == 10


def test_holidays_are_a_fresh_dict_each_time():
    french_holidays(2025).clear()
    assert len(french_holidays(2025)) == 11


# --- working days ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "why", "following"),
    [
        (date(2025, 11, 5), None, date(2025, 11, 5)),  # Wednesday
        (date(2025, 5, 31), DayOff.SATURDAY, date(2025, 6, 2)),
        (date(2025, 6, 1), DayOff.SUNDAY, date(2025, 6, 2)),
        (date(2025, 6, 7), DayOff.SATURDAY, date(2025, 6, 10)),  # Saturday, Sunday, then Whit Monday
        (date(2025, 4, 19), DayOff.SATURDAY, date(2025, 4, 22)),  # Easter weekend then Easter Monday
        (date(2025, 11, 1), DayOff.HOLIDAY, date(2025, 11, 3)),  # Toussaint on a Saturday: the holiday wins
        (date(2024, 7, 14), DayOff.HOLIDAY, date(2024, 7, 15)),  # Fête nationale on a Sunday
        (date(2025, 5, 29), DayOff.HOLIDAY, date(2025, 5, 30)),  # Ascension: the "pont" Friday is worked
        (date(2025, 12, 25), DayOff.HOLIDAY, date(2025, 12, 26)),
        (date(2026, 12, 31), None, date(2026, 12, 31)),
        (date(2027, 12, 31), None, date(2027, 12, 31)),  # Friday
        (date(2022, 12, 31), DayOff.SATURDAY, date(2023, 1, 2)),  # across the year and New Year's Day
        (date(2028, 2, 29), None, date(2028, 2, 29)),  # leap day, a Tuesday
    ],
)
def test_working_days(day, why, following):
    assert day_off(day) is why
    assert is_working_day(day) is (why is None)
    assert next_working_day(day) == following


# --- deadlines ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "days", "due"),
    [
        (date(2025, 3, 30), -30, date(2025, 2, 28)),
        (date(2024, 3, 30), -30, date(2024, 2, 29)),  # leap year
        (date(2028, 3, 30), -30, date(2028, 2, 29)),  # leap year
        (date(2024, 3, 1), -30, date(2024, 1, 31)),
        (date(2025, 3, 1), -30, date(2025, 1, 30)),
        (date(2023, 1, 15), -30, date(2022, 12, 16)),  # across the year
        (date(2022, 11, 7), -30, date(2022, 10, 8)),  # the conference of the seed documents
        (date(2025, 1, 20), 15, date(2025, 2, 4)),
        (date(2024, 2, 20), 15, date(2024, 3, 6)),  # February of a leap year
        (date(2025, 2, 20), 15, date(2025, 3, 7)),
        (date(2028, 2, 14), 15, date(2028, 2, 29)),
        (date(2025, 12, 20), 15, date(2026, 1, 4)),
    ],
)
def test_calendar_days_across_month_ends_and_leap_years(base, days, due):
    assert deadline(base, days).due == due


def test_deadline_on_a_working_day():
    d = deadline(date(2025, 11, 7), -30)
    assert d == Deadline(date(2025, 11, 7), -30, date(2025, 10, 8), None, None, date(2025, 10, 8), False,
                         date(2025, 10, 8))
    assert d.effective == date(2025, 10, 8) and not d.moved


def test_deadline_on_a_saturday_is_shown_with_the_next_working_day_but_does_not_move_by_default():
    d = deadline(date(2025, 12, 20), 15)  # Sunday 4 January 2026
    assert (d.due, d.day_off, d.holiday, d.next_working_day) == (date(2026, 1, 4), DayOff.SUNDAY, None,
                                                                 date(2026, 1, 5))
    assert d.effective == date(2026, 1, 4) and not d.moved
    assert d.closes_at() == utc(2026, 1, 4, 23, 0)  # midnight in Paris, as a UTC instant


def test_deadline_extended_to_the_next_working_day():
    d = deadline(date(2025, 5, 23), 15, extend_to_working_day=True)  # Saturday 7 June 2025, Whit Monday after
    assert d.due == date(2025, 6, 7) and d.day_off is DayOff.SATURDAY
    assert d.effective == date(2025, 6, 10) and d.moved
    assert d.closes_at() == datetime(2025, 6, 11, tzinfo=PARIS).astimezone(UTC)


def test_deadline_on_a_holiday_names_it():
    d = deadline(date(2025, 12, 1), -30, extend_to_working_day=True)  # Saturday 1 November 2025
    assert (d.day_off, d.holiday, d.effective) == (DayOff.HOLIDAY, "Toussaint", date(2025, 10, 31))  # earlier


def test_extension_on_a_working_day_changes_nothing():
    d = deadline(date(2025, 11, 7), -30, extend_to_working_day=True)
    assert d.extended and not d.moved and d.effective == d.due


def test_deadline_is_open_until_the_end_of_its_last_day():
    d = deadline(date(2025, 11, 7), -30)  # 8 October 2025, summer time
    assert d.is_open(datetime(2025, 10, 8, 23, 59, 59, 999999, tzinfo=PARIS))
    assert not d.is_open(datetime(2025, 10, 9, 0, 0, tzinfo=PARIS))
    assert d.is_open(utc(2025, 10, 8, 21, 59, 59))
    assert not d.is_open(utc(2025, 10, 8, 22, 0))
    with pytest.raises(ValueError, match="timezone-aware"):
        d.is_open(datetime(2025, 10, 8, 12, 0))


# --- day boundaries and hours across daylight-saving changes -------------------------------------------------------


def test_day_boundaries_in_winter_and_summer():
    assert end_of_day(date(2025, 1, 15)) == utc(2025, 1, 15, 23, 0)
    assert end_of_day(date(2025, 7, 15)) == utc(2025, 7, 15, 22, 0)
    assert start_of_day(date(2025, 7, 15)) == utc(2025, 7, 14, 22, 0)


def test_spring_change_day_lasts_23_hours():
    day = date(2025, 3, 30)  # last Sunday of March: 02:00 -> 03:00
    assert start_of_day(day) == utc(2025, 3, 29, 23, 0)
    assert end_of_day(day) == utc(2025, 3, 30, 22, 0)
    assert end_of_day(day) - start_of_day(day) == timedelta(hours=23)


def test_autumn_change_day_lasts_25_hours():
    day = date(2025, 10, 26)  # last Sunday of October: 03:00 -> 02:00
    assert start_of_day(day) == utc(2025, 10, 25, 22, 0)
    assert end_of_day(day) == utc(2025, 10, 26, 23, 0)
    assert end_of_day(day) - start_of_day(day) == timedelta(hours=25)


@pytest.mark.parametrize(
    ("day", "instant"),
    [
        (date(2025, 3, 29), utc(2025, 3, 29, 8, 0)),  # winter time, UTC+1
        (date(2025, 3, 30), utc(2025, 3, 30, 7, 0)),  # summer time from that morning, UTC+2
        (date(2025, 10, 25), utc(2025, 10, 25, 7, 0)),
        (date(2025, 10, 26), utc(2025, 10, 26, 8, 0)),  # back to winter time
        (date(2024, 3, 31), utc(2024, 3, 31, 7, 0)),
        (date(2024, 10, 27), utc(2024, 10, 27, 8, 0)),
    ],
)
def test_nine_o_clock_in_paris_across_both_changes(day, instant):
    at = at_local(day, time(9, 0))
    assert at == instant and at.tzinfo is UTC
    local = at.astimezone(PARIS)
    assert (local.date(), local.hour, local.minute) == (day, 9, 0)


def test_wall_clock_times_skipped_or_repeated_by_the_changes():
    assert at_local(date(2025, 3, 30), time(2, 30)) == utc(2025, 3, 30, 1, 30)  # 03:30 summer time
    assert at_local(date(2025, 3, 30), time(2, 30)).astimezone(PARIS).hour == 3
    assert at_local(date(2025, 10, 26), time(2, 30)) == utc(2025, 10, 26, 0, 30)  # first 02:30 (summer time)


def test_local_date_and_naive_datetimes():
    assert local_date(utc(2025, 3, 29, 23, 30)) == date(2025, 3, 30)
    assert local_date(utc(2025, 7, 14, 21, 59)) == date(2025, 7, 14)
    assert local_date(utc(2025, 7, 14, 22, 0)) == date(2025, 7, 15)
    with pytest.raises(ValueError):
        local_date(datetime(2025, 7, 14, 12, 0))
    aware = utc(2025, 1, 1)
    assert require_aware(aware) is aware


def test_a_backward_deadline_on_a_day_off_moves_earlier_and_shows_its_real_count():
    """Art. 642 CPC extends deadlines counted forward; a D-30 moved later would shorten the notice."""
    d = deadline(date(2027, 1, 24), -30, extend_to_working_day=True)  # Friday 25 December 2026, Noël
    assert (d.due, d.holiday, d.effective, d.count) == (date(2026, 12, 25), "Noël", date(2026, 12, 24), -31)
    kept = deadline(date(2027, 1, 24), -30)
    assert (kept.effective, kept.count, kept.working_day) == (date(2026, 12, 25), -30, date(2026, 12, 24))


def test_a_forward_deadline_is_capped_by_its_latest_day():
    d = deadline(date(2024, 3, 1), 15, latest=date(2024, 3, 10))
    assert (d.due, d.effective, d.capped) == (date(2024, 3, 16), date(2024, 3, 10), True)
    assert not deadline(date(2024, 3, 1), 5, latest=date(2024, 3, 10)).capped

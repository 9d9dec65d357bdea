"""Calendar days in Europe/Paris: French public holidays, working days, deadlines and their end instants.

Deadlines count calendar days (``base + days``; D-30 is ``days=-30``). A deadline ending on a Saturday, a Sunday
or a public holiday says so and knows the working day it may move to; whether it moves there is the caller's choice
(`extend_to_working_day`). Art. 642 CPC extends a deadline counted forward to the next working day; a deadline
counted backward (D-30 before a conference) is never moved later, or it would shorten the notice: it moves to the
previous working day. A deadline may also be capped by a `latest` day (a reply window ends at the latest on the eve
of its conference). A day ends at the first instant of the next day, local time, so
"open" means ``now < closes_at`` and both daylight-saving changes are handled by zoneinfo.

Every instant returned is an aware datetime in UTC: Python compares and subtracts two datetimes sharing one
ZoneInfo by their wall-clock fields, which is wrong across a daylight-saving change; UTC instants are always safe.
Convert to Europe/Paris only to display them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from enum import Enum
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

PARIS = ZoneInfo("Europe/Paris")
ONE_DAY = timedelta(days=1)
HOLIDAY_LANGUAGES = {"fr": "fr", "en": "en_US"}

Clock = Callable[[], datetime]  # returns an aware "now"; injected everywhere time matters


class DayOff(str, Enum):
    """Why a day is not a working day; a holiday wins over the weekend (the full date already names the day)."""

    SATURDAY = "saturday"
    SUNDAY = "sunday"
    HOLIDAY = "holiday"


@lru_cache(maxsize=None)
def _holidays(year: int, language: str) -> tuple[tuple[date, str], ...]:
    calendar = holidays.France(years=year, language=HOLIDAY_LANGUAGES[language])
    return tuple(sorted(calendar.items()))


def french_holidays(year: int, language: str = "fr") -> dict[date, str]:
    """Public holidays of metropolitan France in `year` (1 Jan, Easter Monday, 1 and 8 May, Ascension,
    Whit Monday, 14 July, 15 Aug, 1 and 11 Nov, 25 Dec), date -> name in `language` ("fr" or "en").

    Two holidays on one day (1 May 2008 was also Ascension) share one entry, names joined by "; ".
    Unknown language -> ValueError.
    """
    if language not in HOLIDAY_LANGUAGES:
        raise ValueError(f"unsupported language {language!r}; expected one of {', '.join(HOLIDAY_LANGUAGES)}")
    return dict(_holidays(year, language))


def holiday_name(day: date, language: str = "fr") -> str | None:
    """The holiday's name when `day` is a public holiday, else None."""
    return french_holidays(day.year, language).get(day)


def day_off(day: date) -> DayOff | None:
    """Why `day` is not a working day, or None when it is one."""
    if day in french_holidays(day.year):
        return DayOff.HOLIDAY
    return {5: DayOff.SATURDAY, 6: DayOff.SUNDAY}.get(day.weekday())


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a public holiday."""
    return day_off(day) is None


def next_working_day(day: date) -> date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += ONE_DAY
    return day


def previous_working_day(day: date) -> date:
    """`day` itself when it is a working day, else the last working day before it."""
    while not is_working_day(day):
        day -= ONE_DAY
    return day


def start_of_day(day: date, tz: ZoneInfo = PARIS) -> datetime:
    """Midnight at the start of `day` in `tz`, as a UTC instant."""
    return at_local(day, time(0), tz)


def end_of_day(day: date, tz: ZoneInfo = PARIS) -> datetime:
    """The first instant after `day`, local time (midnight of the next day): a day is open while now < this."""
    return start_of_day(day + ONE_DAY, tz)


def at_local(day: date, hour: time, tz: ZoneInfo = PARIS) -> datetime:
    """`day` at the wall-clock `hour` in `tz`, as a UTC instant; a time skipped by the spring change lands one
    hour later, a time repeated in autumn is its first occurrence."""
    return datetime.combine(day, hour, tz).astimezone(timezone.utc)


def local_date(instant: datetime, tz: ZoneInfo = PARIS) -> date:
    """The calendar day of an aware instant in `tz`."""
    return require_aware(instant).astimezone(tz).date()


def require_aware(instant: datetime) -> datetime:
    """`instant` unchanged; ValueError when it is naive."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"a timezone-aware datetime is required (got naive {instant.isoformat()})")
    return instant


@dataclass(frozen=True)
class Deadline:
    """A deadline counted in calendar days: `due` = `base` + `days` (negative days count backwards)."""

    base: date
    days: int
    due: date
    day_off: DayOff | None  # why `due` is not a working day, None when it is one
    holiday: str | None  # French name of the holiday `due` falls on
    next_working_day: date  # `due` itself when it is a working day
    extended: bool  # the deadline moves to `working_day` (extend_to_working_day)
    previous_working_day: date | None = None  # `due` itself when it is a working day
    latest: date | None = None  # the deadline ends at the latest on this day (the eve of a conference)

    @property
    def backward(self) -> bool:
        """Counted backward from `base` (D-30): it may only move earlier."""
        return self.days < 0

    @property
    def working_day(self) -> date:
        """Where a deadline ending on a day off may move: the next working day forward (art. 642 CPC), the previous
        one backward (moving a D-30 later would shorten the notice)."""
        if self.backward:
            return self.previous_working_day or previous_working_day(self.due)
        return self.next_working_day

    @property
    def effective(self) -> date:
        """The last day of the deadline once the working-day rule and the cap are applied."""
        day = self.working_day if self.extended else self.due
        return min(day, self.latest) if self.latest is not None else day

    @property
    def capped(self) -> bool:
        """The cap (`latest`) ends the deadline before its counted day."""
        return self.latest is not None and self.latest < (self.working_day if self.extended else self.due)

    @property
    def count(self) -> int:
        """The real count from `base` to the effective day (-30 for D-30; -31 once moved one day earlier)."""
        return (self.effective - self.base).days

    @property
    def moved(self) -> bool:
        """The effective day differs from the counted one."""
        return self.effective != self.due

    def closes_at(self, tz: ZoneInfo = PARIS) -> datetime:
        """First instant after the effective day: the deadline is still open while now < closes_at."""
        return end_of_day(self.effective, tz)

    def is_open(self, now: datetime, tz: ZoneInfo = PARIS) -> bool:
        return require_aware(now) < self.closes_at(tz)


def deadline(base: date, days: int, extend_to_working_day: bool = False, latest: date | None = None) -> Deadline:
    """The deadline `days` calendar days after `base` (before it when negative), ending at the latest on `latest`."""
    due = base + timedelta(days=days)
    return Deadline(
        base=base,
        days=days,
        due=due,
        day_off=day_off(due),
        holiday=holiday_name(due),
        next_working_day=next_working_day(due),
        extended=extend_to_working_day,
        previous_working_day=previous_working_day(due),
        latest=latest,
    )

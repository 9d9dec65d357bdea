"""The main file's rules and settings: `[rules]`, `[reminders]`, `[ratification]`, `[open_data]` and `[service]`.

`[rules]`: the readings of the conference's rules are optional booleans (`extend_to_working_day`,
`agenda_notice_franc`, `pouvoir_across_members`, `pouvoir_suppleant`, default false; `avis_favorable_bloque`,
default true), `presidence_absent` (`presidency.PRESIDENCES`) and `decision_rule` (`voting.RULES`).
Agenda deadlines: `[rules]` (notice, reply window, optional `extend_to_working_day` and `agenda_notice_franc`) and the optional `[reminders]`
table (offsets in days, wall-clock hours), every key defaulting to `ReminderSettings`. Ratification: the optional
`[ratification]` table (`reminder_interval_days`, `reminder_hour`), defaulting to `RatificationSettings`. How the
bot runs: the optional `[service]` table, defaulting to `ServiceSettings`.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from tno_bot.config.models import CalendarSettings, OpenDataSettings, RatificationSettings, Rules, ServiceSettings
from tno_bot.config.reader import Reader
from tno_bot.domain import presidency, voting
from tno_bot.domain.reminders import ReminderSettings

DECISION_RULES = voting.RULES  # the readings of "unanimité" (domain/voting.py)
PRESIDENCES = presidency.PRESIDENCES  # who presides in the président's absence (domain/presidency.py)
MATIERE_CODE = re.compile(r"[1-9]\.[0-9]{1,2}")  # level 2 of the ACTES nomenclature
LOG_LEVELS = ("debug", "info", "warning", "error")
LOG_FORMATS = ("text", "json")
AVATAR_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
_SERVICE = ("log_level", "log_format", "health_host", "health_port", "display_name", "avatar")
_RULES = ("agenda_notice_days", "reply_window_days", "quorum_per_member", "max_proxies_per_holder", "decision_rule")


def read_rules(r: Reader, data: dict) -> Rules | None:
    """`[rules]`: the conference's rules of procedure and deadlines."""
    optional = ("extend_to_working_day", "agenda_notice_franc", "pouvoir_across_members", "presidence_absent",
                "avis_favorable_bloque", "pouvoir_suppleant")
    if "rules" not in data or (table := r.table(data["rules"], "rules", _RULES, optional)) is None:
        return None
    minimum = {"quorum_per_member": 1}
    days = "a whole number of calendar days from 0 to 366"
    maximum = {"agenda_notice_days": (366, days), "reply_window_days": (366, days)}
    values = [r.integer(table, name, "rules", minimum.get(name, 0), *maximum.get(name, (None, None)))
              for name in _RULES[:-1]]
    values.append(r.choice(table, "decision_rule", "rules", DECISION_RULES))
    values.append(r.boolean(table, "extend_to_working_day", "rules", default=False))
    values.append(r.boolean(table, "agenda_notice_franc", "rules", default=False))
    values.append(r.boolean(table, "pouvoir_across_members", "rules", default=False))
    values.append(r.choice(table, "presidence_absent", "rules", PRESIDENCES, "vice_president"))
    values.append(r.boolean(table, "avis_favorable_bloque", "rules", default=True))
    values.append(r.boolean(table, "pouvoir_suppleant", "rules", default=False))
    return None if None in values else Rules(*values)


def check_quorum(r: Reader, rules: Rules, member_ids: list[str], people) -> None:
    """`rules.quorum_per_member`: a quorum every member can reach with its representatives of `[[people]]`."""
    counts = {m: sum(1 for p in people if p.member == m) for m in member_ids}
    short = [f"{m!r} has {n}" for m, n in counts.items() if n < rules.quorum_per_member]
    if short:
        r.add("rules.quorum_per_member", f"at most the number of representatives of each member in [[people]] "
                                         f"({', '.join(short)}; got {rules.quorum_per_member})")


def read_reminders(r: Reader, data: dict) -> ReminderSettings | None:
    """The optional `[reminders]` table; every key defaults to ReminderSettings'."""
    d = ReminderSettings()
    table = r.table(data.get("reminders", {}), "reminders", optional=(
        "notice_days_before", "window_days_before", "hour", "conference_eve", "conference_morning",
        "conference_morning_hour", "on_days_off"))
    if table is None:
        return None
    values = (
        r.day_offsets(table, "notice_days_before", "reminders", d.notice_days_before),
        r.day_offsets(table, "window_days_before", "reminders", d.window_days_before),
        r.clock_time(table, "hour", "reminders", d.hour),
        r.boolean(table, "conference_eve", "reminders", d.conference_eve),
        r.boolean(table, "conference_morning", "reminders", d.conference_morning),
        r.clock_time(table, "conference_morning_hour", "reminders", d.conference_morning_hour),
        r.boolean(table, "on_days_off", "reminders", d.on_days_off),
    )
    return None if None in values else ReminderSettings(*values)


def read_ratification(r: Reader, data: dict) -> RatificationSettings | None:
    """The optional `[ratification]` table; every key defaults to RatificationSettings'."""
    d = RatificationSettings()
    table = r.table(data.get("ratification", {}), "ratification",
                    optional=("reminder_interval_days", "reminder_hour"))
    if table is None:
        return None
    interval = table.get("reminder_interval_days", d.reminder_interval_days)
    if isinstance(interval, bool) or not isinstance(interval, int) or not 1 <= interval <= 366:
        r.add("ratification.reminder_interval_days", f"a whole number of days from 1 to 366 (got {interval!r})")
        interval = None
    hour = r.clock_time(table, "reminder_hour", "ratification", d.reminder_hour)
    return None if None in (interval, hour) else RatificationSettings(interval, hour)


def read_open_data(r: Reader, data: dict) -> OpenDataSettings:
    """The optional `[open_data]` table: the ACTES matière of the members' deliberations, code and name together."""
    table = r.table(data.get("open_data", {}), "open_data", optional=("matiere_code", "matiere_nom"))
    if table is None:
        return OpenDataSettings()
    code, name = r.text(table, "matiere_code", "open_data"), r.text(table, "matiere_nom", "open_data")
    if code is not None and not MATIERE_CODE.fullmatch(code):
        r.add("open_data.matiere_code", f"a level-2 code of the ACTES nomenclature such as 5.7 (got {code!r})")
    elif (code is None) != (name is None):
        r.add("open_data", "matiere_code and matiere_nom together (the schema asks for both)")
    return OpenDataSettings(code, name)


def read_service(r: Reader, data: dict, config_path: Path) -> ServiceSettings | None:
    """The optional `[service]` table; every key defaults to ServiceSettings'. The avatar must be a readable PNG or
    JPEG file (its path relative to the config file)."""
    d = ServiceSettings()
    table = r.table(data.get("service", {}), "service", optional=_SERVICE)
    if table is None:
        return None
    port = r.integer(table, "health_port", "service", 1, 65535, "a TCP port from 1 to 65535")
    avatar = r.text(table, "avatar", "service")
    if avatar is not None:
        avatar = config_path.parent / avatar
        if avatar.suffix.lower() not in AVATAR_TYPES or not avatar.is_file():
            r.add("service.avatar", f"a PNG or JPEG file, relative to the config file (got {str(avatar)!r})")
            avatar = None
    values = (r.choice(table, "log_level", "service", LOG_LEVELS, d.log_level),
              r.choice(table, "log_format", "service", LOG_FORMATS, d.log_format),
              r.text(table, "health_host", "service", d.health_host))
    name = r.text(table, "display_name", "service")
    if None in values or any(key in table and value is None
                             for key, value in (("health_port", port), ("avatar", avatar), ("display_name", name))):
        return None
    return ServiceSettings(*values, port, name, avatar)


DURATION = re.compile(r"(\d{1,2}):([0-5]\d)")
DOMAIN = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+")


def read_calendar(r: Reader, data: dict) -> CalendarSettings | None:
    """The optional `[calendar]` table: a conference's duration ("HH:MM", 15 minutes to 12 hours) and the UIDs'
    domain."""
    d = CalendarSettings()
    table = r.table(data.get("calendar", {}), "calendar", optional=("conference_duration", "uid_domain"))
    if table is None:
        return None
    value = table.get("conference_duration", "02:00")
    match = DURATION.fullmatch(value) if isinstance(value, str) else None
    duration = timedelta(hours=int(match[1]), minutes=int(match[2])) if match else None
    if duration is None or not timedelta(minutes=15) <= duration <= timedelta(hours=12):
        r.add("calendar.conference_duration", f'a duration "HH:MM" from "00:15" to "12:00" (got {value!r})')
        duration = None
    domain = r.text(table, "uid_domain", "calendar")
    if domain is not None and not DOMAIN.fullmatch(domain):
        r.add("calendar.uid_domain", f"a domain name such as tno.example (got {domain!r})")
        domain = None
    if duration is None or ("uid_domain" in table and domain is None):
        return None
    return CalendarSettings(duration, domain)

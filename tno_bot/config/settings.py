"""The main file's rules and settings: `[rules]`, `[reminders]`, `[ratification]` and `[open_data]`.

`[rules]`: the readings of the conference's rules are optional booleans (`extend_to_working_day`,
`agenda_notice_franc`, `pouvoir_across_members`, default false) and `decision_rule` (`voting.RULES`).
Agenda deadlines: `[rules]` (notice, reply window, optional `extend_to_working_day` and `agenda_notice_franc`) and the optional `[reminders]`
table (offsets in days, wall-clock hours), every key defaulting to `ReminderSettings`. Ratification: the optional
`[ratification]` table (`reminder_interval_days`, `reminder_hour`), defaulting to `RatificationSettings`.
"""

from __future__ import annotations

import re

from tno_bot.config.models import OpenDataSettings, RatificationSettings, Rules
from tno_bot.config.reader import Reader
from tno_bot.domain import voting
from tno_bot.domain.reminders import ReminderSettings

DECISION_RULES = voting.RULES  # the readings of "unanimité" (domain/voting.py)
MATIERE_CODE = re.compile(r"[1-9]\.[0-9]{1,2}")  # level 2 of the ACTES nomenclature
_RULES = ("agenda_notice_days", "reply_window_days", "quorum_per_member", "max_proxies_per_holder", "decision_rule")


def read_rules(r: Reader, data: dict) -> Rules | None:
    """`[rules]`: the conference's rules of procedure and deadlines."""
    if "rules" not in data or (table := r.table(data["rules"], "rules", _RULES,
                                                               ("extend_to_working_day", "agenda_notice_franc",
                                                                "pouvoir_across_members"))) is None:
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

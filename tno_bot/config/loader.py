"""`load_config`: the main file, its sections and the budgets beside it, validated into one `Config`."""

from __future__ import annotations

import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tno_bot.config.budgets import read_budgets
from tno_bot.config.keys import read_key_sets
from tno_bot.config.missions import read_missions
from tno_bot.config.models import Config, ConfigError, ConfigProblem
from tno_bot.config.people import read_members, read_people, read_roles
from tno_bot.config.reader import ROOM, Reader
from tno_bot.config.settings import (
    check_quorum,
    read_calendar,
    read_open_data,
    read_ratification,
    read_reminders,
    read_rules,
    read_service,
)

LOCALES = ("fr", "en")

_MAIN_REQUIRED = ("members", "people", "keys", "rooms", "rules", "timezone", "locale")
_MAIN_OPTIONAL = ("staff", "roles", "budgets_dir", "reminders", "ratification", "open_data", "service", "calendar",
                  "missions")


def default_config_path() -> Path:
    """$TNO_CONFIG, else config/tno.toml if it exists, else config/tno.example.toml (relative to the cwd)."""
    if os.environ.get("TNO_CONFIG"):
        return Path(os.environ["TNO_CONFIG"])
    local = Path("config/tno.toml")
    return local if local.exists() else Path("config/tno.example.toml")


def load_config(path: Path | str | None = None) -> Config:
    """Load and validate the main file and its budgets; raise ConfigError listing every problem."""
    path = Path(path) if path is not None else default_config_path()
    problems: list[ConfigProblem] = []
    config = _load(path, problems)
    if problems or config is None:
        raise ConfigError(problems)
    return config


def _load(path: Path, problems: list[ConfigProblem]) -> Config | None:
    r = Reader(path, problems)
    data = r.parse()
    if data is None or r.table(data, "", _MAIN_REQUIRED, _MAIN_OPTIONAL) is None:
        return None
    members = read_members(r, data)
    member_ids = [m.id for m in members]
    people, staff = read_people(r, data, member_ids)
    key_sets = read_key_sets(r, data, members)
    roles = read_roles(r, data, {p.matrix_id for p in people}, {s.matrix_id for s in staff})
    rooms = r.strings(data, "rooms", "", ROOM, "a room alias (#room:server) or room id (!id:server)")
    if "rooms" in data and data["rooms"] == []:
        r.add("rooms", "at least one room alias (#room:server) or room id (!id:server): the bot serves only these")
    rules = read_rules(r, data)
    if rules is not None:
        check_quorum(r, rules, member_ids, people)
    timezone = r.text(data, "timezone", "")
    if timezone is not None:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            r.add("timezone", f"an IANA time zone such as Europe/Paris (got {timezone!r})")
    locale = r.choice(data, "locale", "", LOCALES)
    missions = read_missions(r, data, members)
    budgets = read_budgets(r, data, path, member_ids, key_sets, missions)
    reminders = read_reminders(r, data)
    ratification = read_ratification(r, data)
    open_data = read_open_data(r, data)
    service = read_service(r, data, path)
    calendar = read_calendar(r, data)
    if problems:
        return None
    return Config(path, members, people, key_sets, roles, rooms, rules, timezone, locale, budgets, staff, reminders,
                  ratification, open_data, service, calendar, missions)

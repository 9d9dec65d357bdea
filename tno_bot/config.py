"""Configuration: TOML files in `config/`, validated into typed frozen models.

`load_config` reads the main file and every `<budgets_dir>/<year>.toml` beside it, collects every problem (each
naming the file, the dotted key and what was expected) and raises one `ConfigError` listing them all.

People: `[[people]]` are the seated representatives (titulaire / suppléant of a member); `[[staff]]` are the
other named users (secrétariat, comité technique…), with an optional member. Roles `president` must name a
representative, `secretariat` and `comite_technique` a representative or a staff member; `admins` may be any valid
matrix id (an operator need not be part of the entente).

Agenda deadlines: `[rules]` (notice, reply window, optional `extend_to_working_day`) and the optional `[reminders]`
table (offsets in days, wall-clock hours), every key defaulting to `ReminderSettings`.

Ratification: the optional `[ratification]` table (`reminder_interval_days`, `reminder_hour`), defaulting to
`RatificationSettings`.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tno_bot.domain.acts import luhn_ok
from tno_bot.domain.agenda import AgendaRules
from tno_bot.domain.funding import (
    SECTIONS,
    Advance,
    Budget,
    BudgetLine,
    Component,
    KeySet,
    Receipt,
    RoundingPolicy,
    fold,
)
from tno_bot.domain.reminders import ReminderSettings

SEATS = ("titulaire", "suppleant")
LOCALES = ("fr", "en")
DECISION_RULES = ("unanimite",)
ROLE_KEYS = ("president", "secretariat", "comite_technique", "admins")

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_SERVER = rf"(?:\[[0-9A-Fa-f:.]+\]|{_LABEL}(?:\.{_LABEL})*)(?::[0-9]{{1,5}})?"
USER_ID = re.compile(rf"@[a-z0-9._=\-/+]+:{_SERVER}")  # Matrix spec user id grammar (lower-case localpart)
ROOM = re.compile(rf"#[^:\s]+:{_SERVER}|![^:\s]+(?::{_SERVER})?")  # room alias or room id
MEMBER_ID = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
SIRET = re.compile(r"[0-9]{14}")
MATIERE_CODE = re.compile(r"[1-9]\.[0-9]{1,2}")  # level 2 of the ACTES nomenclature
BUDGET_FILE = re.compile(r"(\d{4})\.toml")
CLOCK_TIME = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")


@dataclass(frozen=True)
class ConfigProblem:
    file: str
    key: str
    expected: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.expected}" if self.key else f"{self.file}: {self.expected}"


class ConfigError(Exception):
    """Every problem found in the configuration."""

    def __init__(self, problems: list[ConfigProblem]):
        super().__init__(format_problems(problems))
        self.problems = problems


def format_problems(problems: Iterable[ConfigProblem]) -> str:
    """One problem per line."""
    return "\n".join(str(p) for p in problems)


@dataclass(frozen=True)
class Member:
    id: str
    name: str
    body: str  # deliberative body, e.g. "Conseil de la Métropole"
    siret: str | None = None  # 14 digits, for the open data of its deliberations (COLL_SIRET)


@dataclass(frozen=True)
class Person:
    """A seated representative of a member."""

    matrix_id: str
    name: str
    member: str
    seat: str  # "titulaire" | "suppleant"


@dataclass(frozen=True)
class Staff:
    """A named user without a seat (secrétariat, comité technique…)."""

    matrix_id: str
    name: str
    member: str | None = None


@dataclass(frozen=True)
class Roles:
    president: tuple[str, ...]
    secretariat: tuple[str, ...]
    comite_technique: tuple[str, ...]
    admins: tuple[str, ...]


@dataclass(frozen=True)
class Rules:
    agenda_notice_days: int
    reply_window_days: int
    quorum_per_member: int
    max_proxies_per_holder: int
    decision_rule: str
    extend_to_working_day: bool = False  # a deadline ending on a day off moves to the next working day


@dataclass(frozen=True)
class OpenDataSettings:
    """What the SCDL export of the members' deliberations needs beyond the records: the ACTES matière of a
    deliberation approving a decision of the entente (code such as "5.7", and its name)."""

    matiere_code: str | None = None
    matiere_nom: str | None = None


@dataclass(frozen=True)
class RatificationSettings:
    """Config `[ratification]`: while a member's deliberation on a decision is awaited, its representatives are
    reminded every `reminder_interval_days` calendar days after the decision, at `reminder_hour` (Europe/Paris)."""

    reminder_interval_days: int = 14
    reminder_hour: time = time(9, 0)


@dataclass(frozen=True)
class Config:
    path: Path
    members: tuple[Member, ...]
    people: tuple[Person, ...]
    key_sets: tuple[KeySet, ...]  # sorted by valid_from
    roles: Roles
    rooms: tuple[str, ...]
    rules: Rules
    timezone: str
    locale: str
    budgets: Mapping[int, Budget]
    staff: tuple[Staff, ...] = ()
    reminders: ReminderSettings = ReminderSettings()
    ratification: RatificationSettings = RatificationSettings()
    open_data: OpenDataSettings = OpenDataSettings()

    @property
    def agenda_rules(self) -> AgendaRules:
        """The agenda deadlines' rules, for the domain."""
        return AgendaRules(self.rules.agenda_notice_days, self.rules.reply_window_days,
                           self.rules.extend_to_working_day)

    def member(self, member_id: str) -> Member | None:
        return next((m for m in self.members if m.id == member_id), None)

    def find_member(self, text: str) -> Member | None:
        """Member by id or name, case/accent-insensitive."""
        wanted = fold(text)
        return next((m for m in self.members if wanted in (fold(m.id), fold(m.name))), None)

    def keys_for(self, year: int) -> KeySet | None:
        """The key set in force in `year`: the latest valid_from <= year."""
        return next((k for k in reversed(self.key_sets) if k.valid_from <= year), None)

    def person(self, matrix_id: str) -> Person | None:
        return next((p for p in self.people if p.matrix_id == matrix_id), None)

    def display_name(self, matrix_id: str) -> str:
        """The configured name of a representative or staff member, else the matrix id."""
        named = self.person(matrix_id) or next((s for s in self.staff if s.matrix_id == matrix_id), None)
        return named.name if named else matrix_id

    def roles_of(self, matrix_id: str) -> frozenset[str]:
        """Subset of {"president", "secretariat", "comite_technique", "admin", "representant"}."""
        roles = {r for r in ("president", "secretariat", "comite_technique") if matrix_id in getattr(self.roles, r)}
        if matrix_id in self.roles.admins:
            roles.add("admin")
        if self.person(matrix_id):
            roles.add("representant")
        return frozenset(roles)

    def is_known(self, matrix_id: str) -> bool:
        """Named anywhere in the config (people, staff, roles)."""
        return bool(self.roles_of(matrix_id)) or any(s.matrix_id == matrix_id for s in self.staff)


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


# --- reading helpers -------------------------------------------------------------------------------------------


def _join(prefix: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{prefix}[{key}]"
    return f"{prefix}.{key}" if prefix else key


class _Reader:
    """Typed access to one TOML document; every mismatch becomes a ConfigProblem."""

    def __init__(self, path: Path, problems: list[ConfigProblem]):
        self.path = path
        self.file = str(path)
        self.problems = problems

    def add(self, key: str, expected: str) -> None:
        self.problems.append(ConfigProblem(self.file, key, expected))

    def parse(self) -> dict[str, Any] | None:
        """The parsed document, or None once the problem is recorded."""
        try:
            with self.path.open("rb") as f:
                return tomllib.load(f)
        except FileNotFoundError:
            self.add("", "an existing TOML file")
        except tomllib.TOMLDecodeError as e:
            self.add("", f"valid TOML ({e})")
        except OSError as e:
            self.add("", f"a readable file ({e.strerror})")
        return None

    def table(self, value: Any, key: str, required: Iterable[str] = (), optional: Iterable[str] = ()) -> dict | None:
        """`value` as a table, reporting unknown and missing keys."""
        if not isinstance(value, dict):
            self.add(key, "a table")
            return None
        required, optional = tuple(required), tuple(optional)
        known = ", ".join(required + optional)
        for name in value:
            if name not in required + optional:
                self.add(_join(key, name), f"no such key (known keys: {known})")
        for name in required:
            if name not in value:
                self.add(_join(key, name), "a value (this key is required)")
        return value

    def tables(self, data: dict, name: str, required=(), optional=()) -> list[tuple[str, dict]]:
        """The top-level array of tables `[[name]]`, as (dotted key, table) pairs; missing means empty."""
        value = data.get(name, [])
        if not isinstance(value, list):
            self.add(name, f"an array of tables ([[{name}]])")
            return []
        checked = [(_join(name, i), self.table(item, _join(name, i), required, optional)) for i, item in enumerate(value)]
        return [(key, table) for key, table in checked if table is not None]

    def text(self, data: dict, name: str, prefix: str, default: str | None = None) -> str | None:
        value = data.get(name, default)
        if value is None or (isinstance(value, str) and value.strip()):
            return value
        self.add(_join(prefix, name), "a non-empty string")
        return None

    def choice(self, data: dict, name: str, prefix: str, choices: Iterable[str], default: str | None = None):
        value = self.text(data, name, prefix, default)
        choices = tuple(choices)
        if value is not None and fold(value) not in choices:
            self.add(_join(prefix, name), f"one of {', '.join(choices)} (got {value!r})")
            return None
        return None if value is None else fold(value)

    def integer(self, data: dict, name: str, prefix: str, minimum: int = 0) -> int | None:
        value = data.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.add(_join(prefix, name), f"an integer >= {minimum} (got {value!r})")
            return None
        return value

    def decimal(self, data: dict, name: str, prefix: str, default: Decimal | None = None, cents: bool = True):
        """A non-negative number (integer, float or string such as "30.6"), as Decimal; cents: at most 2 decimals."""
        value = data.get(name)
        if value is None:
            return default
        key = _join(prefix, name)
        what = "a non-negative amount in euros with at most 2 decimals" if cents else "a non-negative number"
        try:
            if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                raise InvalidOperation
            number = Decimal(str(value).strip())
        except InvalidOperation:
            self.add(key, f"{what} (got {value!r})")
            return None
        if not number.is_finite() or number < 0 or (cents and number.as_tuple().exponent < -2):
            self.add(key, f"{what} (got {value!r})")
            return None
        return number

    def boolean(self, data: dict, name: str, prefix: str, default: bool) -> bool | None:
        value = data.get(name, default)
        if not isinstance(value, bool):
            self.add(_join(prefix, name), f"true or false (got {value!r})")
            return None
        return value

    def clock_time(self, data: dict, name: str, prefix: str, default: time) -> time | None:
        """A wall-clock time "HH:MM" (or a TOML local time)."""
        value = data.get(name, default)
        if isinstance(value, time) and value.tzinfo is None:
            return value
        if isinstance(value, str) and (match := CLOCK_TIME.fullmatch(value)):
            return time(int(match[1]), int(match[2]))
        self.add(_join(prefix, name), f'a time of day "HH:MM" such as "09:00" (got {value!r})')
        return None

    def day_offsets(self, data: dict, name: str, prefix: str, default: tuple[int, ...]) -> tuple[int, ...] | None:
        """A list of distinct numbers of days, 0 to 366."""
        value = data.get(name, list(default))
        key = _join(prefix, name)
        what = "a list of distinct whole numbers of days from 0 to 366, such as [7, 1]"
        if not isinstance(value, list) or any(isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 366
                                              for v in value) or len(set(value)) != len(value):
            self.add(key, f"{what} (got {value!r})")
            return None
        return tuple(value)

    def strings(self, data: dict, name: str, prefix: str, pattern: re.Pattern, what: str) -> tuple[str, ...]:
        """A list of strings each matching `pattern`; the invalid ones are reported and dropped."""
        value = data.get(name, [])
        key = _join(prefix, name)
        if not isinstance(value, list):
            self.add(key, f"a list of {what}")
            return ()
        good = []
        for i, item in enumerate(value):
            if isinstance(item, str) and pattern.fullmatch(item):
                good.append(item)
            else:
                self.add(_join(key, i), f"{what} (got {item!r})")
        return tuple(good)

    def matrix_id(self, data: dict, name: str, prefix: str) -> str | None:
        value = data.get(name)
        if value is None:
            return None
        if not isinstance(value, str) or not USER_ID.fullmatch(value) or len(value) > 255:
            self.add(_join(prefix, name), f"a matrix user id such as @jeanne.dupont:example.org (got {value!r})")
            return None
        return value


# --- main file -------------------------------------------------------------------------------------------------

_MAIN_REQUIRED = ("members", "people", "keys", "rooms", "rules", "timezone", "locale")
_MAIN_OPTIONAL = ("staff", "roles", "budgets_dir", "reminders", "ratification", "open_data")
_RULES = ("agenda_notice_days", "reply_window_days", "quorum_per_member", "max_proxies_per_holder", "decision_rule")


def _load(path: Path, problems: list[ConfigProblem]) -> Config | None:
    r = _Reader(path, problems)
    data = r.parse()
    if data is None or r.table(data, "", _MAIN_REQUIRED, _MAIN_OPTIONAL) is None:
        return None
    members = _members(r, data)
    member_ids = [m.id for m in members]
    people, staff = _people(r, data, member_ids)
    key_sets = _key_sets(r, data, member_ids)
    roles = _roles(r, data, {p.matrix_id for p in people}, {s.matrix_id for s in staff})
    rooms = r.strings(data, "rooms", "", ROOM, "a room alias (#room:server) or room id (!id:server)")
    rules = _rules(r, data)
    timezone = r.text(data, "timezone", "")
    if timezone is not None:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            r.add("timezone", f"an IANA time zone such as Europe/Paris (got {timezone!r})")
    locale = r.choice(data, "locale", "", LOCALES)
    budgets = _budgets(r, data, path, member_ids, key_sets)
    reminders = _reminders(r, data)
    ratification = _ratification(r, data)
    open_data = _open_data(r, data)
    if problems:
        return None
    return Config(path, members, people, key_sets, roles, rooms, rules, timezone, locale, budgets, staff, reminders,
                  ratification, open_data)


def _members(r: _Reader, data: dict) -> tuple[Member, ...]:
    members: list[Member] = []
    for key, item in r.tables(data, "members", required=("id", "name", "body"), optional=("siret",)):
        member_id, name, body = (r.text(item, k, key) for k in ("id", "name", "body"))
        siret = r.text(item, "siret", key)
        if siret is not None and not (SIRET.fullmatch(siret) and luhn_ok(siret)):
            r.add(_join(key, "siret"), f"a SIRET: 14 digits with a right Luhn key (got {siret!r})")
        if member_id is not None and not MEMBER_ID.fullmatch(member_id):
            expected = "a lower-case id of letters, digits and '-' such as ville-lyon"
            r.add(_join(key, "id"), f"{expected} (got {member_id!r})")
        elif member_id in (m.id for m in members):
            r.add(_join(key, "id"), f"a member id not already used (duplicate {member_id!r})")
        elif None not in (member_id, name, body):
            members.append(Member(member_id, name, body, siret))
    if data.get("members") == []:
        r.add("members", "at least one member ([[members]] with id, name, body)")
    return tuple(members)


def _member_ref(r: _Reader, item: dict, key: str, member_ids: list[str]) -> str | None:
    member = r.text(item, "member", key)
    if member is not None and member not in member_ids:
        r.add(_join(key, "member"), f"a member id declared in [[members]] ({', '.join(member_ids)}; got {member!r})")
        return None
    return member


def _people(r: _Reader, data: dict, member_ids: list[str]) -> tuple[tuple[Person, ...], tuple[Staff, ...]]:
    seen: dict[str, str] = {}

    def unique(matrix_id: str | None, key: str) -> str | None:
        if matrix_id in seen:
            r.add(_join(key, "matrix_id"), f"a matrix id not already used (also in {seen[matrix_id]})")
            return None
        if matrix_id is not None:
            seen[matrix_id] = key
        return matrix_id

    people = []
    for key, item in r.tables(data, "people", required=("matrix_id", "name", "member", "seat")):
        values = (
            unique(r.matrix_id(item, "matrix_id", key), key),
            r.text(item, "name", key),
            _member_ref(r, item, key, member_ids),
            r.choice(item, "seat", key, SEATS),
        )
        if None not in values:
            people.append(Person(*values))
    staff = []
    for key, item in r.tables(data, "staff", required=("matrix_id", "name"), optional=("member",)):
        matrix_id = unique(r.matrix_id(item, "matrix_id", key), key)
        name = r.text(item, "name", key)
        member = _member_ref(r, item, key, member_ids)
        if matrix_id is not None and name is not None:
            staff.append(Staff(matrix_id, name, member))
    return tuple(people), tuple(staff)


def _key_sets(r: _Reader, data: dict, member_ids: list[str]) -> tuple[KeySet, ...]:
    key_sets: dict[int, KeySet] = {}
    for key, item in r.tables(data, "keys", required=("valid_from", "shares")):
        valid_from = r.integer(item, "valid_from", key, minimum=1900)
        shares_key = _join(key, "shares")
        table = item.get("shares")
        if not isinstance(table, dict):
            if table is not None:
                r.add(shares_key, "a table of member id = percent, such as metropole = \"53\"")
            continue
        shares: dict[str, Decimal] = {}
        for member in table:
            if member not in member_ids:
                r.add(_join(shares_key, member), f"a member id declared in [[members]] ({', '.join(member_ids)})")
            elif (share := r.decimal(table, member, shares_key, cents=False)) is not None:
                shares[member] = share
        for member in member_ids:
            if member not in table:
                r.add(_join(shares_key, member), f"a share for every member (member {member!r} has none)")
        if len(shares) == len(table) == len(member_ids) and sum(shares.values()) != 100:
            r.add(shares_key, f"shares adding up to 100 (they add up to {sum(shares.values())})")
        if valid_from in key_sets:
            r.add(_join(key, "valid_from"), f"one key set per year (another one is valid from {valid_from})")
        elif valid_from is not None:
            key_sets[valid_from] = KeySet(valid_from, {m: shares[m] for m in member_ids if m in shares})
    if data.get("keys") == []:
        r.add("keys", "at least one key set ([[keys]] with valid_from and shares)")
    return tuple(key_sets[y] for y in sorted(key_sets))


def _roles(r: _Reader, data: dict, people: set[str], staff: set[str]) -> Roles:
    table = r.table(data.get("roles", {}), "roles", optional=ROLE_KEYS) or {}
    what = "a matrix user id such as @jeanne.dupont:example.org"
    values = {name: r.strings(table, name, "roles", USER_ID, what) for name in ROLE_KEYS}
    restricted = {
        "president": (people, "a representative declared in [[people]]"),
        "secretariat": (people | staff, "someone declared in [[people]] or [[staff]]"),
        "comite_technique": (people | staff, "someone declared in [[people]] or [[staff]]"),
    }
    for name, (known, expected) in restricted.items():
        listed = table.get(name)
        for i, matrix_id in enumerate(listed if isinstance(listed, list) else []):
            if matrix_id in values[name] and matrix_id not in known:
                r.add(f"roles.{name}[{i}]", f"{expected} (got {matrix_id!r})")
    return Roles(**values)


def _rules(r: _Reader, data: dict) -> Rules | None:
    if "rules" not in data or (table := r.table(data["rules"], "rules", _RULES, ("extend_to_working_day",))) is None:
        return None
    minimum = {"quorum_per_member": 1}
    values = [r.integer(table, name, "rules", minimum.get(name, 0)) for name in _RULES[:-1]]
    values.append(r.choice(table, "decision_rule", "rules", DECISION_RULES))
    values.append(r.boolean(table, "extend_to_working_day", "rules", default=False))
    return None if None in values else Rules(*values)


def _reminders(r: _Reader, data: dict) -> ReminderSettings | None:
    """The optional `[reminders]` table; every key defaults to ReminderSettings'."""
    d = ReminderSettings()
    table = r.table(data.get("reminders", {}), "reminders", optional=(
        "notice_days_before", "window_days_before", "hour", "conference_eve", "conference_morning",
        "conference_morning_hour"))
    if table is None:
        return None
    values = (
        r.day_offsets(table, "notice_days_before", "reminders", d.notice_days_before),
        r.day_offsets(table, "window_days_before", "reminders", d.window_days_before),
        r.clock_time(table, "hour", "reminders", d.hour),
        r.boolean(table, "conference_eve", "reminders", d.conference_eve),
        r.boolean(table, "conference_morning", "reminders", d.conference_morning),
        r.clock_time(table, "conference_morning_hour", "reminders", d.conference_morning_hour),
    )
    return None if None in values else ReminderSettings(*values)


def _ratification(r: _Reader, data: dict) -> RatificationSettings | None:
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


def _open_data(r: _Reader, data: dict) -> OpenDataSettings:
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


# --- budgets ---------------------------------------------------------------------------------------------------


def _budgets(r: _Reader, data: dict, path: Path, member_ids: list[str], key_sets) -> dict[int, Budget]:
    name = r.text(data, "budgets_dir", "", default="budgets")
    if name is None:
        return {}
    directory = path.parent / name
    if not directory.is_dir():
        r.add("budgets_dir", f"an existing directory of <year>.toml budget files ({directory} does not exist)")
        return {}
    budgets = {}
    for file in sorted(directory.glob("*.toml")):
        match = BUDGET_FILE.fullmatch(file.name)
        if match is None:
            _Reader(file, r.problems).add("", "a budget file named <year>.toml, such as 2023.toml")
            continue
        budget = _budget(_Reader(file, r.problems), int(match[1]), member_ids, key_sets)
        if budget is not None:
            budgets[budget.year] = budget
    return budgets


def _budget(r: _Reader, year: int, member_ids: list[str], key_sets) -> Budget | None:
    """One `<year>.toml`: lines, receipts (each section balanced) and call-for-funds components."""
    data = r.parse()
    if data is None or r.table(data, "", ("year", "lines", "receipts"), ("rounding", "components")) is None:
        return None
    file_year = r.integer(data, "year", "")
    if file_year is not None and file_year != year:
        r.add("year", f"the year of the file name, {year} (got {file_year})")
    if key_sets and not any(k.valid_from <= year for k in key_sets):
        r.add("year", f"a year covered by a key set of the main file (no [[keys]] valid in {year})")
    policies = [p.value for p in RoundingPolicy]
    rounding = r.choice(data, "rounding", "", policies, RoundingPolicy.PER_MEMBER_HALF_UP.value)
    lines = [BudgetLine(*texts, *amounts) for texts, amounts in _entries(r, data, "lines", ("mission", "label"))]
    receipts = [Receipt(*texts, *amounts) for texts, amounts in _entries(r, data, "receipts", ("label",))]
    expenses = {s: sum((getattr(x, s) for x in lines), Decimal(0)) for s in SECTIONS}
    for section in SECTIONS:
        income = sum((getattr(x, section) for x in receipts), Decimal(0))
        if income != expenses[section]:
            r.add(section, f"receipts equal to expenses in section {section} "
                           f"(expenses {expenses[section]}, receipts {income})")
    components = [_component(r, key, item, member_ids, expenses) for key, item in
                  r.tables(data, "components", required=("label",), optional=("amount", "from_budget", "advance"))]
    if rounding is None or None in components:
        return None
    return Budget(year, RoundingPolicy(rounding), tuple(lines), tuple(receipts), tuple(components))


def _entries(r: _Reader, data: dict, name: str, text_keys: tuple[str, ...]):
    """Budget lines or receipts: (texts, (investissement, fonctionnement)) for the valid ones."""
    for key, item in r.tables(data, name, required=text_keys, optional=SECTIONS):
        texts = tuple(r.text(item, t, key) for t in text_keys)
        amounts = tuple(r.decimal(item, s, key, default=Decimal(0)) for s in SECTIONS)
        if None not in texts + amounts:
            yield texts, amounts


def _component(r: _Reader, key: str, item: dict, member_ids: list[str], expenses: dict) -> Component | None:
    """One call-for-funds component; `from_budget = "<section>"` takes that section's expenses as amount."""
    label = r.text(item, "label", key)
    amount = None
    if ("amount" in item) == ("from_budget" in item):
        r.add(key, "exactly one of amount or from_budget")
    elif "amount" in item:
        amount = r.decimal(item, "amount", key)
    elif section := r.choice(item, "from_budget", key, SECTIONS):
        amount = expenses[section]
    advance = advance_ok = None
    if "advance" in item:
        advance_key = _join(key, "advance")
        table = r.table(item["advance"], advance_key, ("member", "amount")) or {}
        member = _member_ref(r, table, advance_key, member_ids)
        paid = r.decimal(table, "amount", advance_key)
        advance = Advance(member, paid) if None not in (member, paid) else None
        advance_ok = advance is not None
    if None in (label, amount) or advance_ok is False:
        return None
    return Component(label, amount, advance)

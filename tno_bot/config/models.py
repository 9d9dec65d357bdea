"""The configuration's frozen models, and the problems found while reading it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal
from pathlib import Path

from tno_bot.domain.agenda import AgendaRules
from tno_bot.domain.decisions import DecisionId
from tno_bot.domain.funding import Budget, KeySet, fold, keys_in_force
from tno_bot.domain.reminders import ReminderSettings


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


class Named(str):
    """A name and the article it takes in a French sentence ("SITIV", "le"); formats as the bare name. The
    French translator reads `article` to say "du SITIV", "de la Métropole de Lyon" (`i18n/grammar.py`)."""

    article: str

    def __new__(cls, name: str, article: str = "") -> Named:
        named = super().__new__(cls, name)
        named.article = article.replace("'", "\u2019")
        return named


@dataclass(frozen=True)
class Member:
    """A member of the entente, in office from `joined` to `left` (both optional, inclusive).

    Its entry is a decision of the conference needing concordant deliberations ("L'entrée d'un nouveau membre",
    art. 5 of the convention as quoted in the seed): `admitted_by` names that decision; the app counts the member
    only from the day that decision is executory (`app/members.py`). The dates alone are read here.
    """

    id: str
    name: str
    body: str  # deliberative body, e.g. "Conseil de la Métropole"
    siret: str | None = None  # 14 digits, for the open data of its deliberations (COLL_SIRET)
    article: str = ""  # "le", "la", "l'", "les"; "" (the default): the name takes none ("de Villeurbanne")
    joined: date | None = None  # None: a founding member
    left: date | None = None  # None: still a member
    admitted_by: DecisionId | None = None  # the conference's decision admitting it

    def in_office_on(self, day: date) -> bool:
        """A member on `day` by its dates (the admitting decision aside)."""
        return (self.joined is None or self.joined <= day) and (self.left is None or day <= self.left)

    def in_office_during(self, year: int) -> bool:
        """A member on some day of `year`, by its dates."""
        return ((self.joined is None or self.joined <= date(year, 12, 31))
                and (self.left is None or date(year, 1, 1) <= self.left))

    @property
    def named(self) -> Named:
        return Named(self.name, self.article)


@dataclass(frozen=True)
class Mission:
    """A mission of the entente ("L'entente est organisée en missions mutualisées par ses membres", art. 5 of the
    convention; the missions of TNO 2022-01). A "mission socle" is every member's (the default); a "mission
    spécifique" is that of the members it lists ("missions socles" and "missions spécifiques", art. 5 as quoted in
    the seed), from `since` when given."""

    id: str
    name: str
    kind: str  # "socle" | "specifique"
    members: tuple[str, ...] = ()  # a mission spécifique's members; empty for a mission socle
    porteur: str | None = None  # the member carrying the mission ("Le porteur de mission est le SITIV")
    since: date | None = None
    keys: tuple[tuple[str, Decimal], ...] = ()  # its own keys (member, percent), adding up to 100; none: the year's

    def members_on(self, members: tuple[Member, ...]) -> tuple[Member, ...]:
        """Its members among `members` (those in office on a day): all for a mission socle."""
        return members if self.kind == "socle" else tuple(m for m in members if m.id in self.members)


@dataclass(frozen=True)
class Person:
    """A seated representative of a member."""

    matrix_id: str
    name: str
    member: str
    seat: str  # "titulaire" | "suppleant"
    born: date | None = None  # for a presidency by the eldest representative present (`presidence_absent`)


@dataclass(frozen=True)
class Staff:
    """A named user without a seat (secrétariat, comité technique…)."""

    matrix_id: str
    name: str
    member: str | None = None
    article: str = ""  # as for a member: "le" for "Secrétariat de la conférence" ("par le Secrétariat…")


@dataclass(frozen=True)
class Roles:
    president: tuple[str, ...]
    secretariat: tuple[str, ...]
    comite_technique: tuple[str, ...]
    admins: tuple[str, ...]
    vice_president: tuple[str, ...] = ()  # who presides when the président is absent (`presidence_absent`)


@dataclass(frozen=True)
class Rules:
    agenda_notice_days: int
    reply_window_days: int
    quorum_per_member: int
    max_proxies_per_holder: int
    decision_rule: str
    extend_to_working_day: bool = False  # a deadline ending on a day off moves to a working day (D-30: earlier)
    agenda_notice_franc: bool = False  # the D-30 counts full days ("jours francs"): last day D-31
    pouvoir_across_members: bool = False  # a pouvoir may go to a representative of another member
    presidence_absent: str = "vice_president"  # who presides when the président is absent: "vice_president", "doyen"
    avis_favorable_bloque: bool = True  # a favourable avis stops the agenda's tacit fixing, as any avis does
    pouvoir_suppleant: bool = False  # a suppléant may give a pouvoir (its mandataire stands in for them)


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
class ServiceSettings:
    """Config `[service]`, how the bot runs (each key but the avatar overridable by a TNO_* variable, see
    `tno_bot.ops.settings`): log level and format, the health and metrics endpoint (off without a port), the
    display name and avatar (a PNG or JPEG file, relative to the config file) the bot shows in the rooms."""

    log_level: str = "info"  # debug | info | warning | error
    log_format: str = "text"  # text | json (one JSON object per line)
    health_host: str = "127.0.0.1"
    health_port: int | None = None
    display_name: str | None = None
    avatar: Path | None = None


@dataclass(frozen=True)
class CalendarSettings:
    """Config `[calendar]`: how long a conference lasts in the calendar files (DTEND), and the domain of their UIDs
    (None: the server name of the first configured room)."""

    conference_duration: timedelta = timedelta(hours=2)
    uid_domain: str | None = None


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
    service: ServiceSettings = ServiceSettings()
    calendar: CalendarSettings = CalendarSettings()
    missions: tuple[Mission, ...] = ()

    @property
    def agenda_rules(self) -> AgendaRules:
        """The agenda deadlines' rules, for the domain."""
        return AgendaRules(self.rules.agenda_notice_days, self.rules.reply_window_days,
                           self.rules.extend_to_working_day, self.rules.agenda_notice_franc,
                           self.rules.avis_favorable_bloque)

    @property
    def uid_domain(self) -> str:
        """The domain of the calendar UIDs: `[calendar] uid_domain`, else the server of the first room."""
        return self.calendar.uid_domain or self.rooms[0].split(":", 1)[1]

    def members_on(self, day: date) -> tuple[Member, ...]:
        """The members in office on `day` by their dates, in display order (the admitting decisions aside: see
        `app/members.py`)."""
        return tuple(m for m in self.members if m.in_office_on(day))

    def members_during(self, year: int) -> tuple[Member, ...]:
        """The members in office on some day of `year`, by their dates."""
        return tuple(m for m in self.members if m.in_office_during(year))

    def member(self, member_id: str) -> Member | None:
        return next((m for m in self.members if m.id == member_id), None)

    def find_member(self, text: str) -> Member | None:
        """Member by id or name, case/accent-insensitive."""
        wanted = fold(text)
        return next((m for m in self.members if wanted in (fold(m.id), fold(m.name))), None)

    def keys_for(self, year: int) -> KeySet | None:
        """The key set in force in `year`: the latest valid_from <= year."""
        return keys_in_force(self.key_sets, year)

    def person(self, matrix_id: str) -> Person | None:
        return next((p for p in self.people if p.matrix_id == matrix_id), None)

    def display_name(self, matrix_id: str) -> str:
        """The configured name of a representative or staff member (with its article), else the matrix id."""
        person = self.person(matrix_id)
        if person is not None:
            return person.name
        staff = next((s for s in self.staff if s.matrix_id == matrix_id), None)
        return Named(staff.name, staff.article) if staff else matrix_id

    def mission(self, mission_id: str) -> Mission | None:
        return next((m for m in self.missions if m.id == mission_id), None)

    def member_name(self, member_id: str) -> str:
        """The name of a member, with its article (`Named`), else the id."""
        member = self.member(member_id)
        return member.named if member else member_id

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

"""The configuration's frozen models, and the problems found while reading it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import time
from pathlib import Path

from tno_bot.domain.agenda import AgendaRules
from tno_bot.domain.funding import Budget, KeySet, fold
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
    extend_to_working_day: bool = False  # a deadline ending on a day off moves to a working day (D-30: earlier)
    agenda_notice_franc: bool = False  # the D-30 counts full days ("jours francs"): last day D-31
    pouvoir_across_members: bool = False  # a pouvoir may go to a representative of another member


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
                           self.rules.extend_to_working_day, self.rules.agenda_notice_franc)

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

"""History from the seed documents: `config/history/<year>.toml`, validated into frozen records.

A history file records what the documents establish about past conferences, their decisions and the members'
deliberations on them (see `config/history/2022.toml`). `load_history` reads one file or every `<year>.toml` of a
directory, collects every problem (each naming the file, the dotted key and what was expected, as
`tno_bot.config` does) and raises one `ConfigError` listing them all.

The deliberations are checked by the same rules as the chat commands: each is turned into ratification facts by
`Ratification.record_*` (a deliberation before its decision, a transmission identifier that does not match the
deliberation or the member's SIREN, … are refused and reported with their key). Those facts are recorded by
``history:<file name>``, at noon (Europe/Paris) of the day each one happened, with event ids
``history:<file name>:deliberations[i]:<kind>:<decision>``, so replaying them is deterministic.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tno_bot.config.models import ConfigError, ConfigProblem
from tno_bot.config.reader import Reader, join_key
from tno_bot.domain.acts import ActId, ActIdError, parse_act_id, siren_is_valid
from tno_bot.domain.calendar import at_local
from tno_bot.domain.decisions import DecisionId, parse_decision_id
from tno_bot.domain.ratification import Ratification, RatificationFact, RatificationRefused, Reason
from tno_bot.domain.voting import Outcome

HISTORY_FILE = re.compile(r"(\d{4})\.toml")
RECORDED_AT = dt.time(12, 0)

_TOP = (("year",), ("sirens", "conferences", "decisions", "deliberations"))
_CONFERENCE = (("date", "start", "end", "place"), ("present", "excused", "administration"))
_DECISION = (("id", "conference", "title", "outcome"), ("document",))
_DELIBERATION = (("member", "number", "date", "decisions"),
                 ("adopted", "pour", "contre", "abstention", "objet", "publication", "transmission", "identifier"))


@dataclass(frozen=True)
class ConferenceRecord:
    date: dt.date
    start: dt.time  # wall-clock time, Europe/Paris
    end: dt.time
    place: str
    present: tuple[str, ...] = ()  # names as the minutes give them
    excused: tuple[str, ...] = ()
    administration: tuple[str, ...] = ()


@dataclass(frozen=True)
class DecisionRecord:
    id: DecisionId
    conference: dt.date
    title: str
    outcome: Outcome
    document: str | None = None  # the number the document itself bears ("CITNO_2022-01")


@dataclass(frozen=True)
class DeliberationRecord:
    member: str
    number: str
    date: dt.date
    decisions: tuple[DecisionId, ...]  # the conference decisions it deliberates on
    adopted: bool = True
    pour: int | None = None
    contre: int | None = None
    abstention: int | None = None
    objet: str | None = None
    publication: dt.date | None = None
    transmission: dt.date | None = None
    identifier: ActId | None = None
    source: str = ""  # "<file>: deliberations[i]"


@dataclass(frozen=True)
class History:
    files: tuple[Path, ...]
    sirens: Mapping[str, str] = field(default_factory=dict, hash=False)  # member -> SIREN
    conferences: tuple[ConferenceRecord, ...] = ()
    decisions: tuple[DecisionRecord, ...] = ()
    deliberations: tuple[DeliberationRecord, ...] = ()
    facts_by_decision: Mapping[DecisionId, tuple[RatificationFact, ...]] = field(default_factory=dict, hash=False)

    def decision(self, decision_id: DecisionId | str) -> DecisionRecord | None:
        wanted = decision_id if isinstance(decision_id, DecisionId) else parse_decision_id(decision_id)
        return next((d for d in self.decisions if d.id == wanted), None)

    def conference(self, day: dt.date) -> ConferenceRecord | None:
        return next((c for c in self.conferences if c.date == day), None)

    def facts(self, decision_id: DecisionId) -> tuple[RatificationFact, ...]:
        """The ratification facts the history records for that decision, in file order."""
        return self.facts_by_decision.get(decision_id, ())

    def objets(self) -> dict[tuple[str, str], str]:
        """(member, number) -> the objet of the deliberations that state one (for the open-data export)."""
        return {(d.member, d.number): d.objet for d in self.deliberations if d.objet}

    def ratification(self, decision_id: DecisionId | str, members: Sequence[str]) -> Ratification:
        """The ratification of a decision of the history, as the history alone establishes it."""
        record = self.decision(decision_id)
        if record is None:
            raise KeyError(str(decision_id))
        return Ratification.replay(record.id, record.conference, members, self.facts(record.id), self.sirens)


def default_history_dir(config_path: Path | str) -> Path:
    """`history/` beside the main config file."""
    return Path(config_path).parent / "history"


def load_history(path: Path | str, member_ids: Iterable[str] | None = None) -> History:
    """Load a history file, or every `<year>.toml` of a directory (a missing directory is an empty history).
    `member_ids`: the members of the config; deliberations and SIRENs of other members are reported. Raises
    ConfigError listing every problem."""
    path = Path(path)
    problems: list[ConfigProblem] = []
    if path.is_dir():
        files = []
        for file in sorted(path.glob("*.toml")):
            if HISTORY_FILE.fullmatch(file.name):
                files.append(file)
            else:
                problems.append(ConfigProblem(str(file), "", "a history file named <year>.toml, such as 2022.toml"))
    elif path.suffix == ".toml" or path.exists():
        files = [path]
    else:
        files = []
    members = None if member_ids is None else tuple(member_ids)
    loader = _Loader(problems, members)
    for file in files:
        loader.load(file)
    if problems:
        raise ConfigError(problems)
    return loader.history(tuple(files))


class _Loader:
    def __init__(self, problems: list[ConfigProblem], members: tuple[str, ...] | None):
        self.problems = problems
        self.members = members
        self.sirens: dict[str, str] = {}
        self.conferences: list[ConferenceRecord] = []
        self.decisions: list[DecisionRecord] = []
        self.deliberations: list[DeliberationRecord] = []
        self.facts: dict[DecisionId, list[RatificationFact]] = {}

    def history(self, files: tuple[Path, ...]) -> History:
        return History(files, dict(self.sirens), tuple(self.conferences), tuple(self.decisions),
                       tuple(self.deliberations), {d: tuple(f) for d, f in self.facts.items()})

    def load(self, file: Path) -> None:
        r = Reader(file, self.problems)
        data = r.parse()
        if data is None or r.table(data, "", *_TOP) is None:
            return
        year = r.integer(data, "year", "", minimum=1000)
        match = HISTORY_FILE.fullmatch(file.name)
        if year is not None and match and int(match[1]) != year:
            r.add("year", f"the year of the file name, {match[1]} (got {year})")
            year = None  # which one is right is unknown: no further check against it
        self._sirens(r, data)
        before = len(self.conferences)
        for key, item in r.tables(data, "conferences", *_CONFERENCE):
            self._conference(r, key, item)
        for key, item in r.tables(data, "decisions", *_DECISION):
            self._decision(r, key, item)
        for key, item in r.tables(data, "deliberations", *_DELIBERATION):
            self._deliberation(r, key, item)
        if year is not None:
            for c in self.conferences[before:]:
                if c.date.year != year:
                    r.add("conferences", f"conferences of {year} only (one is dated {c.date.isoformat()})")

    # --- readers -------------------------------------------------------------------------------------------------

    def _member(self, r: Reader, value: Any, key: str) -> str | None:
        if not isinstance(value, str) or not value.strip():
            r.add(key, "a member id")
            return None
        if self.members is not None and value not in self.members:
            r.add(key, f"a member id declared in [[members]] ({', '.join(self.members)}; got {value!r})")
            return None
        return value

    def _sirens(self, r: Reader, data: dict) -> None:
        table = data.get("sirens", {})
        if not isinstance(table, dict):
            r.add("sirens", 'a table of member id = "SIREN"')
            return
        for member, siren in table.items():
            key = join_key("sirens", member)
            if self._member(r, member, key) is None:
                continue
            if not isinstance(siren, str) or not siren_is_valid(siren):
                r.add(key, f'a SIREN: 9 digits with a right Luhn key, as a string such as "200046977" (got {siren!r})')
            elif self.sirens.get(member, siren) != siren:
                r.add(key, f"the same SIREN as in the other history files ({self.sirens[member]})")
            else:
                self.sirens[member] = siren

    @staticmethod
    def _date(r: Reader, item: dict, name: str, key: str) -> dt.date | None:
        """A TOML local date; None when absent (a missing required key is reported by `Reader.table`)."""
        value = item.get(name)
        if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
            return value
        r.add(join_key(key, name), f"a date such as 2022-12-09 (got {value!r})")
        return None

    @staticmethod
    def _time(r: Reader, item: dict, name: str, key: str) -> dt.time | None:
        return r.clock_time(item, name, key, None) if name in item else None

    @staticmethod
    def _names(r: Reader, item: dict, name: str, key: str) -> tuple[str, ...] | None:
        value = item.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            r.add(join_key(key, name), f"a list of names (got {value!r})")
            return None
        return tuple(value)

    def _decision_id(self, r: Reader, value: Any, key: str) -> DecisionId | None:
        try:
            if not isinstance(value, str):
                raise ValueError
            return parse_decision_id(value)
        except ValueError:
            r.add(key, f'a decision id such as "TNO 2022-01" (got {value!r})')
            return None

    def _conference(self, r: Reader, key: str, item: dict) -> None:
        values = (
            self._date(r, item, "date", key),
            self._time(r, item, "start", key),
            self._time(r, item, "end", key),
            r.text(item, "place", key),
            self._names(r, item, "present", key),
            self._names(r, item, "excused", key),
            self._names(r, item, "administration", key),
        )
        if None in values:
            return
        conference = ConferenceRecord(*values)
        if conference.end <= conference.start:
            r.add(join_key(key, "end"), f"a time after the start {conference.start:%H:%M}")
        elif self.conference(conference.date) is not None:
            r.add(join_key(key, "date"), f"one conference per day ({conference.date.isoformat()} is already recorded)")
        else:
            self.conferences.append(conference)

    def conference(self, day: dt.date) -> ConferenceRecord | None:
        return next((c for c in self.conferences if c.date == day), None)

    def decision(self, decision_id: DecisionId) -> DecisionRecord | None:
        return next((d for d in self.decisions if d.id == decision_id), None)

    def _decision(self, r: Reader, key: str, item: dict) -> None:
        decision_id = self._decision_id(r, item.get("id"), join_key(key, "id"))
        conference = self._date(r, item, "conference", key)
        title = r.text(item, "title", key)
        outcome = r.choice(item, "outcome", key, [o.value for o in Outcome])
        document = r.text(item, "document", key)
        if None in (decision_id, conference, title, outcome):
            return
        if self.decision(decision_id) is not None:
            r.add(join_key(key, "id"), f"a decision recorded once ({decision_id} is already recorded)")
        elif self.conference(conference) is None:
            r.add(join_key(key, "conference"), f"the date of a conference of [[conferences]] (got {conference})")
        elif decision_id.year != conference.year:
            r.add(join_key(key, "id"), f"a decision numbered in the year of its conference, {conference.year}")
        else:
            self.decisions.append(DecisionRecord(decision_id, conference, title, Outcome(outcome), document))

    def _deliberation(self, r: Reader, key: str, item: dict) -> None:
        member = self._member(r, item.get("member"), join_key(key, "member"))
        number = r.text(item, "number", key)
        day = self._date(r, item, "date", key)
        before = len(self.problems)
        decisions: list[DecisionId] = []
        listed = item.get("decisions")
        if not isinstance(listed, list) or not listed:
            if listed is not None:
                r.add(join_key(key, "decisions"), 'a non-empty list of decision ids such as ["TNO 2022-01"]')
        else:
            for i, value in enumerate(listed):
                item_key = join_key(join_key(key, "decisions"), i)
                decision_id = self._decision_id(r, value, item_key)
                if decision_id is not None and self.decision(decision_id) is None:
                    r.add(item_key, f"a decision of [[decisions]] (got {decision_id})")
                elif decision_id in decisions:
                    r.add(item_key, f"each decision once ({decision_id} is listed twice)")
                elif decision_id is not None:
                    decisions.append(decision_id)
        adopted = r.boolean(item, "adopted", key, default=True)
        counts = [r.integer(item, name, key) for name in ("pour", "contre", "abstention")]
        objet = r.text(item, "objet", key)
        publication = self._date(r, item, "publication", key)
        transmission = self._date(r, item, "transmission", key)
        identifier = None
        if "identifier" in item:
            value = item["identifier"]
            try:
                if not isinstance(value, str):
                    raise ActIdError(repr(value), ())
                identifier = parse_act_id(value)
            except ActIdError as error:
                reasons = ", ".join(p.reason.value for p in error.problems) or "not a string"
                r.add(join_key(key, "identifier"),
                      f"an @ctes identifier such as 069-256910183-20221209-CS_2022_12_4-DE ({reasons})")
                return
            if "transmission" not in item:
                r.add(join_key(key, "transmission"), "the transmission date that goes with the identifier")
                return
        if len(self.problems) > before or None in (member, number, day, adopted) or not decisions:
            return
        record = DeliberationRecord(member, number, day, tuple(decisions), adopted, *counts, objet, publication,
                                    transmission, identifier, f"{r.file}: {key}")
        if self._ratify(r, key, record):
            self.deliberations.append(record)

    def _ratify(self, r: Reader, key: str, d: DeliberationRecord) -> bool:
        """Record the deliberation's facts for each decision through the ratification rules; a refusal is reported
        with the key it comes from and nothing of this deliberation is recorded."""
        by = f"history:{Path(r.file).name}"
        members = self.members if self.members is not None else (d.member,)
        new: list[tuple[DecisionId, RatificationFact]] = []
        for decision_id in d.decisions:
            ratification = Ratification.replay(decision_id, self.decision(decision_id).conference, members,
                                               self.facts.get(decision_id, ()), self.sirens)
            steps = [("deliberation", "date", d.date)]
            if d.publication is not None:
                steps.append(("publication", "publication", d.publication))
            if d.transmission is not None:
                steps.append(("transmission", "identifier" if d.identifier else "transmission", d.transmission))
            for kind, name, day in steps:
                stamp = {"by": by, "at": at_local(day, RECORDED_AT), "event_id": f"{by}:{key}:{kind}:{decision_id}"}
                try:
                    if kind == "deliberation":
                        fact = ratification.record_deliberation(d.member, d.number, d.date, adopted=d.adopted,
                                                                pour=d.pour, contre=d.contre,
                                                                abstention=d.abstention, **stamp)
                    elif kind == "publication":
                        fact = ratification.record_publication(d.member, d.publication, **stamp)
                    else:
                        fact = ratification.record_transmission(d.member, d.transmission, d.identifier, **stamp)
                except RatificationRefused as refused:
                    expected = _EXPECTED.get(refused.reason, refused.reason.value)
                    r.add(join_key(key, name), f"{expected} ({_details(refused)}; decision {decision_id})")
                    return False
                ratification = ratification.apply(fact)
                new.append((decision_id, fact))
        for decision_id, fact in new:
            self.facts.setdefault(decision_id, []).append(fact)
        return True


_EXPECTED = {
    Reason.UNKNOWN_MEMBER: "a member of the entente",
    Reason.INVALID_NUMBER: "a deliberation number of 1 to 50 characters",
    Reason.NEGATIVE_COUNT: "vote counts >= 0",
    Reason.COUNTS_CONTRADICT_OUTCOME: "vote counts consistent with the outcome",
    Reason.BEFORE_DECISION: "a deliberation dated on or after the conference's decision",
    Reason.ALREADY_RECORDED: "one deliberation per member and decision",
    Reason.BEFORE_DELIBERATION: "a date on or after the deliberation's",
    Reason.IDENTIFIER_MISMATCH: "an identifier of this deliberation",
    Reason.IN_THE_FUTURE: "a date in the past",
}


def _details(refused: RatificationRefused) -> str:
    params = refused.params
    if refused.reason is Reason.IDENTIFIER_MISMATCH:
        return ", ".join(f"{d.field.value}: expected {d.expected}, found {d.found}" for d in params["differences"])
    return ", ".join(f"{k} {v}" for k, v in params.items() if k not in ("members", "existing"))

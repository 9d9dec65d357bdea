"""The decisions register: the decisions known to the bot, with where their ratification stands.

A decision is known when it was adopted in a séance (a row of the `decision` table, with its conference and the
room of that conference) or when a history file records it (`config/history/<year>.toml`, loaded with
`tno_bot.config.history`: its deliberations are the starting facts of the ratification, and it has no room). Its
`Ratification` is the replay of the history's facts followed by the facts stored by the commands, in recording
order. A decision found in both (same id) is the séance's, with the history's facts first.

Shared by the commands, the clock (`scheduled.py`) and the CLI exports.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from sqlmodel import Session

from tno_bot import storage
from tno_bot.app.members import Admissions, in_office, settle_admissions
from tno_bot.config import Config, ConfigError, ConfigProblem, Member
from tno_bot.config.history import History, default_history_dir, load_history
from tno_bot.domain.decisions import DecisionId, parse_decision_id
from tno_bot.domain.ratification import Ratification, RatificationFact, next_reminder
from tno_bot.domain.voting import Outcome

log = logging.getLogger(__name__)

SEANCE = "seance"
HISTORY = "history"


@dataclass(frozen=True)
class KnownDecision:
    id: DecisionId
    decided_on: date  # the day of the conference that adopted it (Europe/Paris)
    title: str
    outcome: Outcome
    source: str  # SEANCE or HISTORY
    pour: int | None = None  # the conference's counts, when known
    contre: int | None = None
    abstention: int | None = None
    conference_id: int | None = None
    room_id: str | None = None  # the conference's room: where it is announced and reminders are posted
    document: str | None = None  # the number the document bears (history)
    history_facts: tuple[RatificationFact, ...] = ()
    mission: str | None = None  # the mission it concerns: only its members ratify it

    @property
    def key(self) -> str:
        return str(self.id)


def _stamp(directory: Path) -> tuple[tuple[str, float], ...]:
    if not directory.is_dir():
        return ()
    return tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in sorted(directory.glob("*.toml")))


@lru_cache(maxsize=8)
def _load(directory: str, members: tuple[str, ...], stamp: tuple) -> History:
    return load_history(Path(directory), members)


def check_history(config: Config) -> History:
    """The history files beside the config (`history/`), loaded once per change of their files; ConfigError when
    one is wrong, or when a member's SIRET in the config is not an establishment of its SIREN there. For
    `check-config` and the start of `tno-bot run`."""
    directory = default_history_dir(config.path)
    history = _load(str(directory), tuple(m.id for m in config.members), _stamp(directory))
    problems = [ConfigProblem(str(config.path), f"members[{i}].siret",
                              f"a SIRET of the member's SIREN {siren} (history files; got {member.siret})")
                for i, member in enumerate(config.members)
                if member.siret and (siren := history.sirens.get(member.id)) and not member.siret.startswith(siren)]
    if problems:
        raise ConfigError(problems)
    return history


def history_stamp(config: Config) -> tuple:
    """What identifies the state of the history files beside the config (names, times, sizes): a cheap check that
    they did not change."""
    return _stamp(default_history_dir(config.path))


class _LastGood:
    """The last history that loaded without problem, per config, and the changes of the files already refused."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.good: dict[tuple, History] = {}
        self.refused: dict[tuple, tuple] = {}  # config key -> stamp of the files whose problems were logged


_LAST_GOOD = _LastGood()


def history_of(config: Config) -> History:
    """The history, as `check_history` loads it; for the running bot, a change of the files that makes them wrong is
    refused: the last good history is kept and the problems are logged once (ConfigError only when no history ever
    loaded in this process, which `tno-bot run` rules out by checking the files at start)."""
    directory = default_history_dir(config.path)
    key = (str(directory), config.members)
    stamp = _stamp(directory)
    with _LAST_GOOD.lock:
        last = _LAST_GOOD.good.get(key)
        if last is not None and _LAST_GOOD.refused.get(key) == stamp:
            return last
        try:
            history = check_history(config)
        except ConfigError as error:
            if last is None:
                raise
            _LAST_GOOD.refused[key] = stamp
            log.error("history files in %s changed and are refused, the last good ones are kept until they are "
                      "fixed:\n%s", directory, error)
            return last
        if key in _LAST_GOOD.refused:
            del _LAST_GOOD.refused[key]
            log.warning("history files in %s fixed: loaded again", directory)
        _LAST_GOOD.good[key] = history
        return history


def known_decisions(session: Session, config: Config, year: int | None = None,
                    ids: Collection[str] | None = None) -> list[KnownDecision]:
    """Every known decision (of `year`, among the keys `ids`), in id order."""
    history = history_of(config)
    found: dict[DecisionId, KnownDecision] = {}
    for record in history.decisions:
        wanted = (year is None or record.id.year == year) and (ids is None or str(record.id) in ids)
        if wanted and record.outcome.adopted:
            found[record.id] = KnownDecision(record.id, record.conference, record.title, record.outcome, HISTORY,
                                             document=record.document, history_facts=history.facts(record.id))
    rows = storage.decisions(session, year, ids)
    # a decision is dated by its conference's day
    conferences = storage.conference_rooms(session, None if ids is None else {row.conference_id for row in rows})
    for row in rows:
        decision_id = DecisionId(row.year, row.number)
        earlier = found.get(decision_id)
        found[decision_id] = KnownDecision(
            decision_id, conferences[row.conference_id][1], row.title, Outcome(row.outcome), SEANCE, row.pour,
            row.contre, row.abstention, row.conference_id, conferences[row.conference_id][0],
            history_facts=earlier.history_facts if earlier else (), mission=row.mission)
    return [found[d] for d in sorted(found)]


def find_decision(session: Session, config: Config, decision_id: DecisionId | str) -> KnownDecision | None:
    wanted = decision_id if isinstance(decision_id, DecisionId) else parse_decision_id(decision_id)
    return next(iter(known_decisions(session, config, ids={str(wanted)})), None)


def _replay(config: Config, decision: KnownDecision, members: Sequence[str],
            facts: Sequence[RatificationFact], sirens: Mapping[str, str] | None = None) -> Ratification:
    return Ratification.replay(decision.id, decision.decided_on, members, decision.history_facts + tuple(facts),
                               history_of(config).sirens if sirens is None else sirens)


def admissions(session: Session, config: Config) -> Admissions:
    """When each member admitted by a decision of the conference (`admitted_by`) became a member (None: not yet)."""
    admitting = {str(m.admitted_by) for m in config.members if m.admitted_by}
    if not admitting:
        return {}
    found = {d.id: d for d in known_decisions(session, config, ids=admitting)}

    def ratify(decision_id: DecisionId, members: tuple[str, ...]) -> Ratification | None:
        decision = found.get(decision_id)
        return _replay(config, decision, members, storage.ratification_facts(session, decision.key)) \
            if decision else None

    return settle_admissions(config, ratify, lambda d: found[d].decided_on if d in found else None)


def ratifying_members(config: Config, decision: KnownDecision, admitted: Admissions) -> tuple[str, ...]:
    """The members whose bodies ratify `decision`: those in office on its day (`app/members.py`), never a member
    it admits; of a decision concerning a mission, only the mission's members ("par délibérations concordantes des
    membres de l'entente concernés par la mission", art. 7 of the convention)."""
    members = tuple(m for m in in_office(config, decision.decided_on, admitted) if m.admitted_by != decision.id)
    mission = config.mission(decision.mission) if decision.mission else None
    return tuple(m.id for m in (mission.members_on(members) if mission is not None else members))


def ratification_of(session: Session, config: Config, decision: KnownDecision,
                    stored: Sequence[RatificationFact] | None = None,
                    admitted: Admissions | None = None, sirens: Mapping[str, str] | None = None) -> Ratification:
    """The decision's ratification by the members in office on its day: the history's facts, then the stored ones
    (`admitted`, `sirens`: the admissions and the history's SIRENs, when the caller already has them)."""
    facts = stored if stored is not None else storage.ratification_facts(session, decision.key)
    admitted = admissions(session, config) if admitted is None else admitted
    return _replay(config, decision, ratifying_members(config, decision, admitted), facts, sirens)


def register(session: Session, config: Config, year: int | None = None,
             ids: Collection[str] | None = None) -> list[tuple[KnownDecision, Ratification]]:
    """Every known decision (of `year`, among the keys `ids`) with its ratification."""
    stored = storage.all_ratification_facts(session, ids)
    admitted, sirens = admissions(session, config), history_of(config).sirens
    return [(d, ratification_of(session, config, d, stored.get(d.key, ()), admitted, sirens))
            for d in known_decisions(session, config, year, ids)]


def admitting(config: Config, decision: KnownDecision) -> tuple[Member, ...]:
    """The members whose entry `decision` is (`admitted_by`), shown with it."""
    return tuple(m for m in config.members if m.admitted_by == decision.id)


@dataclass(frozen=True)
class AwaitedReminder:
    """The next reminder of a member whose deliberation on a decision is awaited."""

    decision: KnownDecision
    ratification: Ratification
    member: str
    due_at: datetime  # UTC instant (`next_reminder`)


def awaited_reminders(session: Session, config: Config,
                      entries: Sequence[tuple[KnownDecision, Ratification]] | None = None) -> list[AwaitedReminder]:
    """For every pending decision that has a conference room, and every member whose deliberation is awaited, when
    its next reminder is due: `[ratification] reminder_interval_days` after the decision (after its notification to
    the members, when the secrétariat recorded one), then after the previous reminder, at `reminder_hour`
    (Europe/Paris). Decisions of the history (no room) are not reminded."""
    settings = config.ratification
    keys = None if entries is None else [decision.key for decision, _ in entries]  # None: of the whole register
    entries = register(session, config) if entries is None else entries
    last = storage.last_ratification_reminders(session, keys)
    notified = storage.notifications(session, keys)
    found = []
    for decision, ratification in entries:
        if decision.room_id is None:
            continue
        since = notified.get(decision.key, decision.decided_on)
        for member in ratification.awaited():
            due = next_reminder(since, last.get((decision.key, member)), settings.reminder_interval_days,
                                settings.reminder_hour)
            found.append(AwaitedReminder(decision, ratification, member, due))
    return found

"""The reminders of awaited members (`decisions.awaited_reminders`), kept between commits decision by decision: after
a commit, only those of the decisions it wrote are made again, so planning after a command costs the same whatever
the size of the register.

All of them are made again when a commit may have changed them all: a conference written (the day and the room of
its decisions), rows written by a bulk statement or without their decision known, the ratification of a decision
that admits a member (the admission changes who ratifies the decisions after it), or the history files changed.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from sqlmodel import Session

from tno_bot import storage
from tno_bot.app.decisions import AwaitedReminder, awaited_reminders, history_stamp, register
from tno_bot.config import Config

# The rows the awaited reminders are made of, by table: the column naming each row's decision.
DECISION_COLUMNS = {
    storage.DecisionRow.__tablename__: "id",
    storage.RatificationFactRow.__tablename__: "decision_id",
    storage.RatificationReminderRow.__tablename__: "decision_id",
    storage.DecisionNotificationRow.__tablename__: "decision_id",
}
# Those of them that make a decision's ratification: of a decision admitting a member, they change the admission.
RATIFICATION_TABLES = frozenset({storage.DecisionRow.__tablename__, storage.RatificationFactRow.__tablename__})
# A row written there may change the awaited reminders of any decision.
EVERY_DECISION = frozenset({storage.ConferenceRow.__tablename__})


@dataclass(frozen=True)
class AwaitedByDecision:
    """The reminders of awaited members by decision (key), and every instant at which one of them falls due."""

    by_decision: Mapping[str, tuple[AwaitedReminder, ...]]
    due: frozenset[datetime]

    @classmethod
    def of(cls, reminders: Iterable[AwaitedReminder]) -> AwaitedByDecision:
        by_decision: dict[str, list[AwaitedReminder]] = {}
        for reminder in reminders:
            by_decision.setdefault(reminder.decision.key, []).append(reminder)
        return cls({key: tuple(found) for key, found in by_decision.items()},
                   frozenset(r.due_at for found in by_decision.values() for r in found))

    @cached_property
    def all(self) -> tuple[AwaitedReminder, ...]:
        """Every reminder, in the order of `awaited_reminders` (decision by decision, in id order)."""
        return tuple(r for key in sorted(self.by_decision, key=lambda k: self.by_decision[k][0].decision.id)
                     for r in self.by_decision[key])


class AwaitedRegister:
    """The awaited reminders of `config`'s entente, made again only where commits (`note`) changed them."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._admitting = frozenset(str(m.admitted_by) for m in config.members if m.admitted_by)
        self._noted = threading.Lock()  # guards `_stale` (commits are noted in the committing thread)
        self._making = threading.Lock()  # one `awaited` at a time
        self._stale: set[str] | None = None  # the decisions (keys) to make again; None: all of them
        self._history: tuple | None = None  # the history files' stamp when all were made
        self._kept: dict[str, tuple[AwaitedReminder, ...]] = {}  # by decision key: the pending decisions'
        self._due: dict[str, frozenset[datetime]] = {}  # by decision key: when its reminders fall due

    def note(self, written: storage.Written) -> None:
        """A commit wrote `written`: the reminders of the decisions it wrote are stale (all of them, maybe)."""
        decisions = self._decisions_in(written)
        with self._noted:
            if decisions is None or self._stale is None:
                self._stale = None
            else:
                self._stale |= decisions

    def _decisions_in(self, written: storage.Written) -> frozenset[str] | None:
        """The decisions whose reminders `written` may change; None: maybe any."""
        if written.tables & EVERY_DECISION:
            return None
        found: set[str] = set()
        for table, column in DECISION_COLUMNS.items():
            if table in written.tables:
                if (values := written.values(table, column)) is None or (
                        table in RATIFICATION_TABLES and values & self._admitting):
                    return None
                found |= values
        return frozenset(found)

    def awaited(self, session: Session) -> AwaitedByDecision:
        """Every awaited reminder (`awaited_reminders`): those of the decisions written since the last call read
        again in `session` (all of them the first time); the other decisions cost nothing but a copy of the index."""
        with self._making:
            with self._noted:
                stale, self._stale = self._stale, set()
            try:
                history = history_stamp(self.config)
                if stale is None or history != self._history:
                    self._kept, self._due, self._history = {}, {}, history
                    self._make(session, None)
                elif stale:
                    self._make(session, stale)
            except BaseException:
                with self._noted:  # made again in full next time
                    self._stale = None
                raise
            return AwaitedByDecision(dict(self._kept), frozenset().union(*self._due.values()))

    def _make(self, session: Session, keys: Collection[str] | None) -> None:
        """The reminders of the decisions `keys` (None: of all) made again."""
        entries = None if keys is None else register(session, self.config, ids=keys)
        made = AwaitedByDecision.of(awaited_reminders(session, self.config, entries))
        for key in keys or ():
            self._kept.pop(key, None)
            self._due.pop(key, None)
        for key, reminders in made.by_decision.items():
            self._kept[key], self._due[key] = reminders, frozenset(r.due_at for r in reminders)

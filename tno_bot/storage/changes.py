"""What each committed transaction wrote (its tables, and the values of the rows it flushed), told to whoever
watches the engine (the clock plans again only what the rows written change), and what a transaction asks to do once
it is committed.

Every ORM write is seen: the objects flushed (added, changed, deleted) and the bulk `insert`/`update`/`delete`
statements run through the session, whose rows are not known one by one. The tables may be more than what really
changed (an object marked dirty without a new value), never fewer.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm.base import NO_VALUE


@dataclass(frozen=True)
class Written:
    """What one committed transaction wrote: its tables, and the values of the rows it flushed."""

    tables: frozenset[str]
    rows: tuple[tuple[str, Mapping[str, object]], ...]  # (table, a row's loaded attributes), former ones too
    bulk: frozenset[str]  # the tables bulk statements wrote: rows not known

    def values(self, table: str, column: str) -> frozenset | None:
        """The values of `column` in the rows of `table` written; None when they are not all known (a bulk
        statement, or a row flushed without that value loaded)."""
        if table in self.bulk:
            return None
        found = set()
        for name, row in self.rows:
            if name == table:
                if column not in row:
                    return None
                found.add(row[column])
        return frozenset(found)


CommitWatcher = Callable[[Written], None]

_WRITTEN = "tno_written_tables"  # key in Session.info
_ROWS = "tno_written_rows"  # key in Session.info: (table, values) of each object flushed
_BULK = "tno_bulk_tables"  # key in Session.info: the tables written by bulk statements
_ON_COMMIT = "tno_on_commit"  # key in Session.info: what to do once the transaction is committed
# engine -> its watchers, held weakly (a watcher is a bound method: it goes with its object, as the list with its engine)
_watchers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def watch_commits(engine, watcher: CommitWatcher) -> None:
    """Call the bound method `watcher(written)` after each commit, on `engine`, of a transaction that wrote rows (in
    the committing thread: keep it short), as long as its object lives or until `unwatch_commits`."""
    with _lock:
        _watchers.setdefault(engine, []).append((weakref.ref(watcher.__self__), watcher.__func__))


def unwatch_commits(engine, watcher: CommitWatcher) -> None:
    with _lock:
        watchers = _watchers.get(engine, [])
        watchers[:] = [(owner, method) for owner, method in watchers
                       if owner() is not None and (owner(), method) != (watcher.__self__, watcher.__func__)]


def tables_written(session: Session) -> frozenset[str]:
    """The tables `session`'s transaction wrote so far (flushed)."""
    return frozenset(session.info.get(_WRITTEN, ()))


def on_commit(session: Session, action: Callable[[], None]) -> None:
    """Call `action()` once `session`'s transaction is committed, after the watchers (never if it is rolled back):
    a value the transaction read or wrote is kept only once it is the committed one."""
    session.info.setdefault(_ON_COMMIT, []).append(action)


def _written(session: Session) -> set[str]:
    return session.info.setdefault(_WRITTEN, set())


@event.listens_for(Session, "after_flush")
def _note_flushed(session: Session, _flush_context) -> None:
    flushed = [(obj.__table__.name, dict(inspect(obj).dict)) for obj in (*session.new, *session.deleted)]
    flushed += [(obj.__table__.name, values) for obj in session.dirty for values in _updated(obj)]
    session.info.setdefault(_ROWS, []).extend(flushed)
    _written(session).update(table for table, _ in flushed)


def _updated(obj) -> list[dict]:
    """A row updated: its loaded attributes, and those it had if a column changed (one whose former value was not
    loaded is left out: not known)."""
    state = inspect(obj)
    values = dict(state.dict)
    if not state.committed_state:
        return [values]
    former = {**values, **state.committed_state}
    for key in [key for key, value in former.items() if value is NO_VALUE]:
        del former[key]
    return [values, former]


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_statement(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        _written(state.session).add(state.statement.table.name)
        state.session.info.setdefault(_BULK, set()).add(state.statement.table.name)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    tables = frozenset(session.info.pop(_WRITTEN, ()))
    written = Written(tables, tuple(session.info.pop(_ROWS, ())), frozenset(session.info.pop(_BULK, ())))
    if tables and _watchers:
        with _lock:
            watchers = [(owner(), method) for owner, method in _watchers.get(session.get_bind(), ())]
        for owner, method in watchers:
            if owner is not None:
                method(owner, written)
    for action in session.info.pop(_ON_COMMIT, ()):
        action()


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    for key in (_WRITTEN, _ROWS, _BULK, _ON_COMMIT):
        session.info.pop(key, None)

"""Which tables each committed transaction wrote, told to whoever watches the engine (the clock replans only when
rows it reads changed), and what a transaction asks to do once it is committed.

Every ORM write is seen: the objects flushed (added, changed, deleted) and the bulk `insert`/`update`/`delete`
statements run through the session. The set may be larger than what really changed (an object marked dirty without a
new value), never smaller.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

CommitWatcher = Callable[[frozenset[str]], None]

_WRITTEN = "tno_written_tables"  # key in Session.info
_ON_COMMIT = "tno_on_commit"  # key in Session.info: what to do once the transaction is committed
# engine -> its watchers, held weakly (a watcher is a bound method: it goes with its object, as the list with its engine)
_watchers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def watch_commits(engine, watcher: CommitWatcher) -> None:
    """Call the bound method `watcher(tables)` after each commit, on `engine`, of a transaction that wrote rows (in
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
    _written(session).update(obj.__table__.name for obj in (*session.new, *session.dirty, *session.deleted))


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_statement(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        _written(state.session).add(state.statement.table.name)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    written = frozenset(session.info.pop(_WRITTEN, ()))
    if written and _watchers:
        with _lock:
            watchers = [(owner(), method) for owner, method in _watchers.get(session.get_bind(), ())]
        for owner, method in watchers:
            if owner is not None:
                method(owner, written)
    for action in session.info.pop(_ON_COMMIT, ()):
        action()


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(_WRITTEN, None)
    session.info.pop(_ON_COMMIT, None)

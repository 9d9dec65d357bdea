"""`storage.on_commit`: what a transaction asks to do once it is committed runs then, after the engine's watchers,
and never for a transaction rolled back, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlmodel import Session

from tests.cast import ROOM
from tno_bot import storage


class Watcher:
    def __init__(self, told: list) -> None:
        self.told = told

    def note(self, tables: frozenset[str]) -> None:
        self.told.append(("watcher", tables))


def test_an_action_runs_after_the_commit_and_the_watchers_and_never_after_a_rollback(engine):
    told: list = []
    watcher = Watcher(told)
    storage.watch_commits(engine, watcher.note)
    try:
        with Session(engine) as session:
            with session.begin():
                storage.enqueue_message(session, ROOM, {"msgtype": "m.notice", "body": "annulé"})
                storage.on_commit(session, lambda: told.append("rolled back"))
                session.rollback()
            with session.begin():  # the same session, a new transaction
                storage.enqueue_message(session, ROOM, {"msgtype": "m.notice", "body": "gardé"})
                storage.on_commit(session, lambda: told.append("committed"))
                assert told == []
        assert told == [("watcher", frozenset({"outbox_message"})), "committed"]
    finally:
        storage.unwatch_commits(engine, watcher.note)

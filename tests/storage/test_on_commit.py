"""`storage.on_commit`: what a transaction asks to do once it is committed runs then, after the engine's watchers,
and never for a transaction rolled back, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlmodel import Session

from tests.cast import ROOM
from tno_bot import storage


class Watcher:
    def __init__(self, told: list) -> None:
        self.told = told

    def note(self, written: storage.Written) -> None:
        self.told.append(("watcher", written.tables))


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



class Recorder:
    def __init__(self) -> None:
        self.written: list[storage.Written] = []

    def note(self, written: storage.Written) -> None:
        self.written.append(written)


def test_the_watchers_are_told_the_rows_flushed_with_former_values_and_that_bulk_rows_are_not_known(engine):
    recorder = Recorder()
    storage.watch_commits(engine, recorder.note)
    try:
        with Session(engine) as session, session.begin():
            first = storage.enqueue_message(session, ROOM, {"msgtype": "m.notice", "body": "un"})
            storage.enqueue_message(session, "!autre:tno.example", {"msgtype": "m.notice", "body": "deux"})
            first_id = first.id
        with Session(engine) as session, session.begin():
            storage.mark_sent(session, first_id, "$sent")  # one UPDATE statement
        with Session(engine) as session, session.begin():
            session.get(storage.OutboxMessage, first_id).room_id = "!ailleurs:tno.example"
        flushed, bulk, moved = recorder.written
        assert flushed.values("outbox_message", "room_id") == {ROOM, "!autre:tno.example"}
        assert flushed.values("outbox_message", "no_such_column") is None
        assert flushed.values("processed_event", "event_id") == frozenset()  # a table it did not write
        assert bulk.tables == {"outbox_message"} and bulk.values("outbox_message", "room_id") is None
        assert moved.values("outbox_message", "room_id") == {ROOM, "!ailleurs:tno.example"}  # the former value too
    finally:
        storage.unwatch_commits(engine, recorder.note)

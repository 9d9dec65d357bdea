"""The stored undecrypted events, and the sync loop's waiting list built on them (`tno_bot/matrix/undecrypted.py`)."""
from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from nio import MegolmEvent
from sqlmodel import Session

from tno_bot.matrix import undecrypted
from tno_bot.matrix.undecrypted import UndecryptedEvents
from tno_bot.storage import forget_undecrypted, keep_undecrypted, undecrypted_events

ROOM = "!room:tno.example"
RECEIVED = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def source(event_id: str) -> dict:
    return {"type": "m.room.encrypted", "event_id": event_id, "sender": "@emeline.baume:tno.example",
            "origin_server_ts": 1772443800000,
            "content": {"algorithm": "m.megolm.v1.aes-sha2", "ciphertext": "AwgA…", "device_id": "ABCDEF",
                        "sender_key": "curve", "session_id": "session"}}


def test_kept_events_come_back_oldest_first_with_their_source(engine):
    with Session(engine) as session:
        keep_undecrypted(session, ROOM, "$later", source("$later"), RECEIVED + timedelta(seconds=1))
        keep_undecrypted(session, "!other:tno.example", "$first", source("$first"), RECEIVED)
        session.commit()
    with Session(engine) as session:
        rows = undecrypted_events(session)
    assert [(row.event_id, row.room_id) for row in rows] == [("$first", "!other:tno.example"), ("$later", ROOM)]
    assert rows[0].payload == source("$first")
    assert rows[0].received_at == RECEIVED and rows[0].received_at.tzinfo is not None


def test_keeping_an_event_again_changes_nothing(engine):
    with Session(engine) as session:
        keep_undecrypted(session, ROOM, "$a", source("$a"), RECEIVED)
        session.commit()
    with Session(engine) as session:
        keep_undecrypted(session, ROOM, "$a", source("$a"), RECEIVED + timedelta(hours=1))
        session.commit()
    with Session(engine) as session:
        assert [row.received_at for row in undecrypted_events(session)] == [RECEIVED]


def test_forgotten_events_are_deleted_and_unknown_ids_ignored(engine):
    with Session(engine) as session:
        for event_id in ("$a", "$b", "$c"):
            keep_undecrypted(session, ROOM, event_id, source(event_id), RECEIVED)
        session.commit()
    with Session(engine) as session:
        forget_undecrypted(session, ["$a", "$c", "$unknown"])
        session.commit()
    with Session(engine) as session:
        assert [row.event_id for row in undecrypted_events(session)] == ["$b"]


def test_an_event_kept_in_a_rolled_back_transaction_is_not_stored(engine):
    with Session(engine) as session:
        keep_undecrypted(session, ROOM, "$a", source("$a"), RECEIVED)
        session.rollback()
    with Session(engine) as session:
        assert undecrypted_events(session) == []


def megolm(event_id: str) -> MegolmEvent:
    return MegolmEvent.from_dict(source(event_id))


def stored_ids(engine) -> list[str]:
    with Session(engine) as session:
        return [row.event_id for row in undecrypted_events(session)]


async def test_waiting_events_come_back_after_a_restart_until_forgotten(engine):
    waiting = UndecryptedEvents(engine)
    await waiting.keep(ROOM, megolm("$a"))
    await waiting.keep(ROOM, megolm("$a"))  # the same event in a sync fetched again
    await waiting.keep(ROOM, megolm("$b"))

    restarted = UndecryptedEvents(engine)
    restored = await restarted.load()
    assert [(w.room_id, w.event.event_id, w.event.room_id, w.event.session_id) for w in restored] == [
        (ROOM, "$a", ROOM, "session"), (ROOM, "$b", ROOM, "session")]
    await restarted.forget("$a")
    assert [w.event.event_id for w in restarted] == ["$b"]
    assert stored_ids(engine) == ["$b"]


async def test_beyond_the_bound_the_oldest_are_given_up(engine, monkeypatch, caplog):
    monkeypatch.setattr(undecrypted, "MAX_WAITING", 2)
    waiting = UndecryptedEvents(engine)
    for event_id in ("$a", "$b", "$c"):
        await waiting.keep(ROOM, megolm(event_id))
    assert [w.event.event_id for w in waiting] == ["$b", "$c"]
    assert stored_ids(engine) == ["$b", "$c"]
    assert "1 encrypted event(s) given up: more than 2 wait for their room keys" in caplog.text


async def test_events_older_than_the_maximum_age_are_given_up_with_one_line(engine, caplog):
    caplog.set_level(logging.WARNING, logger="tno_bot")
    now = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        for event_id, age in (("$old", timedelta(days=8)), ("$older", timedelta(days=9)), ("$new", timedelta(days=6))):
            keep_undecrypted(session, ROOM, event_id, source(event_id), now - age)

    restored = await UndecryptedEvents(engine).load()
    assert [w.event.event_id for w in restored] == ["$new"]
    assert stored_ids(engine) == ["$new"]
    lines = [record.getMessage() for record in caplog.records if "given up" in record.getMessage()]
    assert lines == ["2 encrypted event(s) given up: their room keys did not arrive within 7 days"]


async def test_a_stored_event_that_cannot_be_read_back_is_given_up(engine, caplog):
    with Session(engine) as session, session.begin():
        keep_undecrypted(session, ROOM, "$bad", {"event_id": "$bad"}, datetime.now(UTC))
        keep_undecrypted(session, ROOM, "$a", source("$a"), datetime.now(UTC))

    assert [w.event.event_id for w in await UndecryptedEvents(engine).load()] == ["$a"]
    assert stored_ids(engine) == ["$a"]
    assert "1 stored encrypted event(s) could not be read back: given up" in caplog.text

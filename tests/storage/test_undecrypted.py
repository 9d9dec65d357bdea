from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

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

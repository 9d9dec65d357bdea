from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from tno_bot.storage import ProcessedEvent, get_sync_token, is_processed, mark_processed, set_sync_token


def test_sync_token_round_trip(engine):
    with Session(engine) as session:
        assert get_sync_token(session) is None
        set_sync_token(session, "s1_2_3")
        session.commit()
    with Session(engine) as session:
        assert get_sync_token(session) == "s1_2_3"
        set_sync_token(session, "s4_5_6")
        session.commit()
    with Session(engine) as session:
        assert get_sync_token(session) == "s4_5_6"


def test_processed_events(engine):
    with Session(engine) as session:
        assert not is_processed(session, "$a")
        mark_processed(session, "$a", "!room:tno.example", "@alice:tno.example")
        session.commit()
    with Session(engine) as session:
        assert is_processed(session, "$a")
        assert not is_processed(session, "$b")
        row = session.get(ProcessedEvent, "$a")
        assert (row.room_id, row.sender) == ("!room:tno.example", "@alice:tno.example")
        assert row.processed_at.tzinfo is not None
        assert row.processed_at.utcoffset() == timedelta(0)


def test_uncommitted_mark_is_rolled_back(engine):
    with Session(engine) as session:
        mark_processed(session, "$a", "!room:tno.example", "@alice:tno.example")
        session.rollback()
    with Session(engine) as session:
        assert not is_processed(session, "$a")


def test_aware_datetimes_in_other_zones_are_stored_as_utc(engine):
    paris = datetime(2022, 11, 7, 14, 30, tzinfo=ZoneInfo("Europe/Paris"))
    with Session(engine) as session:
        session.add(ProcessedEvent(event_id="$p", room_id="!r", sender="@s", processed_at=paris))
        session.commit()
    with Session(engine) as session:
        stored = session.get(ProcessedEvent, "$p").processed_at
    assert stored == paris
    assert stored.tzinfo == UTC

"""The dispatcher's transaction: check, write, enqueue, mark processed, commit; a lost race leaves nothing."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from tests.cast import ROOM
from tno_bot.storage import (
    OutboxMessage,
    ProcessedEvent,
    enqueue_message,
    get_room_language,
    is_processed,
    mark_processed,
    set_room_language,
)

EVENT = "$command:tno.example"


def _handle(session: Session, who: str) -> None:
    """What a handler writes: a state change, two replies, the processed-event row."""
    set_room_language(session, ROOM, who, f"@{who}:tno.example")
    enqueue_message(session, ROOM, {"body": f"{who} 1"})
    enqueue_message(session, ROOM, {"body": f"{who} 2"})
    mark_processed(session, EVENT, ROOM, "@alice:tno.example")


def _assert_only_winner_persisted(engine, winner: str) -> None:
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(ProcessedEvent)).one() == 1
        bodies = sorted(m.payload["body"] for m in session.exec(select(OutboxMessage)))
        assert bodies == [f"{winner} 1", f"{winner} 2"]
        assert get_room_language(session, ROOM) == winner


def test_second_commit_of_the_same_event_fails_and_rolls_back(engine):
    with Session(engine) as first, Session(engine) as second:
        assert not is_processed(first, EVENT)
        assert not is_processed(second, EVENT)
        _handle(first, "fr")
        first.commit()
        with pytest.raises(IntegrityError):
            _handle(second, "en")
            second.commit()
        second.rollback()
    _assert_only_winner_persisted(engine, "fr")


def test_concurrent_handlers_only_one_commits(engine):
    barrier = threading.Barrier(2)
    outcomes: dict[str, BaseException | None] = {}

    def handler(who: str) -> None:
        with Session(engine) as session:
            try:
                assert not is_processed(session, EVENT)
                barrier.wait()
                _handle(session, who)
                session.commit()
                outcomes[who] = None
            except BaseException as error:  # noqa: BLE001 - recorded for the assertions below
                session.rollback()
                outcomes[who] = error

    threads = [threading.Thread(target=handler, args=(who,)) for who in ("fr", "en")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    winners = [who for who, error in outcomes.items() if error is None]
    losers = [error for error in outcomes.values() if error is not None]
    assert len(winners) == 1, outcomes
    assert len(losers) == 1 and isinstance(losers[0], IntegrityError), outcomes
    _assert_only_winner_persisted(engine, winners[0])

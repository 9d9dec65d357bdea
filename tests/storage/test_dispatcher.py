"""The dispatcher writes the processed event, the state changes and the replies together, exactly once."""
from __future__ import annotations

import dataclasses
import json

import pytest
from sqlmodel import Session, select

from tests.cast import BAUME, PRESIDENT, ROOM
from tno_bot import storage
from tno_bot.commands import REGISTRY
from tno_bot.matrix.dispatcher import Dispatcher, IncomingMessage


@pytest.fixture
def dispatcher(engine, config):
    return Dispatcher(config, engine)


def message(event_id: str, body: str, sender: str = BAUME) -> IncomingMessage:
    return IncomingMessage(ROOM, event_id, sender, body, 1_700_000_000_000)


def outbox(engine) -> list[dict]:
    with Session(engine) as session:
        return [json.loads(row.content) for row in session.exec(select(storage.OutboxMessage))]


def test_a_command_is_answered_once_as_a_notice_replying_to_it(dispatcher, engine):
    assert len(dispatcher.process(message("$1", "!appel 2023"))) == 1
    assert dispatcher.process(message("$1", "!appel 2023")) == []

    [reply] = outbox(engine)
    assert reply["msgtype"] == "m.notice"
    assert reply["m.relates_to"] == {"m.in_reply_to": {"event_id": "$1"}}
    assert "639" in reply["body"]
    with Session(engine) as session:
        assert storage.is_processed(session, "$1")


def test_ordinary_chat_is_neither_answered_nor_recorded(dispatcher, engine):
    assert dispatcher.process(message("$2", "bonjour à tous")) == []
    assert outbox(engine) == []
    with Session(engine) as session:
        assert not storage.is_processed(session, "$2")


def test_the_room_language_chosen_by_the_president_is_used(dispatcher, engine):
    dispatcher.process(message("$3", "!langue en", sender=PRESIDENT))
    dispatcher.process(message("$4", "!appel deux-mille"))
    assert "Usage" in outbox(engine)[-1]["body"]


def test_a_crashing_handler_leaves_only_the_apology(dispatcher, engine, monkeypatch):
    def write_then_crash(ctx, year, member=None):
        storage.set_room_language(ctx.session, ctx.room_id, "en", ctx.sender)
        raise RuntimeError("boom")

    crashing = dataclasses.replace(REGISTRY.find("appel"), handler=write_then_crash)
    monkeypatch.setattr(REGISTRY, "find", lambda word: crashing)
    assert len(dispatcher.process(message("$5", "!appel 2023"))) == 1

    [reply] = outbox(engine)
    assert reply["body"].startswith("Désolé")
    with Session(engine) as session:
        assert storage.get_room_language(session, ROOM) is None
        assert storage.is_processed(session, "$5")

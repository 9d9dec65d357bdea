"""Nothing is lost, nothing is answered twice: bot restarts and homeserver restarts."""
from __future__ import annotations

import asyncio
import logging

import pytest
from sqlmodel import Session, select

from tests.e2e.scenarios import room_with_bot
from tno_bot.storage.tables import ProcessedEvent

pytestmark = pytest.mark.e2e


async def test_command_sent_while_the_bot_is_down_is_answered_exactly_once(bot_runner, person):
    await bot_runner.start()
    emeline, room_id = await room_with_bot(person, bot_runner, "Restart", encrypted=True)
    await emeline.wait_reply(await emeline.send(room_id, "!cles"))
    await bot_runner.stop()

    missed = await emeline.send(room_id, "!appel 2023")
    await bot_runner.start()
    reply = await emeline.wait_reply(missed)
    assert "639" in reply.content["body"]

    await bot_runner.stop()
    await bot_runner.start()
    await emeline.wait_reply(await emeline.send(room_id, "!cles"))  # handled in order, after any replay of `missed`
    assert len(emeline.replies_to(missed)) == 1
    with Session(bot_runner.engine) as session:
        rows = session.exec(select(ProcessedEvent).where(ProcessedEvent.event_id == missed)).all()
    assert len(rows) == 1


async def test_sync_loop_survives_a_homeserver_restart(bot_runner, person, synapse, caplog):
    caplog.set_level(logging.WARNING, logger="tno_bot")
    await bot_runner.start()
    emeline, room_id = await room_with_bot(person, bot_runner, "Outage", encrypted=False)

    await asyncio.to_thread(synapse.restart)
    command = await emeline.send(room_id, "!cles")
    reply = await emeline.wait_reply(command, timeout=90)

    assert reply.content["msgtype"] == "m.notice"
    messages = [record.getMessage() for record in caplog.records]
    # the outage is met by the long-poll ("sync failed") or by a request made while handling ("sync interrupted")
    assert any(message.startswith(("sync failed", "sync interrupted")) for message in messages)
    assert any("reachable again" in message for message in messages)

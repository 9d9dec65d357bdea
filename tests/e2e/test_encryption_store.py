"""A stale encryption store never silently breaks encryption: the bot repairs it and says so in its log."""
from __future__ import annotations

import logging

import pytest

from tests.cast import LOCAL
from tno_bot.matrix.participant import Participant

pytestmark = pytest.mark.e2e


async def ask_in_encrypted_room(server, runner, tmp_path) -> str:
    """A representative of `server` asks `!cles` in a new encrypted room with the bot; the answer's body."""
    bot_id = runner.settings.user_id
    server.register(LOCAL.BAUME, "pw")
    emeline = Participant(server.url, server.user_id(LOCAL.BAUME), "pw", tmp_path / "emeline")
    await emeline.start()
    try:
        room_id = await emeline.create_room("Chiffré", invite=[bot_id], encrypted=True, alias=runner.room_alias())
        await emeline.wait_joined(room_id, bot_id)
        reply = await emeline.wait_reply(await emeline.send(room_id, "!cles"))
    finally:
        await emeline.stop()
    return reply.content["body"]


async def test_store_made_on_another_server_gets_its_keys_published_again(synapse_factory, bot_factory, tmp_path,
                                                                         caplog):
    caplog.set_level(logging.INFO, logger="tno_bot")
    first, second = synapse_factory(), synapse_factory()  # same server name, different homeservers
    data_dir = tmp_path / "bot"
    runner = bot_factory(first, data_dir, f"sqlite:///{tmp_path / 'first.db'}")
    await runner.start()
    await runner.stop()

    runner = bot_factory(second, data_dir, f"sqlite:///{tmp_path / 'second.db'}")
    await runner.start()
    body = await ask_in_encrypted_room(second, runner, tmp_path)

    assert "53" in body
    assert any(f"no keys for device {runner.device_id}: publishing them again" in record.getMessage()
               for record in caplog.records)


async def test_store_that_does_not_match_the_servers_keys_is_replaced(synapse_factory, bot_factory, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="tno_bot")
    server = synapse_factory()
    runner = bot_factory(server, tmp_path / "first", device_id="TNOFIXED")  # a device id fixed by the operator
    await runner.start()
    await runner.stop()

    runner = bot_factory(server, tmp_path / "second", device_id="TNOFIXED")  # a fresh store for a known device
    await runner.start()
    body = await ask_in_encrypted_room(server, runner, tmp_path)

    assert "53" in body
    messages = [record.getMessage() for record in caplog.records]
    assert any("resetting the device and starting a fresh encryption store" in message for message in messages)

"""Which rooms the bot serves: the configured ones, and those the people of the config invite it to."""
from __future__ import annotations

import asyncio
import dataclasses
import logging

import pytest

from tests.cast import LOCAL

pytestmark = pytest.mark.e2e


async def test_configured_rooms_are_joined_and_an_unjoinable_one_is_only_a_warning(bot_runner, person, caplog):
    caplog.set_level(logging.WARNING, logger="tno_bot")
    emeline = await person(LOCAL.BAUME)
    room_id = await emeline.create_room("Conférence", invite=[], encrypted=False, alias="conference-configuree")
    bot_runner.config = dataclasses.replace(
        bot_runner.config, rooms=("#salon-inexistant:tno.example", "#conference-configuree:tno.example"))

    await bot_runner.start()
    await emeline.wait_joined(room_id, bot_runner.settings.user_id)
    reply = await emeline.wait_reply(await emeline.send(room_id, "!cles"))

    assert reply.content["msgtype"] == "m.notice"
    assert any("#salon-inexistant:tno.example could not be joined" in record.getMessage()
               for record in caplog.records)


async def test_invitations_pending_at_start_up_are_accepted(bot_runner, person):
    await bot_runner.start()
    await bot_runner.stop()
    emeline = await person(LOCAL.BAUME)
    room_id = await emeline.create_room("Invitation en attente", invite=[bot_runner.settings.user_id],
                                        encrypted=False)

    await bot_runner.start()

    await emeline.wait_joined(room_id, bot_runner.settings.user_id)


async def test_an_invitation_from_someone_outside_the_config_is_declined(bot_runner, person, synapse, caplog):
    caplog.set_level(logging.WARNING, logger="tno_bot")
    synapse.register("inconnu", "secret-inconnu")  # not a person of the config
    await bot_runner.start()
    stranger = await person("inconnu")
    room_id = await stranger.create_room("Hameçonnage", invite=[bot_runner.settings.user_id], encrypted=False)
    bot = bot_runner.settings.user_id

    await stranger.wait_for(lambda: bot not in stranger.client.rooms[room_id].invited_users, timeout=30)
    await asyncio.sleep(1)  # long enough for a wrongly accepted invitation to show up as a join

    assert bot not in stranger.client.rooms[room_id].users
    assert any(f"invitation to {room_id} from {stranger.user_id} declined" in record.getMessage()
               for record in caplog.records)

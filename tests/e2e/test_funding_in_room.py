"""`!appel 2023` and friends, asked by real representatives in real rooms of a real Synapse."""
from __future__ import annotations

import pytest

from tests.e2e.scenarios import room_with_bot
from tests.text import plain

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("encrypted", [False, True], ids=["clear", "encrypted"])
async def test_appel_2023_answers_the_adopted_call_for_funds(bot_runner, person, encrypted):
    await bot_runner.start()
    emeline, room_id = await room_with_bot(person, bot_runner, "Conférence TNO", encrypted)

    command = await emeline.send(room_id, "!appel 2023")
    reply = await emeline.wait_reply(command)

    content = reply.content
    assert content["msgtype"] == "m.notice"
    assert reply.sender == bot_runner.settings.user_id
    body = plain(content["body"])
    for figure in ("305 797", "217 051", "116 328", "639 176", "50 350", "\u221232 966", "288 413"):
        assert figure in body and figure in plain(content["formatted_body"]), figure
    assert "<table" not in content["formatted_body"]  # Element X does not render tables: lists instead
    assert "<li>Solde 2022 : 50 350 €</li>" in plain(content["formatted_body"])
    assert "544 175" in body and "544 176" in body  # the rounding note of the 2023 operating budget


async def test_malformed_command_gets_the_usage_and_changes_nothing(bot_runner, person):
    await bot_runner.start()
    emeline, room_id = await room_with_bot(person, bot_runner, "Conférence TNO", encrypted=False)

    reply = await emeline.wait_reply(await emeline.send(room_id, "!appel deux-mille"))

    body = plain(reply.content["body"])
    assert "!appel" in body and "année" in body
    assert "Traceback" not in body


async def test_notices_and_the_bots_own_messages_are_ignored(bot_runner, person):
    await bot_runner.start()
    emeline, room_id = await room_with_bot(person, bot_runner, "Conférence TNO", encrypted=False)
    bot_second_device = await person("tno-bot")  # the bot's own account, from another device
    await bot_second_device.wait_for(lambda: room_id in bot_second_device.client.rooms)

    own = await bot_second_device.send(room_id, "!cles")
    notice = await emeline.send(room_id, "!cles", msgtype="m.notice")
    marker = await emeline.send(room_id, "!cles")
    await emeline.wait_reply(marker)  # commands are handled in order: the two above were seen before this one

    assert emeline.replies_to(own) == []
    assert emeline.replies_to(notice) == []

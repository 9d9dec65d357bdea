"""A burst larger than one /sync page loses nothing: every command of the burst is answered once."""
from __future__ import annotations

import asyncio
import logging

import pytest

from tests.e2e.scenarios import room_with_bot

pytestmark = pytest.mark.e2e

BURST = 150  # more than the 100 timeline events one /sync may return
IN_FLIGHT = 4


@pytest.mark.parametrize("bot_down", [False, True], ids=["live", "while-the-bot-is-down"])
async def test_a_burst_of_commands_is_answered_exactly_once_each(bot_runner, person, bot_down, caplog):
    caplog.set_level(logging.INFO, logger="tno_bot")
    await bot_runner.start()
    emeline, room_id = await room_with_bot(person, bot_runner, "Rafale", encrypted=False)
    if bot_down:
        await bot_runner.stop()

    limit = asyncio.Semaphore(IN_FLIGHT)

    async def send(number: int) -> str:
        async with limit:
            return await emeline.send(room_id, f"!quote-part {1000 + number} 2023")

    commands = await asyncio.gather(*(send(number) for number in range(BURST)))
    if bot_down:
        await bot_runner.start()
    await emeline.wait_for(lambda: all(emeline.replies_to(event_id) for event_id in commands), timeout=120)
    await emeline.wait_reply(await emeline.send(room_id, "!cles"))  # anything duplicated would have arrived by now

    assert [len(emeline.replies_to(event_id)) for event_id in commands] == [1] * BURST
    for number, event_id in enumerate(commands):
        body = emeline.replies_to(event_id)[0].content["body"].replace("\u202f", " ").replace("\u00a0", " ")
        assert f"{1000 + number:,}".replace(",", " ") in body
    if bot_down:
        assert any("earlier event(s) fetched" in record.getMessage() for record in caplog.records)

"""The outbox honours the homeserver's rate limits; no secret ever reaches the log."""
from __future__ import annotations

import logging

import pytest

from tests.cast import LOCAL
from tests.e2e.scenarios import room_with_bot
from tno_bot.matrix.participant import Participant
from tno_bot.ops.logs import quiet_libraries

pytestmark = pytest.mark.e2e

COMMANDS = 6


async def test_rate_limited_replies_are_all_delivered_once_after_waiting(synapse_factory, bot_factory, tmp_path,
                                                                        caplog):
    caplog.set_level(logging.WARNING, logger="tno_bot")
    server = synapse_factory(config_overrides={"rc_message": {"per_second": 0.5, "burst_count": 2}})
    runner = bot_factory(server, tmp_path / "bot")
    await runner.start()
    server.exempt_from_rate_limits(server.register(LOCAL.BAUME, "pw"))  # only the bot meets the limit
    emeline = Participant(server.url, server.user_id(LOCAL.BAUME), "pw", tmp_path / "emeline")
    await emeline.start()
    try:
        room_id = await emeline.create_room("Limité", invite=[runner.settings.user_id], encrypted=False,
                                            alias=runner.room_alias())
        await emeline.wait_joined(room_id, runner.settings.user_id)
        commands = [await emeline.send(room_id, f"!quote-part {100 + n} 2023") for n in range(COMMANDS)]
        await emeline.wait_for(lambda: all(emeline.replies_to(event_id) for event_id in commands), timeout=90)
        marker = await emeline.send(room_id, "!cles")  # handled after the six: a duplicate would be there by now
        await emeline.wait_reply(marker, timeout=60)
    finally:
        await emeline.stop()

    assert [len(emeline.replies_to(event_id)) for event_id in commands] == [1] * COMMANDS
    assert any("rate limited by the homeserver" in record.getMessage() for record in caplog.records)


async def test_passwords_and_tokens_never_appear_in_the_log(bot_runner, person, caplog):
    caplog.set_level(logging.DEBUG)  # every logger at DEBUG, then the libraries as `tno-bot run` sets them
    quiet_libraries()
    await bot_runner.start()
    emeline, room_id = await room_with_bot(person, bot_runner, "Secrets", encrypted=True)
    await emeline.wait_reply(await emeline.send(room_id, "!appel 2023"))
    await bot_runner.stop()

    logged = "\n".join(f"{record.getMessage()} {record.args!r}" for record in caplog.records)
    assert "tno bot ready" in logged.replace("-", " ")
    assert bot_runner.settings.password not in logged
    assert "syt_" not in logged  # Synapse access tokens

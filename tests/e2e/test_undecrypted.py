"""An encrypted command whose room key arrives only while the bot is down is still answered, once, after a restart."""
from __future__ import annotations

import logging

import pytest
from nio import ToDeviceMessage
from sqlmodel import Session, select

from tests.cast import LOCAL
from tests.e2e.scenarios import ask, plain, room_with_bot_and
from tno_bot.storage.tables import ProcessedEvent

pytestmark = pytest.mark.e2e


async def test_command_whose_room_key_arrives_while_the_bot_is_down_is_answered_once(bot_runner, person, caplog):
    caplog.set_level(logging.WARNING, logger="tno_bot")
    await bot_runner.start()
    bot = bot_runner.settings.user_id
    emeline, zemorda, room_id = await room_with_bot_and(person, bot_runner, "Clé en retard", True, LOCAL.KHELIFI)
    await ask(emeline, room_id, "!cles")  # Emeline's client now knows the bot's device and has an Olm session with it

    # nio shares no group session with a blacklisted device: a new session, withheld from the bot, whose key is
    # taken before its first message (a Megolm key only decrypts the messages sent after it was exported).
    client = emeline.client
    bot_device = client.device_store[bot][bot_runner.device_id]
    client.blacklist_device(bot_device)
    await client.share_group_session(room_id, ignore_unverified_devices=True)
    withheld = client.olm.outbound_group_sessions[room_id]
    room_key = {"algorithm": "m.megolm.v1.aes-sha2", "room_id": room_id, "session_id": withheld.id,
                "session_key": withheld.session_key}
    missed = await emeline.send(room_id, "!appel 2023")
    await emeline.wait_for(lambda: any(missed in record.getMessage() and "cannot be decrypted" in record.getMessage()
                                       for record in caplog.records))
    await ask(zemorda, room_id, "!cles")  # handled after `missed`: the stored sync token moves past it
    await bot_runner.stop()
    assert not emeline.replies_to(missed)

    # The key reaches the bot's device while it is down, as the m.room_key that sharing would have sent.
    client.unblacklist_device(bot_device)
    olm_session = client.olm.session_store.get(bot_device.curve25519)
    payload = client.olm._olm_encrypt(olm_session, bot_device, "m.room_key", room_key)
    await client.to_device(ToDeviceMessage("m.room.encrypted", bot, bot_device.id, payload))
    await bot_runner.start()

    body = plain((await emeline.wait_reply(missed)).content["body"])
    for figure in ("305 797", "217 051", "116 328", "639 176"):
        assert figure in body, figure
    await bot_runner.stop()
    await bot_runner.start()
    await ask(zemorda, room_id, "!cles")  # handled after any replay of `missed`
    assert len(emeline.replies_to(missed)) == 1
    with Session(bot_runner.engine) as session:
        assert len(session.exec(select(ProcessedEvent).where(ProcessedEvent.event_id == missed)).all()) == 1

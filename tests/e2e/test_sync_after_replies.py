"""After a lone command, the bot asks for its next sync once the reply is stored and the homeserver had
DELIVERY_GRACE_SECONDS to deliver it (issue 16: a /sync that Synapse handled beside the reply delayed the reply)."""
from __future__ import annotations

import asyncio
import time

import pytest
from nio import AsyncClient

from tests.e2e.scenarios import room_with_bot
from tno_bot.matrix import sync
from tno_bot.matrix.outbox import DELIVERY_GRACE_SECONDS, REPLIES_QUIET_SECONDS
from tno_bot.matrix.sync import SyncLoop

pytestmark = pytest.mark.e2e


async def test_the_next_sync_waits_for_the_reply_to_be_stored(bot_runner, person, monkeypatch):
    bot = bot_runner.settings.user_id
    steps: list[tuple[str, float, object]] = []  # (what, time.monotonic(), which event)
    sync_until_ok, handled_fully, room_send = SyncLoop._sync_until_ok, SyncLoop._handled_fully, AsyncClient.room_send

    async def sync_asked(self, *args, **kwargs):
        steps.append(("sync asked", time.monotonic(), None))
        return await sync_until_ok(self, *args, **kwargs)

    async def handled(self, response):
        done = await handled_fully(self, response)
        events = {e.event_id for info in response.rooms.join.values() for e in info.timeline.events}
        steps.append(("handled", time.monotonic(), events))
        return done

    async def sent(self, room_id, message_type, content, *args, **kwargs):
        response = await room_send(self, room_id, message_type, content, *args, **kwargs)
        if self.user_id == bot:
            replied_to = content.get("m.relates_to", {}).get("m.in_reply_to", {}).get("event_id")
            steps.append(("reply stored", time.monotonic(), replied_to))
        return response
    # the wait's cap (REPLIES_FIRST_SECONDS) is for a busy homeserver; here the wait itself is checked, whatever the load
    monkeypatch.setattr(sync, "REPLIES_FIRST_SECONDS", 5.0)
    monkeypatch.setattr(SyncLoop, "_sync_until_ok", sync_asked)
    monkeypatch.setattr(SyncLoop, "_handled_fully", handled)
    monkeypatch.setattr(AsyncClient, "room_send", sent)

    await bot_runner.start()
    emeline, room_id = await room_with_bot(person, bot_runner, "Conférence TNO", encrypted=False)
    for _ in range(3):
        await asyncio.sleep(REPLIES_QUIET_SECONDS)  # a lone command: no other reply handed over just before
        command = await emeline.send(room_id, "!appel 2023")
        await emeline.wait_reply(command)

        handled_at = next(i for i, (what, _, events) in enumerate(steps) if what == "handled" and command in events)
        async with asyncio.timeout(5):  # the reply may reach her before the bot asks for its next sync
            while not any(what == "sync asked" for what, _, _ in steps[handled_at:]):
                await asyncio.sleep(0.01)
        stored_at = next(at for what, at, event in steps if what == "reply stored" and event == command)
        next_sync_at = next(at for what, at, _ in steps[handled_at:] if what == "sync asked")
        assert next_sync_at - stored_at >= DELIVERY_GRACE_SECONDS

"""The bot's sync filter drops what it does not use: during a séance of typing notices and read receipts, the bot is
woken only by the messages (issue 16: each wake-up cost the bot 1–1.6 ms and Synapse 6–9 ms of CPU)."""
from __future__ import annotations

import pytest
from nio import SyncResponse

from tests.e2e.scenarios import room_with_bot
from tno_bot.matrix import sync as sync_module
from tno_bot.matrix.sync import SyncLoop

pytestmark = pytest.mark.e2e

NOTICES = 10  # typing notices, and as many read receipts


def carries_events(response: SyncResponse) -> bool:
    """Whether a sync brought anything the bot handles: room messages, invitations, to-device messages."""
    return bool(response.to_device_events or response.rooms.invite
                or any(info.timeline.events for info in response.rooms.join.values()))


async def test_typing_and_read_receipts_do_not_wake_the_bot(bot_runner, person, monkeypatch):
    monkeypatch.setattr(sync_module, "LONG_POLL_MS", 600_000)  # no long-poll ends by its own timeout in the test
    syncs: list[SyncResponse] = []
    handled_fully = SyncLoop._handled_fully

    async def counted(self, response):
        syncs.append(response)
        return await handled_fully(self, response)
    monkeypatch.setattr(SyncLoop, "_handled_fully", counted)

    await bot_runner.start()
    emeline, room_id = await room_with_bot(person, bot_runner, "Conférence TNO", encrypted=False)
    first = await emeline.send(room_id, "!appel 2023")
    await emeline.wait_reply(first)
    before = len(syncs)

    for _ in range(NOTICES):
        assert (await emeline.client.room_typing(room_id, typing_state=True, timeout=30_000)).transport_response.ok
        assert (await emeline.client.update_receipt_marker(room_id, first)).transport_response.ok
        assert (await emeline.client.room_typing(room_id, typing_state=False)).transport_response.ok
    last = await emeline.send(room_id, "!appel 2023")  # after the séance's notices in Synapse's streams
    await emeline.wait_reply(last)

    seance = syncs[before:]
    assert [r for r in seance if any(info.ephemeral for info in r.rooms.join.values())] == []
    assert [r for r in seance if not carries_events(r)] == []  # no wake-up for nothing
    # the last command, the echo of the first reply if it came late, the echo of the last reply if it came already
    assert len(seance) <= 3

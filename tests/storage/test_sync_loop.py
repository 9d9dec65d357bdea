"""The sync loop's pace: after a lone command, the next sync waits for its reply; after a burst it does not."""
from __future__ import annotations

import asyncio

from nio import SyncResponse

from tests.cast import ROOM
from tno_bot.matrix.sync import REPLIES_FIRST_SECONDS, SyncLoop


def _sync(batch: str, *bodies: str) -> SyncResponse:
    events = [{"type": "m.room.message", "event_id": f"${batch}-{n}", "sender": "@emeline.baume:tno.example",
               "origin_server_ts": 1_700_000_000_000 + n, "content": {"msgtype": "m.text", "body": body}}
              for n, body in enumerate(bodies)]
    return SyncResponse.from_dict({
        "next_batch": batch, "to_device": {"events": []}, "device_lists": {"changed": [], "left": []},
        "device_one_time_keys_count": {}, "presence": {"events": []}, "account_data": {"events": []},
        "rooms": {"join": {ROOM: {"timeline": {"events": events, "limited": False, "prev_batch": "p"},
                                  "state": {"events": []}, "ephemeral": {"events": []},
                                  "account_data": {"events": []}}}}})


class _Homeserver:
    """Answers each /sync with the next prepared response, then long-polls for ever; no encryption chores."""

    user_id = "@tno-bot:tno.example"
    outgoing_to_device_messages: list = []
    should_upload_keys = should_query_keys = should_claim_keys = False

    def __init__(self, steps: list, responses: list[SyncResponse]) -> None:
        self.steps = steps
        self.responses = responses

    async def sync(self, since=None, timeout=None, sync_filter=None, full_state=False) -> SyncResponse:
        self.steps.append("sync asked")
        if not self.responses:
            await asyncio.Event().wait()
        return self.responses.pop(0)


async def test_after_a_lone_command_the_next_sync_waits_for_its_reply_and_not_after_a_burst(engine):
    steps: list = []

    async def on_message(message) -> None:
        steps.append(message.body)

    async def replies_sent(within: float) -> None:
        steps.append(f"replies sent, within {within} s")

    async def ignore(*_) -> None:
        return None

    homeserver = _Homeserver(steps, [_sync("s1", "!appel 2023"), _sync("s2", "!vote pour", "!vote contre"),
                                     _sync("s3", "bonjour"), _sync("s4", "!present")])
    loop = SyncLoop(homeserver, engine, on_message, ignore, replies_sent=replies_sent)
    task = asyncio.create_task(loop.run_forever())
    try:
        async with asyncio.timeout(5):
            while steps.count("sync asked") < 5:
                await asyncio.sleep(0.01)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    waited = f"replies sent, within {REPLIES_FIRST_SECONDS} s"
    assert steps == ["sync asked", "!appel 2023", waited,
                     "sync asked", "!vote pour", "!vote contre",  # a burst: the next sync at once
                     "sync asked",  # no command
                     "sync asked", "!present", waited,
                     "sync asked"]
    assert loop.token == "s4"

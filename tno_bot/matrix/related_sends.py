"""Outbox rows that refer to another row's event (an edit, the end of a poll): its event id filled in when sent, the
edits of one message paced and the outdated ones skipped.

- The referred row is sent first: while it is pending, the referring row waits (the outbox sends in row order).
  If it was given up, so is the referring row.
- Edits of one message go out one at a time, at least EDIT_INTERVAL_SECONDS apart; an edit is skipped (done without
  an event, `last_error` saying by which) when a later edit of the same message is queued, holding the newer tally:
  all the edits before the latest are skipped in one write.
  Ten ballots in a second thus make one or two edits, and a tally never goes back to an older state.
- An edit yields to the replies: it waits until no reply is on its way nor was just stored (`replies_quiet`, from
  outbox.py), for at most EDIT_MAX_DELAY_SECONDS. Fifty ballots in the same seconds get their ✅ first, delivered,
  then one edit with the last tally, instead of edits of a long message that every client receives competing with
  them at the homeserver.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from sqlmodel import Session

from tno_bot import storage
from tno_bot.matrix.relations import REPLACE

log = logging.getLogger(__name__)

EDIT_INTERVAL_SECONDS = 1.0
EDIT_MAX_DELAY_SECONDS = 10.0  # a steady stream of ballots still shows the tally this often
QUIET_POLL_SECONDS = 0.1
WAIT = "wait"  # the referred row is not sent yet
SKIP = "skip"  # given up or superseded: the row is no longer pending


class RelatedSends:
    def __init__(self, engine, replies_quiet: Callable[[], bool] = lambda: True) -> None:
        self.engine = engine
        self.replies_quiet = replies_quiet
        self._turns: dict[int, asyncio.Lock] = {}  # referred row -> one edit of it at a time
        self._edited_at: dict[int, float] = {}  # referred row -> when its last edit was sent (monotonic)
        self._waiting_since: dict[int, float] = {}  # referred row -> when the turn of its edits last began
        self._superseded_below: dict[int, int] = {}  # referred row -> its edits before this row were all skipped

    @asynccontextmanager
    async def turn(self, message: storage.OutboxMessage) -> AsyncIterator[dict | str]:
        """The content of `message` ready to send (its `m.relates_to` event id filled in), or WAIT, or SKIP; an edit
        holds its message's turn until the end of the block, which sends it."""
        if not is_edit(message):
            yield await asyncio.to_thread(self._resolve, message)
            return
        target = message.relates_to
        async with self._turns.setdefault(target, asyncio.Lock()):
            if message.id < self._superseded_below.get(target, 0):  # marked skipped with the edit before it
                yield SKIP
                return
            await self._wait_turn(target)
            content = await asyncio.to_thread(self._resolve, message)
            yield content
            if isinstance(content, dict):  # sent (or tried): the next edit of this message waits its turn
                self._edited_at[target] = time.monotonic()
                self._waiting_since.pop(target, None)

    async def _wait_turn(self, target: int) -> None:
        """Until EDIT_INTERVAL_SECONDS after the last edit of `target` and no reply on its way, or until its edits
        have waited EDIT_MAX_DELAY_SECONDS since one was last sent (or since the first took its turn)."""
        while True:
            now = time.monotonic()
            wait = self._edited_at.get(target, 0.0) + EDIT_INTERVAL_SECONDS - now
            waited = now - self._waiting_since.setdefault(target, now)  # an edit sent meanwhile restarts the count
            if wait <= 0 and (self.replies_quiet() or waited >= EDIT_MAX_DELAY_SECONDS):
                return
            await asyncio.sleep(max(wait, QUIET_POLL_SECONDS))

    def _resolve(self, message: storage.OutboxMessage) -> dict | str:
        with Session(self.engine) as session, session.begin():
            target = storage.related_target(session, message)
            if target.status == storage.FAILED:
                storage.mark_attempt_failed(session, message.id, f"message {target.id} it refers to was not sent",
                                            give_up=True)
                log.error("outbox: message %s given up: message %s it refers to was not sent", message.id, target.id)
                return SKIP
            event_id = target.event_id
            if event_id is None:
                return WAIT
            later = storage.superseded(session, message) if is_edit(message) else None
            if later is not None:  # this edit and those between it and `later` skipped together
                storage.mark_superseded(session, message, later)
        if later is not None:
            self._superseded_below[message.relates_to] = later
            return SKIP
        content = json.loads(message.content)
        content["m.relates_to"]["event_id"] = event_id
        return content


def is_edit(message: storage.OutboxMessage) -> bool:
    return message.event_type == "m.room.message" and f'"rel_type": "{REPLACE}"' in message.content

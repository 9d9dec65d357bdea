"""The one paced sender: delivers the outbox rows with their stored transaction ids.

A message re-sent after a crash (or after an answer lost on the way) reuses its transaction id, so the homeserver
answers with the event it already has instead of posting it twice. Rate limits are honoured with the server's
`retry_after_ms`. Transient errors (no answer, 5xx, 408: an outage, a proxy answering 502) are retried without limit,
with a backoff capped at MAX_RETRY_SECONDS (errors.py) that a fresh reply cuts short, so the replies go out within
seconds of the homeserver's return; a send left unanswered is abandoned after SEND_TIMEOUT_SECONDS and retried. A
permanent refusal (4xx) marks the row failed at once, its reason logged.
M_UNKNOWN_TOKEN raises SessionRevoked out of `run` (bot.py handles it); the row stays pending. A row for a room the
bot no longer serves (removed from the config, left) is given up too, without a request: it can never be delivered,
and waiting for it would hold back every later reply.
"""
from __future__ import annotations

import asyncio
import base64
import io
import json
import logging
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager, nullcontext, suppress
from itertools import takewhile

from nio import (
    AsyncClient,
    LocalProtocolError,
    RoomSendError,
    RoomSendResponse,
    SendRetryError,
    UploadError,
    UploadResponse,
)
from sqlmodel import Session

from tno_bot import storage
from tno_bot.matrix.content import ATTACHMENT_KEY
from tno_bot.matrix.errors import TRANSIENT_EXCEPTIONS, SessionRevoked, check_session, describe, is_transient, \
    retry_delay
from tno_bot.matrix.related_sends import SKIP, WAIT, RelatedSends, is_edit
from tno_bot.ops import metrics

log = logging.getLogger(__name__)

MAX_RATE_LIMIT_WAITS = 20
IDLE_POLL_SECONDS = 5.0
PAGE = 50
MAX_LANES = 8
RETRY_DELAY_SECONDS = 2.0
# A send (with its upload) that gets no answer in this time is abandoned and tried again with the same transaction id
# (the homeserver dedupes it if the first one got through): a stalled request must not hold its lane for the minutes
# nio would wait.
SEND_TIMEOUT_SECONDS = 30.0
# An edit waits until no reply was handed to a lane for this long (and none is on its way): see related_sends.py.
REPLIES_QUIET_SECONDS = 0.3
# ... and until no reply was stored by the homeserver for this long: it delivers the last replies of a burst to the
# room's clients first (under the load of fifty ballots this took 0.9-1.2 s), without the fan-out of a long edit that
# every client receives beside them.
EDIT_AFTER_REPLY_SECONDS = 1.0
# A lone reply (handed over when no other was on its way nor handed over for REPLIES_QUIET_SECONDS) stored by the
# homeserver is recorded as sent this long after: the homeserver delivers it to the room's clients meanwhile, without
# the bot's own work beside it (and the sync loop waits for it too: sync.py). The replies of a burst are not delayed.
DELIVERY_GRACE_SECONDS = 0.02
NOT_SERVED = "the room is no longer served (not in the configuration)"


class OutboxSender:
    """Sends fresh replies at once; anything not sent then (an error, a restart) is sent from the rows, in order.

    Fresh replies travel in lanes, one per person who asked: a person's replies go out in the order of their
    commands, while the lanes of different people are sent concurrently (up to `MAX_LANES` messages on their way at
    a time), which lets the homeserver persist a burst of replies (fifty votes in the same second) in batches. A
    lane starts as soon as its rows are handed over, whatever the other lanes are waiting for (an edit's turn).
    """

    def __init__(self, client: AsyncClient, engine, serves: Callable[[str], bool] = lambda room_id: True) -> None:
        """`serves` tells the rooms the bot serves (bot.py: `rooms.ServedRooms.serves`)."""
        self.client = client
        self.engine = engine
        self.serves = serves
        self._woken = asyncio.Event()  # rows to send from the database
        self._lanes = asyncio.Semaphore(MAX_LANES)
        self._running: dict[str, asyncio.Task] = {}  # person -> their last lane not finished yet
        self._revoked: SessionRevoked | None = None  # raised out of `run` once a lane met it
        self._backlog = True  # rows may be pending in the database (always true at start-up)
        self._failures = 0  # consecutive tries that must be made again (the homeserver unreachable, a 5xx)
        self._retry_in = 0.0  # seconds before the backlog is tried again, unless a fresh reply comes first
        self._replies_on_the_way: set[int] = set()  # rows of the lanes being sent, up to each lane's first edit
        self._lone_replies: set[int] = set()  # rows of a lone reply (see _start_lane) not recorded nor left yet
        self._no_lone_reply = asyncio.Event()
        self._no_lone_reply.set()
        self._lane_started_at = 0.0  # time.monotonic() when the last lane was handed over or began
        self._reply_stored_at = 0.0  # time.monotonic() when the homeserver last stored a reply (not an edit)
        self._unrecorded: dict[int, str] = {}  # rows sent, not recorded yet: row id -> event id
        self._recording = asyncio.Lock()  # one write of deliveries at a time
        # edits and poll ends: the event they refer to; edits paced, after the replies
        self._related = RelatedSends(engine, replies_quiet=self._edits_may_go)

    def submit(self, messages: list[storage.OutboxMessage], lane: str) -> None:
        """Rows just committed for the person `lane`: their lane starts now, without reading them back, unless older
        rows wait; then they go out with those, tried again at once (a fresh reply means a sync just succeeded: the
        homeserver is probably back, which cuts a retry delay short)."""
        if self._backlog:
            self.wake()
        else:
            self._start_lane(lane, messages)

    def wake(self) -> None:
        """Rows were committed without being handed over: send from the database."""
        self._woken.set()

    async def run(self) -> None:
        try:
            while True:
                try:
                    async with asyncio.timeout(self._retry_in if self._backlog else IDLE_POLL_SECONDS):
                        await self._woken.wait()
                    idle = False
                except TimeoutError:
                    idle = True
                self._woken.clear()
                self._raise_revoked()
                try:
                    # The idle look at the rows waits until the lanes are done (they hold rows still pending).
                    if self._backlog or not (idle and self._running):
                        await self._lanes_finished()  # the rows go out in order: no lane beside the drain
                        await self.drain()
                except SessionRevoked:
                    raise
                except Exception:  # the sender must outlive any surprise: the rows wait in the database meanwhile
                    log.exception("outbox: unexpected error; pending messages will be sent from the database")
                    self._backlog = True
                    await asyncio.sleep(RETRY_DELAY_SECONDS)
        finally:
            lanes = list(self._running.values())
            for task in lanes:
                task.cancel()
            await asyncio.gather(*lanes, return_exceptions=True)

    def _start_lane(self, person: str, messages: list[storage.OutboxMessage]) -> None:
        """Send `messages` once `person`'s previous lane is done, beside the other people's lanes."""
        previous = self._running.get(person)
        if self._replies_quiet():  # nothing else on its way nor just handed over: a lone reply, not a burst
            self._lone_replies |= {message.id for message in messages if not is_edit(message)}
            self._lone_replies_changed()
        self._lane_started_at = time.monotonic()
        task = asyncio.create_task(self._lane(previous, messages), name="tno-outbox-lane")
        self._running[person] = task
        task.add_done_callback(lambda done: self._running.pop(person) if self._running.get(person) is done else None)

    async def _lane(self, previous: asyncio.Task | None, messages: list[storage.OutboxMessage]) -> None:
        try:
            if previous is not None:
                await asyncio.wait({previous})
            if self._backlog:  # an earlier lane could not send: these rows go out with the backlog, in order
                return
            try:
                if await self._send_lane(messages):
                    return
            except SessionRevoked as revoked:
                self._revoked = revoked
            except Exception:
                log.exception("outbox: unexpected error; pending messages will be sent from the database")
            self._backlog = True
            self.wake()
        finally:  # its replies sent, or left to the backlog
            self._lone_replies -= {message.id for message in messages}
            self._lone_replies_changed()

    async def _lanes_finished(self) -> None:
        await asyncio.gather(*list(self._running.values()), return_exceptions=True)
        self._raise_revoked()

    def _raise_revoked(self) -> None:
        if self._revoked is not None:
            raise self._revoked

    async def _send_lane(self, messages: list[storage.OutboxMessage]) -> bool:
        # The replies ahead of the lane's first edit: an edit yields to the replies on their way, never to those queued
        # behind it in its own lane (a closing's poll ends), which wait for it.
        replies = {message.id for message in takewhile(lambda message: not is_edit(message), messages)}
        self._replies_on_the_way |= replies
        self._lane_started_at = time.monotonic()
        try:
            return await self._send_in_order(messages, self._lanes)
        finally:
            self._replies_on_the_way -= replies

    def _lone_replies_changed(self) -> None:
        if self._lone_replies:
            self._no_lone_reply.clear()
        else:
            self._no_lone_reply.set()

    async def replies_sent(self, within: float) -> None:
        """Return once the lone reply handed over, if any, is sent and recorded (or left to the backlog: the
        homeserver failed), or after `within` seconds. The replies of a burst are not waited for."""
        with suppress(TimeoutError):
            async with asyncio.timeout(within):
                await self._no_lone_reply.wait()

    def _replies_quiet(self) -> bool:
        """No reply of a lane on its way, and none handed over for REPLIES_QUIET_SECONDS: what is handed over now is a
        lone reply, not part of a burst."""
        return not self._replies_on_the_way and time.monotonic() - self._lane_started_at >= REPLIES_QUIET_SECONDS

    def _edits_may_go(self) -> bool:
        """The replies quiet, and none stored for EDIT_AFTER_REPLY_SECONDS: its delivery comes before an edit."""
        return self._replies_quiet() and time.monotonic() - self._reply_stored_at >= EDIT_AFTER_REPLY_SECONDS

    async def drain(self) -> None:
        """Send the pending rows, oldest first, until none is left or one must wait."""
        while True:
            pending = await asyncio.to_thread(self._pending)
            if not await self._send_in_order(pending):
                self._backlog = True
                self._retry_in = retry_delay(self._failures)
                return
            if len(pending) < PAGE:
                self._backlog = False
                return

    async def _send_in_order(self, messages: list[storage.OutboxMessage],
                             slot: AbstractAsyncContextManager = nullcontext()) -> bool:
        """False at the first message that must wait (it and the later ones stay pending). `slot` is held while a
        message is on its way, not while an edit waits for its turn nor while a delivery is recorded: a lane whose
        tally edit is paced, or whose record waits for the database, does not hold back the other lanes."""
        for message in messages:
            if not await self._deliver(message, slot):
                return False
        return True

    def _pending(self) -> list[storage.OutboxMessage]:
        with Session(self.engine) as session:
            return storage.pending_messages(session, limit=PAGE)

    async def _with_uploaded_attachment(self, room_id: str, content: dict) -> dict | UploadError:
        """`content` ready to send: its attachment uploaded (encrypted when the room is) and referenced."""
        encoded = content.pop(ATTACHMENT_KEY, None)
        if encoded is None:
            return content
        data = base64.b64decode(encoded)
        room = self.client.rooms.get(room_id)
        encrypt = bool(room and room.encrypted)
        response, keys = await self.client.upload(
            lambda *_: io.BytesIO(data), content_type=content["info"]["mimetype"], filename=content["filename"],
            encrypt=encrypt, filesize=len(data),
        )
        if not isinstance(response, UploadResponse):
            return response
        if encrypt:
            content["file"] = {"url": response.content_uri, **keys}
        else:
            content["url"] = response.content_uri
        return content

    async def _deliver(self, message: storage.OutboxMessage, slot: AbstractAsyncContextManager) -> bool:
        try:
            if not self.serves(message.room_id):
                await asyncio.to_thread(self._record, storage.mark_attempt_failed, message.id, NOT_SERVED, True)
                metrics.OUTBOX_GIVEN_UP.inc()
                log.error("outbox: message %s to %s given up: %s", message.id, message.room_id, NOT_SERVED)
                return True
            if message.relates_to is None:
                return await self._deliver_content(message, None, slot)
            async with self._related.turn(message) as content:
                if content == WAIT:  # the message it refers to is sent first (rows go in order)
                    return False
                if content == SKIP:
                    return True
                return await self._deliver_content(message, content, slot)
        finally:
            self._replies_on_the_way.discard(message.id)
            self._lone_replies.discard(message.id)
            self._lone_replies_changed()

    async def _deliver_content(self, message: storage.OutboxMessage, prepared: dict | None,
                               slot: AbstractAsyncContextManager) -> bool:
        """Send `message` (`slot` held only while it is on its way, not while its outcome is recorded)."""
        for _ in range(MAX_RATE_LIMIT_WAITS):
            try:
                async with slot, asyncio.timeout(SEND_TIMEOUT_SECONDS):
                    content = await self._with_uploaded_attachment(
                        message.room_id, json.loads(message.content) if prepared is None else prepared)
                    response = content if isinstance(content, UploadError) else await self.client.room_send(
                        message.room_id,
                        message.event_type,
                        content,
                        tx_id=message.txn_id,
                        ignore_unverified_devices=True,
                    )
            except (*TRANSIENT_EXCEPTIONS, SendRetryError, LocalProtocolError) as error:
                # The homeserver is unreachable or the room is not synced yet: not the message's fault, retry later.
                self._failures += 1
                metrics.OUTBOX_RETRIES.inc()
                log.warning("outbox: message %s not sent yet (%s), retried", message.id, describe(error))
                return False
            if isinstance(response, RoomSendResponse):
                if not is_edit(message):
                    self._reply_stored_at = time.monotonic()
                try:
                    if message.id in self._lone_replies:  # its delivery first
                        await asyncio.sleep(DELIVERY_GRACE_SECONDS)
                finally:  # recorded even when the bot stops meanwhile: it is delivered, it must not be sent again
                    await self._record_delivery(message.id, response.event_id)
                metrics.MESSAGES_SENT.inc()
                self._failures = 0
                return True
            check_session(response, f"sending message {message.id}")
            if isinstance(response, (RoomSendError, UploadError)) and response.status_code == "M_LIMIT_EXCEEDED":
                delay = (response.retry_after_ms or 1000) / 1000
                log.warning("outbox: rate limited by the homeserver, waiting %.1f s", delay)
                metrics.OUTBOX_RETRIES.inc()
                await asyncio.sleep(delay)
                continue
            error = describe(response)
            give_up = not is_transient(response)
            await asyncio.to_thread(self._record, storage.mark_attempt_failed, message.id, error, give_up)
            if give_up:
                metrics.OUTBOX_GIVEN_UP.inc()
                log.error("outbox: message %s to %s refused by the homeserver (%s): given up",
                          message.id, message.room_id, error)
                return True
            self._failures += 1
            metrics.OUTBOX_RETRIES.inc()
            log.warning("outbox: message %s not sent yet (%s), retried", message.id, error)
            return False
        return False  # still rate limited: the row stays pending and is tried again later

    async def _record_delivery(self, message_id: int, event_id: str) -> None:
        """Record `message_id` sent as `event_id`. The deliveries that come while one write is under way are recorded
        together by the next: a burst's replies in a few transactions instead of one each (on SQLite, each of them
        waited for the write lock beside the ballots' transactions, and synced the disk)."""
        self._unrecorded[message_id] = event_id
        try:
            async with self._recording:
                if message_id not in self._unrecorded:  # recorded by the write before, with its own
                    return
                deliveries, self._unrecorded = self._unrecorded, {}
                try:
                    await asyncio.to_thread(self._record, _mark_all_sent, deliveries)
                except Exception:  # the write failed: left to the next one (or to the next start, which sends again)
                    self._unrecorded = deliveries | self._unrecorded
                    raise
        except asyncio.CancelledError:
            # The bot stops. A write under way ends in its thread; a delivery still waiting for its turn is written
            # in a thread of its own, which the loop's shutdown waits for: it is not to be sent again at the next start.
            if self._unrecorded.pop(message_id, None) is not None:
                loop = asyncio.get_running_loop()
                loop.run_in_executor(None, self._record, _mark_all_sent, {message_id: event_id})
            raise

    def _record(self, write, *args) -> None:
        with Session(self.engine) as session, session.begin():
            write(session, *args)


def _mark_all_sent(session: Session, deliveries: dict[int, str]) -> None:
    for message_id, event_id in deliveries.items():
        storage.mark_sent(session, message_id, event_id)

"""The one paced sender: delivers the outbox rows with their stored transaction ids.

A message re-sent after a crash reuses its transaction id, so the homeserver answers with the event it already has
instead of posting it twice. Rate limits are honoured with the server's `retry_after_ms`; other errors are retried a
bounded number of times, then the row is marked failed and logged.
"""
from __future__ import annotations

import asyncio
import base64
import io
import json
import logging

from aiohttp import ClientConnectionError
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

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
MAX_RATE_LIMIT_WAITS = 20
IDLE_POLL_SECONDS = 5.0
PAGE = 50
MAX_LANES = 8
RETRY_DELAY_SECONDS = 2.0


class OutboxSender:
    """Sends fresh replies at once; anything not sent then (an error, a restart) is sent from the rows, in order.

    Fresh replies travel in lanes, one per person who asked: a person's replies go out in the order of their
    commands, while the lanes of different people are sent concurrently (up to `MAX_LANES` at a time), which lets
    the homeserver persist a burst of replies (fifty votes in the same second) in batches.
    """

    def __init__(self, client: AsyncClient, engine) -> None:
        self.client = client
        self.engine = engine
        self._fresh: asyncio.Queue[tuple[str, list[storage.OutboxMessage]] | None] = asyncio.Queue()
        self._lanes = asyncio.Semaphore(MAX_LANES)
        self._backlog = True  # rows may be pending in the database (always true at start-up)

    def submit(self, messages: list[storage.OutboxMessage], lane: str) -> None:
        """Rows just committed for the person `lane`: sent without reading them back, unless older rows wait."""
        self._fresh.put_nowait((lane, messages))

    def wake(self) -> None:
        """Rows were committed without being handed over: send from the database."""
        self._fresh.put_nowait(None)

    async def run(self) -> None:
        while True:
            try:
                async with asyncio.timeout(IDLE_POLL_SECONDS):
                    first = await self._fresh.get()
            except TimeoutError:
                first = None
            arrived = [first]
            while not self._fresh.empty():
                arrived.append(self._fresh.get_nowait())
            lanes: dict[str, list[storage.OutboxMessage]] = {}
            for item in arrived:
                if item is not None:
                    lanes.setdefault(item[0], []).extend(item[1])
            try:
                if lanes and not self._backlog:
                    sent = await asyncio.gather(*(self._send_lane(messages) for messages in lanes.values()))
                    self._backlog = not all(sent)
                if self._backlog or None in arrived:
                    await self.drain()
            except Exception:  # the sender must outlive any surprise: the rows wait in the database meanwhile
                log.exception("outbox: unexpected error; pending messages will be sent from the database")
                self._backlog = True
                await asyncio.sleep(RETRY_DELAY_SECONDS)

    async def _send_lane(self, messages: list[storage.OutboxMessage]) -> bool:
        async with self._lanes:
            return await self._send_in_order(messages)

    async def drain(self) -> None:
        """Send the pending rows, oldest first, until none is left or one must wait."""
        while True:
            pending = await asyncio.to_thread(self._pending)
            if not await self._send_in_order(pending):
                self._backlog = True
                await asyncio.sleep(RETRY_DELAY_SECONDS)
                return
            if len(pending) < PAGE:
                self._backlog = False
                return

    async def _send_in_order(self, messages: list[storage.OutboxMessage]) -> bool:
        """False at the first message that must wait (it and the later ones stay pending)."""
        for message in messages:
            if not await self._deliver(message):
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

    async def _deliver(self, message: storage.OutboxMessage) -> bool:
        for _ in range(MAX_RATE_LIMIT_WAITS):
            try:
                content = await self._with_uploaded_attachment(message.room_id, json.loads(message.content))
                response = content if isinstance(content, UploadError) else await self.client.room_send(
                    message.room_id,
                    message.event_type,
                    content,
                    tx_id=message.txn_id,
                    ignore_unverified_devices=True,
                )
            except (ClientConnectionError, TimeoutError, SendRetryError, LocalProtocolError) as error:
                # The homeserver is unreachable or the room is not synced yet: not the message's fault, retry later.
                log.warning("outbox: message %s not sent yet (%s)", message.id, type(error).__name__)
                return False
            if isinstance(response, RoomSendResponse):
                await asyncio.to_thread(self._record, storage.mark_sent, message.id, response.event_id)
                return True
            if isinstance(response, (RoomSendError, UploadError)) and response.status_code == "M_LIMIT_EXCEEDED":
                delay = (response.retry_after_ms or 1000) / 1000
                log.warning("outbox: rate limited by the homeserver, waiting %.1f s", delay)
                await asyncio.sleep(delay)
                continue
            give_up = message.attempts + 1 >= MAX_ATTEMPTS
            error = f"{getattr(response, 'status_code', '')} {getattr(response, 'message', response)}".strip()
            await asyncio.to_thread(self._record, storage.mark_attempt_failed, message.id, error, give_up)
            if give_up:
                log.error("outbox: message %s to %s given up after %d attempts: %s",
                          message.id, message.room_id, MAX_ATTEMPTS, error)
                return True
            log.warning("outbox: message %s refused (%s), will retry", message.id, error)
            return False
        return False  # still rate limited: the row stays pending and is tried again later

    def _record(self, write, *args) -> None:
        with Session(self.engine) as session, session.begin():
            write(session, *args)

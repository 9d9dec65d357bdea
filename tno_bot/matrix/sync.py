"""The sync loop: persisted token, no lost burst, supervised with backoff.

* The first start ever skips history; afterwards the stored token resumes where the bot stopped, so commands sent
  while it was down are handled (once: the dispatcher dedupes by event id).
* A `limited` timeline (a burst larger than the sync returned) is paged back with `/messages` down to the previous
  sync position, so no event of the burst is lost. A page that fails for a transient reason (a 500 from a worker, a
  502 from a proxy, no answer) interrupts the sync: the token stays before the gap and the sync is handled again.
  Only a permanent refusal (4xx) skips the gap, said as an error in the log.
* An encrypted event whose room key has not arrived is stored (`undecrypted.py`), its key requested, and it is
  retried after every sync, across restarts. Its sender is told why and what to do (`on_unreadable`) as soon as
  their client withholds the key (`m.room_key.withheld`), or when no key came within KEY_WAIT_SECONDS.
* After a sync that brought a single command, the next sync is asked for once its reply, when lone (outbox.py: no
  other reply on its way nor just handed over), is sent and recorded (at most REPLIES_FIRST_SECONDS later; the outbox
  leaves the homeserver DELIVERY_GRACE_SECONDS to deliver a lone reply first): a /sync that Synapse handles while it
  stores or delivers the reply delays the reply (bench/latency.py), while an event arriving meanwhile is returned at
  once by the next sync. After a burst (several commands in one sync) the next sync is asked for at once: the
  commands still on the homeserver are not held back by the replies of the first ones.
* Sync errors are returned by nio, not raised: every failure is logged and retried without limit, with a backoff
  capped at MAX_RETRY_SECONDS (errors.py) so the bot resumes within seconds of the homeserver's return; the recovery
  is logged too. M_UNKNOWN_TOKEN raises SessionRevoked (handled by bot.py).
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from nio import (
    AsyncClient,
    InviteMemberEvent,
    MegolmEvent,
    MessageDirection,
    RoomMessagesResponse,
    RoomMessageText,
    SyncResponse,
    UnknownEvent,
)
from sqlmodel import Session

from tno_bot import storage
from tno_bot.matrix.dispatcher import IncomingMessage
from tno_bot.matrix.errors import TRANSIENT_EXCEPTIONS, check_session, describe, is_transient, retry_delay
from tno_bot.matrix.polls import answer_of
from tno_bot.matrix.relations import received
from tno_bot.matrix.undecrypted import UndecryptedEvents, Unreadable, Waiting, Withheld, WithheldKeys
from tno_bot.ops import metrics

log = logging.getLogger(__name__)

LONG_POLL_MS = 30_000
TIMELINE_LIMIT = 100
# Only what the bot uses: typing notices and read receipts (`ephemeral`), presence and account data would each wake
# the long-poll for nothing.
SYNC_FILTER = {
    "room": {"timeline": {"limit": TIMELINE_LIMIT}, "state": {"lazy_load_members": False},
             "ephemeral": {"not_types": ["*"]}, "account_data": {"not_types": ["*"]}},
    "presence": {"not_types": ["*"]},
    "account_data": {"not_types": ["*"]},
}
FIRST_SYNC_FILTER = {**SYNC_FILTER, "room": {**SYNC_FILTER["room"], "timeline": {"limit": 0}}}
SYNC_GRACE_SECONDS = 60.0
HOUSEKEEPING_TIMEOUT_SECONDS = 20.0
REQUEST_TIMEOUT_SECONDS = 20.0
NETWORK_ERRORS = TRANSIENT_EXCEPTIONS
TOKEN_SAVE_INTERVAL_SECONDS = 30.0
# A homeserver with time for it stores a lone reply within tens of milliseconds; one that takes longer is busy (the
# first command of a burst looks lone): waiting more would hold back the commands behind it on the homeserver.
REPLIES_FIRST_SECONDS = 0.15


class PageBackFailed(Exception):
    """A page of a limited timeline could not be fetched: the sync must be handled again, its token not saved."""


MessageHandler = Callable[[IncomingMessage], Awaitable[None]]
InviteHandler = Callable[[str, str], Awaitable[None]]
UnreadableHandler = Callable[[Unreadable], Awaitable[None]]
RepliesSent = Callable[[float], Awaitable[None]]  # outbox.OutboxSender.replies_sent


class SyncLoop:
    def __init__(self, client: AsyncClient, engine, on_message: MessageHandler, on_invite: InviteHandler,
                 on_unreadable: UnreadableHandler | None = None,
                 serves: Callable[[str], bool] = lambda room_id: True,
                 replies_sent: RepliesSent | None = None) -> None:
        self.client = client
        self.replies_sent = replies_sent
        self.serves = serves  # rooms.ServedRooms.serves: nothing from another room is handled
        self.engine = engine
        self.on_message = on_message
        self.on_invite = on_invite
        self.on_unreadable = on_unreadable
        self.token: str | None = None
        self._handled = 0  # invitations handled in the sync being processed
        self._commands = 0  # commands and poll answers handed to the dispatcher in the sync being processed
        self._saved_at = 0.0
        self._interruptions = 0  # consecutive syncs whose handling was interrupted
        self._undecrypted = UndecryptedEvents(engine)
        self._withheld = WithheldKeys()

    async def catch_up(self) -> None:
        """First sync of this process: full room state, then what happened since the stored token (if any)."""
        self.token = await asyncio.to_thread(self._load_token)
        restored = await self._undecrypted.load()
        if restored:
            log.info("%d encrypted event(s) still wait for their room keys: retried after each sync", len(restored))
        for waiting in restored:
            await self._request_key(waiting.event)
        if self.token is None:
            response = await self._sync_until_ok(timeout=0, sync_filter=FIRST_SYNC_FILTER, full_state=True)
            log.info("first start: history skipped")
            await self._handle_invites(response)
            await self._save_token(response.next_batch)
        else:
            interrupted = 0
            while not await self._handled_fully(
                    await self._sync_until_ok(interrupted, timeout=0, sync_filter=SYNC_FILTER, full_state=True)):
                interrupted = 1
        await self.housekeeping()

    async def run_forever(self) -> None:
        # After catch_up: the keys that arrived while the bot was down were used before anyone is told they lack.
        watcher = asyncio.create_task(self._watch_key_waits(), name="tno-key-waits") if self.on_unreadable else None
        try:
            interrupted = 0
            while True:
                response = await self._sync_until_ok(interrupted, timeout=LONG_POLL_MS, sync_filter=SYNC_FILTER)
                if not await self._handled_fully(response):
                    interrupted = 1
                    continue
                interrupted = 0
                if self.replies_sent is not None and self._commands == 1:  # a lone command: its reply first
                    await self.replies_sent(REPLIES_FIRST_SECONDS)
                await self.housekeeping()
        finally:
            if watcher:
                watcher.cancel()
                await asyncio.gather(watcher, return_exceptions=True)

    async def _handled_fully(self, response: SyncResponse) -> bool:
        """False when a request made while handling (paging back, joining) failed: the token was not advanced, so
        the next sync brings the same events again, and those already handled are skipped."""
        try:
            await self._handle(response)
        except (*NETWORK_ERRORS, PageBackFailed) as error:
            self._interruptions += 1
            delay = retry_delay(self._interruptions)
            log.warning("sync interrupted while handling its events (%s): they will be handled again in %.1f s",
                        describe(error), delay)
            await asyncio.sleep(delay)
            return False
        self._interruptions = 0
        return True

    async def _sync_until_ok(self, failures: int = 0, **kwargs) -> SyncResponse:
        """The next sync; `failures` counts the failed attempts already made (they are reported on success)."""
        while True:
            try:
                # A long-poll that outlives its own timeout by SYNC_GRACE_SECONDS is abandoned and retried: after a
                # homeserver restart a request may otherwise stay unanswered for minutes.
                async with asyncio.timeout(kwargs["timeout"] / 1000 + SYNC_GRACE_SECONDS):
                    response = await self.client.sync(since=self.token, **kwargs)
            except NETWORK_ERRORS as error:
                response = error
            if isinstance(response, SyncResponse):
                metrics.SYNC.beat()
                if failures:
                    log.warning("homeserver reachable again after %d failed sync(s)", failures)
                return response
            check_session(response, "sync")
            failures += 1
            delay = retry_delay(failures)
            log.warning("sync failed (%s): retrying in %.1f s", describe(response), delay)
            await asyncio.sleep(delay)

    async def housekeeping(self) -> None:
        """Encryption chores that nio's own sync_forever would do: to-device messages and key management.

        Bounded in time: a request left hanging (a homeserver that restarted under it) must not stop the sync loop.
        """
        try:
            async with asyncio.timeout(HOUSEKEEPING_TIMEOUT_SECONDS):
                await self._encryption_chores()
        except NETWORK_ERRORS as error:
            log.warning("encryption housekeeping postponed (%s)", describe(error))

    async def _encryption_chores(self) -> None:
        client = self.client
        if client.outgoing_to_device_messages:
            await client.send_to_device_messages()
        if client.should_upload_keys:
            await client.keys_upload()
        if client.should_query_keys:
            await client.keys_query()
        if client.should_claim_keys:
            await client.keys_claim(client.get_users_for_key_claiming())

    async def _handle(self, response: SyncResponse) -> None:
        self._handled = self._commands = 0
        await self._handle_invites(response)
        await self._note_withheld(response.to_device_events)
        await self._retry_undecrypted()
        for room_id, info in response.rooms.join.items():
            if not self.serves(room_id):
                continue
            events = list(info.timeline.events)
            if info.timeline.limited and self.token:
                events = await self._page_back(room_id, info.timeline.prev_batch, self.token) + events
            for event in events:
                await self._handle_event(room_id, event)
        if self._handled or time.monotonic() - self._saved_at > TOKEN_SAVE_INTERVAL_SECONDS:
            await self._save_token(response.next_batch)
        else:
            # Nothing but commands (recorded as processed with their replies) and ignored events: resuming from the
            # older stored token after a crash would only replay events that are ignored or already processed. Saves
            # a write, competing with the delivery of the reply, per command and per echo of a reply.
            self.token = response.next_batch

    async def _page_back(self, room_id: str, start: str | None, stop: str) -> list:
        """The events between the previous sync position `stop` and the start of a limited timeline, oldest first."""
        older: list = []
        while start:
            async with asyncio.timeout(REQUEST_TIMEOUT_SECONDS):
                page = await self.client.room_messages(room_id, start=start, end=stop,
                                                       direction=MessageDirection.back, limit=TIMELINE_LIMIT)
            if not isinstance(page, RoomMessagesResponse):
                check_session(page, "paging back")
                if is_transient(page):
                    raise PageBackFailed(f"room {room_id}: earlier events not fetched: {describe(page)}")
                log.error("room %s: the events before this sync cannot be fetched (%s): %d fetched, the others "
                          "skipped; commands sent there may stay unanswered", room_id, describe(page), len(older))
                break
            if not page.chunk:
                break
            older.extend(page.chunk)
            start = page.end if page.end != start else None
        if older:
            log.info("room %s: burst larger than one sync, %d earlier event(s) fetched", room_id, len(older))
        return list(reversed(older))

    async def _handle_event(self, room_id: str, event) -> None:
        if not self.serves(room_id):
            return
        if isinstance(event, MegolmEvent):
            log.warning("room %s: event %s cannot be decrypted yet (session %s): keys requested",
                        room_id, event.event_id, event.session_id)
            await self._undecrypted.keep(room_id, event)
            await self._request_key(event)
            withheld = self._withheld.find(room_id, event)
            waiting = self._undecrypted.get(event.event_id)
            if withheld and waiting:
                await self._tell(waiting, withheld)
            return
        if event.sender == self.client.user_id:
            return
        if isinstance(event, UnknownEvent):  # a poll answer (nio knows no poll events, encrypted or not)
            answer = answer_of(event.type, event.source.get("content", {}))
            if answer is not None:
                self._handled += 1
                self._commands += 1
                await self.on_message(IncomingMessage(room_id, event.event_id, event.sender, "",
                                                      event.server_timestamp, poll_answer=answer))
            return
        if not isinstance(event, RoomMessageText):
            return
        text = received(event)  # an edit gives its new text
        message = IncomingMessage(room_id=room_id, event_id=event.event_id, sender=event.sender, body=text.body,
                                  origin_server_ts=event.server_timestamp, formatted_body=text.formatted_body,
                                  thread_root=text.thread_root, replaces=text.replaces)
        if message.looks_like_command:
            self._commands += 1
            await self.on_message(message)

    async def _request_key(self, event: MegolmEvent) -> None:
        try:
            await self.client.request_room_key(event)
        except Exception:  # a duplicate request is refused by nio (its requests are stored); the key may still come
            log.debug("room key not requested again for %s", event.session_id)

    async def _retry_undecrypted(self) -> None:
        await self._undecrypted.drop_expired()
        for waiting in self._undecrypted:
            try:
                decrypted = self.client.decrypt_event(waiting.event)
            except Exception:  # no room key yet
                continue
            decrypted.room_id = waiting.room_id
            await self._handle_event(waiting.room_id, decrypted)
            await self._undecrypted.forget(waiting.event.event_id)

    async def _note_withheld(self, to_device_events) -> None:
        """Remember the keys withheld from the bot's device; tell the senders of the events already waiting."""
        for event in to_device_events:
            withheld = Withheld.from_event(event)
            if withheld is None:
                continue
            log.info("room key withheld by %s (%s): room %s, session %s", withheld.sender, withheld.code,
                     withheld.room_id, withheld.session_id)
            self._withheld.add(withheld)
            for waiting in self._undecrypted:
                if withheld.covers(waiting.room_id, waiting.event):
                    await self._tell(waiting, withheld)

    async def _watch_key_waits(self) -> None:
        """Tell the sender of each event still without its key KEY_WAIT_SECONDS after it arrived."""
        while True:
            self._undecrypted.changed.clear()
            for waiting in self._undecrypted.due(datetime.now(UTC)):
                try:
                    self.client.decrypt_event(waiting.event)
                except Exception:  # still no key
                    try:
                        await self._tell(waiting, None)
                    except Exception:  # the database: the event is retried at the next turn
                        log.exception("the sender of %s could not be told yet", waiting.event.event_id)
                        await asyncio.sleep(5.0)
                        break
                else:  # the key came: the retry after the next sync hands the event over
                    self._undecrypted.considered(waiting.event.event_id)
            next_due = self._undecrypted.next_due()
            delay = None if next_due is None else max(0.0, (next_due - datetime.now(UTC)).total_seconds())
            try:
                async with asyncio.timeout(delay):
                    await self._undecrypted.changed.wait()
            except TimeoutError:
                pass

    async def _tell(self, waiting: Waiting, withheld: Withheld | None) -> None:
        """Tell the sender why `waiting` cannot be read (once per event; the notices are once per session)."""
        event = waiting.event
        if self._undecrypted.is_considered(event.event_id):
            return
        if self.on_unreadable is not None and event.sender != self.client.user_id:
            waited = (datetime.now(UTC) - waiting.received_at).total_seconds()
            await self.on_unreadable(Unreadable(
                room_id=waiting.room_id, event_id=event.event_id, sender=event.sender, session_id=event.session_id,
                code=withheld.code if withheld else None, reason=withheld.reason if withheld else None,
                waited=waited, bot_device=self.client.device_id))
        self._undecrypted.considered(event.event_id)

    async def _handle_invites(self, response: SyncResponse) -> None:
        for room_id, info in response.rooms.invite.items():
            inviter = next((event.sender for event in info.invite_state
                            if isinstance(event, InviteMemberEvent) and event.state_key == self.client.user_id
                            and event.membership == "invite"), None)
            if inviter:
                self._handled += 1
                await self.on_invite(room_id, inviter)

    def _load_token(self) -> str | None:
        with Session(self.engine) as session:
            return storage.get_sync_token(session)

    async def _save_token(self, token: str) -> None:
        def write() -> None:
            with Session(self.engine) as session, session.begin():
                storage.set_sync_token(session, token)
        await asyncio.to_thread(write)
        self.token = token
        self._saved_at = time.monotonic()

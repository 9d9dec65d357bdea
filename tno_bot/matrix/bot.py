"""The running bot: login, rooms, sync loop, dispatcher and outbox sender put together."""
from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from datetime import datetime

from nio import AsyncClient

from tno_bot import storage
from tno_bot.config import Config
from tno_bot.config.version import ConfigVersion
from tno_bot.matrix.cross_signing import make_trusted
from tno_bot.matrix.dispatcher import Dispatcher, IncomingMessage
from tno_bot.matrix.errors import TRANSIENT_EXCEPTIONS, SessionRevoked, describe, retry_delay
from tno_bot.matrix.outbox import OutboxSender
from tno_bot.matrix.presence import show_presence
from tno_bot.matrix.rooms import ServedRooms
from tno_bot.matrix.scheduler import DueWork
from tno_bot.matrix.session import AccessTokenRevoked, HomeserverUnavailable, connect, set_store_aside
from tno_bot.matrix.settings import MatrixSettings
from tno_bot.matrix.sync import SyncLoop
from tno_bot.matrix.undecrypted import Unreadable, UnreadableNotices

log = logging.getLogger(__name__)

# Each new login after a revoked token makes a new device. A homeserver (or an admin's script) that keeps deleting
# them would have the bot create devices without limit: past MAX_NEW_DEVICES within NEW_DEVICE_WINDOW_SECONDS, the bot
# stops with AccessTokenRevoked (exit code 77) for an operator to look.
MAX_NEW_DEVICES = 3
NEW_DEVICE_WINDOW_SECONDS = 3600.0


@dataclasses.dataclass
class _Serving:
    """What reads the config while the bot serves, for `TnoBot.reload`."""

    client: AsyncClient
    rooms: ServedRooms
    due_work: DueWork
    notices: UnreadableNotices


class TnoBot:
    def __init__(self, config: Config, settings: MatrixSettings, engine,
                 version: ConfigVersion | None = None) -> None:
        self.config = config
        self.settings = settings
        self.engine = engine
        self.dispatcher = Dispatcher(config, engine, version)
        self.ready = asyncio.Event()
        self._new_devices: list[float] = []  # time.monotonic() of each new login after a revoked token
        self._write_lock = asyncio.Lock()  # commands, the clock's work and a reload: one at a time
        self._serving: _Serving | None = None

    async def reload(self, config: Config, version: ConfigVersion) -> None:
        """Serve with `config` from now on (checked by the caller): people and roles for the next command, the rooms
        joined and left, the reminders of the conferences ahead replanned, the display name and avatar shown."""
        async with self._write_lock:
            self.config = config
            self.dispatcher.reconfigure(config, version)
            serving = self._serving
            if serving is not None:
                serving.notices.config = config
                try:
                    replanned = await asyncio.to_thread(serving.due_work.reconfigure, config)
                    log.info("reminders of %d conference(s) ahead replanned", replanned)
                except Exception as error:
                    if (reason := storage.storage_fault(error)) is None:
                        raise
                    log.error("reminders not replanned on the reloaded config (they are at the next change of a "
                              "conference): %s", reason)
        if serving is not None:
            await serving.due_work.replan()
            await serving.rooms.reconfigure(config.rooms)
            await show_presence(serving.client, config.service, self.settings.data_dir)

    def note_refused_reload(self, at: datetime) -> None:
        """A reload was refused at `at`: `!config` says so beside the running version."""
        if self.dispatcher.version is not None:
            self.dispatcher.version = dataclasses.replace(self.dispatcher.version, refused_at=at)

    async def run(self) -> None:
        """Run until cancelled; `ready` is set once the bot answers commands.

        When the homeserver stops accepting the access token (the device deleted by an admin, the token revoked), the
        bot logs in again with its password, as a new device (signed like any new device), and carries on from its
        stored sync token; without a password it raises AccessTokenRevoked (service.py exits with its own code)."""
        client = await self._trusted_client()
        while True:
            try:
                await self._serve(client)
                return
            except SessionRevoked as revoked:
                client = await self._log_in_again(revoked)

    async def _log_in_again(self, revoked: SessionRevoked) -> AsyncClient:
        if not self.settings.password:
            raise AccessTokenRevoked(
                f"the homeserver no longer accepts the bot's access token ({revoked}): its device was deleted or "
                "the token revoked; give the bot a new TNO_ACCESS_TOKEN, or TNO_PASSWORD to log in again by itself"
            ) from None
        if revoked.soft_logout:
            log.warning("the homeserver logged the bot out (%s): logging in again on the same device", revoked)
        else:
            now = time.monotonic()
            self._new_devices = [t for t in self._new_devices if now - t < NEW_DEVICE_WINDOW_SECONDS] + [now]
            if len(self._new_devices) > MAX_NEW_DEVICES:
                raise AccessTokenRevoked(
                    f"the homeserver no longer accepts the bot's access token ({revoked}), and the bot already logged "
                    f"in again as a new device {MAX_NEW_DEVICES} time(s) in the last "
                    f"{NEW_DEVICE_WINDOW_SECONDS / 60:.0f} minutes: not logging in again (each login makes a new "
                    "device); find what deletes the bot's devices, then restart it"
                ) from None
            log.warning("the homeserver no longer accepts the bot's access token (%s): its device was deleted or the "
                        "token revoked; logging in again as a new device", revoked)
            set_store_aside(self.settings)
        self.settings = dataclasses.replace(self.settings, access_token=None)
        return await self._trusted_client()

    async def _serve(self, client: AsyncClient) -> None:
        """Serve with `client` until cancelled or SessionRevoked; `client` is closed at the end."""
        rooms = ServedRooms(client, self.config.rooms)
        outbox = OutboxSender(client, self.engine, serves=rooms.serves)
        write_lock = self._write_lock
        due_work = DueWork(self.config, self.engine, write_lock, outbox.wake)

        self.dispatcher.room_name = rooms.name

        async def on_message(message: IncomingMessage) -> None:
            async with write_lock:
                queued = await asyncio.to_thread(self.dispatcher.process, message)
            if queued:
                outbox.submit(queued, lane=message.sender)
                await asyncio.sleep(0)  # the reply is on its way (its request written) before anything else is done
                await due_work.replan()

        notices = UnreadableNotices(self.config, self.engine)

        async def on_unreadable(unreadable: Unreadable) -> None:
            if not rooms.serves(unreadable.room_id):  # an event kept before its room was removed from the config
                return
            queued = await asyncio.to_thread(notices.record, unreadable)
            if queued:
                outbox.submit(queued, lane=unreadable.sender)

        self._serving = _Serving(client, rooms, due_work, notices)
        sync = SyncLoop(client, self.engine, on_message, rooms.on_invite, on_unreadable, rooms.serves,
                        outbox.replies_sent)
        outbox_task: asyncio.Task | None = None
        try:
            await show_presence(client, self.config.service, self.settings.data_dir)
            await rooms.start()  # the configured rooms joined, any other left
            await sync.catch_up()  # commands sent during an outage first (an avis may stop a tacit fixing) ...
            await due_work.start()  # ... then what fell due meanwhile
            outbox_task = asyncio.create_task(outbox.run(), name="tno-outbox")
            outbox.wake()
            log.info("tno-bot ready: %s (device %s) on %s, %d room(s) served",
                     client.user_id, client.device_id, self.settings.homeserver, len(rooms.room_ids))
            self.ready.set()
            sync_task = asyncio.create_task(sync.run_forever(), name="tno-sync")
            try:
                # Both run until cancelled; either may stop on SessionRevoked, which is raised here.
                done, _ = await asyncio.wait({sync_task, outbox_task}, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    task.result()
            finally:
                sync_task.cancel()
                await asyncio.gather(sync_task, return_exceptions=True)
        finally:
            self._serving = None
            due_work.stop()
            if outbox_task:
                outbox_task.cancel()
                await asyncio.gather(outbox_task, return_exceptions=True)
            await client.close()

    async def _trusted_client(self) -> AsyncClient:
        """Logged in, its device cross-signed (or the reason logged); a homeserver that does not answer yet (the bot
        started before it, a proxy answering 502) is tried again, at most 10 s apart (`errors.retry_delay`)."""
        failures = 0
        while True:
            try:
                return await self._connect_once()
            except (HomeserverUnavailable, *TRANSIENT_EXCEPTIONS) as error:
                failures += 1
                delay = retry_delay(failures)
                log.warning("homeserver %s unavailable at start-up (%s): trying again in %.1f s",
                            self.settings.homeserver, describe(error), delay)
                await asyncio.sleep(delay)

    async def _connect_once(self) -> AsyncClient:
        client = await connect(self.settings)
        try:
            await make_trusted(client, self.settings)
        except BaseException:
            await client.close()
            raise
        return client

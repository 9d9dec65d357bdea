"""The rooms the bot serves: those the config's `rooms` names, and no other.

* A configured alias (`#conference:server`) is resolved to its room id through the homeserver's directory at start-up;
  one not found (the operator has not created the room yet) is resolved again when an invitation comes to a room the
  bot does not know.
* An invitation is accepted when the room is configured, whoever invites; declined (left) otherwise.
* At start-up the bot joins the configured rooms and leaves every joined room that is not configured; each leave is
  one log line. A config reloaded (SIGHUP) does the same at once: a room added is joined (or, an alias not found
  yet, on its invitation), a room removed is left.
* `serves` is the test the sync loop applies to every event (defence in depth, should a leave have failed): nothing
  from a room that is not served is handled, not even an undecryptable event.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from urllib.parse import quote

from aiohttp import ClientError
from nio import AsyncClient, JoinError, JoinedRoomsResponse, RoomLeaveResponse

from tno_bot.matrix import api
from tno_bot.matrix.errors import TRANSIENT_EXCEPTIONS, SessionRevoked, check_session, describe, retry_delay

log = logging.getLogger(__name__)

DIRECTORY = "/_matrix/client/v3/directory/room"


class UnknownYet(ClientError):
    """The homeserver could not say (a transient failure): the set of rooms served is not known yet. A ClientError, so
    that the sync loop treats it as the connection error it stands for: the sync is handled again a moment later."""


class ServedRooms:
    """The configured rooms of one client, by room id, and what the bot does with invitations and joined rooms."""

    def __init__(self, client: AsyncClient, configured: Iterable[str]) -> None:
        self.client = client
        configured = tuple(configured)
        self.room_ids: set[str] = {room for room in configured if room.startswith("!")}
        self.unresolved: set[str] = {room for room in configured if room.startswith("#")}
        self.aliases: dict[str, str] = {}  # room id -> the configured alias that names it

    def serves(self, room_id: str) -> bool:
        return room_id in self.room_ids

    def name(self, room_id: str) -> str | None:
        """What people call the room: its configured alias, else its canonical alias or name, if known."""
        if room_id in self.aliases:
            return self.aliases[room_id]
        room = self.client.rooms.get(room_id)
        return (room.canonical_alias or room.name) if room else None

    async def start(self) -> None:
        """Aliases resolved (transient failures retried, at most 10 s apart), the configured rooms joined and every
        other joined room left."""
        joined = await _until_answered(self._resolve_and_list, "the rooms to serve")
        for alias in sorted(self.unresolved):
            log.warning("configured room %s does not exist (yet): it will be joined when someone invites the bot to "
                        "it", alias)
        for room_id in sorted(self.room_ids - joined):
            await self._join(room_id, "at start-up")
        for room_id in sorted(joined - self.room_ids):
            if await self._leave(room_id):
                log.warning("left %s: not in the configuration", room_id)

    async def reconfigure(self, configured: Iterable[str]) -> None:
        """Serve the rooms of a reloaded config: the rooms no longer configured left, the new ones resolved and
        joined; a failure to resolve is a log line (the invitation resolves it again), not a refused reload."""
        configured = set(configured)
        kept_aliases = {room_id: alias for room_id, alias in self.aliases.items() if alias in configured}
        kept = {room for room in configured if room.startswith("!")} | set(kept_aliases)
        served_before = self.room_ids
        self.room_ids, self.aliases = kept, kept_aliases
        self.unresolved = {room for room in configured if room.startswith("#")} - set(kept_aliases.values())
        try:
            await self._resolve()
        except UnknownYet as error:
            log.warning("new configured rooms not resolved yet (%s): joined on their invitation", error)
        for room_id in sorted(served_before - self.room_ids):
            if await self._leave(room_id):
                log.warning("left %s: no longer in the configuration", room_id)
        joined = set(self.client.rooms)
        for room_id in sorted(self.room_ids - joined):
            await self._join(room_id, "after the config was reloaded")
        for alias in sorted(self.unresolved):
            log.warning("configured room %s does not exist (yet): it will be joined when someone invites the bot to "
                        "it", alias)

    async def on_invite(self, room_id: str, inviter: str) -> None:
        """Join a configured room; decline (leave) any other, saying why in the log."""
        if not self.serves(room_id) and self.unresolved:
            await self._resolve()
        if self.serves(room_id):
            await self._join(room_id, f"on the invitation of {inviter}")
            return
        log.warning("invitation to %s from %s declined: the room is not in the configuration", room_id, inviter)
        await self._leave(room_id)

    async def _join(self, room_id: str, when: str) -> None:
        label = f"{room_id} ({self.aliases.get(room_id, 'configured by its id')})"
        try:
            result = await self.client.join(room_id)
        except TRANSIENT_EXCEPTIONS as error:
            log.warning("configured room %s not joined %s: %s", label, when, describe(error))
            return
        if isinstance(result, JoinError):
            check_session(result, "joining a room")
            log.warning("configured room %s could not be joined %s: %s", label, when, describe(result))
        else:
            log.info("joined %s %s", label, when)

    async def _leave(self, room_id: str) -> bool:
        """Leave the room; False (and a log line) when the homeserver did not let it: the room is still not served."""
        try:
            result = await self.client.room_leave(room_id)
        except TRANSIENT_EXCEPTIONS as error:
            result = error
        if isinstance(result, RoomLeaveResponse):
            return True
        check_session(result, "leaving a room")
        log.warning("room %s not left (%s): nothing from it is handled all the same", room_id, describe(result))
        return False

    async def _resolve_and_list(self) -> set[str]:
        await self._resolve()
        response = await self.client.joined_rooms()
        if not isinstance(response, JoinedRoomsResponse):
            check_session(response, "listing the joined rooms")
            raise UnknownYet(f"joined rooms not listed: {describe(response)}")
        return set(response.rooms)

    async def _resolve(self) -> None:
        """Resolve the aliases not resolved yet; one not found stays unresolved. UnknownYet on a transient failure."""
        for alias in sorted(self.unresolved):
            try:  # through api: nio logs a warning for each alias not found
                status, answer = await api.request(self.client, "GET", f"{DIRECTORY}/{quote(alias)}", ok=(200, 404))
            except TRANSIENT_EXCEPTIONS as error:
                raise UnknownYet(f"{alias} not resolved: {describe(error)}") from None
            except api.ApiError as error:
                if error.errcode == "M_UNKNOWN_TOKEN":
                    raise SessionRevoked(f"resolving a room alias: {error}") from None
                if error.transient:
                    raise UnknownYet(f"{alias} not resolved: {error}") from None
                log.error("configured room %s cannot be resolved: %s", alias, error)
                continue
            if status == 200:
                room_id = answer["room_id"]
                self.unresolved.discard(alias)
                self.room_ids.add(room_id)
                self.aliases[room_id] = alias
                log.info("configured room %s is %s", alias, room_id)


async def _until_answered(request: Callable[[], Awaitable[set[str]]], what: str) -> set[str]:
    failures = 0
    while True:
        try:
            return await request()
        except TRANSIENT_EXCEPTIONS as error:  # UnknownYet included
            failures += 1
            delay = retry_delay(failures)
            log.warning("%s are not known yet (%s): trying again in %.1f s", what, describe(error), delay)
            await asyncio.sleep(delay)

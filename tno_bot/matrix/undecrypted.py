"""Encrypted events waiting for their room key, kept in the database so that a restart does not lose them.

The sync token moves past an event that cannot be decrypted yet: its stored copy is what brings it back once the key
arrives. It is stored before the token that passes it (the sync loop saves the token after handling the sync), and
deleted only after the decrypted event was handed to the handler: a crash in between replays it, and the dispatcher
answers an event id once. At most MAX_WAITING events wait, none longer than MAX_AGE.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from nio import MegolmEvent
from sqlmodel import Session

from tno_bot import storage

log = logging.getLogger(__name__)

MAX_WAITING = 500
MAX_AGE = timedelta(days=7)


@dataclass(frozen=True)
class Waiting:
    room_id: str
    event: MegolmEvent
    received_at: datetime


class UndecryptedEvents:
    """The waiting events, in memory and in the database; iterated oldest first."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self._waiting: dict[str, Waiting] = {}  # by event id, oldest first

    def __iter__(self) -> Iterator[Waiting]:
        return iter(list(self._waiting.values()))

    async def load(self) -> list[Waiting]:
        """Bring back the events stored by earlier runs (those too old are given up); returns them."""
        unreadable = []
        for row in await asyncio.to_thread(self._read):
            event = MegolmEvent.from_dict(row.payload)
            if isinstance(event, MegolmEvent):
                event.room_id = row.room_id
                self._waiting[row.event_id] = Waiting(row.room_id, event, row.received_at)
            else:
                unreadable.append(row.event_id)
        if unreadable:
            await asyncio.to_thread(self._delete, unreadable)
            log.warning("%d stored encrypted event(s) could not be read back: given up", len(unreadable))
        await self.drop_expired()
        return list(self._waiting.values())

    async def keep(self, room_id: str, event: MegolmEvent) -> None:
        """Store an event that cannot be decrypted yet (once); beyond MAX_WAITING the oldest are given up."""
        if event.event_id in self._waiting:
            return
        waiting = Waiting(room_id, event, datetime.now(UTC))
        overflow = list(self._waiting)[:max(0, len(self._waiting) + 1 - MAX_WAITING)]
        await asyncio.to_thread(self._write, waiting, overflow)
        for event_id in overflow:
            del self._waiting[event_id]
        self._waiting[event.event_id] = waiting
        if overflow:
            log.warning("%d encrypted event(s) given up: more than %d wait for their room keys",
                        len(overflow), MAX_WAITING)

    async def forget(self, event_id: str) -> None:
        """The event was decrypted and handed to the handler."""
        await asyncio.to_thread(self._delete, [event_id])
        self._waiting.pop(event_id, None)

    async def drop_expired(self) -> None:
        """Give up the events whose room key did not arrive within MAX_AGE."""
        cutoff = datetime.now(UTC) - MAX_AGE
        expired = [event_id for event_id, waiting in self._waiting.items() if waiting.received_at < cutoff]
        if expired:
            await asyncio.to_thread(self._delete, expired)
            for event_id in expired:
                del self._waiting[event_id]
            log.warning("%d encrypted event(s) given up: their room keys did not arrive within %d days",
                        len(expired), MAX_AGE.days)

    def _read(self) -> list[storage.UndecryptedEvent]:
        with Session(self.engine) as session:
            return storage.undecrypted_events(session)

    def _write(self, waiting: Waiting, overflow: list[str]) -> None:
        with Session(self.engine) as session, session.begin():
            storage.forget_undecrypted(session, overflow)
            storage.keep_undecrypted(session, waiting.room_id, waiting.event.event_id, waiting.event.source,
                                     waiting.received_at)

    def _delete(self, event_ids: list[str]) -> None:
        with Session(self.engine) as session, session.begin():
            storage.forget_undecrypted(session, event_ids)

"""A real Matrix user driven by a script: the representatives of the demo, the tests and the bench."""
from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from nio import (
    AsyncClient,
    AsyncClientConfig,
    LoginError,
    MatrixRoom,
    ReactionEvent,
    RoomCreateError,
    RoomEncryptedFile,
    RoomMessageFile,
    RoomMessageNotice,
    RoomMessageText,
    RoomPreset,
    RoomReadMarkersError,
    RoomSendResponse,
    RoomVisibility,
    UnknownEvent,
)


# Synapse returns 10 timeline events per /sync unless asked for more: a person watching a burst (fifty replies to
# fifty votes) would miss some. Bursts in the tests and benches stay under this limit.
SYNC_FILTER = {"room": {"timeline": {"limit": 100}}}


@dataclass(frozen=True)
class Received:
    room_id: str
    event_id: str
    sender: str
    content: dict
    received_at: float  # time.monotonic()
    origin_server_ts: int  # milliseconds: when the homeserver stored it
    type: str = "m.room.message"

    @property
    def reply_to(self) -> str | None:
        return self.content.get("m.relates_to", {}).get("m.in_reply_to", {}).get("event_id")

    @property
    def relation(self) -> tuple[str | None, str | None]:
        """(rel_type, event_id) of its `m.relates_to`: an edit, a reaction, a poll's end or answer, a thread."""
        relation = self.content.get("m.relates_to") or {}
        return relation.get("rel_type"), relation.get("event_id")


class Participant:
    """Logs in with its own encryption store, syncs in the background and records every message it sees."""

    def __init__(self, homeserver: str, user_id: str, password: str, store_dir: Path) -> None:
        store_dir.mkdir(parents=True, exist_ok=True)
        self.password = password
        self.client = AsyncClient(homeserver, user_id, store_path=str(store_dir),
                                  config=AsyncClientConfig(encryption_enabled=True, store_sync_tokens=False))
        self.received: list[Received] = []
        self._replies: dict[str, list[Received]] = defaultdict(list)  # the received, by the event they reply to
        self._related: dict[tuple[str, str], list[Received]] = defaultdict(list)  # by (rel_type, event_id)
        self._sync_task: asyncio.Task | None = None
        self.client.add_event_callback(self._record, (RoomMessageText, RoomMessageNotice, RoomMessageFile,
                                                     RoomEncryptedFile, ReactionEvent, UnknownEvent))

    @property
    def user_id(self) -> str:
        return self.client.user_id

    async def _record(self, room: MatrixRoom, event) -> None:
        message = Received(room.room_id, event.event_id, event.sender, event.source.get("content", {}),
                           time.monotonic(), event.server_timestamp, event.source.get("type", "m.room.message"))
        self.received.append(message)
        if message.reply_to:
            self._replies[message.reply_to].append(message)
        if all(message.relation):
            self._related[message.relation].append(message)

    async def start(self) -> None:
        response = await self.client.login(self.password, device_name="participant")
        if isinstance(response, LoginError):
            raise RuntimeError(f"{self.client.user}: login refused ({response.message})")
        await self.client.sync(timeout=0, full_state=True, sync_filter=SYNC_FILTER)
        if self.client.should_upload_keys:
            await self.client.keys_upload()
        # Incremental syncs from there, as Element makes them: asking for the full state of every room at each
        # /sync made the homeserver send each client all the rooms' members every time it woke.
        self._sync_task = asyncio.create_task(self.client.sync_forever(timeout=5_000, sync_filter=SYNC_FILTER))

    async def stop(self) -> None:
        if self._sync_task:
            self._sync_task.cancel()
            await asyncio.gather(self._sync_task, return_exceptions=True)
        await self.client.close()

    async def create_room(self, name: str, invite: list[str], encrypted: bool, alias: str | None = None,
                          public: bool = False) -> str:
        """A private room (or a public one, that anybody may join), named `#<alias>:<server>` when `alias` is given."""
        initial_state = [{"type": "m.room.encryption", "state_key": "",
                          "content": {"algorithm": "m.megolm.v1.aes-sha2"}}] if encrypted else []
        response = await self.client.room_create(
            visibility=RoomVisibility.public if public else RoomVisibility.private, alias=alias, name=name,
            invite=invite, initial_state=initial_state,
            preset=RoomPreset.public_chat if public else RoomPreset.private_chat,
        )
        if isinstance(response, RoomCreateError):
            raise RuntimeError(f"room creation refused: {response.message}")
        await self.wait_for(lambda: response.room_id in self.client.rooms)
        return response.room_id

    async def join(self, room_id: str) -> None:
        await self.client.join(room_id)
        await self.wait_for(lambda: room_id in self.client.rooms)

    async def wait_joined(self, room_id: str, user_id: str, timeout: float = 30.0) -> None:
        """Until `user_id` has joined the room (not merely been invited)."""
        def joined() -> bool:
            room = self.client.rooms.get(room_id)
            return bool(room) and user_id in room.users and user_id not in room.invited_users
        await self.wait_for(joined, timeout)

    async def send(self, room_id: str, text: str, msgtype: str = "m.text") -> str:
        response = await self.client.room_send(room_id, "m.room.message", {"msgtype": msgtype, "body": text},
                                               ignore_unverified_devices=True)
        if not isinstance(response, RoomSendResponse):
            raise RuntimeError(f"message refused: {response}")
        return response.event_id

    async def send_event(self, room_id: str, event_type: str, content: dict) -> str:
        """Any event, as a client sends it (a poll answer, an edit, a message in a thread)."""
        response = await self.client.room_send(room_id, event_type, content, ignore_unverified_devices=True)
        if not isinstance(response, RoomSendResponse):
            raise RuntimeError(f"event refused: {response}")
        return response.event_id

    async def read_up_to(self, room_id: str) -> None:
        """Mark the room read up to the last event received in it, as Element does for the room on screen: its
        fully-read marker and a private read receipt (seen by no one else), so the homeserver counts this user's
        unread messages and mentions from there."""
        last = next((m.event_id for m in reversed(self.received) if m.room_id == room_id), None)
        if last is None:
            return
        response = await self.client.room_read_markers(room_id, fully_read_event=last, private_read_event=last)
        if isinstance(response, RoomReadMarkersError):
            raise RuntimeError(f"read markers refused: {response.message}")

    def related_to(self, event_id: str, rel_type: str) -> list[Received]:
        """The events received that relate to `event_id` so (`m.annotation`: reactions, `m.replace`: edits…)."""
        return list(self._related.get((rel_type, event_id), ()))

    def replies_to(self, event_id: str) -> list[Received]:
        return list(self._replies.get(event_id, ()))

    def answers_to(self, event_id: str) -> list[Received]:
        """The bot's answers to `event_id`: its replies, or its reaction (how it acknowledges a ballot)."""
        return self.replies_to(event_id) + self.related_to(event_id, "m.annotation")

    async def wait_answer(self, event_id: str, timeout: float = 30.0) -> Received:
        await self.wait_for(lambda: self.answers_to(event_id), timeout)
        return self.answers_to(event_id)[0]

    async def wait_reply(self, event_id: str, timeout: float = 30.0) -> Received:
        await self.wait_for(lambda: self.replies_to(event_id), timeout)
        return self.replies_to(event_id)[0]

    async def wait_for(self, condition, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError("condition not met in time")
            await asyncio.sleep(0.05)

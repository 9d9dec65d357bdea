"""An "Element-grade" strict Matrix client for the end-to-end tests, driven from pytest.

A node process (``tests/e2e/strict_client/client.mjs``: matrix-js-sdk with its rust crypto) logs in as a real
cross-signed user whose device isolation mode is Element's ``OnlySignedDevicesIsolationMode``: it withholds room keys
from devices their owner did not cross-sign and refuses to decrypt messages sent by such devices. With
``blacklist_unverified`` it also withholds keys from every device this user has not verified (Element's "never send
encrypted messages to unverified sessions"), with an ``m.room_key.withheld`` of code ``m.unverified``.

With ``recovery_key`` the client logs in to an account that already has a cross-signing identity (the bot's) and, as
Element's "Verify with recovery key" does, takes the private cross-signing keys from the account's secret storage
with that key and signs its own device with them, never creating a new identity: ``recovery_error`` then says
whether that worked, ``own_status()`` what came of it.

The node modules (and a node 22 binary, from the npm package ``node``) are installed by ``make test`` (target
``strict-client``: ``npm ci`` in ``tests/e2e/strict_client``).

Usage::

    alice = StrictClient(synapse.url, synapse.user_id("alice"), "secret")
    await alice.start()
    room_id = await alice.create_room("Salle", invite=[bot], encrypted=True)
    await alice.wait_joined(room_id, bot)
    event_id = await alice.send(room_id, "!aide")
    reply = await alice.wait_reply(event_id)  # StrictMessage: reply.decrypted, reply.shield, reply.body...
    await alice.stop()
"""
from __future__ import annotations

import asyncio
import collections
import itertools
import json
import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

CLIENT_DIR = Path(__file__).parent / "strict_client"
SCRIPT = CLIENT_DIR / "client.mjs"
#: The node 22 that the npm package `node` installed next to matrix-js-sdk (which needs node >= 22).
NODE = CLIENT_DIR / "node_modules" / ".bin" / "node"
STDERR_TAIL = 60


class StrictClientError(RuntimeError):
    """An operation of the strict client failed; the message ends with the tail of its stderr."""


@dataclass(frozen=True)
class Shield:
    colour: str  # "NONE", "GREY" or "RED" (matrix-js-sdk EventShieldColour)
    reason: str | None  # e.g. "UNVERIFIED_IDENTITY", "UNSIGNED_DEVICE" (EventShieldReason), None with NONE


@dataclass(frozen=True)
class StrictMessage:
    event_id: str
    room_id: str
    sender: str
    type: str  # "m.room.message", or "m.room.encrypted" when it could not be decrypted
    msgtype: str | None
    body: str | None
    formatted_body: str | None
    in_reply_to: str | None  # None also when undecryptable and the relation is inside the ciphertext
    encrypted: bool
    decrypted: bool  # was encrypted and was decrypted
    decryption_error: str | None  # e.g. "MEGOLM_UNKNOWN_INBOUND_SESSION_ID", "UNSIGNED_SENDER_DEVICE"
    shield: Shield | None  # None when not encrypted (or not decrypted)
    sender_device_id: str | None
    origin_server_ts: int

    @classmethod
    def from_json(cls, data: dict) -> StrictMessage:
        values = {field.name: data.get(field.name) for field in fields(cls)}
        values["shield"] = Shield(**data["shield"]) if data.get("shield") else None
        return cls(**values)


@dataclass(frozen=True)
class OwnStatus:
    """This client's own device and cross-signing identity, as its crypto sees them."""
    device_id: str
    master_key: str | None  # the master cross-signing public key on the homeserver (unpadded base64)
    trusted_master_key: str | None  # the master key whose private key this device holds and trusts, else None
    cross_signing_ready: bool  # matrix-js-sdk isCrossSigningReady(): own identity trusted, private keys at hand
    public_keys_on_device: bool  # getCrossSigningStatus() fields
    private_keys_in_secret_storage: bool
    private_keys_cached_locally: bool  # all three
    signed_by_owner: bool  # this device carries a valid signature of the self-signing key
    cross_signing_verified: bool  # ... and the own identity is trusted: Element shows the session as verified
    identity_verified: bool  # the own identity is trusted (isCrossSigningVerified)


@dataclass(frozen=True)
class DeviceStatus:
    device_ids: list[str]  # all the devices of the user
    known: bool  # the device is among them
    signed_by_owner: bool  # cross-signed by its owner's self-signing key
    cross_signing_verified: bool  # ... and the owner's identity is verified by this client's user
    locally_verified: bool
    user_verified: bool  # this client's user verified the owner's identity
    master_key: str | None  # the owner's master cross-signing public key (unpadded base64)


class StrictClient:
    """One user on one fresh device, in its own node process; every method raises StrictClientError on failure."""

    def __init__(self, homeserver: str, user_id: str, password: str, blacklist_unverified: bool = False,
                 device_name: str = "strict-client", recovery_key: str | None = None) -> None:
        self.homeserver = homeserver
        self.user_id = user_id
        self.password = password
        self.blacklist_unverified = blacklist_unverified
        self.device_name = device_name
        self.recovery_key = recovery_key  # Element's format; the account's identity is then used, never created
        self.device_id: str | None = None
        self.master_key: str | None = None
        #: With `recovery_key`: why the device could not be verified with it (None when it was), and the account
        #: data types of the secret storage whose content changed meanwhile (none when it was only read).
        self.recovery_error: str | None = None
        self.secret_storage_changed: list[str] = []
        self._process: asyncio.subprocess.Process | None = None
        self._pending: dict[int, asyncio.Future] = {}
        self._ids = itertools.count(1)
        self._stderr: collections.deque[str] = collections.deque(maxlen=STDERR_TAIL)
        self._readers: list[asyncio.Task] = []
        self._ready: asyncio.Future | None = None

    # ------------------------------------------------------------------------------------------ process
    async def start(self, timeout: float = 60) -> None:
        if not NODE.exists():
            raise StrictClientError(f"{NODE} is missing: run `make strict-client` (npm ci in {CLIENT_DIR})")
        env = dict(os.environ)
        env.setdefault("STRICT_CLIENT_LOG_LEVEL", "warn")
        self._process = await asyncio.create_subprocess_exec(
            str(NODE), str(SCRIPT), cwd=CLIENT_DIR, env=env, limit=16 * 1024 * 1024,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        self._ready = asyncio.get_running_loop().create_future()
        self._readers = [asyncio.create_task(self._read_stdout()), asyncio.create_task(self._read_stderr())]
        try:
            await asyncio.wait_for(asyncio.shield(self._ready), timeout)
        except asyncio.TimeoutError:
            raise self._error("the node process did not come up in time") from None
        answer = await self._call("start", timeout, homeserver=self.homeserver, user_id=self.user_id,
                                  password=self.password, blacklist_unverified=self.blacklist_unverified,
                                  device_name=self.device_name, recovery_key=self.recovery_key)
        self.user_id, self.device_id, self.master_key = answer["user_id"], answer["device_id"], answer["master_key"]
        self.recovery_error = answer.get("recovery_error")
        self.secret_storage_changed = answer.get("secret_storage_changed", [])

    async def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.returncode is None:
            try:
                await self._call_on(process, "stop", 5)
            except Exception:
                pass
            try:
                await asyncio.wait_for(process.wait(), 5)
            except asyncio.TimeoutError:
                process.kill()
                await process.wait()
        for reader in self._readers:
            reader.cancel()
        await asyncio.gather(*self._readers, return_exceptions=True)

    async def __aenter__(self) -> StrictClient:
        await self.start()
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.stop()

    def stderr_tail(self) -> str:
        return "\n".join(self._stderr)

    def _error(self, message: str) -> StrictClientError:
        return StrictClientError(f"strict client {self.user_id}: {message}\n--- node stderr (tail) ---\n"
                                 f"{self.stderr_tail()}")

    async def _read_stdout(self) -> None:
        assert self._process and self._process.stdout
        stdout = self._process.stdout
        while line := await stdout.readline():
            try:
                message = json.loads(line)
            except ValueError:
                self._stderr.append(f"[stdout] {line.decode(errors='replace').rstrip()}")
                continue
            if message.get("id") is None:
                if message.get("ready") and self._ready and not self._ready.done():
                    self._ready.set_result(None)
                continue
            future = self._pending.pop(message["id"], None)
            if future and not future.done():
                future.set_result(message)
        ended = self._error("the node process ended")
        if self._ready and not self._ready.done():
            self._ready.set_exception(ended)
        for future in self._pending.values():
            if not future.done():
                future.set_exception(ended)
        self._pending.clear()

    async def _read_stderr(self) -> None:
        assert self._process and self._process.stderr
        while line := await self._process.stderr.readline():
            self._stderr.append(line.decode(errors="replace").rstrip())

    async def _call(self, op: str, timeout: float, /, **args: Any) -> dict:
        if self._process is None:
            raise StrictClientError(f"strict client {self.user_id}: not started")
        return await self._call_on(self._process, op, timeout, **args)

    async def _call_on(self, process: asyncio.subprocess.Process, op: str, timeout: float, /,
                       **args: Any) -> dict:
        if process.returncode is not None or process.stdin is None:
            raise self._error(f"{op}: the node process has ended (code {process.returncode})")
        request_id = next(self._ids)
        future = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        process.stdin.write((json.dumps({"id": request_id, "op": op, **args}) + "\n").encode())
        await process.stdin.drain()
        try:
            answer = await asyncio.wait_for(future, timeout)
        except asyncio.TimeoutError:
            self._pending.pop(request_id, None)
            raise self._error(f"{op}: no answer within {timeout}s") from None
        if not answer.get("ok"):
            raise self._error(f"{op} failed: {answer.get('error')}")
        return answer

    # --------------------------------------------------------------------------------------- operations
    async def create_room(self, name: str, invite: list[str], encrypted: bool = True, alias: str | None = None) -> str:
        """A private room (private_chat preset) with those invited, named `#<alias>:<server>` when `alias` is given;
        returns its id once joined and synced."""
        return (await self._call("create_room", 40, name=name, invite=list(invite), encrypted=encrypted,
                                 alias=alias))["room_id"]

    async def join(self, room_id: str) -> None:
        await self._call("join", 40, room_id=room_id)

    async def wait_joined(self, room_id: str, user_id: str, timeout: float = 30.0) -> None:
        """Until `user_id`'s membership in the room is `join`."""
        await self._call("wait_joined", timeout + 5, room_id=room_id, user_id=user_id, timeout=timeout)

    async def send(self, room_id: str, text: str, msgtype: str = "m.text") -> str:
        """Sends an m.room.message (encrypted in an encrypted room, keys shared as the isolation mode allows)."""
        return (await self._call("send", 40, room_id=room_id, text=text, msgtype=msgtype))["event_id"]

    async def send_event(self, room_id: str, event_type: str, content: dict) -> str:
        """Sends any event (a poll answer...), encrypted in an encrypted room as matrix-js-sdk does."""
        return (await self._call("send_event", 40, room_id=room_id, type=event_type, content=content))["event_id"]

    async def wait_event(self, room_id: str, event_type: str, relates_to: str | None = None,
                         timeout: float = 30.0) -> dict:
        """The first event of `event_type` seen in the room (decrypted), relating to `relates_to` if given:
        {event_id, sender, content, relation, encrypted}. Messages, encrypted events and reactions are seen."""
        return await self._call("wait_event", timeout + 5, room_id=room_id, type=event_type, relates_to=relates_to,
                                timeout=timeout)

    async def wait_reply(self, event_id: str, timeout: float = 30.0) -> StrictMessage:
        """The first message replying to `event_id`, once decrypted, or once it stayed undecryptable for 3 s.

        An undecryptable reply whose relation is inside the ciphertext is recognised as the first undecryptable
        message from another user after `event_id`; it comes back with `decrypted` False and `decryption_error`.
        """
        answer = await self._call("wait_reply", timeout + 5, event_id=event_id, timeout=timeout)
        return StrictMessage.from_json(answer)

    async def wait_message(self, room_id: str, contains: str = "", sender: str | None = None,
                           timeout: float = 30.0) -> StrictMessage:
        """The first message in the room whose body contains `contains` (from `sender` if given); an
        undecryptable message (undecryptable for 3 s) also matches, since its body cannot be read."""
        answer = await self._call("wait_message", timeout + 5, room_id=room_id, contains=contains, sender=sender,
                                  timeout=timeout)
        return StrictMessage.from_json(answer)

    async def messages(self, room_id: str) -> list[StrictMessage]:
        """Every message seen in the room since start, in arrival order, own ones included."""
        answer = await self._call("messages", 30, room_id=room_id)
        return [StrictMessage.from_json(message) for message in answer["messages"]]

    async def device_status(self, user_id: str, device_id: str) -> DeviceStatus:
        """What this client (after a fresh key download) thinks of that device and of its owner."""
        answer = await self._call("device_status", 30, user_id=user_id, device_id=device_id)
        return DeviceStatus(**{field.name: answer[field.name] for field in fields(DeviceStatus)})

    async def own_status(self) -> OwnStatus:
        """This client's own device and identity (the master key after a fresh download from the homeserver)."""
        answer = await self._call("own_status", 30)
        return OwnStatus(**{field.name: answer[field.name] for field in fields(OwnStatus)})

"""The Synapse harness works: real users, a real nio client, messages delivered through /sync, restarts, the access
log the benches count requests with."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest
from nio import (
    AsyncClient,
    AsyncClientConfig,
    JoinResponse,
    LoginResponse,
    RoomCreateResponse,
    RoomInviteResponse,
    RoomMessageText,
    RoomSendResponse,
    SyncResponse,
)

from bench.votes import homeserver_requests
from tno_bot.homeserver import ThrowawaySynapse

pytestmark = pytest.mark.e2e


async def login(server: ThrowawaySynapse, localpart: str, password: str) -> AsyncClient:
    client = AsyncClient(
        server.url, server.user_id(localpart), config=AsyncClientConfig(encryption_enabled=False)
    )
    response = await client.login(password, device_name="tno-test")
    assert isinstance(response, LoginResponse), response
    return client


async def wait_for_message(client: AsyncClient, room_id: str, body: str, timeout: float = 20) -> RoomMessageText:
    """Sync until ``body`` shows up in ``room_id``'s timeline."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = await client.sync(timeout=1000)
        assert isinstance(response, SyncResponse), response
        room = response.rooms.join.get(room_id)
        for event in room.timeline.events if room else []:
            if isinstance(event, RoomMessageText) and event.body == body:
                return event
    raise AssertionError(f"{body!r} not received in {room_id} within {timeout} s")


async def exchange(server: ThrowawaySynapse, alice: str, bob: str, password: str) -> None:
    """Alice creates a room and invites Bob; Bob joins; Alice speaks; Bob receives it through /sync."""
    a = await login(server, alice, password)
    b = await login(server, bob, password)
    try:
        assert isinstance(await b.sync(timeout=0), SyncResponse)  # Bob's since-token predates the room
        created = await a.room_create(name="Conférence TNO")
        assert isinstance(created, RoomCreateResponse), created
        room_id = created.room_id
        assert isinstance(await a.room_invite(room_id, server.user_id(bob)), RoomInviteResponse)

        deadline = time.monotonic() + 20
        while room_id not in b.invited_rooms:
            assert time.monotonic() < deadline, "invite not received"
            await b.sync(timeout=1000)
        assert isinstance(await b.join(room_id), JoinResponse)

        body = f"!appel 2023 ({uuid.uuid4().hex[:8]})"
        sent = await a.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": body})
        assert isinstance(sent, RoomSendResponse), sent
        received = await wait_for_message(b, room_id, body)
        assert received.sender == server.user_id(alice)
        assert received.event_id == sent.event_id
    finally:
        await a.close()
        await b.close()


def test_register_is_idempotent(synapse: ThrowawaySynapse) -> None:
    first = synapse.register("idem", "pw-one")
    again = synapse.register("idem", "pw-two")
    admin = synapse.register("idem-admin", "pw", admin=True)
    assert first == again == "@idem:tno.example"
    assert admin == "@idem-admin:tno.example"


async def test_two_users_exchange_a_message(synapse: ThrowawaySynapse) -> None:
    password = "correct horse"
    assert synapse.register("alice", password) == "@alice:tno.example"
    assert synapse.register("bob", password) == "@bob:tno.example"
    await exchange(synapse, "alice", "bob", password)


async def test_the_access_log_gives_each_request_by_who_and_endpoint(synapse_factory) -> None:
    server: ThrowawaySynapse = synapse_factory(access_log=True)
    password = "access horse"
    server.register("tno-bot", password)
    server.register("bob", password)
    began = time.time()
    await exchange(server, "tno-bot", "bob", password)  # the bot creates a room, invites Bob and speaks

    requests = homeserver_requests(server.access_log_path, began, time.time())
    assert set(requests) == {"anonymous other", "tno-bot other", "tno-bot send", "clients other", "clients sync"}, \
        requests
    assert requests["anonymous other"]["requests"] == 2  # the two logins
    assert requests["tno-bot other"]["requests"] == 2  # the room's creation, the invite
    assert requests["tno-bot send"]["requests"] == 1
    assert requests["clients other"]["requests"] == 1  # Bob's join
    assert requests["clients sync"]["requests"] >= 2 and requests["clients sync"]["cpu_seconds"] > 0
    before = homeserver_requests(server.access_log_path, began - 60, began)
    assert {key: figures["requests"] for key, figures in before.items()} == {"anonymous other": 4}  # 2 registrations


async def test_restart_keeps_users_and_data(synapse_factory) -> None:
    server: ThrowawaySynapse = synapse_factory()
    password = "another horse"
    server.register("carol", password)
    server.register("dave", password)

    carol = await login(server, "carol", password)
    try:
        created = await carol.room_create(name="Avant redémarrage")
        assert isinstance(created, RoomCreateResponse), created
        room_id = created.room_id
        sent = await carol.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": "avant"})
        assert isinstance(sent, RoomSendResponse), sent
        token = carol.access_token
    finally:
        await carol.close()

    url = server.url
    await asyncio.to_thread(server.restart)
    assert server.url == url and server.running

    # Users and registrations survive: registering again is a no-op, logins work, the old token too.
    assert server.register("carol", "ignored") == "@carol:tno.example"
    again = AsyncClient(server.url, server.user_id("carol"), config=AsyncClientConfig(encryption_enabled=False))
    again.restore_login(server.user_id("carol"), "unused", token)
    try:
        response = await again.room_messages(room_id, start="", limit=20)
        bodies = [getattr(event, "body", None) for event in response.chunk]
        assert "avant" in bodies, bodies
    finally:
        await again.close()
    await exchange(server, "carol", "dave", password)


async def test_a_participant_marks_a_room_read_and_the_homeserver_counts_its_unread_from_there(person) -> None:
    """`Participant.read_up_to` (the benches mark each room read before a burst): the notifications the homeserver
    counts for that user in the room go back to zero, and count again from the next message."""
    from tests.cast import LOCAL

    writer, reader = await person(LOCAL.PRESIDENT), await person(LOCAL.BAUME)
    room_id = await writer.create_room("Lecture", invite=[reader.user_id], encrypted=False)
    await reader.join(room_id)
    for n in range(3):
        await writer.send(room_id, f"message {n}")
    room = reader.client.rooms[room_id]
    await reader.wait_for(lambda: room.unread_notifications == 3)
    await reader.read_up_to(room_id)
    await reader.wait_for(lambda: room.unread_notifications == 0)
    await writer.send(room_id, "message 3")
    await reader.wait_for(lambda: room.unread_notifications == 1)


async def test_a_participant_asks_for_the_full_state_in_its_first_sync_only(synapse_factory, tmp_path) -> None:
    """After its first /sync, a scripted user syncs incrementally, as Element does: no full state of every room at
    each wake (in the benches, that made Synapse's work the clients' syncs)."""
    from tno_bot.matrix.participant import Participant

    server: ThrowawaySynapse = synapse_factory(access_log=True)
    server.register("carol", "carol's horse")
    carol = Participant(server.url, server.user_id("carol"), "carol's horse", tmp_path / "carol")
    await carol.start()
    try:
        room_id = await carol.create_room("Seule", invite=[], encrypted=False)
        for n in range(3):
            event_id = await carol.send(room_id, f"message {n}")
            await carol.wait_for(lambda: any(m.event_id == event_id for m in carol.received))
    finally:
        await carol.stop()
    syncs = [line for line in server.access_log_path.read_text(encoding="utf8").splitlines()
             if "{@carol:" in line and "/sync" in line]
    assert len(syncs) >= 4  # the first, then one at least per message
    assert ["full_state=true" in line for line in syncs] == [True] + [False] * (len(syncs) - 1)

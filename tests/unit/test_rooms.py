"""A conference is dealt with in its own room (the rule and its wording); the bot serves only its configured rooms."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from nio import RoomMessageText

from tests.text import plain
from tno_bot.domain.refusals import Refused
from tno_bot.domain.rooms import Reason, require_own_room
from tno_bot.i18n import translator
from tno_bot.matrix.rooms import ServedRooms
from tno_bot.matrix.sync import SyncLoop
from tno_bot.reports.refusals import sentence

OWN, OTHER = "!conference:tno.example", "!bureau:tno.example"


def test_the_conference_room_is_its_own_any_other_is_refused_with_the_room():
    require_own_room(3, OWN, OWN)
    with pytest.raises(Refused) as refused:
        require_own_room(3, OWN, OTHER)
    assert refused.value.reason is Reason.OTHER_ROOM and refused.value.params == {"conference": 3, "room": OWN}


def test_the_refusal_names_the_room_by_its_alias_when_known():
    refused = Refused(Reason.OTHER_ROOM, conference=3, room=OWN)
    names = {OWN: "#conference:tno.example"}.get
    assert plain(sentence(refused, translator("fr"), room_name=names)) == (
        "La conférence n° 3 se traite dans son salon, #conference:tno.example : tapez cette commande là-bas.")
    assert sentence(refused, translator("en"), room_name=names) == (
        "Conference no. 3 is dealt with in its own room, #conference:tno.example: type this command there.")
    assert plain(sentence(refused, translator("fr"), room_name=lambda room_id: None)) == (
        "La conférence n° 3 se traite dans le salon de la conférence : tapez cette commande là-bas.")
    assert sentence(refused, translator("fr")) == sentence(refused, translator("fr"), room_name=lambda r: None)


def test_configured_room_ids_are_served_at_once_aliases_once_resolved():
    rooms = ServedRooms(SimpleNamespace(rooms={}), [OWN, "#tno:tno.example"])
    assert rooms.serves(OWN) and not rooms.serves(OTHER)
    assert rooms.unresolved == {"#tno:tno.example"}
    assert rooms.name(OWN) is None  # configured by its id, not joined yet: no name known


def command() -> RoomMessageText:
    return RoomMessageText.from_dict({"event_id": "$1", "sender": "@s:x", "origin_server_ts": 1,
                                      "type": "m.room.message", "content": {"msgtype": "m.text", "body": "!cles"}})


@pytest.mark.parametrize("served, handled", [(True, 1), (False, 0)])
def test_the_sync_loop_hands_over_only_the_events_of_served_rooms(served, handled):
    received = []

    async def on_message(message):
        received.append(message)

    loop = SyncLoop(SimpleNamespace(user_id="@bot:x"), None, on_message, None, serves=lambda room_id: served)
    asyncio.run(loop._handle_event(OTHER, command()))
    assert len(received) == handled


def test_a_reloaded_config_leaves_the_rooms_removed_and_joins_the_rooms_added():
    from nio import JoinResponse, RoomLeaveResponse

    calls = []

    async def join(room_id):
        calls.append(("join", room_id))
        return JoinResponse(room_id)

    async def room_leave(room_id):
        calls.append(("leave", room_id))
        return RoomLeaveResponse()

    client = SimpleNamespace(rooms={OWN: None, "!aliased:tno.example": None}, join=join, room_leave=room_leave)
    rooms = ServedRooms(client, [OWN])
    rooms.room_ids.add("!aliased:tno.example")  # "#tno:tno.example", resolved at start-up
    rooms.aliases["!aliased:tno.example"] = "#tno:tno.example"

    asyncio.run(rooms.reconfigure(["#tno:tno.example", OTHER]))

    assert calls == [("leave", OWN), ("join", OTHER)]
    assert rooms.room_ids == {"!aliased:tno.example", OTHER} and not rooms.serves(OWN)
    assert rooms.unresolved == set() and rooms.name("!aliased:tno.example") == "#tno:tno.example"

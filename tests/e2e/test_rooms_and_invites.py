"""Which rooms the bot serves: the configured ones (`rooms`), whoever invites it there, and no other."""
from __future__ import annotations

import asyncio
import dataclasses
import logging

import pytest
from sqlmodel import Session

from tests.cast import LOCAL
from tests.e2e.scenarios import ask, prepared_conference
from tno_bot import storage
from tno_bot.matrix.outbox import NOT_SERVED as OUTBOX_NOT_SERVED
from tno_bot.matrix.participant import Participant

pytestmark = pytest.mark.e2e


def logged(caplog, text: str) -> list[str]:
    return [record.getMessage() for record in caplog.records if text in record.getMessage()]


async def membership(participant, room_id: str, user_id: str) -> str:
    """`user_id`'s membership of the room, as the homeserver has it."""
    state = await participant.client.room_get_state_event(room_id, "m.room.member", user_id)
    return state.content["membership"]


async def test_configured_rooms_are_joined_and_one_not_created_yet_is_only_a_warning(bot_runner, person, caplog):
    caplog.set_level(logging.WARNING, logger="tno_bot")
    emeline = await person(LOCAL.BAUME)
    alias = bot_runner.room_alias()
    room_id = await emeline.create_room("Conférence", invite=[], encrypted=False, alias=alias, public=True)
    missing = bot_runner.alias_of(bot_runner.room_alias())  # configured, never created

    await bot_runner.start()
    await emeline.wait_joined(room_id, bot_runner.settings.user_id)
    reply = await emeline.wait_reply(await emeline.send(room_id, "!cles"))

    assert reply.content["msgtype"] == "m.notice"
    assert logged(caplog, f"configured room {missing} does not exist (yet)")


async def test_invitations_pending_at_start_up_to_a_configured_room_are_accepted(bot_runner, person):
    await bot_runner.start()
    await bot_runner.stop()
    emeline = await person(LOCAL.BAUME)
    room_id = await emeline.create_room("Invitation en attente", invite=[bot_runner.settings.user_id],
                                        encrypted=False, alias=bot_runner.room_alias())

    await bot_runner.start()

    await emeline.wait_joined(room_id, bot_runner.settings.user_id)


async def test_a_configured_room_created_after_start_up_is_joined_on_invitation_whoever_invites(
        bot_runner, person, synapse, caplog):
    caplog.set_level(logging.INFO, logger="tno_bot")
    synapse.register("inconnu", "secret-inconnu")  # not a person of the config
    await bot_runner.start()
    stranger, emeline = await person("inconnu"), await person(LOCAL.BAUME)
    alias = bot_runner.room_alias()
    room_id = await stranger.create_room("Créé après", invite=[bot_runner.settings.user_id, emeline.user_id],
                                         encrypted=False, alias=alias)
    await emeline.join(room_id)

    await stranger.wait_joined(room_id, bot_runner.settings.user_id)

    assert "53" in await ask(emeline, room_id, "!cles")
    assert logged(caplog, f"configured room {bot_runner.alias_of(alias)} is {room_id}")


async def test_an_invitation_to_a_room_outside_the_config_is_declined_even_from_a_representative(
        bot_runner, person, caplog):
    caplog.set_level(logging.WARNING, logger="tno_bot")
    await bot_runner.start()
    emeline = await person(LOCAL.BAUME)
    bot = bot_runner.settings.user_id
    room_id = await emeline.create_room("Salon non configuré", invite=[bot], encrypted=False)
    declined = f"invitation to {room_id} from {emeline.user_id} declined: the room is not in the configuration"

    await emeline.wait_for(lambda: logged(caplog, declined))
    await emeline.wait_for(lambda: bot not in emeline.client.rooms[room_id].invited_users)

    assert await membership(emeline, room_id, bot) == "leave"
    assert bot not in emeline.client.rooms[room_id].users


async def test_an_invitation_from_someone_outside_the_config_is_declined(bot_runner, person, synapse, caplog):
    caplog.set_level(logging.WARNING, logger="tno_bot")
    synapse.register("inconnu", "secret-inconnu")
    await bot_runner.start()
    stranger = await person("inconnu")
    room_id = await stranger.create_room("Hameçonnage", invite=[bot_runner.settings.user_id], encrypted=False)
    bot = bot_runner.settings.user_id

    await stranger.wait_for(lambda: bot not in stranger.client.rooms[room_id].invited_users, timeout=30)
    await asyncio.sleep(1)  # long enough for a wrongly accepted invitation to show up as a join

    assert bot not in stranger.client.rooms[room_id].users
    assert logged(caplog, f"invitation to {room_id} from {stranger.user_id} declined")


async def _two_rooms_served(bot_runner, person) -> tuple[Participant, str, str, str]:
    """The bot started, serving two rooms Emeline Baume created: (emeline, removed, kept, kept's alias)."""
    await bot_runner.start()
    emeline = await person(LOCAL.BAUME)
    bot = bot_runner.settings.user_id
    removed_alias, kept_alias = bot_runner.room_alias(), bot_runner.room_alias()
    removed = await emeline.create_room("Retiré", invite=[bot], encrypted=False, alias=removed_alias)
    kept = await emeline.create_room("Gardé", invite=[bot], encrypted=False, alias=kept_alias)
    await emeline.wait_joined(removed, bot)
    await emeline.wait_joined(kept, bot)
    return emeline, removed, kept, kept_alias


async def _restarted_serving_only(bot_runner, kept_alias: str) -> None:
    """The bot started again (stopped by the caller) with a config that names the kept room only."""
    bot_runner.config = dataclasses.replace(bot_runner.config, rooms=(bot_runner.alias_of(kept_alias),))
    await bot_runner.start()


async def test_a_room_removed_from_the_config_is_left_at_the_next_start_and_not_answered(bot_runner, person, caplog):
    caplog.set_level(logging.WARNING, logger="tno_bot")
    emeline, removed, kept, kept_alias = await _two_rooms_served(bot_runner, person)
    assert "53" in await ask(emeline, removed, "!cles")
    await bot_runner.stop()

    await _restarted_serving_only(bot_runner, kept_alias)
    await emeline.wait_for(lambda: bot_runner.settings.user_id not in emeline.client.rooms[removed].users)
    unanswered = await emeline.send(removed, "!cles")
    assert "53" in await ask(emeline, kept, "!cles")  # sent after it, answered

    assert emeline.replies_to(unanswered) == []
    assert logged(caplog, f"left {removed}: not in the configuration")


async def test_a_reply_left_pending_for_a_room_removed_from_the_config_is_given_up_and_holds_back_nothing(
        bot_runner, person, caplog):
    """A reply committed for a room just before the bot stopped (a crash before its send), the room then removed
    from the config: at the next start the bot leaves the room, gives the reply up with its reason, and answers in
    the room it still serves."""
    caplog.set_level(logging.WARNING, logger="tno_bot")
    emeline, removed, kept, kept_alias = await _two_rooms_served(bot_runner, person)
    await bot_runner.stop()
    with Session(bot_runner.engine, expire_on_commit=False) as session, session.begin():
        left_pending = storage.enqueue_message(session, removed, {"msgtype": "m.notice", "body": "Réponse en attente"})

    await _restarted_serving_only(bot_runner, kept_alias)

    assert "53" in await ask(emeline, kept, "!cles")
    with Session(bot_runner.engine) as session:
        given_up = session.get(storage.OutboxMessage, left_pending.id)
        assert (given_up.status, given_up.last_error) == (storage.FAILED, OUTBOX_NOT_SERVED)
    assert logged(caplog, f"outbox: message {left_pending.id} to {removed} given up")
    assert not [m for m in emeline.received if m.content.get("body") == "Réponse en attente"]


async def test_a_conference_is_opened_and_its_provisional_minutes_read_only_in_its_own_room(bot_runner, person):
    room_id, number, secretariat, others = await prepared_conference(bot_runner, person)
    bot = bot_runner.settings.user_id
    other_alias = bot_runner.room_alias()
    other_room = await secretariat.create_room("Autre salon configuré", invite=[bot], encrypted=False,
                                               alias=other_alias)
    await secretariat.wait_joined(other_room, bot)
    own_room = bot_runner.alias_of(bot_runner.rooms.aliases[0])  # prepared_conference took the first alias
    refusal = (f"La conférence n° {number} se traite dans son salon, {own_room} : tapez cette commande là-bas.")

    assert await ask(secretariat, other_room, f"!seance ouvrir {number}") == refusal
    with Session(bot_runner.engine) as session:
        assert storage.seance_of_conference(session, int(number)) is None

    assert "ouverte" in await ask(secretariat, room_id, f"!seance ouvrir {number}")
    await ask(others[LOCAL.BAUME], room_id, "!present")
    assert await ask(secretariat, other_room, f"!cr {number}") == refusal
    provisional = await ask(secretariat, room_id, f"!cr {number}")
    assert "provisoire" in provisional.lower() and "Emeline Baume" in provisional
    with Session(bot_runner.engine) as session:
        assert storage.seance_of_conference(session, int(number)).room_id == room_id

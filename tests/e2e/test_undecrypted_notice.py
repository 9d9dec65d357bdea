"""Nobody waits in silence: a representative whose client does not share its room key with the bot is told, once per
Megolm session, in a reply to their message, why the bot cannot read it and what to do; if the key comes later, the
command is still answered (once)."""
from __future__ import annotations

import logging

import pytest
from nio import ToDeviceMessage
from sqlmodel import Session, select

from tests.cast import LOCAL
from tests.e2e.scenarios import ask, plain
from tno_bot.matrix import undecrypted
from tno_bot.storage import UndecryptedNotice

pytestmark = pytest.mark.e2e

EXPLANATION = "le bot n’a pas pu lire votre message"


def explanations(participant, room_id: str) -> list:
    return [m for m in participant.received if m.room_id == room_id and EXPLANATION in plain(m.content["body"])]


def logged(caplog, *parts: str) -> bool:
    return any(all(part in record.getMessage() for part in parts) for record in caplog.records)


async def withholding_room(bot_runner, person, name: str):
    """A running bot and Emeline in an encrypted room; her client then starts a Megolm session withheld from every
    device of the bot (nio shares no key with a blacklisted device). Returns (emeline, room id, bot devices, the
    withheld session)."""
    await bot_runner.start()
    bot = bot_runner.settings.user_id
    emeline = await person(LOCAL.BAUME)
    room_id = await emeline.create_room(name, invite=[bot], encrypted=True, alias=bot_runner.room_alias())
    await emeline.wait_joined(room_id, bot)
    await ask(emeline, room_id, "!cles")  # her client now knows the bot's device and has an Olm session with it
    client = emeline.client
    devices = list(client.device_store.active_user_devices(bot))
    assert devices
    for device in devices:
        client.blacklist_device(device)
    await client.share_group_session(room_id, ignore_unverified_devices=True)
    return emeline, room_id, devices, client.olm.outbound_group_sessions[room_id]


async def test_a_command_without_key_gets_one_explanation_per_session_and_is_answered_when_the_key_comes(
        bot_runner, person, monkeypatch, caplog):
    monkeypatch.setattr(undecrypted, "KEY_WAIT_SECONDS", 2)
    caplog.set_level(logging.INFO, logger="tno_bot")
    emeline, room_id, devices, session = await withholding_room(bot_runner, person, "Clé jamais partagée")
    room_key = {"algorithm": "m.megolm.v1.aes-sha2", "room_id": room_id, "session_id": session.id,
                "session_key": session.session_key}  # taken before the first message of the session

    missed = await emeline.send(room_id, "!appel 2023")
    explanation = await emeline.wait_reply(missed)  # decrypted by her client: the bot's reply is readable
    content = explanation.content
    assert explanation.sender == bot_runner.settings.user_id
    assert content["msgtype"] == "m.text" and content["m.mentions"] == {"user_ids": [emeline.user_id]}
    body = plain(content["body"])
    assert body.startswith(f"Emeline Baume, {EXPLANATION}")
    assert "votre application Element ne partage pas ses clés de chiffrement avec la session du bot" in body
    assert "La clé de votre message n’est toujours pas arrivée au bout de" in body
    assert "« Ne jamais envoyer de messages chiffrés aux sessions non vérifiées »" in body
    assert "puis renvoyez votre commande" in body
    assert logged(caplog, missed, "cannot be decrypted (no key after", "sender told")

    again = await emeline.send(room_id, "!appel 2023")  # same Megolm session: no second explanation
    await emeline.wait_for(lambda: logged(caplog, again, "sender already told for session", session.id))
    assert not emeline.replies_to(again)
    assert len(explanations(emeline, room_id)) == 1
    with Session(bot_runner.engine) as db:
        [notice] = db.exec(select(UndecryptedNotice)).all()
    assert (notice.room_id, notice.sender, notice.session_id, notice.event_id, notice.reason) == (
        room_id, emeline.user_id, session.id, missed, "timeout")

    # Her client shares the key at last (as the m.room_key that sharing sends): both commands are answered, once.
    client = emeline.client
    for device in devices:
        client.unblacklist_device(device)
        olm_session = client.olm.session_store.get(device.curve25519)
        if olm_session:
            payload = client.olm._olm_encrypt(olm_session, device, "m.room_key", room_key)
            await client.to_device(ToDeviceMessage("m.room.encrypted", device.user_id, device.id, payload))
    await emeline.wait_for(lambda: len(emeline.replies_to(missed)) == 2 and emeline.replies_to(again))
    answer = next(m for m in emeline.replies_to(missed) if m.event_id != explanation.event_id)
    assert "639 176" in plain(answer.content["body"])
    await ask(emeline, room_id, "!cles")  # a later command: anything still queued would have come before
    assert len(emeline.replies_to(missed)) == 2 and len(emeline.replies_to(again)) == 1
    assert len(explanations(emeline, room_id)) == 1


@pytest.mark.parametrize("withheld_first", [True, False], ids=["withheld-before-message", "withheld-after-message"])
async def test_a_key_withheld_from_the_bot_is_explained_at_once(bot_runner, person, monkeypatch, caplog,
                                                                withheld_first):
    monkeypatch.setattr(undecrypted, "KEY_WAIT_SECONDS", 600)  # only the withheld notice can explain it in time
    caplog.set_level(logging.INFO, logger="tno_bot")
    emeline, room_id, _, session = await withholding_room(bot_runner, person, "Clé refusée")
    client = emeline.client
    withheld = {"algorithm": "m.megolm.v1.aes-sha2", "room_id": room_id, "session_id": session.id,
                "sender_key": client.olm.account.identity_keys["curve25519"], "code": "m.unverified",
                "reason": "The sender has disabled encrypting to unverified devices."}

    async def withhold() -> None:  # as Element does when "never send to unverified sessions" is on: to every device
        await client.to_device(ToDeviceMessage("m.room_key.withheld", bot_runner.settings.user_id, "*", withheld))

    if withheld_first:
        await withhold()
        await emeline.wait_for(lambda: logged(caplog, "room key withheld by", session.id))
    command = await emeline.send(room_id, "!appel 2023")
    if not withheld_first:
        await emeline.wait_for(lambda: logged(caplog, command, "cannot be decrypted yet"))
        await withhold()

    explanation = await emeline.wait_reply(command, timeout=20)
    body = plain(explanation.content["body"])
    assert body.startswith(f"Emeline Baume, {EXPLANATION}")
    assert ("Votre application ne partage ses clés qu’avec les sessions vérifiées, "
            "et la session du bot n’est pas vérifiée.") in body
    assert "« Ne jamais envoyer de messages chiffrés aux sessions non vérifiées »" in body
    assert explanation.content["m.mentions"] == {"user_ids": [emeline.user_id]}
    assert any(record.levelno == logging.WARNING and command in record.getMessage()
               and "cannot be decrypted (m.unverified" in record.getMessage() for record in caplog.records)

    await withhold()  # told again by her client: still one explanation for the session
    again = await emeline.send(room_id, "!appel 2023")
    await emeline.wait_for(lambda: logged(caplog, again, "sender already told for session", session.id))
    assert not emeline.replies_to(again) and len(explanations(emeline, room_id)) == 1


async def test_an_element_grade_client_that_withholds_its_key_is_told_once_and_can_read_why(
        bot_runner, strict_person, monkeypatch, caplog):
    monkeypatch.setattr(undecrypted, "KEY_WAIT_SECONDS", 600)  # only the withheld notice can answer in time
    caplog.set_level(logging.INFO, logger="tno_bot")
    await bot_runner.start()
    bot = bot_runner.settings.user_id
    # "Never send encrypted messages to unverified sessions": the bot's device is cross-signed by its owner, but this
    # user has not verified the bot, so the key goes out as m.room_key.withheld, code m.unverified.
    emeline = await strict_person(LOCAL.BAUME, blacklist_unverified=True)
    zemorda = await strict_person(LOCAL.KHELIFI)
    room_id = await emeline.create_room("Sessions vérifiées seulement", invite=[bot, zemorda.user_id], encrypted=True,
                                        alias=bot_runner.room_alias())
    await zemorda.join(room_id)
    await emeline.wait_joined(room_id, bot)

    first = await emeline.send(room_id, "!appel 2023")
    explanation = await emeline.wait_reply(first)
    assert explanation.decrypted and explanation.sender == bot, explanation.decryption_error
    assert explanation.shield is not None and explanation.shield.colour == "NONE"
    body = plain(explanation.body)
    assert EXPLANATION in body and "la session du bot n’est pas vérifiée" in body
    assert "Ne jamais envoyer de messages chiffrés aux sessions non vérifiées" in body
    assert "305 797" not in body
    assert logged(caplog, "m.unverified", first)

    second = await emeline.send(room_id, "!cles")  # same Megolm session: no second explanation
    later = await zemorda.send(room_id, "!cles")
    assert (await zemorda.wait_reply(later)).decrypted  # handled after `second`
    replies = [message for message in await emeline.messages(room_id) if message.sender == bot]
    assert [message.in_reply_to for message in replies if EXPLANATION in plain(message.body or "")] == [first]
    assert not [message for message in replies if message.in_reply_to == second]
    with Session(bot_runner.engine) as session:
        notices = session.exec(select(UndecryptedNotice).where(UndecryptedNotice.sender == emeline.user_id)).all()
    assert [(notice.event_id, notice.reason) for notice in notices] == [(first, "m.unverified")]

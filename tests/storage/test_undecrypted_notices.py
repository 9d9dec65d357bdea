"""Telling the sender that the bot cannot read their encrypted message: once per room, sender and Megolm session
(`storage.record_undecrypted_notice`, migration 7), the explanation queued in the same transaction
(`tno_bot/matrix/undecrypted.py`), and the bookkeeping of the sync loop's waiting list."""
from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import pytest
from nio import MegolmEvent, UnknownToDeviceEvent
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from tests.cast import BAUME as EMELINE
from tests.text import plain
from tno_bot.matrix import undecrypted
from tno_bot.matrix.sync import SyncLoop
from tno_bot.matrix.undecrypted import (
    TIMEOUT,
    UndecryptedEvents,
    Unreadable,
    UnreadableNotices,
    Withheld,
    WithheldKeys,
)
from tno_bot.storage import (
    OutboxMessage,
    UndecryptedNotice,
    enqueue_message,
    record_undecrypted_notice,
    set_room_language,
    undecrypted_notice_sent,
)

ROOM = "!room:tno.example"
NOTED = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


# --- storage ------------------------------------------------------------------------------------------------------

def test_a_notice_is_recorded_once_per_room_sender_and_session(engine):
    with Session(engine) as session, session.begin():
        assert record_undecrypted_notice(session, ROOM, EMELINE, "s1", "$a", "m.unverified", NOTED)
        assert not record_undecrypted_notice(session, ROOM, EMELINE, "s1", "$b", TIMEOUT)  # same session: no
        assert record_undecrypted_notice(session, ROOM, EMELINE, "s2", "$c", TIMEOUT)  # another session
        assert record_undecrypted_notice(session, "!other:tno.example", EMELINE, "s1", "$d", TIMEOUT)
        assert record_undecrypted_notice(session, ROOM, "@zemorda.khelifi:tno.example", "s1", "$e", TIMEOUT)
    with Session(engine) as session:
        assert undecrypted_notice_sent(session, ROOM, EMELINE, "s1")
        assert not undecrypted_notice_sent(session, ROOM, EMELINE, "s3")
        row = session.get(UndecryptedNotice, (ROOM, EMELINE, "s1"))
        assert (row.event_id, row.reason, row.noticed_at) == ("$a", "m.unverified", NOTED)
        assert row.noticed_at.tzinfo is not None
        assert len(session.exec(select(UndecryptedNotice)).all()) == 4


def test_a_notice_rolled_back_with_its_outbox_row_is_not_recorded(engine):
    with Session(engine) as session:
        record_undecrypted_notice(session, ROOM, EMELINE, "s1", "$a", TIMEOUT)
        enqueue_message(session, ROOM, {"body": "explanation"})
        session.rollback()
    with Session(engine) as session:
        assert not undecrypted_notice_sent(session, ROOM, EMELINE, "s1")
        assert session.exec(select(OutboxMessage)).all() == []


def test_the_second_of_two_racing_notices_fails_and_leaves_nothing(engine):
    with Session(engine) as first, Session(engine) as second:
        assert not undecrypted_notice_sent(first, ROOM, EMELINE, "s1")
        assert not undecrypted_notice_sent(second, ROOM, EMELINE, "s1")
        record_undecrypted_notice(first, ROOM, EMELINE, "s1", "$a", TIMEOUT)
        enqueue_message(first, ROOM, {"body": "first"})
        first.commit()
        with pytest.raises(IntegrityError):
            second.add(UndecryptedNotice(room_id=ROOM, sender=EMELINE, session_id="s1", event_id="$b",
                                         reason=TIMEOUT))
            enqueue_message(second, ROOM, {"body": "second"})
            second.commit()
        second.rollback()
    with Session(engine) as session:
        assert [m.payload["body"] for m in session.exec(select(OutboxMessage))] == ["first"]


# --- the explanation, queued once ---------------------------------------------------------------------------------

def unreadable(event_id="$cmd", sender=EMELINE, session_id="s1", code="m.unverified", waited=0.5) -> Unreadable:
    return Unreadable(ROOM, event_id, sender, session_id, code, "not verified", waited, bot_device="TNOBOT")


def outbox(engine) -> list[OutboxMessage]:
    with Session(engine) as session:
        return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_the_sender_is_told_in_french_in_a_reply_that_mentions_them(engine, config, caplog):
    caplog.set_level(logging.WARNING, logger="tno_bot")
    [queued] = UnreadableNotices(config, engine).record(unreadable())
    [row] = outbox(engine)
    assert row.id == queued.id
    content = row.payload
    assert content["msgtype"] == "m.text"
    assert content["m.mentions"] == {"user_ids": [EMELINE]}
    assert content["m.relates_to"] == {"m.in_reply_to": {"event_id": "$cmd"}}
    body = plain(content["body"])
    assert body.startswith("Emeline Baume, le bot n’a pas pu lire votre message")
    assert "ne partage pas ses clés de chiffrement avec la session du bot" in body
    assert "ne partage ses clés qu’avec les sessions vérifiées" in body  # m.unverified, in words
    assert "Ne jamais envoyer de messages chiffrés aux sessions non vérifiées" in body
    assert "TNOBOT" in body and "renvoyez votre commande" in body
    assert 'href="https://matrix.to/#/@emeline.baume:tno.example"' in content["formatted_body"]
    assert any("cannot be decrypted (m.unverified (not verified)): sender told" in record.getMessage()
               and record.levelno == logging.WARNING for record in caplog.records)


def test_the_sender_is_told_once_per_session(engine, config):
    notices = UnreadableNotices(config, engine)
    assert notices.record(unreadable("$first", code=None, waited=31))
    assert notices.record(unreadable("$second", code=None, waited=31)) == []
    assert notices.record(unreadable("$other-session", session_id="s2", code=None, waited=31))
    assert len(outbox(engine)) == 2
    with Session(engine) as session:
        assert session.get(UndecryptedNotice, (ROOM, EMELINE, "s1")).reason == TIMEOUT


def test_the_explanation_after_a_timeout_says_how_long_the_bot_waited(engine, config):
    UnreadableNotices(config, engine).record(unreadable(code=None, waited=30.2))
    assert "La clé de votre message n’est toujours pas arrivée au bout de 30 secondes." in plain(
        outbox(engine)[0].payload["body"])


def test_a_room_in_english_gets_the_explanation_in_english(engine, config):
    with Session(engine) as session, session.begin():
        set_room_language(session, ROOM, "en", EMELINE)
    UnreadableNotices(config, engine).record(unreadable(code="m.blacklisted"))
    body = plain(outbox(engine)[0].payload["body"])
    assert body.startswith("Emeline Baume, the bot could not read your message")
    assert "Your app has blocked the bot's session." in body


def test_a_sender_unknown_to_the_configuration_is_not_told(engine, config, caplog):
    caplog.set_level(logging.WARNING, logger="tno_bot")
    assert UnreadableNotices(config, engine).record(unreadable(sender="@stranger:tno.example")) == []
    assert outbox(engine) == []
    with Session(engine) as session:
        assert not undecrypted_notice_sent(session, ROOM, "@stranger:tno.example", "s1")
    assert "sender not told, not named in the configuration" in caplog.text


@pytest.mark.parametrize("code, words", [
    ("m.unverified", "sessions vérifiées"), ("m.blacklisted", "a bloqué la session du bot"),
    ("m.unauthorised", "n’autorise pas"), ("m.unavailable", "n’a plus la clé"),
    ("m.no_olm", "canal sécurisé"), ("org.example.other", "(code org.example.other)")])
def test_every_withheld_code_is_put_in_words(engine, config, code, words):
    UnreadableNotices(config, engine).record(unreadable(code=code))
    assert words in plain(outbox(engine)[0].payload["body"])


# --- withheld notices and the waiting list ------------------------------------------------------------------------

def megolm(event_id: str, sender=EMELINE, session_id="s1", sender_key="curve") -> MegolmEvent:
    return MegolmEvent.from_dict({
        "type": "m.room.encrypted", "event_id": event_id, "sender": sender, "origin_server_ts": 1772443800000,
        "content": {"algorithm": "m.megolm.v1.aes-sha2", "ciphertext": "AwgA…", "device_id": "ABCDEF",
                    "sender_key": sender_key, "session_id": session_id}})


def withheld_event(content: dict, sender=EMELINE, event_type="m.room_key.withheld") -> UnknownToDeviceEvent:
    return UnknownToDeviceEvent.from_dict({"type": event_type, "sender": sender, "content": content})


WITHHELD = {"algorithm": "m.megolm.v1.aes-sha2", "room_id": ROOM, "session_id": "s1", "sender_key": "curve",
            "code": "m.unverified", "reason": "The sender has disabled encrypting to unverified devices."}


def test_a_withheld_to_device_event_covers_the_events_of_its_session_only():
    withheld = Withheld.from_event(withheld_event(WITHHELD))
    assert (withheld.code, withheld.session_id, withheld.room_id) == ("m.unverified", "s1", ROOM)
    assert withheld.covers(ROOM, megolm("$a"))
    assert not withheld.covers(ROOM, megolm("$b", session_id="s2"))
    assert not withheld.covers("!other:tno.example", megolm("$c"))
    assert not withheld.covers(ROOM, megolm("$d", sender="@zemorda.khelifi:tno.example"))
    assert not withheld.covers(ROOM, megolm("$e", sender_key="another-device"))
    assert Withheld.from_event(withheld_event(WITHHELD, event_type="org.matrix.room_key.withheld")).covers(
        ROOM, megolm("$a"))


def test_no_olm_covers_every_session_of_that_device_and_malformed_notices_are_ignored():
    no_olm = Withheld.from_event(withheld_event({"algorithm": "m.megolm.v1.aes-sha2", "sender_key": "curve",
                                                 "code": "m.no_olm"}))
    assert no_olm.covers(ROOM, megolm("$a", session_id="any")) and not no_olm.covers(ROOM, megolm("$b", sender_key="x"))
    assert Withheld.from_event(withheld_event({"room_id": ROOM, "session_id": "s1"})) is None  # no code
    assert Withheld.from_event(withheld_event({"code": "m.unverified"})) is None  # about nothing
    assert Withheld.from_event(withheld_event(WITHHELD, event_type="m.dummy")) is None

    keys = WithheldKeys()
    keys.add(Withheld.from_event(withheld_event(WITHHELD)))
    assert keys.find(ROOM, megolm("$a")).code == "m.unverified"
    assert keys.find(ROOM, megolm("$b", session_id="s2")) is None


def test_withheld_notices_remembered_are_bounded(monkeypatch):
    monkeypatch.setattr(undecrypted, "MAX_WITHHELD", 2)
    keys = WithheldKeys()
    for session_id in ("s1", "s2", "s3"):
        keys.add(Withheld.from_event(withheld_event({**WITHHELD, "session_id": session_id})))
    assert keys.find(ROOM, megolm("$a", session_id="s1")) is None
    assert keys.find(ROOM, megolm("$a", session_id="s3")) is not None


async def test_an_event_is_due_key_wait_seconds_after_it_arrived_until_considered(engine, monkeypatch):
    monkeypatch.setattr(undecrypted, "KEY_WAIT_SECONDS", 2)
    waiting = UndecryptedEvents(engine)
    assert waiting.next_due() is None
    await waiting.keep(ROOM, megolm("$a"))
    assert waiting.changed.is_set()
    [kept] = list(waiting)
    assert waiting.next_due() == kept.received_at + timedelta(seconds=2)
    assert waiting.due(kept.received_at + timedelta(seconds=1)) == []
    assert waiting.due(kept.received_at + timedelta(seconds=2)) == [kept]
    waiting.considered("$a")
    assert waiting.due(kept.received_at + timedelta(seconds=3)) == [] and waiting.next_due() is None
    await waiting.forget("$a")
    assert not waiting.is_considered("$a")


# --- the sync loop: who is told, and when ---------------------------------------------------------------------------

class FakeClient:
    """What the sync loop asks of nio for undecryptable events: no key ever decrypts."""

    user_id = "@tno-bot:tno.example"
    device_id = "TNOBOT"

    async def request_room_key(self, event) -> None:
        return None

    def decrypt_event(self, event):
        raise RuntimeError("no room key")


def sync_loop(engine, told: list):
    async def ignore(*_) -> None:
        return None

    async def on_unreadable(unreadable: Unreadable) -> None:
        told.append(unreadable)
    return SyncLoop(FakeClient(), engine, ignore, ignore, on_unreadable)


async def test_a_withheld_key_is_told_at_once_whether_it_comes_before_or_after_the_event(engine):
    told: list[Unreadable] = []
    loop = sync_loop(engine, told)
    await loop._note_withheld([withheld_event(WITHHELD)])  # before its event
    await loop._handle_event(ROOM, megolm("$a"))
    await loop._handle_event(ROOM, megolm("$a"))  # the same event again (a sync fetched again)
    await loop._handle_event(ROOM, megolm("$b", session_id="s2"))
    await loop._note_withheld([withheld_event({**WITHHELD, "session_id": "s2", "code": "m.blacklisted"})])  # after
    await loop._note_withheld([withheld_event({**WITHHELD, "session_id": "s2", "code": "m.blacklisted"})])
    assert [(u.event_id, u.code, u.session_id, u.sender, u.bot_device) for u in told] == [
        ("$a", "m.unverified", "s1", EMELINE, "TNOBOT"), ("$b", "m.blacklisted", "s2", EMELINE, "TNOBOT")]


async def test_the_bot_never_tells_itself(engine):
    told: list[Unreadable] = []
    loop = sync_loop(engine, told)
    await loop._note_withheld([withheld_event(WITHHELD, sender=FakeClient.user_id)])
    await loop._handle_event(ROOM, megolm("$own", sender=FakeClient.user_id))
    assert told == []


async def test_without_a_key_the_sender_is_told_after_key_wait_seconds(engine, monkeypatch):
    monkeypatch.setattr(undecrypted, "KEY_WAIT_SECONDS", 0.3)
    told: list[Unreadable] = []
    loop = sync_loop(engine, told)
    watcher = asyncio.create_task(loop._watch_key_waits())
    try:
        await loop._handle_event(ROOM, megolm("$a"))
        await asyncio.sleep(0.1)
        assert told == []
        async with asyncio.timeout(5):
            while not told:
                await asyncio.sleep(0.02)
        await loop._handle_event(ROOM, megolm("$b"))
        async with asyncio.timeout(5):
            while len(told) < 2:
                await asyncio.sleep(0.02)
        await asyncio.sleep(0.5)
    finally:
        watcher.cancel()
        await asyncio.gather(watcher, return_exceptions=True)
    assert [(u.event_id, u.code) for u in told] == [("$a", None), ("$b", None)]  # one each; the notices dedupe
    assert told[0].waited >= 0.3 and told[0].log_reason.startswith("no key after")

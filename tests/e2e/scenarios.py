"""Steps shared by the end-to-end scenarios: asking the bot, voting (typed or by poll), a séance ready to vote,
the files the bot posts, its outbox once all is sent."""
from __future__ import annotations

import asyncio
from datetime import datetime, time, timedelta

from sqlmodel import Session, select

from tests.cast import LOCAL
from tests.text import plain
from tno_bot import storage
from tno_bot.domain.calendar import PARIS
from tno_bot.storage.tables import OutboxMessage

QUORATE = (LOCAL.BAUME, LOCAL.MAES, LOCAL.PRESIDENT)  # one representative per member: the quorum


async def room_with_bot(person, bot_runner, name: str, encrypted: bool):
    """Emeline Baume's new room `name`, the bot invited and joined: (her client, the room id)."""
    emeline = await person(LOCAL.BAUME)
    bot = bot_runner.settings.user_id
    room_id = await emeline.create_room(name, invite=[bot], encrypted=encrypted, alias=bot_runner.room_alias())
    await emeline.wait_joined(room_id, bot)
    return emeline, room_id


async def room_with_bot_and(person, bot_runner, name: str, encrypted: bool, other: str):
    """Emeline Baume's new room `name`, the bot and `other` (a localpart) joined: (her client, theirs, the room id)."""
    emeline, guest = await person(LOCAL.BAUME), await person(other)
    bot = bot_runner.settings.user_id
    room_id = await emeline.create_room(name, invite=[bot, guest.user_id], encrypted=encrypted,
                                        alias=bot_runner.room_alias())
    await guest.join(room_id)
    await emeline.wait_joined(room_id, bot)
    return emeline, guest, room_id


async def ask(participant, room_id: str, text: str) -> str:
    reply = await participant.wait_reply(await participant.send(room_id, text))
    return plain(reply.content["body"])


POLL_START = "org.matrix.msc3381.poll.start"
POLL_RESPONSE = "org.matrix.msc3381.poll.response"
POLL_END = "org.matrix.msc3381.poll.end"
ACK = "✅"  # the bot's reaction to a ballot it counted


async def answered(participant, event_id: str) -> str:
    """The bot's answer to `event_id`: the text of its reply, or ACK for its reaction (a ballot counted)."""
    first = await participant.wait_answer(event_id)
    return first.content["m.relates_to"]["key"] if first.type == "m.reaction" else plain(first.content["body"])


async def vote(participant, room_id: str, text: str) -> str:
    """A typed ballot (`!vote pour`…): ACK when counted without more to say, else the bot's sentence."""
    return await answered(participant, await participant.send(room_id, text))


def poll_answer(poll_event_id: str, choice: str) -> dict:
    """A poll answer as Element sends it (matrix-js-sdk PollResponseEvent: unstable type, an m.reference)."""
    return {"m.relates_to": {"rel_type": "m.reference", "event_id": poll_event_id},
            POLL_RESPONSE: {"answers": [choice]}}


async def answer_poll(participant, room_id: str, poll_event_id: str, choice: str) -> str:
    """One tap on a poll: the answer's event id (the bot's acknowledgement is `answered(participant, it)`)."""
    return await participant.send_event(room_id, POLL_RESPONSE, poll_answer(poll_event_id, choice))


async def vote_polls(participant, room_id: str, count: int) -> list:
    """The `count` polls of the vote just opened, as the participant received them (question, event id…)."""
    def polls() -> list:
        return [m for m in participant.received if m.room_id == room_id and m.type == POLL_START]
    await participant.wait_for(lambda: len(polls()) >= count)
    return polls()[-count:]


def outbox(engine) -> list[OutboxMessage]:
    with Session(engine) as session:
        return list(session.exec(select(OutboxMessage)))


async def all_sent(person, engine) -> list[OutboxMessage]:
    """The outbox rows once all are recorded sent (a superseded edit is recorded sent without an event): a reply can
    reach `person` a moment before the bot records it sent (after the homeserver's answer to its /send)."""
    await person.wait_for(lambda: {row.status for row in outbox(engine)} == {storage.SENT}, timeout=10)
    return outbox(engine)


def posted_files(participant, room_id: str, prefix: str = "") -> list:
    """The files posted in `room_id` whose name starts with `prefix`, as `participant` received them."""
    return [m for m in participant.received if m.room_id == room_id and m.content.get("msgtype") == "m.file"
            and m.content.get("filename", "").startswith(prefix)]


async def file_data(participant, message) -> bytes:
    """The bytes of a posted file, downloaded (and decrypted, in an encrypted room: no clear `url` there, the keys
    travel in the encrypted event)."""
    from nio.crypto.attachments import decrypt_attachment

    if "file" in message.content:
        assert "url" not in message.content
        file = message.content["file"]
        download = await participant.client.download(file["url"])
        return decrypt_attachment(download.body, file["key"]["k"], file["hashes"]["sha256"], file["iv"])
    return (await participant.client.download(message.content["url"])).body


async def _later_today() -> datetime:
    """Five minutes from now, at the latest 23:59 in Paris, so that the séance opens on its conference's day (the bot
    refuses it on another day); in the day's last two minutes, the next day's, once midnight has passed."""
    now = datetime.now(PARIS)
    midnight = datetime.combine(now.date() + timedelta(days=1), time(), PARIS)
    if midnight - now < timedelta(minutes=2):
        await asyncio.sleep((midnight - now).total_seconds() + 1)
        now, midnight = datetime.now(PARIS), midnight + timedelta(days=1)
    return min(now + timedelta(minutes=5), midnight - timedelta(minutes=1))


async def prepared_conference(bot_runner, person, encrypted: bool = False, strict: dict | None = None,
                              start: datetime | None = None):
    """The conference at `start` (default: today, a little later) with a fixed agenda, in a new room: (room, number,
    secrétariat, others). `strict` gives some of the people as other clients (the strict matrix-js-sdk one), joined
    to the room too."""
    await bot_runner.start()
    bot = bot_runner.settings.user_id
    secretariat = await person(LOCAL.SECRETARIAT)
    others = {name: (strict or {}).get(name) or await person(name)
              for name in (LOCAL.PRESIDENT, LOCAL.FAURY, LOCAL.BAUME, LOCAL.KHELIFI, LOCAL.MAES)}
    room_id = await secretariat.create_room("Séance", invite=[bot, *(p.user_id for p in others.values())],
                                            encrypted=encrypted, alias=bot_runner.room_alias())
    for participant in others.values():
        await participant.join(room_id)
    await secretariat.wait_joined(room_id, bot)
    president, comite = others[LOCAL.PRESIDENT], others[LOCAL.FAURY]

    if start is None:  # today, a little later: the notice cannot be met any more
        start = await _later_today()
    created = await ask(secretariat, room_id, f"!conference nouvelle {start:%Y-%m-%d} {start:%H:%M} Hôtel de Ville")
    number = created.split("n° ")[1].split(" ")[0]
    for point in ("Budget 2027", "Feuille de route", "Villeurbanne"):
        await ask(comite, room_id, f"!odj ajouter {point}")
    await ask(president, room_id, "!odj envoyer hors-delai")
    await ask(president, room_id, "!odj fixer")
    return room_id, number, secretariat, others


async def opened_seance(bot_runner, person, present=(LOCAL.BAUME, LOCAL.MAES)):
    """Today's conference with a fixed agenda, its séance open, and `present` recorded present."""
    room_id, number, secretariat, others = await prepared_conference(bot_runner, person)
    await ask(secretariat, room_id, f"!seance ouvrir {number}")
    for name in present:
        await ask(others[name], room_id, "!present")
    return room_id, secretariat, others


async def closed_seance_minutes(secretariat, room_id: str) -> tuple[str, str, str]:
    """`!seance clore` by the secrétariat: the compte rendu's file name, its uploaded Markdown text and the posted
    message (the PDF and the ODT follow the Markdown: `posted_files(secretariat, room_id, "compte-rendu")`)."""
    closing = await secretariat.send(room_id, "!seance clore")
    await secretariat.wait_for(lambda: len(posted_files(secretariat, room_id, "compte-rendu")) == 3)
    minutes_file = posted_files(secretariat, room_id, "compte-rendu")[0]
    markdown = (await file_data(secretariat, minutes_file)).decode("utf-8")
    return minutes_file.content["filename"], markdown, plain(secretariat.replies_to(closing)[0].content["body"])

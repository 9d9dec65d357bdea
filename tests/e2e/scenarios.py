"""Steps shared by the end-to-end scenarios: asking the bot, and a séance ready to vote."""
from __future__ import annotations

from datetime import datetime, timedelta

from tests.cast import LOCAL
from tests.text import plain
from tno_bot.domain.calendar import PARIS

QUORATE = (LOCAL.BAUME, LOCAL.MAES, LOCAL.PRESIDENT)  # one representative per member: the quorum


async def room_with_bot(person, bot_runner, name: str, encrypted: bool):
    """Emeline Baume's new room `name`, the bot invited and joined: (her client, the room id)."""
    emeline = await person(LOCAL.BAUME)
    bot = bot_runner.settings.user_id
    room_id = await emeline.create_room(name, invite=[bot], encrypted=encrypted)
    await emeline.wait_joined(room_id, bot)
    return emeline, room_id


async def ask(participant, room_id: str, text: str) -> str:
    reply = await participant.wait_reply(await participant.send(room_id, text))
    return plain(reply.content["body"])


async def prepared_conference(bot_runner, person, start: datetime | None = None):
    """The conference at `start` (default: today, a little later) with a fixed agenda, in a new room: (room, number,
    secrétariat, others)."""
    await bot_runner.start()
    bot = bot_runner.settings.user_id
    secretariat = await person(LOCAL.SECRETARIAT)
    others = {name: await person(name)
              for name in (LOCAL.PRESIDENT, LOCAL.FAURY, LOCAL.BAUME, LOCAL.KHELIFI, LOCAL.MAES)}
    room_id = await secretariat.create_room("Séance", invite=[bot, *(p.user_id for p in others.values())],
                                            encrypted=False)
    for participant in others.values():
        await participant.join(room_id)
    await secretariat.wait_joined(room_id, bot)
    president, comite = others[LOCAL.PRESIDENT], others[LOCAL.FAURY]

    if start is None:  # today, a little later: the notice cannot be met any more
        start = datetime.now(PARIS) + timedelta(minutes=5)
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
    message."""
    closing = await secretariat.send(room_id, "!seance clore")

    def files() -> list:
        return [m for m in secretariat.received if m.room_id == room_id and m.content.get("msgtype") == "m.file"]
    await secretariat.wait_for(files)
    [minutes_file] = files()
    markdown = (await secretariat.client.download(minutes_file.content["url"])).body.decode("utf-8")
    return minutes_file.content["filename"], markdown, plain(secretariat.replies_to(closing)[0].content["body"])

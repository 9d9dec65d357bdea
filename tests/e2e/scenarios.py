"""Steps shared by the end-to-end scenarios: asking the bot, and a séance ready to vote."""
from __future__ import annotations

from datetime import datetime, timedelta

from tests.text import plain
from tno_bot.domain.calendar import PARIS

PRESIDENT = "pierre-alain.millet"  # SITIV
SECRETARIAT = "secretariat"
COMITE = "fabrice.faury"
BAUME, KHELIFI, MAES = "emeline.baume", "zemorda.khelifi", "bertrand.maes"  # Métropole, Métropole, Ville de Lyon


async def ask(participant, room_id: str, text: str) -> str:
    reply = await participant.wait_reply(await participant.send(room_id, text))
    return plain(reply.content["body"])


async def prepared_conference(bot_runner, person):
    """Today's conference, a little later, with a fixed agenda, in a new room: (room, number, secrétariat, others)."""
    await bot_runner.start()
    bot = bot_runner.settings.user_id
    secretariat = await person(SECRETARIAT)
    others = {name: await person(name) for name in (PRESIDENT, COMITE, BAUME, KHELIFI, MAES)}
    room_id = await secretariat.create_room("Séance", invite=[bot, *(p.user_id for p in others.values())],
                                            encrypted=False)
    for participant in others.values():
        await participant.join(room_id)
    await secretariat.wait_joined(room_id, bot)
    president, comite = others[PRESIDENT], others[COMITE]

    start = datetime.now(PARIS) + timedelta(minutes=5)  # today, a little later: the notice cannot be met any more
    created = await ask(secretariat, room_id, f"!conference nouvelle {start:%Y-%m-%d} {start:%H:%M} Hôtel de Ville")
    number = created.split("n° ")[1].split(" ")[0]
    for point in ("Budget 2027", "Feuille de route", "Villeurbanne"):
        await ask(comite, room_id, f"!odj ajouter {point}")
    await ask(president, room_id, "!odj envoyer hors-delai")
    await ask(president, room_id, "!odj fixer")
    return room_id, number, secretariat, others


async def opened_seance(bot_runner, person, present=(BAUME, MAES)):
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

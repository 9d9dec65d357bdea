"""`tno-bot demo`: the bot and three representatives on a throwaway local Synapse, in an encrypted room.

Everything runs on loopback in a temporary directory (never the checkout's `storage/`) and is stopped at the end.
"""
from __future__ import annotations

import asyncio
import logging
import secrets
import tempfile
import textwrap
from datetime import datetime
from pathlib import Path

from tno_bot import storage
from tno_bot.config import Config, Person
from tno_bot.i18n import french_text
from tno_bot.homeserver import ThrowawaySynapse
from tno_bot.matrix import api
from tno_bot.matrix.bot import TnoBot
from tno_bot.matrix.cross_signing import vouching_master_key
from tno_bot.matrix.participant import Participant
from tno_bot.matrix.secret_storage import encode_recovery_key
from tno_bot.matrix.settings import MatrixSettings

BOT_LOCALPART = "tno-bot"
SCRIPT = ("!aide", "!cles", "!appel 2023", "!appel deux-mille")


def _localpart(matrix_id: str) -> str:
    return matrix_id[1:].split(":", 1)[0]


def _one_titulaire_per_member(config: Config) -> list[Person]:
    chosen: dict[str, Person] = {}
    for person in config.people:
        if person.seat == "titulaire":
            chosen.setdefault(person.member, person)
    return list(chosen.values())


def _print_message(name: str, text: str) -> None:
    stamp = datetime.now().strftime("%H:%M:%S")
    lines = text.replace("\u202f", " ").replace("\u00a0", " ").splitlines() or [""]
    print(french_text("[{stamp}] {name} : {line}", stamp=stamp, name=name, line=lines[0]))
    for line in lines[1:]:
        print(textwrap.indent(line, " " * 11) if line else "")


def _demo_alias(config: Config, server_name: str) -> str | None:
    """The first room alias of the config on the demo's server: the demo creates that room, the bot serves it."""
    return next((room for room in config.rooms if room.startswith("#") and room.endswith(f":{server_name}")), None)


async def _play(config: Config, synapse: ThrowawaySynapse, workdir: Path, alias: str) -> None:
    bot_password = secrets.token_urlsafe(16)
    bot_id = synapse.register(BOT_LOCALPART, bot_password)
    representatives = _one_titulaire_per_member(config)
    passwords = {person.matrix_id: secrets.token_urlsafe(16) for person in representatives}
    for person in representatives:
        synapse.register(_localpart(person.matrix_id), passwords[person.matrix_id])

    engine = storage.make_engine(f"sqlite:///{workdir / 'bot' / 'tno.db'}")
    storage.migrate(engine)
    settings = MatrixSettings(homeserver=synapse.url, user_id=bot_id, data_dir=workdir / "bot",
                              password=bot_password, recovery_key=encode_recovery_key(secrets.token_bytes(32)),
                              pickle_key=secrets.token_urlsafe(32))
    bot = TnoBot(config, settings, engine)
    bot_task = asyncio.create_task(bot.run())
    people = [Participant(synapse.url, person.matrix_id, passwords[person.matrix_id],
                          workdir / "people" / _localpart(person.matrix_id)) for person in representatives]
    try:
        await asyncio.wait_for(bot.ready.wait(), 60)
        for participant in people:
            await participant.start()
        host, guests = people[0], people[1:]
        room_id = await host.create_room("Conférence intercommunale TNO", alias=_localpart(alias),
                                         invite=[bot_id] + [guest.user_id for guest in guests], encrypted=True)
        for guest in guests:
            await guest.join(room_id)
        await host.wait_joined(room_id, bot_id)
        print(french_text("Salon chiffré « Conférence intercommunale TNO » ({alias}) : {n} représentants et le bot.",
                          alias=alias, n=len(people)))
        await _print_bot_trust(host, bot_id)

        names = {person.matrix_id: person.name for person in representatives}
        for turn, text in enumerate(SCRIPT):
            speaker = people[turn % len(people)]
            event_id = await speaker.send(room_id, text)
            _print_message(names[speaker.user_id], text)
            reply = await speaker.wait_reply(event_id)
            _print_message("tno-bot", reply.content["body"])
            print()
    finally:
        for participant in people:
            await participant.stop()
        bot_task.cancel()
        await asyncio.gather(bot_task, return_exceptions=True)
        engine.dispose()


async def _print_bot_trust(viewer: Participant, bot_id: str) -> None:
    """Say whether the bot's device is cross-signed by its owner, as Element checks it before sharing room keys."""
    _, keys = await api.request(viewer.client, "POST", "/_matrix/client/v3/keys/query", {"device_keys": {bot_id: []}})
    for device_id in keys.get("device_keys", {}).get(bot_id, {}):
        master = vouching_master_key(keys, bot_id, device_id)
        verdict = f"signé par son propriétaire (clé maîtresse {master[:8]}…)" if master else "NON signé"
        print(french_text("Appareil du bot {device_id} : {verdict}.", device_id=device_id, verdict=verdict) + "\n")


def run(config: Config) -> int:
    """Play the demo and print the transcript; returns the process exit code."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("nio").setLevel(logging.ERROR)  # key-sharing chatter of the first encrypted messages
    logging.getLogger("tno_bot.matrix.rooms").setLevel(logging.ERROR)  # its room is created once the bot is ready
    server_name = config.people[0].matrix_id.split(":", 1)[1]  # the cast's server, so their ids are real
    alias = _demo_alias(config, server_name)
    if alias is None:
        print(french_text("La configuration ne nomme aucun salon #alias:{server} (rooms) : la démo crée ce salon, et "
                          "le bot ne sert que les salons de la configuration.", server=server_name))
        return 1
    with tempfile.TemporaryDirectory(prefix="tno-demo-") as directory:
        workdir = Path(directory)
        print(french_text("Démarrage d'un Synapse local jetable…"))
        with ThrowawaySynapse(workdir / "synapse", server_name=server_name) as synapse:
            print(f"Synapse prêt sur {synapse.url} (serveur {server_name}).")
            asyncio.run(_play(config, synapse, workdir, alias))
        print(french_text("Démo terminée : Synapse arrêté, fichiers temporaires supprimés."))
    return 0

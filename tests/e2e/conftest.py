"""Fixtures that put the real bot and real representatives in rooms of the test Synapse."""
from __future__ import annotations

import asyncio
import dataclasses
import json
import secrets
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tno_bot import storage
from tno_bot.config import Config, load_config
from tno_bot.matrix.bot import TnoBot
from tno_bot.matrix.participant import Participant
from tno_bot.matrix.secret_storage import encode_recovery_key
from tno_bot.matrix.settings import MatrixSettings
from tests.cast import EXAMPLE_CONFIG, LOCAL
from tests.e2e.strict_fixtures import strict_person  # noqa: F401  (fixture)

BOT_LOCALPART = LOCAL.BOT
# The bot account's recovery key on every test homeserver, as an operator gives it after the first start.
BOT_RECOVERY_KEY = encode_recovery_key(secrets.token_bytes(32))


def password_of(localpart: str) -> str:
    return f"secret-{localpart}"


# Rooms a test may create for its bots (`BotRunner.room_alias`): all are in their config.
ROOMS_PER_TEST = 6


@pytest.fixture(scope="session")
def example_config() -> Config:
    return load_config(EXAMPLE_CONFIG)


class RoomPool:
    """The aliases of one test's rooms, unique to it (the bot account and the homeserver are shared by the session's
    tests), all in the config of every bot the test starts."""

    def __init__(self, count: int = ROOMS_PER_TEST) -> None:
        prefix = f"t{secrets.token_hex(4)}"
        self.aliases = [f"{prefix}-{n}" for n in range(count)]
        self.taken = 0

    def take(self) -> str:
        """The localpart of the next alias no room has taken yet, for `create_room(..., alias=...)`."""
        assert self.taken < len(self.aliases), "more rooms than ROOMS_PER_TEST"
        self.taken += 1
        return self.aliases[self.taken - 1]


def config_with_rooms(tmp_path: Path, aliases: list[str], server_name: str) -> Path:
    """A copy of config/ whose tno.example.toml serves `#<alias>:<server_name>` for each alias (for `tno-bot run`)."""
    copy = tmp_path / "config"
    shutil.copytree(EXAMPLE_CONFIG.parent, copy)
    path = copy / EXAMPLE_CONFIG.name
    rooms = ", ".join(f'"#{alias}:{server_name}"' for alias in aliases)
    text = path.read_text(encoding="utf-8")
    assert 'rooms = ["#conference:tno.example"]' in text
    path.write_text(text.replace('rooms = ["#conference:tno.example"]', f"rooms = [{rooms}]"), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def cast(synapse, example_config) -> dict[str, str]:
    """Every person and staff member of the example config plus the bot, registered on the test homeserver: localpart -> user id."""
    named = [person.matrix_id for person in example_config.people] + [staff.matrix_id for staff in example_config.staff]
    localparts = {matrix_id[1:].split(":")[0] for matrix_id in named} | {BOT_LOCALPART}
    return {localpart: synapse.register(localpart, password_of(localpart)) for localpart in sorted(localparts)}


class BotRunner:
    """Starts and stops the real bot in this event loop, keeping its data dir and database across restarts."""

    def __init__(self, config: Config, settings: MatrixSettings, database_url: str, rooms: RoomPool,
                 server_name: str) -> None:
        self.rooms = rooms
        self.server_name = server_name
        self.config = dataclasses.replace(config, rooms=tuple(self.alias_of(a) for a in rooms.aliases))
        self.settings = settings
        self.engine = storage.make_engine(database_url)
        storage.migrate(self.engine)
        self.bot: TnoBot | None = None
        self.task: asyncio.Task | None = None

    def alias_of(self, localpart: str) -> str:
        return f"#{localpart}:{self.server_name}"

    def room_alias(self) -> str:
        """The localpart of the next configured alias no room has taken yet, for `create_room(..., alias=...)`."""
        return self.rooms.take()

    @property
    def device_id(self) -> str:
        """The device the bot logs in with, as its encryption store records it."""
        return json.loads((self.settings.store_dir / "identity.json").read_text(encoding="utf-8"))["device_id"]

    async def start(self, timeout: float = 60) -> TnoBot:
        self.bot = TnoBot(self.config, self.settings, self.engine)
        self.task = asyncio.create_task(self.bot.run())
        ready = asyncio.create_task(self.bot.ready.wait())
        await asyncio.wait({ready, self.task}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if self.task.done():
            self.task.result()  # raises what stopped the bot
        assert self.bot.ready.is_set(), "the bot did not become ready in time"
        return self.bot

    async def stop(self) -> None:
        if self.task:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)
            self.task = None


@pytest.fixture
def room_pool() -> RoomPool:
    """This test's configured aliases (`room_pool.take()` for a room's alias)."""
    return RoomPool()


@pytest.fixture
async def bot_factory(example_config, room_pool) -> AsyncIterator:
    """`bot_factory(server, data_dir, **settings)`: a BotRunner for the bot account of `server` (its recovery key given
    unless `recovery_key=None`); all are stopped at the end."""
    runners: list[BotRunner] = []

    def make(server, data_dir: Path, database_url: str | None = None, **settings_given) -> BotRunner:
        server.register(BOT_LOCALPART, password_of(BOT_LOCALPART))
        settings = MatrixSettings(**{"homeserver": server.url, "user_id": server.user_id(BOT_LOCALPART),
                                     "data_dir": data_dir, "password": password_of(BOT_LOCALPART),
                                     "recovery_key": BOT_RECOVERY_KEY, **settings_given})
        runner = BotRunner(example_config, settings, database_url or f"sqlite:///{data_dir / 'tno.db'}", room_pool,
                           server.server_name)
        runners.append(runner)
        return runner

    yield make
    for runner in runners:
        await runner.stop()
        runner.engine.dispose()


@pytest.fixture
async def bot_runner(synapse, cast, bot_factory, tmp_path) -> BotRunner:
    return bot_factory(synapse, tmp_path / "bot")


@pytest.fixture
async def person(synapse, cast, tmp_path):
    """`await person("emeline.baume")`: that registered user, logged in with a client of their own."""
    started: dict[str, Participant] = {}

    async def get(localpart: str) -> Participant:
        if localpart not in started:
            participant = Participant(synapse.url, synapse.user_id(localpart), password_of(localpart),
                                      tmp_path / "people" / localpart)
            await participant.start()
            started[localpart] = participant
        return started[localpart]

    yield get
    for participant in started.values():
        await participant.stop()

"""Fixtures that put the real bot and real representatives in rooms of the test Synapse."""
from __future__ import annotations

import asyncio
import dataclasses
import json
import secrets
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


@pytest.fixture(scope="session")
def example_config() -> Config:
    return dataclasses.replace(load_config(EXAMPLE_CONFIG), rooms=())


@pytest.fixture(scope="session")
def cast(synapse, example_config) -> dict[str, str]:
    """Every person and staff member of the example config plus the bot, registered on the test homeserver: localpart -> user id."""
    named = [person.matrix_id for person in example_config.people] + [staff.matrix_id for staff in example_config.staff]
    localparts = {matrix_id[1:].split(":")[0] for matrix_id in named} | {BOT_LOCALPART}
    return {localpart: synapse.register(localpart, password_of(localpart)) for localpart in sorted(localparts)}


class BotRunner:
    """Starts and stops the real bot in this event loop, keeping its data dir and database across restarts."""

    def __init__(self, config: Config, settings: MatrixSettings, database_url: str) -> None:
        self.config = config
        self.settings = settings
        self.engine = storage.make_engine(database_url)
        storage.migrate(self.engine)
        self.bot: TnoBot | None = None
        self.task: asyncio.Task | None = None

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
async def bot_factory(example_config) -> AsyncIterator:
    """`bot_factory(server, data_dir, **settings)`: a BotRunner for the bot account of `server` (its recovery key given
    unless `recovery_key=None`); all are stopped at the end."""
    runners: list[BotRunner] = []

    def make(server, data_dir: Path, database_url: str | None = None, **settings_given) -> BotRunner:
        server.register(BOT_LOCALPART, password_of(BOT_LOCALPART))
        settings = MatrixSettings(**{"homeserver": server.url, "user_id": server.user_id(BOT_LOCALPART),
                                     "data_dir": data_dir, "password": password_of(BOT_LOCALPART),
                                     "recovery_key": BOT_RECOVERY_KEY, **settings_given})
        runner = BotRunner(example_config, settings, database_url or f"sqlite:///{data_dir / 'tno.db'}")
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

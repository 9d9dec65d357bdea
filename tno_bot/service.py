"""`tno-bot run`: the bot as a long-running service."""
from __future__ import annotations

import asyncio
import logging
import os
import signal

from sqlalchemy.engine import make_url

from tno_bot import storage
from tno_bot.config import Config
from tno_bot.matrix.bot import TnoBot
from tno_bot.matrix.local_secrets import make_private_dir
from tno_bot.matrix.session import AccessTokenRevoked, LoginFailed
from tno_bot.matrix.settings import MatrixSettings, SettingsError

log = logging.getLogger("tno_bot")

# The exit code when the homeserver no longer accepts the access token and no password lets the bot log in again (its
# device deleted, the token revoked), or when its devices keep being deleted (bot.MAX_NEW_DEVICES): restarting cannot
# help, an operator must look (sysexits EX_NOPERM).
EXIT_ACCESS_REVOKED = 77
# The exit code when the database cannot be written or reached (read-only, full disk, I/O error), at start-up or
# while running (sysexits EX_IOERR): nothing was lost, the command being handled is handled again after a restart.
EXIT_STORAGE = 74


# At DEBUG, nio logs whole responses (the login's access token among them) and peewee the SQL of the encryption
# store: these libraries are kept to warnings so that no secret can reach the log.
LIBRARY_LOG_LEVELS = {"nio": logging.WARNING, "peewee": logging.WARNING}


def quiet_libraries() -> None:
    for name, level in LIBRARY_LOG_LEVELS.items():
        logging.getLogger(name).setLevel(level)


def configure_logging(level: int = logging.INFO) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    quiet_libraries()


async def _serve(bot: TnoBot) -> None:
    task = asyncio.create_task(bot.run())
    loop = asyncio.get_running_loop()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(stop_signal, task.cancel)
    try:
        await task
    except asyncio.CancelledError:
        log.info("tno-bot stopped")


def run(config: Config) -> int:
    """Run the bot until SIGINT/SIGTERM; returns the process exit code (EXIT_ACCESS_REVOKED: see there)."""
    configure_logging()
    try:
        settings = MatrixSettings.from_env()
    except SettingsError as error:
        log.error("configuration: %s", error)
        return 2
    os.umask(0o077)  # the database, the encryption store and the key files: readable by the bot's user only
    make_private_dir(settings.data_dir)
    url = storage.database_url(settings.data_dir)
    try:
        engine = storage.make_engine(url)
        applied = storage.migrate(engine)
        storage.check_writable(engine)  # a read-only or full database stops the start, not the first command
    except Exception as error:
        if (reason := storage.storage_fault(error)) is None:
            raise
        shown = url if make_url(url).password is None else make_url(url).render_as_string(hide_password=True)
        log.error("database %s: %s", shown, reason)
        return EXIT_STORAGE
    if applied:
        log.info("database migrated to version %d", applied[-1])
    try:
        asyncio.run(_serve(TnoBot(config, settings, engine)))
    except AccessTokenRevoked as error:
        log.error("%s", error)
        return EXIT_ACCESS_REVOKED
    except LoginFailed as error:
        log.error("%s", error)
        return 1
    except Exception as error:  # the database failing while the bot runs: said once, no traceback
        if (reason := storage.storage_fault(error)) is None:
            raise
        log.error("stopped: %s", reason)
        return EXIT_STORAGE
    return 0

"""`tno-bot run`: the bot as a long-running service."""
from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import sys
import threading
from datetime import UTC, datetime

from sqlalchemy.engine import make_url

from tno_bot import storage
from tno_bot.config import Config, ServiceSettings
from tno_bot.config.version import ConfigVersion, version_of
from tno_bot.i18n import french_text
from tno_bot.matrix.bot import TnoBot
from tno_bot.matrix.local_secrets import make_private_dir
from tno_bot.matrix.session import AccessTokenRevoked, LoginFailed
from tno_bot.matrix.settings import MatrixSettings, SettingsError
from tno_bot.ops.config_reload import reloaded
from tno_bot.ops.health import start_endpoint
from tno_bot.ops.instance_lock import InstanceLock
from tno_bot.ops.logs import configure_logging
from tno_bot.ops.settings import with_environment

log = logging.getLogger("tno_bot")

# The exit code when the homeserver no longer accepts the access token and no password lets the bot log in again (its
# device deleted, the token revoked), or when its devices keep being deleted (bot.MAX_NEW_DEVICES): restarting cannot
# help, an operator must look (sysexits EX_NOPERM).
EXIT_ACCESS_REVOKED = 77
# The exit code when the database cannot be written or reached (read-only, full disk, I/O error), at start-up or
# while running (sysexits EX_IOERR): nothing was lost, the command being handled is handled again after a restart.
EXIT_STORAGE = 74
# A standby tries the instance lock this often: it takes over within seconds of the active instance's death.
STANDBY_POLL_SECONDS = 2.0
# The active instance checks it still holds the lock this often (a PostgreSQL restart drops it): if not, it stops
# (exit 74) rather than serve beside the standby that took over.
LOCK_CHECK_SECONDS = 5.0


# Set by a SIGHUP before the bot serves (a standby, a start in progress): the config is reloaded once it serves.
_reload_asked = threading.Event()


class EndpointUnavailable(Exception):
    """The health endpoint cannot listen where `[service]` (or TNO_HEALTH_*) says."""


def _wait_for_lock(lock: InstanceLock) -> bool:
    """True once this instance holds the lock; False when SIGINT or SIGTERM stops the standby first. The holder is
    logged when the wait starts and whenever it changes."""
    if lock.try_acquire():
        return True
    stop = threading.Event()
    previous = {number: signal.signal(number, lambda *_: stop.set()) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        shown = ""
        while True:
            holder = lock.holder() or "another instance"
            if holder != shown:
                log.warning("standby: the database is in use by %s; this instance (%s) takes over when it stops",
                            holder, lock.name)
                shown = holder
            if stop.wait(STANDBY_POLL_SECONDS):
                return False
            if lock.try_acquire():
                return True
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


async def _while_held(lock: InstanceLock, work: asyncio.Task) -> None:
    """`work` until it ends, or until the lock is lost (StorageUnavailable: exit 74, a restart waits as standby)."""
    async def watch() -> None:
        while await asyncio.to_thread(lock.still_held):
            await asyncio.sleep(LOCK_CHECK_SECONDS)
        raise storage.StorageUnavailable("the instance lock was lost with its database connection: stopped so that "
                                         "one instance serves at a time")
    watcher = asyncio.create_task(watch())
    try:
        done, _ = await asyncio.wait({watcher, work}, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            task.result()
    finally:
        for task in (watcher, work):
            task.cancel()
        await asyncio.gather(watcher, work, return_exceptions=True)


async def _reload(bot: TnoBot, service: ServiceSettings) -> None:
    """SIGHUP: the config file read again and checked like check-config; applied when valid, else refused with its
    problems in the log and the running config kept. `[service]`'s log level and format apply at once, its health
    endpoint at the next start."""
    running = bot.dispatcher.version
    log.info("SIGHUP: reloading the config %s", bot.config.path)
    result = await asyncio.to_thread(reloaded, bot.config, running)
    if result is None:
        bot.note_refused_reload(datetime.now(UTC))
        return
    config, version = result
    try:
        new_service = with_environment(config.service)
    except SettingsError as error:  # the environment is as it was at start-up: cannot fail in practice
        log.error("config reload refused: %s", error)
        bot.note_refused_reload(datetime.now(UTC))
        return
    configure_logging(new_service.log_level, new_service.log_format)
    if (new_service.health_host, new_service.health_port) != (service.health_host, service.health_port):
        log.warning("config reload: the health endpoint moves only at the next start (still %s:%s)",
                    service.health_host, service.health_port)
    try:
        await bot.reload(config, version)
    except Exception:  # a bug: the config is in force for the commands, the rest said here for the operator
        log.exception("config reload: version %s in force, but applying it failed part-way", version.short)
    log.info("config reloaded: version %s of %s (was %s): %d member(s), %d representative(s), %d room(s)",
             version.short, version.path, running.short if running else "?", len(config.members),
             len(config.people), len(config.rooms))


async def _serve(bot: TnoBot, service: ServiceSettings, lock: InstanceLock) -> None:
    endpoint = None
    if service.health_port is not None:
        try:
            endpoint = await start_endpoint(service.health_host, service.health_port, bot.engine)
        except OSError as error:
            raise EndpointUnavailable(f"health endpoint: cannot listen on {service.health_host}:"
                                      f"{service.health_port} ({error.strerror})") from None
    task = asyncio.create_task(_while_held(lock, asyncio.create_task(bot.run())))
    loop = asyncio.get_running_loop()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(stop_signal, task.cancel)
    reloads: list[asyncio.Task] = []  # one at a time, in the order of the signals
    loop.add_signal_handler(signal.SIGHUP, lambda: reloads.append(asyncio.create_task(
        _after(reloads[-1] if reloads else None, lambda: _reload(bot, service)))))
    if _reload_asked.is_set():  # a SIGHUP while standing by or starting: the file may have changed since it was read
        _reload_asked.clear()
        reloads.append(asyncio.create_task(_reload(bot, service)))
    try:
        await task
    except asyncio.CancelledError:
        log.info("tno-bot stopped")
    finally:
        loop.remove_signal_handler(signal.SIGHUP)
        for reload in reloads:
            reload.cancel()
        await asyncio.gather(*reloads, return_exceptions=True)
        if endpoint is not None:
            await endpoint.cleanup()


async def _after(previous: asyncio.Task | None, reload) -> None:
    if previous is not None:
        await asyncio.gather(previous, return_exceptions=True)
    await reload()


def _stopped(code: int, sentence: str, **params) -> int:
    """What stops `tno-bot run`, said in French on stderr like the rest of the CLI; the log lines around it stay in
    English, as every log line of the bot and of its libraries (one language for the operators' searches)."""
    print(french_text("tno-bot run : " + sentence, **params), file=sys.stderr)
    return code


def run(config: Config) -> int:
    """Run the bot until SIGINT/SIGTERM, its config reloaded on SIGHUP; returns the process exit code
    (EXIT_ACCESS_REVOKED: see there)."""
    version = version_of(config.path, datetime.now(UTC))
    signal.signal(signal.SIGHUP, lambda *_: _reload_asked.set())  # not the default (the process killed)
    try:
        service = with_environment(config.service)
    except SettingsError as error:
        configure_logging()
        log.error("configuration: %s", error)
        return 2
    configure_logging(service.log_level, service.log_format)
    try:
        settings = MatrixSettings.from_env()
    except SettingsError as error:
        log.error("configuration: %s", error)
        return _stopped(2, "{error}. Les variables TNO_* sont décrites dans le README.", error=error)
    os.umask(0o077)  # the database, the encryption store and the key files: readable by the bot's user only
    make_private_dir(settings.data_dir)
    try:
        url = storage.database_url(settings.data_dir)
    except storage.DatabaseUrlError as error:
        log.error("configuration: %s", error)
        return 2
    shown = url if make_url(url).password is None else make_url(url).render_as_string(hide_password=True)
    engine = storage.make_engine(url)
    lock = InstanceLock(engine, f"{socket.gethostname()} pid {os.getpid()}")
    try:
        return _start(config, version, settings, engine, service, lock, shown)
    finally:
        lock.release()


def _start(config: Config, version: ConfigVersion, settings: MatrixSettings, engine, service: ServiceSettings,
           lock: InstanceLock, shown: str) -> int:
    """Standby until the lock is ours, then the schema migrated and the bot run; the exit code."""
    try:
        if not _wait_for_lock(lock):
            log.info("tno-bot stopped (standby)")
            return 0
        log.info("instance lock taken: this instance (%s) serves", lock.name)
        applied = storage.migrate(engine)
        storage.check_writable(engine)  # a read-only or full database stops the start, not the first command
    except storage.SchemaTooNewError as error:  # a rollback of the code without the database's backup
        log.error("database %s: %s; or restore the backup taken before the upgrade", shown, error)
        return 1
    except Exception as error:
        if (reason := storage.storage_fault(error)) is None:
            raise
        log.error("database %s: %s", shown, reason)
        return _stopped(EXIT_STORAGE, "la base de données {url} ne peut être ni écrite ni atteinte (détail technique : "
                        "{reason}). Réparez-la (droits, place, serveur), puis relancez le bot.", url=shown,
                        reason=reason)
    if applied:
        log.info("database migrated to version %d", applied[-1])
    try:
        asyncio.run(_serve(TnoBot(config, settings, engine, version), service, lock))
    except EndpointUnavailable as error:
        log.error("%s", error)
        return 2
    except AccessTokenRevoked as error:
        log.error("%s", error)
        return _stopped(EXIT_ACCESS_REVOKED, "le serveur Matrix n'accepte plus le jeton d'accès du bot (son appareil a "
                        "été supprimé ou le jeton révoqué) : donnez-lui un nouveau TNO_ACCESS_TOKEN, ou TNO_PASSWORD "
                        "pour qu'il se reconnecte seul. Redémarrer sans cela ne sert à rien.")
    except LoginFailed as error:
        log.error("%s", error)
        return _stopped(1, "le bot ne peut pas se connecter au serveur Matrix (détail technique : {error}).",
                        error=error)
    except Exception as error:  # the database failing while the bot runs: said once, no traceback
        if (reason := storage.storage_fault(error)) is None:
            raise
        log.error("stopped: %s", reason)
        return _stopped(EXIT_STORAGE, "arrêté, la base de données ne répond plus (détail technique : {reason}). Rien "
                        "n'est perdu : ce qui n'a pas été traité le sera au redémarrage, une fois la base réparée.",
                        reason=reason)
    return 0

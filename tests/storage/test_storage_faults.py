"""A database that cannot be written: at start-up one clear log line and exit code 74; during a
command no traceback, the event not marked processed, handled once the database works again.

SQLite only, on real files. Read-only: `chmod 0444` on the file and its directory stops a normal user, not root
(these tests may run as root): the SQLite URI `?mode=ro` opens the very same file read-only, which SQLite refuses to
write whoever runs it; the chmod variant runs only when the machine lets it mean something. Full disk: SQLite's
`PRAGMA max_page_count`, set to the file's size, makes a write that needs one more page fail with SQLITE_FULL
("database or disk is full"), the error a full disk gives.
"""

from __future__ import annotations

import logging
import os
import stat

import pytest
from sqlalchemy import event
from sqlmodel import Session

from tests.cast import BAUME, EXAMPLE_CONFIG, ROOM
from tests.text import plain
from tno_bot import service, storage
from tno_bot.config import load_config
from tno_bot.matrix.dispatcher import Dispatcher, IncomingMessage

ROOT = os.geteuid() == 0


@pytest.fixture(scope="module")
def config():
    return load_config(EXAMPLE_CONFIG)


@pytest.fixture
def data_dir(tmp_path):
    """A data directory with a migrated database, tno.db."""
    directory = tmp_path / "data"
    engine = storage.make_engine(f"sqlite:///{directory / 'tno.db'}")
    storage.migrate(engine)
    with engine.connect() as connection:
        connection.exec_driver_sql("VACUUM")  # no free page left: the next one needed is a new one
    engine.dispose()
    return directory


def read_only_url(data_dir) -> str:
    return f"sqlite:///file:{data_dir / 'tno.db'}?mode=ro&uri=true"


def full_engine(data_dir):
    """The database of `data_dir` as on a full disk: no page can be added."""
    engine = storage.make_engine(f"sqlite:///{data_dir / 'tno.db'}")
    with engine.connect() as connection:
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar()

    @event.listens_for(engine, "connect")
    def _cap(dbapi_connection, _record):
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    engine.dispose()
    return engine


def command(event_id: str, body: str = "!appel 2023") -> IncomingMessage:
    return IncomingMessage(ROOM, event_id, BAUME, body, 1_700_000_000_000)


def processed(data_dir, event_id: str) -> bool:
    engine = storage.make_engine(f"sqlite:///{data_dir / 'tno.db'}")
    try:
        with Session(engine) as session:
            return storage.is_processed(session, event_id)
    finally:
        engine.dispose()


def no_traceback(caplog) -> None:
    assert not [r for r in caplog.records if r.exc_info], [r.getMessage() for r in caplog.records]


# --- start-up ------------------------------------------------------------------------------------------------------


@pytest.fixture
def service_env(monkeypatch, data_dir):
    monkeypatch.setenv("TNO_HOMESERVER", "http://127.0.0.1:9")
    monkeypatch.setenv("TNO_USER_ID", "@tno-bot:tno.example")
    monkeypatch.setenv("TNO_PASSWORD", "secret")
    monkeypatch.setenv("TNO_DATA_DIR", str(data_dir))
    monkeypatch.delenv("TNO_DATABASE_URL", raising=False)
    monkeypatch.setattr(service, "TnoBot", lambda *args: pytest.fail("the bot started on a database it cannot write"))
    return monkeypatch


def test_start_on_a_read_only_database_is_one_line_and_exit_74(service_env, data_dir, config, caplog, capsys):
    service_env.setenv("TNO_DATABASE_URL", read_only_url(data_dir))
    with caplog.at_level(logging.INFO):
        assert service.run(config) == service.EXIT_STORAGE == 74
    [line] = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert line == (f"database sqlite:///file:{data_dir / 'tno.db'}?mode=ro&uri=true: the database cannot be "
                    "written or reached (attempt to write a readonly database)")
    no_traceback(caplog)
    err = plain(capsys.readouterr().err)  # the operator is told in French, as by the rest of the CLI
    said = err[err.index("tno-bot run :"):]  # after the log lines, which go to stderr too
    assert said.startswith(f"tno-bot run : la base de données sqlite:///file:{data_dir / 'tno.db'}?mode=ro&uri=true "
                           "ne peut être ni écrite ni atteinte (détail technique : the database")
    assert said.rstrip().endswith("Réparez-la (droits, place, serveur), puis relancez le bot.")


def test_a_bad_environment_is_said_in_french_exit_2(service_env, config, capsys):
    service_env.delenv("TNO_HOMESERVER")
    assert service.run(config) == 2
    assert plain(capsys.readouterr().err).splitlines(keepends=True)[-1] == (  # after the log line
        "tno-bot run : variable(s) d’environnement manquante(s) : TNO_HOMESERVER. Les variables TNO_* sont décrites "
        "dans le README.\n")


@pytest.mark.skipif(ROOT, reason="root writes through chmod 0444: the ?mode=ro test above stands for it")
def test_start_on_a_database_chmod_0444_is_one_line_and_exit_74(service_env, data_dir, config, caplog):
    for path in (data_dir / "tno.db", data_dir):
        path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH | (stat.S_IXUSR if path.is_dir() else 0))
    try:
        assert service.run(config) == service.EXIT_STORAGE
    finally:
        data_dir.chmod(0o700)
        (data_dir / "tno.db").chmod(0o600)
    assert [r for r in caplog.records if r.levelno >= logging.ERROR]
    no_traceback(caplog)


def test_check_writable_records_the_start_on_a_good_database(data_dir):
    engine = storage.make_engine(f"sqlite:///{data_dir / 'tno.db'}")
    storage.check_writable(engine)
    with Session(engine) as session:
        assert session.get(storage.SyncState, "started_at") is not None
    engine.dispose()


# --- during a command ----------------------------------------------------------------------------------------------


def test_a_command_on_a_read_only_database_is_not_marked_processed_and_handled_later(data_dir, config, caplog):
    read_only = storage.make_engine(read_only_url(data_dir))
    with caplog.at_level(logging.INFO), pytest.raises(storage.StorageUnavailable) as error:
        Dispatcher(config, read_only).process(command("$ro"))
    read_only.dispose()
    assert str(error.value) == (f"event $ro in {ROOM} not handled, it will be once the database works again: the "
                                "database cannot be written or reached (attempt to write a readonly database)")
    assert error.value.__cause__ is None and error.value.__suppress_context__
    no_traceback(caplog)  # no "command failed" with its traceback: the command did nothing wrong
    assert not processed(data_dir, "$ro")
    writable = storage.make_engine(f"sqlite:///{data_dir / 'tno.db'}")
    assert len(Dispatcher(config, writable).process(command("$ro"))) == 1  # the same event, once it can be written
    writable.dispose()
    assert processed(data_dir, "$ro")


def test_a_command_on_a_full_disk_is_not_marked_processed(data_dir, config, caplog):
    dispatcher = Dispatcher(config, full_engine(data_dir))
    with caplog.at_level(logging.INFO), pytest.raises(storage.StorageUnavailable) as error:
        for i in range(200):
            dispatcher.process(command(f"$full{i}"))
    assert "(database or disk is full)" in str(error.value)
    failed = str(error.value).split()[1]
    assert not processed(data_dir, failed)
    no_traceback(caplog)


def test_a_command_that_fails_for_another_reason_still_gets_its_apology(data_dir, config, monkeypatch):
    from tno_bot.commands import funding

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(funding, "call_for_funds", broken)
    engine = storage.make_engine(f"sqlite:///{data_dir / 'tno.db'}")
    [reply] = Dispatcher(config, engine).process(command("$bug"))
    assert "Désolé" in reply.content
    engine.dispose()


def test_the_service_stops_on_a_storage_fault_while_running_with_one_line(service_env, data_dir, config, caplog):
    class Bot:
        def __init__(self, *args):
            pass

        async def run(self):
            raise storage.StorageUnavailable("event $x in !r:x not handled, it will be once the database works "
                                             "again: the database cannot be written or reached (disk I/O error)")

    service_env.setattr(service, "TnoBot", Bot)
    assert service.run(config) == service.EXIT_STORAGE
    [line] = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert line.startswith("stopped: event $x in !r:x not handled") and line.endswith("(disk I/O error)")
    no_traceback(caplog)


def test_the_clocks_work_on_a_read_only_database_is_postponed_in_one_line(data_dir, config, caplog):
    import asyncio
    from datetime import datetime, timezone

    from tno_bot.matrix.scheduler import DueWork

    from tests.cast import SECRETARIAT
    from tests.harness import Bot, paris

    writable = storage.make_engine(f"sqlite:///{data_dir / 'tno.db'}")
    Bot(writable, config, now=paris(2025, 9, 1, 10)).say("!conference nouvelle 2025-11-07 14:30 Lyon", SECRETARIAT)
    writable.dispose()

    async def scenario():
        due = DueWork(config, storage.make_engine(read_only_url(data_dir)), asyncio.Lock(), lambda: None,
                      clock=lambda: datetime(2025, 11, 6, 12, tzinfo=timezone.utc))
        due.scheduler.start()
        try:
            await due.run()
        finally:
            due.stop()
            due.engine.dispose()

    with caplog.at_level(logging.INFO):
        asyncio.run(scenario())
    [line] = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert line == ("the clock's work is postponed: the database cannot be written or reached (attempt to write a "
                    "readonly database)")
    no_traceback(caplog)


# --- PostgreSQL ------------------------------------------------------------------------------------------------------
# The same faults on PostgreSQL (when TNO_TEST_DATABASE_URL is set): a database made read-only by the server
# (`default_transaction_read_only`, as a standby or an administrator would make it) and a server that does not answer.
# A full disk has no harmless stand-in there (a tablespace on a small mount needs root): SQLite's stands for it.


@pytest.fixture
def postgresql_url():
    from tests.conftest import TEST_DATABASE_ENV, _postgres_database

    server_url = os.environ.get(TEST_DATABASE_ENV)
    if not server_url:
        pytest.skip(f"{TEST_DATABASE_ENV} is not set (run `.ci/postgres.sh start` to get a throwaway PostgreSQL)")
    databases = _postgres_database(server_url)
    url = next(databases)
    engine = storage.make_engine(url)
    storage.migrate(engine)
    engine.dispose()
    yield url
    next(databases, None)  # dropped


def set_read_only(url: str, read_only: bool) -> None:
    """The server makes every new session of that database read-only (or no longer)."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    name = make_url(url).database
    admin = create_engine(os.environ["TNO_TEST_DATABASE_URL"], poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        setting = "SET default_transaction_read_only = on" if read_only else "RESET default_transaction_read_only"
        connection.exec_driver_sql(f'ALTER DATABASE "{name}" {setting}')
    admin.dispose()


READ_ONLY_PG = ("the database cannot be written or reached (cannot execute INSERT in a read-only transaction)")


def test_a_command_on_a_read_only_postgresql_database_is_not_marked_processed_and_handled_later(
        postgresql_url, config, caplog):
    set_read_only(postgresql_url, True)
    read_only = storage.make_engine(postgresql_url)
    with caplog.at_level(logging.INFO), pytest.raises(storage.StorageUnavailable) as error:
        Dispatcher(config, read_only).process(command("$pg-ro"))
    read_only.dispose()
    assert str(error.value) == f"event $pg-ro in {ROOM} not handled, it will be once the database works again: " \
                               + READ_ONLY_PG
    no_traceback(caplog)

    set_read_only(postgresql_url, False)
    writable = storage.make_engine(postgresql_url)
    assert len(Dispatcher(config, writable).process(command("$pg-ro"))) == 1
    with Session(writable) as session:
        assert storage.is_processed(session, "$pg-ro")
    writable.dispose()


def test_start_on_a_read_only_postgresql_database_is_one_line_and_exit_74(service_env, postgresql_url, config,
                                                                           caplog):
    set_read_only(postgresql_url, True)
    service_env.setenv("TNO_DATABASE_URL", postgresql_url)
    with caplog.at_level(logging.INFO):
        assert service.run(config) == service.EXIT_STORAGE
    [line] = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert line.endswith(READ_ONLY_PG) and "password" not in line
    no_traceback(caplog)


def test_start_on_a_postgresql_server_that_does_not_answer_is_one_line_and_exit_74(service_env, postgresql_url,
                                                                                    config, caplog):
    import socket

    from sqlalchemy.engine import make_url

    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    service_env.setenv("TNO_DATABASE_URL", make_url(postgresql_url).set(port=port).render_as_string(False))
    with caplog.at_level(logging.INFO):
        assert service.run(config) == service.EXIT_STORAGE
    [line] = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert "the database cannot be written or reached" in line and "onnection refused" in line
    no_traceback(caplog)

"""Shared fixtures: a throwaway Synapse for the whole session, and a fresh database per test.

* ``synapse`` (session): a running :class:`ThrowawaySynapse` (server name ``tno.example``), stopped at the end.
* ``synapse_factory`` (function): ``synapse_factory(config_overrides=None, server_name="tno.example",
  access_log=False)`` starts an extra, private Synapse (e.g. with a low ``rc_message``, or to restart it without
  disturbing other tests);
  every server it made is stopped at teardown.
* ``config`` (module): the example configuration, config/tno.example.toml (its cast: tests/cast.py).
* ``database_url`` (function, parametrised ``sqlite`` / ``postgresql``): the SQLAlchemy URL of a fresh, empty
  database. The PostgreSQL case needs ``TNO_TEST_DATABASE_URL`` (a server URL such as
  ``postgresql+psycopg://user@127.0.0.1:5432/postgres``; ``.ci/run`` and ``.ci/postgres.sh`` set it up) and is
  skipped without it. A uniquely named database is created on that server for each test and dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.cast import EXAMPLE_CONFIG
from tno_bot.config import Config, load_config
from tno_bot.homeserver import ThrowawaySynapse

TEST_DATABASE_ENV = "TNO_TEST_DATABASE_URL"


# ---------------------------------------------------------------------------------------------------- Synapse
@pytest.fixture(scope="session")
def synapse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThrowawaySynapse]:
    """One real Synapse for the whole test session, on a free loopback port."""
    server = ThrowawaySynapse(tmp_path_factory.mktemp("synapse"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def synapse_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., ThrowawaySynapse]]:
    """Start private Synapse servers (own data, own port); all are stopped at the end of the test."""
    servers: list[ThrowawaySynapse] = []

    def make(config_overrides: dict | None = None, server_name: str = "tno.example",
             access_log: bool = False) -> ThrowawaySynapse:
        server = ThrowawaySynapse(tmp_path_factory.mktemp("synapse-private"), server_name=server_name,
                                  config_overrides=config_overrides, access_log=access_log)
        servers.append(server)
        server.start()
        return server

    try:
        yield make
    finally:
        for server in servers:
            server.stop()


# ------------------------------------------------------------------------------------------------------ config
@pytest.fixture(scope="module")
def config() -> Config:
    """The example configuration, config/tno.example.toml."""
    return load_config(EXAMPLE_CONFIG)


# --------------------------------------------------------------------------------------------------- database
def _postgres_database(server_url: str) -> Iterator[str]:
    """Create a uniquely named database on the server of ``server_url``; yield its URL; drop it."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    server = make_url(server_url)
    name = f"tno_test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(server, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\''))
        try:
            yield server.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                # FORCE (PostgreSQL 13+) ends connections a test's engine may still hold.
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """SQLAlchemy URL of a fresh, empty database, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tno-test.db'}"
        return
    server_url = os.environ.get(TEST_DATABASE_ENV)
    if not server_url:
        pytest.skip(f"{TEST_DATABASE_ENV} is not set (run `.ci/postgres.sh start` to get a throwaway PostgreSQL)")
    yield from _postgres_database(server_url)

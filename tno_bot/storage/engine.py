"""Database URL and engine: SQLite by default, PostgreSQL (psycopg 3) by URL."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url

BUSY_TIMEOUT_MS = 10_000
"""How long an SQLite connection waits for another writer before failing."""


class DatabaseUrlError(Exception):
    """The file named by ``$TNO_DATABASE_URL_FILE`` cannot be read; the message names the variable."""


def database_url(data_dir: Path) -> str:
    """``$TNO_DATABASE_URL``, else the content of the file named by ``$TNO_DATABASE_URL_FILE`` (a URL with its
    password is a secret: a container secret, a systemd credential), else the SQLite file ``<data_dir>/tno.db``."""
    if os.environ.get("TNO_DATABASE_URL"):
        return os.environ["TNO_DATABASE_URL"]
    if file_name := os.environ.get("TNO_DATABASE_URL_FILE"):
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise DatabaseUrlError(f"TNO_DATABASE_URL_FILE: cannot read {file_name} ({error.strerror})") from None
    return f"sqlite:///{Path(data_dir) / 'tno.db'}"


def make_engine(url: str) -> Engine:
    """An engine for `url`; ``postgresql://`` and ``postgres://`` are served by psycopg 3."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    return create_engine(parsed, pool_pre_ping=True)


def _sqlite_engine(url: URL) -> Engine:
    """SQLite with its parent directory created, WAL journal, foreign keys on and a busy timeout.

    The driver's default transaction handling is kept: a transaction begins at the first write, so the
    loser of a race on a primary key gets an IntegrityError, as on PostgreSQL.
    """
    if url.database and url.database != ":memory:" and not url.database.startswith("file:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    return engine

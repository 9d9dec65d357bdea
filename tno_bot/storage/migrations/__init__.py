"""Versioned schema migrations: one module per numbered and described step (after mautrix's upgrade tables).

Each step module (``vNN_<name>.py``) holds its ``DESCRIPTION``, its DDL written out with SQLAlchemy ``Table`` objects
of its own ``MetaData``, and ``upgrade(connection)``. That DDL never follows later changes to `tables.py`: a
released step must create the same schema forever. A schema change is a new module, numbered after the last one,
imported below and appended to `STEPS`; its version is its position there (a test checks the file names agree).

`migrate` creates the ``schema_version`` bookkeeping table itself, then applies each pending step in its own
transaction under a lock (PostgreSQL advisory lock, SQLite ``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Column, Connection, Engine, Integer, MetaData, String, Table, func, inspect, select

from ..columns import UTCDateTime, utcnow
from . import (
    v01_initial,
    v02_agenda,
    v03_sessions,
    v04_ratification,
    v05_advance_pouvoirs,
    v06_undecrypted_events,
    v07_undecrypted_notices,
    v08_relations,
    v09_documents,
    v10_decision_notifications,
    v11_seance_opening_reason,
    v12_vote_mission,
    v13_seance_presided_by,
    v14_avis_favorable,
)

ADVISORY_LOCK_KEY = 0x74_6E_6F_62  # "tnob": serialises migrate() across processes on PostgreSQL

STEPS = (
    v01_initial,
    v02_agenda,
    v03_sessions,
    v04_ratification,
    v05_advance_pouvoirs,
    v06_undecrypted_events,
    v07_undecrypted_notices,
    v08_relations,
    v09_documents,
    v10_decision_notifications,
    v11_seance_opening_reason,
    v12_vote_mission,
    v13_seance_presided_by,
    v14_avis_favorable,
)
"""The step modules, oldest first: step N is ``STEPS[N - 1]``."""


class SchemaTooNewError(RuntimeError):
    """The database was migrated by a newer tno-bot than this one."""


@dataclass(frozen=True)
class Migration:
    """One schema step: applied once, in order, inside a transaction."""

    version: int
    description: str
    apply: Callable[[Connection], None]


MIGRATIONS: tuple[Migration, ...] = tuple(
    Migration(version, step.DESCRIPTION, step.upgrade) for version, step in enumerate(STEPS, start=1)
)
LATEST_VERSION = MIGRATIONS[-1].version

_bookkeeping = MetaData()
schema_version = Table(
    "schema_version",
    _bookkeeping,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", String, nullable=False),
    Column("applied_at", UTCDateTime, nullable=False),
)


def current_version(engine: Engine) -> int:
    """The highest applied migration, 0 for an empty database."""
    with engine.connect() as connection:
        return _version(connection)


def migrate(engine: Engine) -> list[int]:
    """Apply the pending migrations, one transaction each, and return the versions applied.

    Each transaction first takes a lock (PostgreSQL advisory lock, SQLite write lock), so concurrent
    callers apply every step once. Raises SchemaTooNewError if the database is newer than this code.
    """
    applied: list[int] = []
    for step in MIGRATIONS:
        with engine.connect() as connection, connection.begin():
            _lock(connection)
            schema_version.create(connection, checkfirst=True)
            version = _version(connection)
            _refuse_newer(version)
            if step.version <= version:
                continue
            step.apply(connection)
            connection.execute(
                schema_version.insert().values(
                    version=step.version, description=step.description, applied_at=utcnow()
                )
            )
            applied.append(step.version)
    return applied


def _lock(connection: Connection) -> None:
    """Hold an exclusive migration lock until the transaction ends."""
    if connection.dialect.name == "postgresql":
        connection.execute(select(func.pg_advisory_xact_lock(ADVISORY_LOCK_KEY)))
    elif connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _version(connection: Connection) -> int:
    if not inspect(connection).has_table(schema_version.name):
        return 0
    return connection.execute(select(func.coalesce(func.max(schema_version.c.version), 0))).scalar_one()


def _refuse_newer(version: int) -> None:
    if version > LATEST_VERSION:
        raise SchemaTooNewError(
            f"the database schema is at version {version}, but this tno-bot only knows versions up to "
            f"{LATEST_VERSION}: upgrade tno-bot, or point TNO_DATABASE_URL at another database"
        )

"""The database failing, as opposed to a bug: read-only, full disk, I/O error, unreachable.

`storage_fault(error)` says, in one line, why the database failed, or None when `error` is not such a fault. The
dispatcher turns a fault during a command into `StorageUnavailable` (the event is not marked processed: it is
handled again once the database works), and `tno-bot run` ends on it with one log line and its own exit code, as it
does at start-up when `check_writable` cannot write.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session

from .tables import SyncState

STARTED_KEY = "started_at"
# PostgreSQL conditions of a database that cannot be written: read-only transaction, disk full, out of memory,
# too many connections, I/O error (the connection errors are OperationalError already).
_PG_FAULTS = {"25006", "53100", "53200", "53300", "58030"}


class StorageUnavailable(Exception):
    """The database could not be written or reached; nothing of what was being done was recorded."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def storage_fault(error: BaseException) -> str | None:
    """Why the database failed, in one line ("the database cannot be written: attempt to write a readonly
    database"), or None when `error` is not the database failing."""
    if isinstance(error, StorageUnavailable):
        return error.reason
    if isinstance(error, DBAPIError) and (isinstance(error, OperationalError)
                                          or getattr(error.orig, "sqlstate", None) in _PG_FAULTS):
        detail = (str(error.orig).strip().splitlines() or [type(error.orig).__name__])[0]
        return f"the database cannot be written or reached ({detail})"
    return None


def check_writable(engine: Engine, now: datetime | None = None) -> None:
    """Write the start instant (`sync_state.started_at`) in its own transaction: a database that cannot be written
    (read-only file or mount, full disk) fails here, at start-up, instead of at the first command. Raises
    StorageUnavailable."""
    try:
        with Session(engine) as session, session.begin():
            session.merge(SyncState(key=STARTED_KEY, value=(now or datetime.now(timezone.utc)).isoformat()))
    except Exception as error:
        reason = storage_fault(error)
        if reason is None:
            raise
        raise StorageUnavailable(reason) from None

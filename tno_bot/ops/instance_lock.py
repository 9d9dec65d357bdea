"""One running instance per database: the others wait as standbys and take over when it dies.

PostgreSQL: a session-level advisory lock held by a connection of its own for the whole run (the server releases it
when that connection closes, a killed process included); the holder is read from `pg_stat_activity`, where the lock's
connection carries the instance's name. SQLite: an exclusive `flock` on `<database>.lock` beside the database file
(the kernel releases it when the process dies), the holder's name in `<database>.holder`.
"""
from __future__ import annotations

import fcntl
import os
from pathlib import Path

from sqlalchemy import Engine, text

from tno_bot.matrix.local_secrets import replace_private_file, write_private_file
from tno_bot.storage import StorageUnavailable

# Another key than the migrations' (0x746E6F62): the instance holds this one for its whole run.
INSTANCE_LOCK_KEY = 0x74_6E_6F_69  # "tnoi"


class InstanceLock:
    """`try_acquire` until it says yes, `still_held` while running, `release` at the end; `holder` names who
    holds it (or None when unknown)."""

    def __init__(self, engine: Engine, name: str) -> None:
        self.engine = engine
        self.name = name  # "host pid 1234", shown to the standbys
        self._connection = None
        self._fd: int | None = None
        database = engine.url.database or ""
        self._postgres = engine.dialect.name == "postgresql"
        path = Path(database.removeprefix("file:").split("?")[0]) if not self._postgres else None
        self._lock_path = path.with_name(path.name + ".lock") if path else None
        self._holder_path = path.with_name(path.name + ".holder") if path else None

    def try_acquire(self) -> bool:
        return self._try_postgres() if self._postgres else self._try_file()

    def still_held(self) -> bool:
        if not self._postgres:
            return self._fd is not None
        try:
            return bool(self._connection.execute(text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = :key AND granted "
                "AND pid = pg_backend_pid()"), {"key": INSTANCE_LOCK_KEY}).scalar_one())
        except Exception:  # the connection is gone, and the lock with it
            return False

    def holder(self) -> str | None:
        if not self._postgres:
            try:
                return self._holder_path.read_text(encoding="utf-8").strip() or None
            except OSError:
                return None
        with self.engine.connect() as connection:
            return connection.execute(text(
                "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'advisory' AND l.objid = :key AND l.granted"),
                {"key": INSTANCE_LOCK_KEY}).scalar() or None

    def release(self) -> None:
        if self._connection is not None:
            try:  # at once: the server notices a closed connection only a moment later
                self._connection.execute(text("SELECT pg_advisory_unlock_all()"))
            except Exception:  # the connection is gone, and the lock with it
                pass
            self._connection.invalidate()  # closed for good, not returned to the pool
            self._connection.close()
            self._connection = None
        if self._fd is not None:
            os.close(self._fd)  # the kernel releases the flock
            self._fd = None

    def _try_postgres(self) -> bool:
        if self._connection is None:
            self._connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            self._connection.execute(text("SELECT set_config('application_name', :name, false)"),
                                     {"name": f"tno-bot {self.name}"[:63]})
        acquired = self._connection.execute(text("SELECT pg_try_advisory_lock(:key)"),
                                            {"key": INSTANCE_LOCK_KEY}).scalar_one()
        return bool(acquired)

    def _try_file(self) -> bool:
        try:
            if not self._lock_path.exists():
                self._lock_path.parent.mkdir(parents=True, exist_ok=True)
                try:
                    write_private_file(self._lock_path, "")
                except FileExistsError:  # made by another instance meanwhile
                    pass
            fd = os.open(self._lock_path, os.O_RDONLY)
        except OSError as error:
            raise StorageUnavailable(f"the instance lock {self._lock_path} cannot be made ({error.strerror})") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        replace_private_file(self._holder_path, f"tno-bot {self.name}\n")
        return True

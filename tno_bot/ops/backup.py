"""`tno-bot backup DIR`: a consistent copy of what the bot cannot rebuild, taken while it runs.

- `DIR/data/`: the data directory. Every SQLite database in it (the bot's `tno.db`, the encryption store under
  `crypto/`) is copied with SQLite's online backup API, a consistent snapshot even while the bot writes (its WAL and
  journal files are not copied: the snapshot holds their content); the other files (`cross-signing.json`,
  `identity.json`, the pickle key if the bot made it) are copied as they are, but for the instance lock.
- `DIR/config/`: the directory of the config file (config, budgets, history files, avatar).
- `DIR/MANIFEST.json`: when, the schema version, the database kind, each file with its size and SHA-256.

A PostgreSQL database is not copied (`pg_dump` is the tool for it, see the README): the manifest and the report say
so. DIR must not exist or be empty; it is made readable by the bot's user only, like the data directory.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from tno_bot import storage
from tno_bot.matrix.local_secrets import make_private_dir, write_private_file

SQLITE_HEADER = b"SQLite format 3\x00"
# SQLite's WAL and journal (their content is in the snapshot), the instance lock and its holder's name.
NOT_COPIED = ("-wal", "-shm", "-journal", ".lock", ".holder")


class BackupRefused(Exception):
    """The target cannot receive a backup (not empty, not a directory); nothing was written."""


@dataclass(frozen=True)
class BackupReport:
    target: Path
    files: int
    databases: int  # SQLite files copied with the online backup API
    external_database: str | None  # the PostgreSQL URL (password hidden) left to pg_dump


def make_backup(target: Path, data_dir: Path, config_path: Path, url: str) -> BackupReport:
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupRefused(f"{target} exists and is not an empty directory")
    make_private_dir(target)
    parsed = make_url(url)
    sqlite = parsed.get_backend_name() == "sqlite"
    copies = {source: target / "data" / source.relative_to(data_dir)
              for source in sorted(path for path in data_dir.rglob("*") if path.is_file())
              if not source.name.endswith(NOT_COPIED)}
    database = Path(parsed.database).resolve() if sqlite else None
    if database is not None and not database.is_relative_to(data_dir.resolve()):
        copies[database] = target / "database" / database.name  # TNO_DATABASE_URL names a file elsewhere
    databases = 0
    for source, copy in copies.items():
        copy.parent.mkdir(parents=True, exist_ok=True)
        if _is_sqlite(source):
            _sqlite_copy(source, copy)
            databases += 1
        else:
            shutil.copy2(source, copy)
    shutil.copytree(config_path.parent, target / "config", ignore=shutil.ignore_patterns("__pycache__"))
    external = None if sqlite else parsed.render_as_string(hide_password=True)
    version = _schema_version(copies[database]) if database in copies else None
    return BackupReport(target, _write_manifest(target, version, external), databases, external)


def _is_sqlite(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(len(SQLITE_HEADER)) == SQLITE_HEADER


def _sqlite_copy(source: Path, copy: Path) -> None:
    """SQLite's online backup: the pages of one read transaction, so writers never see a half-copied database."""
    reader, writer = sqlite3.connect(f"file:{source}?mode=ro", uri=True), sqlite3.connect(copy)
    try:
        reader.backup(writer)
    finally:
        reader.close()
        writer.close()


def _schema_version(copy: Path) -> int:
    engine = storage.make_engine(f"sqlite:///{copy}")
    try:
        return storage.current_version(engine)
    finally:
        engine.dispose()


def _write_manifest(target: Path, version: int | None, external: str | None) -> int:
    files = sorted(path for path in target.rglob("*") if path.is_file())
    manifest = {
        "made_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "schema_version": version,
        "database": "sqlite" if external is None else f"not copied, use pg_dump: {external}",
        "files": {str(path.relative_to(target)): {"bytes": path.stat().st_size,
                                                  "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
                  for path in files},
    }
    write_private_file(target / "MANIFEST.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    return len(files)

"""What the bot keeps on its own disk: a data directory readable by its user only, and the store's pickle key.

Every file the bot writes itself under its data directory (the pickle key, the recovery key, the cross-signing
cache, the store's identity) goes through `write_private_file` (a new file) or `replace_private_file`: written to a
temporary file, fsynced, then linked or renamed to its name. The databases (tno.db, the encryption store) are
SQLite's own transactions."""
from __future__ import annotations

import logging
import os
import secrets
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

PICKLE_KEY_FILE = "pickle-key"


def make_private_dir(path: Path) -> None:
    """Create `path` (and its parents) if needed, and make it readable by the bot's user only."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)


def write_private_file(path: Path, text: str) -> None:
    """Create `path` atomically, readable by the bot's user only: the text goes to a temporary file that is fsynced
    and then linked to its name, so `path` appears whole or not at all (never empty or truncated after a crash or a
    full disk). An existing file is never overwritten (FileExistsError)."""
    temporary = _written_temporary(path, text)
    try:
        os.link(temporary, path)  # unlike a rename, fails if `path` exists
    finally:
        temporary.unlink()
    _sync_directory(path.parent)


def replace_private_file(path: Path, text: str) -> None:
    """Replace `path` atomically (temporary file, fsync, rename), readable by the bot's user only: a crash or a disk
    error leaves the old file or the new one, never a truncated one."""
    temporary = _written_temporary(path, text)
    try:
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_directory(path.parent)


def _written_temporary(path: Path, text: str) -> Path:
    """A new file beside `path` (mode 0600) holding `text`, flushed to the disk; removed again if that fails."""
    descriptor, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def _sync_directory(directory: Path) -> None:
    """Make the new name durable: fsync the directory that holds it."""
    descriptor = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def pickle_key_of(data_dir: Path, given: str | None) -> str:
    """The key that encrypts the encryption store: the operator's TNO_PICKLE_KEY, else one made once for this
    data directory (never nio's public default)."""
    if given:
        return given
    path = data_dir / PICKLE_KEY_FILE
    if not path.exists():
        write_private_file(path, secrets.token_urlsafe(32))
        log.warning("no TNO_PICKLE_KEY given: the encryption store is protected by a key made for it in %s; "
                    "better move that key to a secret of the service (TNO_PICKLE_KEY_FILE)", path)
    return path.read_text(encoding="utf-8").strip()

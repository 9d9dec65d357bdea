"""What the bot keeps on its own disk: a data directory readable by its user only, and the store's pickle key."""
from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

log = logging.getLogger(__name__)

PICKLE_KEY_FILE = "pickle-key"


def make_private_dir(path: Path) -> None:
    """Create `path` (and its parents) if needed, and make it readable by the bot's user only."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)


def write_private_file(path: Path, text: str) -> None:
    """Write a new file readable by the bot's user only; an existing file is never overwritten (FileExistsError)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())


def replace_private_file(path: Path, text: str) -> None:
    """Replace `path` atomically (temporary file, fsync, rename), readable by the bot's user only: a crash or a disk
    error leaves the old file or the new one, never a truncated one."""
    partial = path.with_name(path.name + ".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())
    os.replace(partial, path)


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

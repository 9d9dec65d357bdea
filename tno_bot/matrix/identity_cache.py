"""The cross-signing keys and the secret storage key kept in the data directory, encrypted with the pickle key.

They let a restarted bot sign a new device of its own without its recovery key. A cache that cannot be read (another
pickle key, a damaged file) is ignored: the keys are then taken again from the account's secret storage.
"""
from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from tno_bot.matrix.local_secrets import replace_private_file
from tno_bot.matrix.secret_storage import SecretStorageError, decrypt_secret, encrypt_secret
from tno_bot.matrix.signing import CrossSigningSeeds

log = logging.getLogger(__name__)

CACHE_FILE = "cross-signing.json"
STORAGE_KEY_SECRET = "tno-bot.secret_storage_key"


@dataclass(frozen=True)
class Identity:
    """A cross-signing identity the bot can use: its seeds, and the secret storage key that keeps them."""

    seeds: CrossSigningSeeds
    storage_key_id: str
    storage_key: bytes


class IdentityCache:
    def __init__(self, data_dir: Path, pickle_key: str) -> None:
        self.path = data_dir / CACHE_FILE
        self._key = hashlib.sha256(f"tno-bot identity cache\0{pickle_key}".encode()).digest()

    def load(self, user_id: str) -> Identity | None:
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
            if stored["user_id"] != user_id:
                return None
            secrets = {name: decrypt_secret(self._key, name, encrypted)
                       for name, encrypted in stored["secrets"].items()}
            return Identity(CrossSigningSeeds.from_secrets(secrets), stored["storage_key_id"],
                            bytes.fromhex(secrets[STORAGE_KEY_SECRET]))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, SecretStorageError) as error:
            log.warning("the cross-signing keys kept in %s cannot be read (%s): ignored", self.path,
                        type(error).__name__)
            return None

    def save(self, user_id: str, identity: Identity) -> None:
        """Replace the cache atomically, readable by the bot's user only."""
        secrets = {**identity.seeds.as_secrets(), STORAGE_KEY_SECRET: identity.storage_key.hex()}
        stored = {"user_id": user_id, "storage_key_id": identity.storage_key_id,
                  "secrets": {name: encrypt_secret(self._key, name, value) for name, value in secrets.items()}}
        replace_private_file(self.path, json.dumps(stored))

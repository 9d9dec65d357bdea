"""Connection settings of the bot, read from the environment (secrets never live in the TOML files)."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from tno_bot.matrix.secret_storage import RecoveryKeyError, decode_recovery_key

_USER_ID = re.compile(r"^@[a-z0-9._=\-/+]+:[A-Za-z0-9.\-:\[\]]+$")


class SettingsError(Exception):
    """A missing or malformed environment variable; the message, in French (`tno-bot run` prints it), names the
    variable."""


def _read(env: dict[str, str], name: str) -> str | None:
    """`NAME`, or the content of the file named by `NAME_FILE` (for container secrets)."""
    if env.get(name):
        return env[name].strip()
    file_name = env.get(f"{name}_FILE")
    if not file_name:
        return None
    try:
        return Path(file_name).read_text(encoding="utf-8").strip()
    except OSError as error:
        raise SettingsError(f"{name}_FILE\u00a0: impossible de lire {file_name} ({error.strerror})") from None


@dataclass(frozen=True)
class MatrixSettings:
    homeserver: str
    user_id: str
    data_dir: Path
    device_id: str | None = None  # fixed by the operator; None: a new device id for each new encryption store
    password: str | None = field(default=None, repr=False)
    access_token: str | None = field(default=None, repr=False)
    recovery_key: str | None = field(default=None, repr=False)  # opens the account's secret storage
    pickle_key: str | None = field(default=None, repr=False)  # encrypts the local encryption store

    @property
    def store_dir(self) -> Path:
        """Where nio keeps the encryption store."""
        return self.data_dir / "crypto"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "MatrixSettings":
        env = dict(os.environ if env is None else env)
        homeserver = _read(env, "TNO_HOMESERVER")
        user_id = _read(env, "TNO_USER_ID")
        password = _read(env, "TNO_PASSWORD")
        access_token = _read(env, "TNO_ACCESS_TOKEN")
        missing = [name for name, value in (("TNO_HOMESERVER", homeserver), ("TNO_USER_ID", user_id)) if not value]
        if not (password or access_token):
            missing.append("TNO_PASSWORD ou TNO_ACCESS_TOKEN")
        if missing:
            raise SettingsError("variable(s) d’environnement manquante(s)\u00a0: " + ", ".join(missing))
        if not homeserver.startswith(("http://", "https://")):
            raise SettingsError("TNO_HOMESERVER\u00a0: une adresse http(s):// est attendue")
        if not _USER_ID.match(user_id):
            raise SettingsError("TNO_USER_ID\u00a0: un identifiant Matrix tel que @tno-bot:example.org est attendu")
        recovery_key = _read(env, "TNO_RECOVERY_KEY")
        if recovery_key:
            try:
                decode_recovery_key(recovery_key)
            except RecoveryKeyError as error:
                raise SettingsError(f"TNO_RECOVERY_KEY\u00a0: {error}") from None
        return cls(
            homeserver=homeserver.rstrip("/"),
            user_id=user_id,
            data_dir=Path(_read(env, "TNO_DATA_DIR") or "storage"),
            device_id=_read(env, "TNO_DEVICE_ID"),
            password=password,
            access_token=access_token,
            recovery_key=recovery_key,
            pickle_key=_read(env, "TNO_PICKLE_KEY"),
        )

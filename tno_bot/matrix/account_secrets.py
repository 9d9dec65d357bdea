"""The account's secret storage on the homeserver (`m.secret_storage`, as Element keeps it), opened with its key.

The key's description (`m.secret_storage.key.<id>`) says whether a key is the right one; the default key
(`m.secret_storage.default_key`) is the one Element asks for as the "recovery key". Each secret is an account-data
event holding its encryption under that key.
"""
from __future__ import annotations

import secrets
import string

from nio import AsyncClient

from tno_bot.matrix import api
from tno_bot.matrix.secret_storage import decrypt_secret, encrypt_secret, key_matches, new_key_description

DEFAULT_KEY_TYPE = "m.secret_storage.default_key"
KEY_NAME = "tno-bot recovery key"


class WrongRecoveryKey(Exception):
    """The given recovery key does not open the account's secret storage (nothing was changed)."""


def _key_type(key_id: str) -> str:
    return f"m.secret_storage.key.{key_id}"


class AccountSecrets:
    def __init__(self, client: AsyncClient, key_id: str, key: bytes) -> None:
        self.client = client
        self.key_id = key_id
        self.key = key

    @classmethod
    async def open(cls, client: AsyncClient, key: bytes) -> AccountSecrets | None:
        """The storage under the account's default key, None when the account has none; WrongRecoveryKey when
        `key` is not that key."""
        default = await api.get_account_data(client, DEFAULT_KEY_TYPE)
        key_id = (default or {}).get("key")
        description = await api.get_account_data(client, _key_type(key_id)) if key_id else None
        if not description:
            return None
        if not key_matches(key, description):
            raise WrongRecoveryKey(f"the recovery key given does not open the secret storage of {client.user_id} "
                                   "(mistyped, or the key of another account): nothing was changed")
        return cls(client, key_id, key)

    @classmethod
    async def create(cls, client: AsyncClient, key: bytes) -> AccountSecrets:
        """A new storage key, made the account's default."""
        key_id = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
        await api.put_account_data(client, _key_type(key_id), new_key_description(key, KEY_NAME))
        await api.put_account_data(client, DEFAULT_KEY_TYPE, {"key": key_id})
        return cls(client, key_id, key)

    async def read(self, name: str) -> str | None:
        """The secret `name`, None when it is not stored under this key."""
        content = await api.get_account_data(self.client, name)
        encrypted = (content or {}).get("encrypted", {}).get(self.key_id)
        return decrypt_secret(self.key, name, encrypted) if encrypted else None

    async def write(self, name: str, value: str) -> None:
        await api.put_account_data(self.client, name, {"encrypted": {self.key_id: encrypt_secret(self.key, name, value)}})

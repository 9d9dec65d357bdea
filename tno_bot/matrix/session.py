"""Login, with an encryption store that is the operator's and matches what the homeserver knows.

* The store is encrypted with the operator's pickle key (`local_secrets.py`), never nio's public default, and the data
  directory is readable by the bot's user only.
* A usable store keeps its device. A store that is missing, unreadable (another pickle key) or made for another
  account is set aside and the bot logs in as a *new* device: clients share their current room sessions with a device
  they have not seen, whereas a re-created device id stays unable to read the sessions they already use. The old
  device is removed once the new one is signed (`remove_old_devices`).
* When the homeserver has no keys for the device, they are published again; when it holds other keys for a device id
  fixed by TNO_DEVICE_ID (or by the access token), the device is reset, or the start refused without a password.
Each case is said in the log.
"""
from __future__ import annotations

import json
import logging
import secrets
import shutil
import time
from pathlib import Path

from nio import AsyncClient, AsyncClientConfig, LoginError, WhoamiError
from nio.store import DefaultStore

from tno_bot.matrix import api
from tno_bot.matrix.errors import TRANSIENT_EXCEPTIONS, describe, is_transient
from tno_bot.matrix.local_secrets import make_private_dir, pickle_key_of, replace_private_file
from tno_bot.matrix.settings import MatrixSettings

log = logging.getLogger(__name__)

STORE_IDENTITY_FILE = "identity.json"
DEVICE_NAME = "tno-bot"


class LoginFailed(Exception):
    """The bot cannot start with these credentials or this store (the message never contains a secret)."""


class HomeserverUnavailable(Exception):
    """The homeserver did not answer, or answered a transient error (5xx, 429): worth trying again."""


class AccessTokenRevoked(LoginFailed):
    """The homeserver does not know the bot's access token (any more), and no password lets the bot log in again."""


class BotStore(DefaultStore):
    """nio's encryption store, without the transaction nio opens after every sync to save the encrypted rooms found
    in it: most syncs found none, and each cost a lookup of the account and a transaction."""

    def save_encrypted_rooms(self, rooms) -> None:
        if rooms:
            super().save_encrypted_rooms(rooms)


def _client_config(pickle_key: str) -> AsyncClientConfig:
    # 429 answers come back to the caller (the outbox honours retry_after itself); connection errors are raised
    # after two quick retries so that the sync supervisor can back off and say so.
    return AsyncClientConfig(
        encryption_enabled=True,
        store_sync_tokens=False,
        max_limit_exceeded=0,
        max_timeouts=2,
        request_timeout=60,
        pickle_key=pickle_key,
        store=BotStore,
    )


def new_device_id() -> str:
    return f"TNOBOT{secrets.token_hex(4).upper()}"


def _store_device(settings: MatrixSettings, pickle_key: str) -> str | None:
    """The device of a usable store in `store_dir`; any other store is set aside (None)."""
    store_dir = settings.store_dir
    if not store_dir.exists():
        return None
    marker = store_dir / STORE_IDENTITY_FILE
    try:
        identity = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        identity = {}
    device_id = identity.get("device_id")
    if identity.get("user_id") != settings.user_id or not device_id:
        reason = "belongs to another account" if identity else "has no readable identity"
    elif settings.device_id and device_id != settings.device_id:
        reason = f"belongs to device {device_id}, not to TNO_DEVICE_ID {settings.device_id}"
    elif not _account_loads(settings, device_id, pickle_key):
        reason = f"cannot be opened for device {device_id} (missing, damaged or another pickle key)"
    else:
        return device_id
    log.warning("the encryption store in %s %s: starting a fresh one", store_dir, reason)
    _set_aside(store_dir)
    return None


def _account_loads(settings: MatrixSettings, device_id: str, pickle_key: str) -> bool:
    try:
        store = DefaultStore(settings.user_id, device_id, str(settings.store_dir), pickle_key)
        return store.load_account() is not None
    except Exception:  # nio and vodozemac raise their own types for a damaged or foreign store
        return False


def set_store_aside(settings: MatrixSettings) -> None:
    """The encryption store of a device the homeserver deleted: kept aside, the next login makes a new device."""
    if settings.store_dir.exists():
        _set_aside(settings.store_dir)


def _set_aside(store_dir: Path) -> None:
    target = store_dir.with_name(f"{store_dir.name}.stale-{int(time.time())}")
    shutil.move(str(store_dir), str(target))
    log.warning("previous encryption store kept in %s", target)


def _mark_store(settings: MatrixSettings, device_id: str) -> None:
    make_private_dir(settings.store_dir)
    identity = {"user_id": settings.user_id, "device_id": device_id}
    replace_private_file(settings.store_dir / STORE_IDENTITY_FILE, json.dumps(identity))


async def _login(settings: MatrixSettings, pickle_key: str, device_id: str | None) -> AsyncClient:
    """A logged-in client; `device_id` None means a new device (password) or the token's device."""
    client = AsyncClient(settings.homeserver, settings.user_id, store_path=str(settings.store_dir),
                         config=_client_config(pickle_key))
    try:
        return await _authenticate(client, settings, device_id)
    except TRANSIENT_EXCEPTIONS as error:
        await client.close()
        _forget_unused_store(settings, device_id)
        raise HomeserverUnavailable(describe(error)) from None
    except HomeserverUnavailable:
        _forget_unused_store(settings, device_id)
        raise


def _forget_unused_store(settings: MatrixSettings, device_id: str | None) -> None:
    """After a login that did not happen, a fresh store holding only its identity file is removed: the next attempt
    starts fresh again, instead of finding a store without an account and setting it aside at every retry."""
    store_dir = settings.store_dir
    if device_id is None and store_dir.is_dir() and {p.name for p in store_dir.iterdir()} <= {STORE_IDENTITY_FILE}:
        shutil.rmtree(store_dir)


async def _authenticate(client: AsyncClient, settings: MatrixSettings, device_id: str | None) -> AsyncClient:
    if settings.access_token:
        client.access_token = settings.access_token
        whoami = await client.whoami()
        if isinstance(whoami, WhoamiError) and is_transient(whoami):
            await client.close()
            raise HomeserverUnavailable(describe(whoami))
        if isinstance(whoami, WhoamiError):
            await client.close()
            if whoami.status_code == "M_UNKNOWN_TOKEN":
                raise AccessTokenRevoked("access token refused by the homeserver: M_UNKNOWN_TOKEN (its device was "
                                         "deleted or the token revoked): give the bot a new TNO_ACCESS_TOKEN")
            raise LoginFailed(f"access token refused by the homeserver: {whoami.status_code}")
        if device_id and whoami.device_id != device_id:
            log.warning("the access token belongs to device %s, not to the store's device %s",
                        whoami.device_id, device_id)
            _set_aside(settings.store_dir)
        _mark_store(settings, whoami.device_id)
        client.restore_login(whoami.user_id, whoami.device_id, settings.access_token)
        return client
    device_id = device_id or settings.device_id or new_device_id()
    client.device_id = device_id
    _mark_store(settings, device_id)
    response = await client.login(password=settings.password, device_name=DEVICE_NAME)
    if isinstance(response, LoginError) and is_transient(response):
        await client.close()
        raise HomeserverUnavailable(describe(response))
    if isinstance(response, LoginError):
        await client.close()
        raise LoginFailed(f"login refused by the homeserver: {response.status_code} {response.message}")
    return client


async def _server_device_keys(client: AsyncClient) -> dict | None:
    answer = await api.query_own_keys(client)
    return answer.get("device_keys", {}).get(client.user_id, {}).get(client.device_id)


async def connect(settings: MatrixSettings) -> AsyncClient:
    """A logged-in client whose encryption keys are the ones the homeserver holds for its device."""
    make_private_dir(settings.data_dir)
    pickle_key = pickle_key_of(settings.data_dir, settings.pickle_key)
    stored_device = _store_device(settings, pickle_key)
    client = await _login(settings, pickle_key, stored_device)
    try:
        return await _matching_keys(client, settings, pickle_key, stored_device)
    except TRANSIENT_EXCEPTIONS as error:
        await client.close()
        raise HomeserverUnavailable(describe(error)) from None
    except api.ApiError as error:
        await client.close()
        raise (HomeserverUnavailable(str(error)) if error.transient else LoginFailed(str(error))) from None


async def _matching_keys(client: AsyncClient, settings: MatrixSettings, pickle_key: str,
                         stored_device: str | None) -> AsyncClient:
    """`client` if its device keys are the homeserver's (published again when it has none), else a reset device."""
    if stored_device is None:
        log.info("new encryption store for device %s", client.device_id)
    server_keys = await _server_device_keys(client)
    own_key = client.olm.account.identity_keys["ed25519"]
    if server_keys is None:
        if client.olm.account.shared:
            log.warning("the homeserver has no keys for device %s: publishing them again", client.device_id)
            client.olm.account.shared = False
        return client
    if server_keys.get("keys", {}).get(f"ed25519:{client.device_id}") == own_key:
        return client
    if settings.access_token:
        await client.close()
        raise LoginFailed(
            f"the homeserver holds other encryption keys for device {client.device_id} than the local store, and a "
            "bot started with an access token cannot replace its device: give it its password instead of the token "
            "(it then starts as a new device), or an access token of a new device"
        )
    log.warning("the homeserver holds other encryption keys for device %s than the local store: "
                "resetting the device and starting a fresh encryption store", client.device_id)
    await api.delete_device(client, client.device_id, settings.password)
    await client.close()
    _set_aside(settings.store_dir)
    return await _login(settings, pickle_key, settings.device_id)


async def remove_old_devices(client: AsyncClient, password: str | None) -> None:
    """Delete the account's other devices named DEVICE_NAME: those of the bot's lost or replaced stores."""
    if not password:
        return
    for device in await api.own_devices(client):
        if device.get("display_name") == DEVICE_NAME and device["device_id"] != client.device_id:
            await api.delete_device(client, device["device_id"], password)
            log.info("old device %s of the bot removed", device["device_id"])

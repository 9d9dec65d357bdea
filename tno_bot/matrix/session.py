"""Login with a fixed device id and an encryption store that matches what the homeserver knows.

The bot never silently runs with a broken encryption store: when the homeserver has no keys for the bot's device
(a store from an earlier server, or keys lost on the server) the keys are published again; when the homeserver holds
*other* keys for the device (the local store is not the one that published them), the device is reset and a fresh
store started. Each case is said in the log.
"""
from __future__ import annotations

import json
import logging
import shutil
import time
from pathlib import Path

from nio import AsyncClient, AsyncClientConfig, LoginError, WhoamiError

from tno_bot.matrix.settings import MatrixSettings

log = logging.getLogger(__name__)

STORE_IDENTITY_FILE = "identity.json"


class LoginFailed(Exception):
    """The homeserver refused the credentials (the message never contains them)."""


def _client_config() -> AsyncClientConfig:
    # 429 answers come back to the caller (the outbox honours retry_after itself); connection errors are raised
    # after two quick retries so that the sync supervisor can back off and say so.
    return AsyncClientConfig(
        encryption_enabled=True,
        store_sync_tokens=False,
        max_limit_exceeded=0,
        max_timeouts=2,
        request_timeout=60,
    )


def _prepare_store(settings: MatrixSettings) -> None:
    """Set aside a store made for another account or device, so nio starts a fresh one."""
    store_dir = settings.store_dir
    marker = store_dir / STORE_IDENTITY_FILE
    identity = {"user_id": settings.user_id, "device_id": settings.device_id}
    if marker.exists() and json.loads(marker.read_text(encoding="utf-8")) != identity:
        log.warning("the encryption store in %s belongs to another account or device: starting a fresh one",
                    store_dir)
        _set_aside(store_dir)
    store_dir.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps(identity), encoding="utf-8")


def _set_aside(store_dir: Path) -> None:
    target = store_dir.with_name(f"{store_dir.name}.stale-{int(time.time())}")
    shutil.move(str(store_dir), str(target))
    log.warning("previous encryption store kept in %s", target)


async def _login(settings: MatrixSettings) -> AsyncClient:
    _prepare_store(settings)
    client = AsyncClient(settings.homeserver, settings.user_id, device_id=settings.device_id,
                         store_path=str(settings.store_dir), config=_client_config())
    if settings.access_token:
        client.access_token = settings.access_token
        whoami = await client.whoami()
        if isinstance(whoami, WhoamiError):
            await client.close()
            raise LoginFailed(f"access token refused by the homeserver: {whoami.status_code}")
        client.restore_login(whoami.user_id, whoami.device_id or settings.device_id, settings.access_token)
    else:
        response = await client.login(password=settings.password, device_name="tno-bot")
        if isinstance(response, LoginError):
            await client.close()
            raise LoginFailed(f"login refused by the homeserver: {response.status_code} {response.message}")
    return client


async def _server_device_keys(client: AsyncClient) -> dict | None:
    body = {"device_keys": {client.user_id: [client.device_id]}}
    response = await client.send(
        "POST", "/_matrix/client/v3/keys/query", json.dumps(body),
        {"Authorization": f"Bearer {client.access_token}", "Content-Type": "application/json"},
    )
    answer = await response.json()
    return answer.get("device_keys", {}).get(client.user_id, {}).get(client.device_id)


async def _delete_own_device(client: AsyncClient, password: str) -> None:
    path = f"/_matrix/client/v3/devices/{client.device_id}"
    headers = {"Authorization": f"Bearer {client.access_token}", "Content-Type": "application/json"}
    first = await client.send("DELETE", path, json.dumps({}), headers)
    session = (await first.json()).get("session")
    auth = {"type": "m.login.password", "identifier": {"type": "m.id.user", "user": client.user_id},
            "password": password, "session": session}
    second = await client.send("DELETE", path, json.dumps({"auth": auth}), headers)
    if second.status != 200:
        raise LoginFailed(f"could not reset device {client.device_id}: HTTP {second.status}")


async def connect(settings: MatrixSettings) -> AsyncClient:
    """A logged-in client whose encryption keys are the ones the homeserver holds for its device."""
    client = await _login(settings)
    server_keys = await _server_device_keys(client)
    own_key = client.olm.account.identity_keys["ed25519"]
    if server_keys is None:
        if client.olm.account.shared:
            log.warning("the homeserver has no keys for device %s: publishing them again", client.device_id)
            client.olm.account.shared = False
        return client
    if server_keys.get("keys", {}).get(f"ed25519:{client.device_id}") == own_key:
        return client
    if not settings.password:
        await client.close()
        raise LoginFailed(
            f"the homeserver holds other encryption keys for device {client.device_id} than the local store: "
            "delete that device on the homeserver or set another TNO_DEVICE_ID"
        )
    log.warning("the homeserver holds other encryption keys for device %s than the local store: "
                "resetting the device and starting a fresh encryption store", client.device_id)
    await _delete_own_device(client, settings.password)
    await client.close()
    _set_aside(settings.store_dir)
    return await _login(settings)

"""Client-server requests that nio does not wrap: JSON in, JSON out, user-interactive auth answered with the password.

Secrets (the access token, the password) travel in the request only; errors name the endpoint and the status.
"""
from __future__ import annotations

import json
from urllib.parse import quote

from nio import AsyncClient

from tno_bot.matrix.errors import is_transient_status


class ApiError(Exception):
    """The homeserver refused a request; `status` and `errcode` say how."""

    def __init__(self, method: str, path: str, status: int, answer: dict) -> None:
        self.status = status
        self.errcode = answer.get("errcode", "")
        self.transient = is_transient_status(status)
        super().__init__(f"{method} {path}: HTTP {status} {self.errcode} {answer.get('error', '')}".rstrip())


async def request(client: AsyncClient, method: str, path: str, body: dict | None = None,
                  ok: tuple[int, ...] = (200,)) -> tuple[int, dict]:
    """(status, answer) of an authenticated request; a status outside `ok` raises ApiError."""
    headers = {"Authorization": f"Bearer {client.access_token}", "Content-Type": "application/json"}
    response = await client.send(method, path, json.dumps(body) if body is not None else None, headers)
    try:
        answer = await response.json(content_type=None)
    except ValueError:
        answer = {}
    if response.status not in ok:
        raise ApiError(method, path, response.status, answer or {})
    return response.status, answer or {}


async def request_with_password(client: AsyncClient, method: str, path: str, body: dict,
                                password: str | None) -> dict:
    """A request that may ask for user-interactive auth: answered with `m.login.password` when it does."""
    status, answer = await request(client, method, path, body, ok=(200, 401))
    if status == 200:
        return answer
    if not password or not _offers_password(answer):
        raise ApiError(method, path, status, answer)
    auth = {"type": "m.login.password", "identifier": {"type": "m.id.user", "user": client.user_id},
            "password": password, "session": answer.get("session")}
    return (await request(client, method, path, {**body, "auth": auth}))[1]


def _offers_password(answer: dict) -> bool:
    return any(flow.get("stages") == ["m.login.password"] for flow in answer.get("flows", []))


def account_data_path(client: AsyncClient, event_type: str) -> str:
    return f"/_matrix/client/v3/user/{quote(client.user_id)}/account_data/{quote(event_type)}"


async def get_account_data(client: AsyncClient, event_type: str) -> dict | None:
    """The account's global account data of that type, None when it has none."""
    status, answer = await request(client, "GET", account_data_path(client, event_type), ok=(200, 404))
    return answer if status == 200 else None


async def put_account_data(client: AsyncClient, event_type: str, content: dict) -> None:
    await request(client, "PUT", account_data_path(client, event_type), content)


async def query_own_keys(client: AsyncClient) -> dict:
    """The /keys/query answer for the bot's own account (all its devices and cross-signing keys)."""
    return (await request(client, "POST", "/_matrix/client/v3/keys/query",
                          {"device_keys": {client.user_id: []}}))[1]


async def own_devices(client: AsyncClient) -> list[dict]:
    """The account's devices (`device_id`, `display_name`, …) as GET /devices lists them."""
    return (await request(client, "GET", "/_matrix/client/v3/devices"))[1].get("devices", [])


async def delete_device(client: AsyncClient, device_id: str, password: str | None) -> None:
    await request_with_password(client, "DELETE", f"/_matrix/client/v3/devices/{quote(device_id)}", {}, password)

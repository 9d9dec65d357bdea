"""What a failed homeserver request means: worth retrying, refused for good, or the session is gone.

* Transient: no answer (connection refused or reset, a response cut short, a timeout), 5xx (a worker down, a reverse
  proxy answering 502/504 while the homeserver restarts), 408 and 429. Retried without limit, with `retry_delay`.
* Permanent: any other 4xx. The request fails at once, its reason (HTTP status, errcode, message) logged.
* M_UNKNOWN_TOKEN (the device deleted, the token revoked, the account logged out): `SessionRevoked`, handled by
  `bot.py` (log in again with the password) and `service.py` (exit code `EXIT_ACCESS_REVOKED` without one).

nio returns error responses instead of raising; `ErrorResponse.status_code` is the Matrix errcode, the HTTP status
is on `transport_response`. An answer that is not a Matrix error (a proxy's HTML page) has neither errcode nor
message, hence "None unknown error" before this module described the HTTP status instead.
"""
from __future__ import annotations

import asyncio
import random

from aiohttp import ClientError

# ClientError covers the connection errors and the responses cut short (ClientPayloadError), which nio lets through.
TRANSIENT_EXCEPTIONS = (ClientError, TimeoutError, asyncio.TimeoutError)

RETRY_BASE_SECONDS = 0.5
MAX_RETRY_SECONDS = 10.0


class SessionRevoked(Exception):
    """The homeserver no longer accepts the bot's access token."""

    def __init__(self, description: str, soft_logout: bool = False) -> None:
        super().__init__(description)
        self.soft_logout = soft_logout


def http_status(response) -> int | None:
    transport = getattr(response, "transport_response", None)
    return getattr(transport, "status", None)


def is_transient_status(status: int | None) -> bool:
    """True for an HTTP status worth retrying as it is: none (no answer), 408, 429 or 5xx."""
    return status is None or status in (408, 429) or status >= 500


def is_transient(response) -> bool:
    """True for an error answer worth retrying as it is (see the module's docstring)."""
    return getattr(response, "status_code", None) == "M_LIMIT_EXCEEDED" or is_transient_status(http_status(response))


def describe(error) -> str:
    """An exception or an error response in one line: the HTTP status, errcode and message it has."""
    if isinstance(error, BaseException):
        return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    status = http_status(error)
    errcode = getattr(error, "status_code", None)
    message = getattr(error, "message", None)
    if message == "unknown error" and not errcode:
        message = None  # nio's word for an answer that is no Matrix error (a proxy's page)
    parts = [f"HTTP {status}" if status else type(error).__name__]
    if errcode:
        parts.append(str(errcode))
    text = " ".join(parts)
    if message:
        text += f": {message}"
    elif not errcode:
        text += " (no Matrix error in the answer)"
    return text


def check_session(response, what: str) -> None:
    """Raise SessionRevoked when `response` (to the request `what`) says the access token is unknown."""
    if getattr(response, "status_code", None) == "M_UNKNOWN_TOKEN":
        raise SessionRevoked(f"{what}: {describe(response)}", bool(getattr(response, "soft_logout", False)))


def retry_delay(failures: int) -> float:
    """Seconds before the next try after `failures` consecutive failures (1, 2, 4, 8, then 10 at most; jittered)."""
    return min(MAX_RETRY_SECONDS, RETRY_BASE_SECONDS * 2.0 ** min(failures, 10)) * random.uniform(0.5, 1.0)

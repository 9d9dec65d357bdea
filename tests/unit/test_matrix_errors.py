"""How a failed homeserver request is classified and described (tno_bot/matrix/errors.py)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from aiohttp import ClientPayloadError, ServerDisconnectedError
from nio import RoomSendError, SyncError

from tno_bot.matrix.errors import (
    MAX_RETRY_SECONDS,
    TRANSIENT_EXCEPTIONS,
    SessionRevoked,
    check_session,
    describe,
    is_transient,
    retry_delay,
)


def answer(error, status: int | None):
    error.transport_response = None if status is None else SimpleNamespace(status=status)
    return error


def proxy_page(status: int):
    """What nio makes of a proxy's HTML error page: no errcode, no message."""
    return answer(RoomSendError.from_dict({}, "!room:tno.example"), status)


@pytest.mark.parametrize("status", [500, 502, 503, 504, 408, 429])
def test_server_errors_and_timeouts_are_transient(status):
    assert is_transient(proxy_page(status))


@pytest.mark.parametrize("errcode, status", [("M_FORBIDDEN", 403), ("M_NOT_FOUND", 404), ("M_TOO_LARGE", 413),
                                             ("M_BAD_JSON", 400)])
def test_client_errors_are_permanent(errcode, status):
    assert not is_transient(answer(RoomSendError("refused", errcode), status))


def test_rate_limit_and_no_answer_are_transient():
    assert is_transient(answer(RoomSendError("slow down", "M_LIMIT_EXCEEDED", 1000), 429))
    assert is_transient(answer(SyncError("unknown error"), None))


def test_a_proxy_page_is_described_by_its_http_status_not_as_none_unknown_error():
    assert describe(proxy_page(502)) == "HTTP 502 (no Matrix error in the answer)"
    assert describe(answer(RoomSendError("You are not in the room", "M_FORBIDDEN"), 403)) == \
        "HTTP 403 M_FORBIDDEN: You are not in the room"
    assert describe(ServerDisconnectedError()).startswith("ServerDisconnectedError")


def test_a_response_cut_short_is_a_transient_exception():
    assert isinstance(ClientPayloadError("Response payload is not completed"), TRANSIENT_EXCEPTIONS)


def test_an_unknown_token_raises_session_revoked():
    check_session(answer(SyncError("refused", "M_FORBIDDEN"), 403), "sync")  # not this one
    with pytest.raises(SessionRevoked) as raised:
        check_session(answer(SyncError("Invalid access token passed.", "M_UNKNOWN_TOKEN", soft_logout=True), 401),
                      "sync")
    assert raised.value.soft_logout and "HTTP 401 M_UNKNOWN_TOKEN" in str(raised.value)


def test_retry_delays_grow_and_stay_under_the_cap():
    assert retry_delay(1) <= 1.0
    assert all(retry_delay(failures) <= MAX_RETRY_SECONDS for failures in range(1, 200))
    assert min(retry_delay(20) for _ in range(50)) >= MAX_RETRY_SECONDS / 2

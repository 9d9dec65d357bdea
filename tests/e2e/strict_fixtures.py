"""Fixture `strict_person`: Element-grade strict clients (tests/e2e/strict_client.py) on the session's Synapse.

Made available to the e2e tests by tests/e2e/conftest.py (``from tests.e2e.strict_fixtures import strict_person``).
"""
from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.e2e.strict_client import StrictClient


@pytest.fixture
async def strict_person(synapse) -> AsyncIterator:
    """`await strict_person(localpart, blacklist_unverified=False, password=None)`: a started StrictClient.

    The user is registered if need be, with `password` or else `password_of(localpart)` (the password of the
    users of the fixture `cast`). Each call starts a new client (a new device); all are stopped at teardown.
    """
    from tests.e2e.conftest import password_of

    started: list[StrictClient] = []

    async def make(localpart: str, blacklist_unverified: bool = False, password: str | None = None) -> StrictClient:
        password = password or password_of(localpart)
        user_id = synapse.register(localpart, password)
        client = StrictClient(synapse.url, user_id, password, blacklist_unverified=blacklist_unverified)
        started.append(client)
        await client.start()
        return client

    yield make
    for client in started:
        await client.stop()

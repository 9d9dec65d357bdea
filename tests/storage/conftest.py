"""Storage fixtures on the fresh database of `database_url` (tests/conftest.py): SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tno_bot.storage import make_engine, migrate


@pytest.fixture
def bare_engine(database_url):
    """An engine on an empty, unmigrated database."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(bare_engine):
    """An engine on a migrated database."""
    migrate(bare_engine)
    return bare_engine

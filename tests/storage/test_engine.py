from __future__ import annotations

import pytest
from sqlalchemy import text

from tno_bot.storage import DatabaseUrlError, database_url, make_engine


def test_database_url_defaults_to_sqlite_in_data_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("TNO_DATABASE_URL", raising=False)
    assert database_url(tmp_path) == f"sqlite:///{tmp_path}/tno.db"


def test_database_url_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TNO_DATABASE_URL", "postgresql://bot@db/tno")
    assert database_url(tmp_path) == "postgresql://bot@db/tno"


def test_database_url_from_a_secret_file(monkeypatch, tmp_path):
    monkeypatch.delenv("TNO_DATABASE_URL", raising=False)
    secret = tmp_path / "database-url"
    secret.write_text("postgresql+psycopg://bot:s3cret@db/tno\n", encoding="utf-8")
    monkeypatch.setenv("TNO_DATABASE_URL_FILE", str(secret))
    assert database_url(tmp_path) == "postgresql+psycopg://bot:s3cret@db/tno"
    monkeypatch.setenv("TNO_DATABASE_URL_FILE", str(tmp_path / "absent"))
    with pytest.raises(DatabaseUrlError, match="TNO_DATABASE_URL_FILE: cannot read .*absent"):
        database_url(tmp_path)


def test_plain_postgresql_urls_use_psycopg():
    for url in ("postgresql://bot@db/tno", "postgres://bot@db/tno", "postgresql+psycopg://bot@db/tno"):
        engine = make_engine(url)
        assert engine.dialect.name == "postgresql"
        assert engine.dialect.driver == "psycopg"


def test_sqlite_creates_parent_dir_and_sets_pragmas(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'a' / 'b' / 'tno.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() > 0
    assert (tmp_path / "a" / "b" / "tno.db").exists()
    engine.dispose()

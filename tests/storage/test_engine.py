from __future__ import annotations

from sqlalchemy import text

from tno_bot.storage import database_url, make_engine


def test_database_url_defaults_to_sqlite_in_data_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("TNO_DATABASE_URL", raising=False)
    assert database_url(tmp_path) == f"sqlite:///{tmp_path}/tno.db"


def test_database_url_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TNO_DATABASE_URL", "postgresql://bot@db/tno")
    assert database_url(tmp_path) == "postgresql://bot@db/tno"


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

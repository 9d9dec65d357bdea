"""`tno-bot run` refusing to start, said in one log line with an exit code, before any request to the homeserver."""
from __future__ import annotations

import logging

from sqlalchemy import insert

from tno_bot import service, storage
from tno_bot.storage import LATEST_VERSION, migrations


def operator_environment(monkeypatch, tmp_path, database_url: str) -> None:
    for name, value in {"TNO_HOMESERVER": "http://127.0.0.1:9", "TNO_USER_ID": "@tno-bot:tno.example",
                        "TNO_PASSWORD": "secret", "TNO_DATA_DIR": str(tmp_path / "data"),
                        "TNO_DATABASE_URL": database_url}.items():
        monkeypatch.setenv(name, value)


def test_a_database_newer_than_the_code_stops_the_start_with_the_way_back(bare_engine, database_url, config,
                                                                          monkeypatch, tmp_path, caplog):
    storage.migrate(bare_engine)
    with bare_engine.begin() as connection:
        connection.execute(insert(migrations.schema_version).values(
            version=LATEST_VERSION + 1, description="from the future", applied_at=migrations.utcnow()))
    operator_environment(monkeypatch, tmp_path, database_url)
    with caplog.at_level(logging.ERROR, logger="tno_bot"):
        assert service.run(config) == 1
    [line] = [record.getMessage() for record in caplog.records if record.levelno == logging.ERROR]
    assert f"version {LATEST_VERSION + 1}" in line and "restore the backup taken before the upgrade" in line


def test_an_unreadable_database_url_file_is_a_bad_environment(config, monkeypatch, tmp_path, caplog):
    operator_environment(monkeypatch, tmp_path, "")
    monkeypatch.setenv("TNO_DATABASE_URL_FILE", str(tmp_path / "absent"))
    with caplog.at_level(logging.ERROR, logger="tno_bot"):
        assert service.run(config) == 2
    assert "TNO_DATABASE_URL_FILE: cannot read" in caplog.text


def test_a_bad_log_variable_is_a_bad_environment(config, monkeypatch, tmp_path, caplog):
    operator_environment(monkeypatch, tmp_path, "sqlite:///" + str(tmp_path / "tno.db"))
    monkeypatch.setenv("TNO_LOG_FORMAT", "xml")
    with caplog.at_level(logging.ERROR, logger="tno_bot"):
        assert service.run(config) == 2
    assert "TNO_LOG_FORMAT: one of text, json (got 'xml')" in caplog.text

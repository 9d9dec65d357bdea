"""The bot's encryption store (`session.BotStore`, a real nio SQLite store): the encrypted rooms a sync found are kept
across restarts, and a sync that found none costs no statement (nio opened a transaction after every sync)."""
from nio.crypto import OlmAccount

from tno_bot.matrix.session import BotStore, _client_config

USER, DEVICE, PICKLE_KEY = "@tno-bot:tno.example", "TNOBOTTEST", "a pickle key"


def test_the_bot_s_client_uses_the_store():
    assert _client_config(PICKLE_KEY).store is BotStore


def test_a_sync_without_encrypted_rooms_writes_nothing_and_those_found_are_kept(tmp_path):
    store = BotStore(USER, DEVICE, str(tmp_path), PICKLE_KEY)
    store.save_account(OlmAccount())
    statements: list[str] = []
    execute_sql = store.database.execute_sql

    def counted(sql, *args, **kwargs):
        statements.append(sql)
        return execute_sql(sql, *args, **kwargs)
    store.database.execute_sql = counted

    store.save_encrypted_rooms(set())
    assert statements == []
    store.save_encrypted_rooms({"!seance:tno.example"})
    assert any("INSERT" in sql.upper() for sql in statements)
    assert BotStore(USER, DEVICE, str(tmp_path), PICKLE_KEY).load_encrypted_rooms() == {"!seance:tno.example"}

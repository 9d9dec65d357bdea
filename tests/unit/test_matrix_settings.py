"""Connection settings come from the environment, secrets never leak into reprs or errors."""
from __future__ import annotations

from pathlib import Path

import pytest

from tno_bot.matrix.secret_storage import encode_recovery_key
from tno_bot.matrix.settings import MatrixSettings, SettingsError

BASE = {"TNO_HOMESERVER": "https://matrix.tno.example/", "TNO_USER_ID": "@tno-bot:tno.example"}


def test_password_from_environment_with_defaults():
    settings = MatrixSettings.from_env({**BASE, "TNO_PASSWORD": "hunter2"})
    assert settings.homeserver == "https://matrix.tno.example"
    assert settings.device_id is None  # a new device id for each new encryption store
    assert settings.recovery_key is None and settings.pickle_key is None
    assert settings.data_dir == Path("storage")
    assert settings.store_dir == Path("storage") / "crypto"
    assert "hunter2" not in repr(settings)


def test_secret_read_from_a_file(tmp_path):
    secret = tmp_path / "token"
    secret.write_text("syt_abc\n", encoding="utf-8")
    settings = MatrixSettings.from_env({**BASE, "TNO_ACCESS_TOKEN_FILE": str(secret), "TNO_DATA_DIR": str(tmp_path),
                                        "TNO_DEVICE_ID": "SECRETARIAT"})
    assert settings.access_token == "syt_abc"
    assert settings.device_id == "SECRETARIAT"
    assert "syt_abc" not in repr(settings)


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"TNO_USER_ID": "@bot:tno.example", "TNO_PASSWORD": "x"}, "TNO_HOMESERVER"),
        ({**BASE}, "TNO_PASSWORD ou TNO_ACCESS_TOKEN"),
        ({**BASE, "TNO_HOMESERVER": "matrix.tno.example", "TNO_PASSWORD": "x"}, "TNO_HOMESERVER"),
        ({**BASE, "TNO_USER_ID": "tno-bot", "TNO_PASSWORD": "x"}, "TNO_USER_ID"),
        ({**BASE, "TNO_PASSWORD_FILE": "/nonexistent/secret"}, "TNO_PASSWORD_FILE"),
    ],
)
def test_bad_environment_names_the_variable(env, named):
    with pytest.raises(SettingsError, match=named):
        MatrixSettings.from_env(env)


def test_recovery_and_pickle_keys_read_from_files_and_kept_out_of_reprs(tmp_path):
    recovery_key = encode_recovery_key(bytes(range(32)))
    (tmp_path / "recovery").write_text(recovery_key + "\n", encoding="utf-8")
    settings = MatrixSettings.from_env({**BASE, "TNO_PASSWORD": "x", "TNO_RECOVERY_KEY_FILE": str(tmp_path / "recovery"),
                                        "TNO_PICKLE_KEY": "pickle-secret"})
    assert settings.recovery_key == recovery_key
    assert settings.pickle_key == "pickle-secret"
    assert recovery_key not in repr(settings) and "pickle-secret" not in repr(settings)


def test_mistyped_recovery_key_refused_without_repeating_it():
    recovery_key = encode_recovery_key(bytes(range(32)))
    mistyped = recovery_key[:-1] + ("A" if recovery_key[-1] != "A" else "B")
    with pytest.raises(SettingsError) as refused:
        MatrixSettings.from_env({**BASE, "TNO_PASSWORD": "x", "TNO_RECOVERY_KEY": mistyped})
    assert str(refused.value).startswith("TNO_RECOVERY_KEY\u00a0: the recovery key is mistyped")
    assert mistyped not in str(refused.value) and mistyped.replace(" ", "") not in str(refused.value)

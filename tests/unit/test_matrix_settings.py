"""Connection settings come from the environment, secrets never leak into reprs or errors."""
from __future__ import annotations

from pathlib import Path

import pytest

from tno_bot.matrix.settings import DEFAULT_DEVICE_ID, MatrixSettings, SettingsError

BASE = {"TNO_HOMESERVER": "https://matrix.tno.example/", "TNO_USER_ID": "@tno-bot:tno.example"}


def test_password_from_environment_with_defaults():
    settings = MatrixSettings.from_env({**BASE, "TNO_PASSWORD": "hunter2"})
    assert settings.homeserver == "https://matrix.tno.example"
    assert settings.device_id == DEFAULT_DEVICE_ID
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
        ({**BASE}, "TNO_PASSWORD or TNO_ACCESS_TOKEN"),
        ({**BASE, "TNO_HOMESERVER": "matrix.tno.example", "TNO_PASSWORD": "x"}, "TNO_HOMESERVER"),
        ({**BASE, "TNO_USER_ID": "tno-bot", "TNO_PASSWORD": "x"}, "TNO_USER_ID"),
        ({**BASE, "TNO_PASSWORD_FILE": "/nonexistent/secret"}, "TNO_PASSWORD_FILE"),
    ],
)
def test_bad_environment_names_the_variable(env, named):
    with pytest.raises(SettingsError, match=named):
        MatrixSettings.from_env(env)

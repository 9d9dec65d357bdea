"""`[service]`: its keys and their problems, the TNO_* variables that override them, the log they configure."""
from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest

from tno_bot.config import ServiceSettings, load_config
from tno_bot.matrix.settings import SettingsError
from tno_bot.ops.logs import configure_logging
from tno_bot.ops.settings import with_environment
from tests.unit.test_config import EXAMPLE, located, problems_of, write_config

EXAMPLE_SERVICE = ('[service]\nlog_level = "info"\nlog_format = "text"\n# health_port = 9464\n'
                   '# health_host = "127.0.0.1"\ndisplay_name = "Secrétariat TNO"\n# avatar = "avatar.png"\n')


def with_service(tmp_path: Path, table: str) -> Path:
    return write_config(tmp_path, main=[(EXAMPLE_SERVICE, table)])


def test_the_example_names_the_bot_and_opens_no_endpoint():
    assert load_config(EXAMPLE).service == ServiceSettings(display_name="Secrétariat TNO")


def test_every_key_read(tmp_path):
    (tmp_path / "face.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    path = with_service(tmp_path, '[service]\nlog_level = "DEBUG"\nlog_format = "json"\nhealth_port = 9464\n'
                                  'health_host = "0.0.0.0"\ndisplay_name = "TNO"\navatar = "face.png"\n')
    assert load_config(path).service == ServiceSettings("debug", "json", "0.0.0.0", 9464, "TNO", tmp_path / "face.png")


def test_the_table_is_optional(tmp_path):
    assert load_config(with_service(tmp_path, "")).service == ServiceSettings()


def test_each_bad_value_is_named(tmp_path):
    (tmp_path / "face.gif").write_bytes(b"GIF89a")
    path = with_service(tmp_path, '[service]\nlog_level = "verbose"\nlog_format = "xml"\nhealth_port = 70000\n'
                                  'display_name = ""\navatar = "face.gif"\ncolour = "blue"\n')
    assert located(problems_of(path)) == {("tno.toml", f"service.{key}") for key in (
        "log_level", "log_format", "health_port", "display_name", "avatar", "colour")}


def test_a_missing_avatar_is_refused_with_its_path(tmp_path):
    [problem] = problems_of(with_service(tmp_path, '[service]\navatar = "absent.png"\n'))
    assert problem.key == "service.avatar" and "absent.png" in problem.expected


def test_the_environment_wins_over_the_file():
    file = ServiceSettings("warning", "text", "127.0.0.1", 9000, "TNO")
    env = {"TNO_LOG_LEVEL": "Debug", "TNO_LOG_FORMAT": "json", "TNO_HEALTH_PORT": "9464", "TNO_HEALTH_HOST": "::1"}
    assert with_environment(file, env) == ServiceSettings("debug", "json", "::1", 9464, "TNO")
    assert with_environment(file, {"TNO_LOG_LEVEL": ""}) == file


@pytest.mark.parametrize("variable, value", [("TNO_LOG_LEVEL", "loud"), ("TNO_LOG_FORMAT", "yaml"),
                                             ("TNO_HEALTH_PORT", "http"), ("TNO_HEALTH_PORT", "0")])
def test_a_bad_variable_is_named(variable, value):
    with pytest.raises(SettingsError, match=variable):
        with_environment(ServiceSettings(), {variable: value})


@pytest.fixture
def restored_logging():
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


def test_json_lines_with_the_traceback_and_nio_kept_to_errors(restored_logging, monkeypatch):
    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    configure_logging("info", "json")
    logging.getLogger("tno_bot.test").info("ready: %d room(s)", 2)
    logging.getLogger("nio.crypto").warning("key sharing chatter")
    logging.getLogger("tno_bot.test").debug("not at info")
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("tno_bot.test").exception("failed")
    first, second = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert (first["level"], first["logger"], first["message"]) == ("INFO", "tno_bot.test", "ready: 2 room(s)")
    assert first["time"].endswith("+00:00")
    assert second["message"] == "failed" and "ValueError: boom" in second["exception"]


def test_text_at_debug(restored_logging, monkeypatch):
    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    configure_logging("debug", "text")
    logging.getLogger("tno_bot.test").debug("detail")
    logging.getLogger("nio").info("whole response")
    [line] = stream.getvalue().splitlines()
    assert line.endswith("DEBUG tno_bot.test: detail")

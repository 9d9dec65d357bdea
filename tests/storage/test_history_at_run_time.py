"""A history file edited with a mistake while the bot runs: the change is refused, the last good
history kept and the problem logged once; `tno-bot run` checks the history files at start as check-config does."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
from datetime import datetime, timezone

import pytest
from sqlmodel import Session

from tests.cast import EXAMPLE_CONFIG
from tno_bot import service
from tno_bot.app.decisions import check_history, history_of, register
from tno_bot.cli import main
from tno_bot.config import ConfigError, load_config
from tno_bot.matrix.scheduler import DueWork
from tno_bot.scheduled import upcoming

NOW = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
GOOD = 'identifier = "069-256910183-20221209-CS_2022_12_4-DE"'
WRONG_DIGIT = 'identifier = "069-256910183-20221208-CS_2022_12_4-DE"'


@pytest.fixture
def config(tmp_path):
    """A copy of the example config with its budgets and its 2022 history, in tmp_path."""
    shutil.copytree(EXAMPLE_CONFIG.parent, tmp_path / "config", ignore=shutil.ignore_patterns("tno.toml"))
    return load_config(tmp_path / "config" / EXAMPLE_CONFIG.name)


def history_file(config):
    return config.path.parent / "history" / "2022.toml"


def edit(config, old: str, new: str, tick: int) -> None:
    """Rewrite the history file, its mtime moved `tick` seconds on (a change is seen even within one second)."""
    path = history_file(config)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + tick * 1_000_000_000))


def errors(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_wrong_digit_is_refused_the_last_good_history_kept_and_logged_once(engine, config, caplog):
    good = history_of(config)
    assert good.deliberations[0].identifier is not None
    edit(config, GOOD, WRONG_DIGIT, tick=1)
    with pytest.raises(ConfigError) as refused:  # what check-config and the start of `run` see
        check_history(config)
    assert "2022.toml: deliberations[0].identifier: an identifier of this deliberation" in str(refused.value)
    with caplog.at_level(logging.INFO):
        assert history_of(config) is good
        assert history_of(config) is good
        with Session(engine) as session:  # the register and the clock's replan go on with the last good history
            assert [d.key for d, _ in register(session, config)] == ["TNO 2022-01", "TNO 2022-02"]
            assert upcoming(session, NOW, config) == []
    (logged,) = errors(caplog)
    assert logged.startswith(f"history files in {history_file(config).parent} changed and are refused, the last "
                             "good ones are kept until they are fixed:")
    assert "deliberations[0].identifier" in logged
    caplog.clear()
    edit(config, WRONG_DIGIT, GOOD, tick=2)
    with caplog.at_level(logging.INFO):
        fixed = history_of(config)
    assert fixed == good and errors(caplog) == []
    assert any("fixed: loaded again" in r.getMessage() for r in caplog.records)


def test_a_new_mistake_after_a_refused_one_is_logged_again(config, caplog):
    history_of(config)
    edit(config, GOOD, WRONG_DIGIT, tick=1)
    with caplog.at_level(logging.INFO):
        history_of(config)
        edit(config, "date = 2022-12-09", "date = 2022-11-06", tick=2)
        history_of(config)
    assert len(errors(caplog)) == 2


def test_the_clock_replans_on_a_wrong_history_without_stopping(engine, config, caplog):
    async def scenario():
        due = DueWork(config, engine, asyncio.Lock(), lambda: None, clock=lambda: NOW)
        await due.start()
        try:
            edit(config, GOOD, WRONG_DIGIT, tick=1)
            await due.replan()
            await due.run()
        finally:
            due.stop()

    history_of(config)
    with caplog.at_level(logging.INFO):
        asyncio.run(scenario())
    assert len(errors(caplog)) == 1


def test_without_a_good_history_ever_the_problem_is_raised(config):
    edit(config, GOOD, WRONG_DIGIT, tick=1)
    with pytest.raises(ConfigError):
        history_of(config)


def test_run_refuses_to_start_on_a_wrong_history_file(config, monkeypatch, capsys):
    monkeypatch.setattr(service, "run", lambda _config: pytest.fail("the bot was started"))
    edit(config, GOOD, WRONG_DIGIT, tick=1)
    assert main(["run", "--config", str(config.path)]) == 1  # the exit code of a bad config
    err = capsys.readouterr().err
    assert "2022.toml: deliberations[0].identifier: an identifier of this deliberation" in err
    assert main(["check-config", "--config", str(config.path)]) == 1
    assert capsys.readouterr().err == err


def test_run_starts_on_good_history_files(config, monkeypatch):
    started = []
    monkeypatch.setattr(service, "run", lambda checked: started.append(checked) or 0)
    assert main(["run", "--config", str(config.path)]) == 0
    assert started[0].path == config.path

"""The config as `check-config` accepts it, at start-up and on SIGHUP: the main file, its budgets and the history
files checked by the same loader and rules; a reload refused keeps the running config."""
from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

from tno_bot.app.decisions import check_history
from tno_bot.config import Config, ConfigError, load_config
from tno_bot.config.version import ConfigVersion, version_of
from tno_bot.config.warnings import config_warnings

log = logging.getLogger(__name__)


def checked_config(path: Path | None) -> Config:
    """The config and the history files beside it (history/<year>.toml): ConfigError naming file and key."""
    config = load_config(path)
    check_history(config)
    return config


def reloaded(running: Config, version: ConfigVersion) -> tuple[Config, ConfigVersion] | None:
    """The config file of `running` read again and checked: the new config and its version, or None when it is
    refused (each problem logged, the running config to be kept)."""
    now = datetime.now(UTC)
    try:
        new_version = version_of(running.path, now)
        config = checked_config(running.path)
    except ConfigError as error:
        for problem in error.problems:
            log.error("config reload refused: %s", problem)
        log.error("config reload refused (%d problem(s)): still running version %s of %s, loaded at %s",
                  len(error.problems), version.short, version.path, version.loaded_at.isoformat(timespec="seconds"))
        return None
    except OSError as error:
        log.error("config reload refused: %s cannot be read (%s): still running version %s", running.path,
                  error.strerror, version.short)
        return None
    for warning in config_warnings(config):
        log.warning("config warning: %s", warning)
    return config, new_version

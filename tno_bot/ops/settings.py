"""`[service]` of the config with the environment's overrides: the variable wins over the file, so that an operator
can raise the log level or move the health port for one run (a unit's `Environment=`, a container's `-e`) without
editing the config shared by every instance."""
from __future__ import annotations

import dataclasses
import os

from tno_bot.config import LOG_FORMATS, LOG_LEVELS, ServiceSettings
from tno_bot.matrix.settings import SettingsError

OVERRIDES = {"TNO_LOG_LEVEL": "log_level", "TNO_LOG_FORMAT": "log_format", "TNO_HEALTH_HOST": "health_host",
             "TNO_HEALTH_PORT": "health_port"}


def with_environment(service: ServiceSettings, env: dict[str, str] | None = None) -> ServiceSettings:
    """`service` with the values of the TNO_* variables set; a bad value raises SettingsError naming the variable."""
    env = os.environ if env is None else env
    changes: dict[str, object] = {}
    for variable, field in OVERRIDES.items():
        value = env.get(variable, "").strip()
        if value:
            changes[field] = _checked(variable, value)
    return dataclasses.replace(service, **changes)


def _checked(variable: str, value: str) -> object:
    if variable == "TNO_LOG_LEVEL" and value.lower() not in LOG_LEVELS:
        raise SettingsError(f"{variable}: one of {', '.join(LOG_LEVELS)} (got {value!r})")
    if variable == "TNO_LOG_FORMAT" and value.lower() not in LOG_FORMATS:
        raise SettingsError(f"{variable}: one of {', '.join(LOG_FORMATS)} (got {value!r})")
    if variable == "TNO_HEALTH_PORT":
        if not value.isdigit() or not 1 <= int(value) <= 65535:
            raise SettingsError(f"{variable}: a TCP port from 1 to 65535 (got {value!r})")
        return int(value)
    return value.lower() if variable != "TNO_HEALTH_HOST" else value

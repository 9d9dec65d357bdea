"""Configuration: TOML files in `config/`, validated into typed frozen models.

`load_config` reads the main file and every `<budgets_dir>/<year>.toml` beside it, collects every problem (each
naming the file, the dotted key and what was expected) and raises one `ConfigError` listing them all. The history
of past conferences (`config/history/<year>.toml`) is read by `tno_bot.config.history` with the same `Reader`.

Modules: `models` (the frozen dataclasses and the problems), `reader` (typed access to one TOML document),
`people`, `keys`, `settings` (the main file's sections), `budgets`, `loader` (`load_config`), `history`.
"""

from tno_bot.config.budgets import BUDGET_FILE
from tno_bot.config.loader import LOCALES, default_config_path, load_config
from tno_bot.config.models import (
    Config,
    ConfigError,
    ConfigProblem,
    Member,
    CalendarSettings,
    Named,
    Mission,
    OpenDataSettings,
    Person,
    RatificationSettings,
    Roles,
    Rules,
    ServiceSettings,
    Staff,
    format_problems,
)
from tno_bot.config.people import MEMBER_ID, ROLE_KEYS, SEATS, SIRET
from tno_bot.config.reader import CLOCK_TIME, ROOM, USER_ID, Reader, join_key
from tno_bot.config.settings import DECISION_RULES, LOG_FORMATS, LOG_LEVELS, MATIERE_CODE

__all__ = [
    "BUDGET_FILE",
    "CLOCK_TIME",
    "DECISION_RULES",
    "LOCALES",
    "LOG_FORMATS",
    "LOG_LEVELS",
    "MATIERE_CODE",
    "MEMBER_ID",
    "ROLE_KEYS",
    "ROOM",
    "SEATS",
    "SIRET",
    "USER_ID",
    "Config",
    "ConfigError",
    "ConfigProblem",
    "Member",
    "CalendarSettings",
    "Named",
    "Mission",
    "OpenDataSettings",
    "Person",
    "RatificationSettings",
    "Reader",
    "Roles",
    "Rules",
    "ServiceSettings",
    "Staff",
    "default_config_path",
    "format_problems",
    "join_key",
    "load_config",
]

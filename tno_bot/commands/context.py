"""What a handler receives: the context of one command."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from tno_bot.config import Config
from tno_bot.config.version import ConfigVersion
from tno_bot.i18n import Translator
from tno_bot.reports.language import room_translator


@dataclass
class CommandContext:
    config: Config
    sender: str
    room_id: str
    event_id: str
    language: str
    now: datetime
    session: Session
    command: str | None = None  # the command's French name once the parser found it (for the log and the metrics)
    room_name: Callable[[str], str | None] = lambda room_id: None  # a room's alias or name, when the bot knows it
    config_version: ConfigVersion | None = None  # the running config's (tno-bot run), for !config

    @property
    def tr(self) -> Translator:
        """The translator of the room's language (the default one if the stored language is not supported)."""
        return room_translator(self.language)

    @property
    def current_year(self) -> int:
        """The year of `now` in the entente's timezone."""
        return self.now.astimezone(ZoneInfo(self.config.timezone)).year

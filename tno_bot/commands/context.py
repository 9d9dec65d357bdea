"""What a handler receives (the context of one command) and what it returns (replies)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from tno_bot.config import Config
from tno_bot.i18n import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, Translator, translator


@dataclass
class CommandContext:
    config: Config
    sender: str
    room_id: str
    event_id: str
    language: str
    now: datetime
    session: Session

    @property
    def tr(self) -> Translator:
        """The translator of the room's language (the default one if the stored language is not supported)."""
        return translator(self.language if self.language in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE)

    @property
    def current_year(self) -> int:
        """The year of `now` in the entente's timezone."""
        return self.now.astimezone(ZoneInfo(self.config.timezone)).year


@dataclass(frozen=True)
class Attachment:
    """A file posted with a reply (an iCalendar file, a compte rendu in Markdown)."""

    filename: str
    mimetype: str
    data: bytes


@dataclass(frozen=True)
class Reply:
    """An answer: an `m.notice` replying to the command, or an `m.text` that notifies `mentions` when there are
    any (a proposal sent to the representatives, a reminder); `attachment` is uploaded and posted after it.
    `room_id` posts it in another room than the command's (the conference room), as an `m.text`."""

    body: str
    html: str | None = None
    mentions: tuple[str, ...] = ()
    attachment: Attachment | None = None
    room_id: str | None = None

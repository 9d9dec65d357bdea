"""A room's settings."""

from __future__ import annotations

from sqlmodel import Session

from tno_bot import storage
from tno_bot.config import Config


def room_language(session: Session, config: Config, room_id: str) -> str:
    """The language set for the room with !langue, else the config's locale."""
    return storage.get_room_language(session, room_id) or config.locale

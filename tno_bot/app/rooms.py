"""A room's settings, and the rule that a conference is dealt with in its own room."""

from __future__ import annotations

from sqlmodel import Session

from tno_bot import storage
from tno_bot.config import Config
from tno_bot.domain.rooms import require_own_room


def room_language(session: Session, config: Config, room_id: str) -> str:
    """The language set for the room with !langue, else the config's locale."""
    return storage.get_room_language(session, room_id) or config.locale


def in_its_room(session: Session, conference_id: int, room_id: str) -> None:
    """Refused(domain.rooms.Reason.OTHER_ROOM) unless `room_id` is the room conference `conference_id` belongs to."""
    require_own_room(conference_id, storage.conference_room(session, conference_id), room_id)

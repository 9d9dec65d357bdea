"""Per-room settings."""

from __future__ import annotations

from sqlmodel import Session

from .columns import utcnow
from .tables import RoomSetting


def get_room_language(session: Session, room_id: str) -> str | None:
    """The language chosen for the room, None if never set."""
    setting = session.get(RoomSetting, room_id)
    return setting.language if setting else None


def set_room_language(session: Session, room_id: str, language: str, set_by: str) -> None:
    """Choose the room's language (validating `language` is the caller's job)."""
    session.merge(RoomSetting(room_id=room_id, language=language, set_by=set_by, updated_at=utcnow()))
    session.flush()

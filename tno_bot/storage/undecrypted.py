"""Encrypted events waiting for their room key, kept across restarts."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, delete, select

from .tables import UndecryptedEvent


def keep_undecrypted(session: Session, room_id: str, event_id: str, source: dict[str, Any],
                     received_at: datetime) -> None:
    """Store an event that cannot be decrypted yet; storing it again changes nothing."""
    if session.get(UndecryptedEvent, event_id) is None:
        session.add(UndecryptedEvent(event_id=event_id, room_id=room_id, source=json.dumps(source),
                                     received_at=received_at))
        session.flush()


def undecrypted_events(session: Session) -> list[UndecryptedEvent]:
    """The stored events, oldest first."""
    return list(session.exec(select(UndecryptedEvent).order_by(UndecryptedEvent.received_at,
                                                               UndecryptedEvent.event_id)))


def forget_undecrypted(session: Session, event_ids: Iterable[str]) -> None:
    """Delete the stored events (decrypted and handled, or given up); unknown ids are ignored."""
    session.exec(delete(UndecryptedEvent).where(col(UndecryptedEvent.event_id).in_(list(event_ids))))
    session.flush()

"""Encrypted events waiting for their room key, kept across restarts, and the notices sent about them."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, delete, select

from .columns import utcnow
from .tables import UndecryptedEvent, UndecryptedNotice


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


def undecrypted_notice_sent(session: Session, room_id: str, sender: str, megolm_session_id: str) -> bool:
    """Whether `sender` was already told that the bot cannot read their messages of that session in that room."""
    return session.get(UndecryptedNotice, (room_id, sender, megolm_session_id)) is not None


def record_undecrypted_notice(session: Session, room_id: str, sender: str, megolm_session_id: str, event_id: str,
                              reason: str, noticed_at: datetime | None = None) -> bool:
    """Record the notice about `event_id` (write it in the transaction of its outbox row): True when recorded now,
    False when one was already recorded for that room, sender and Megolm session (nothing is written then).

    Two transactions recording the same notice at once: the second fails with `IntegrityError` (flush or commit).
    """
    if undecrypted_notice_sent(session, room_id, sender, megolm_session_id):
        return False
    session.add(UndecryptedNotice(room_id=room_id, sender=sender, session_id=megolm_session_id, event_id=event_id,
                                  reason=reason, noticed_at=noticed_at or utcnow()))
    session.flush()
    return True

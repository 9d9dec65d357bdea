"""Sync loop state: the persisted sync token and the processed-event ids."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col

from .tables import ProcessedEvent, SyncState

SYNC_TOKEN_KEY = "sync_token"


def get_sync_token(session: Session) -> str | None:
    """The stored ``next_batch`` token, None before the first sync."""
    state = session.get(SyncState, SYNC_TOKEN_KEY)
    return state.value if state else None


def set_sync_token(session: Session, token: str) -> None:
    """Store the ``next_batch`` token."""
    session.merge(SyncState(key=SYNC_TOKEN_KEY, value=token))
    session.flush()


def is_processed(session: Session, event_id: str) -> bool:
    """Whether the event was already handled."""
    return session.get(ProcessedEvent, event_id) is not None


def processed_event(session: Session, event_id: str) -> ProcessedEvent | None:
    """The record of a handled event, None when it was not handled."""
    return session.get(ProcessedEvent, event_id)


def mark_processed(session: Session, event_id: str, room_id: str, sender: str, acted: bool = True) -> None:
    """Record the event as handled, in the caller's transaction.

    The row is flushed at once: if another process recorded the same event first, this (or the commit)
    raises ``sqlalchemy.exc.IntegrityError`` and the caller rolls back everything written with it.
    """
    session.add(ProcessedEvent(event_id=event_id, room_id=room_id, sender=sender, acted=acted))
    session.flush()


def mark_acted(session: Session, event_id: str, room_id: str, sender: str) -> None:
    """Record that `event_id` is now carried out (an edit of it was): recorded as handled and as having acted."""
    # The usual case, an event recorded earlier (the command itself, an edited command): one UPDATE, no read.
    marked = session.execute(update(ProcessedEvent).where(col(ProcessedEvent.event_id) == event_id).values(acted=True))
    if marked.rowcount == 0:  # never recorded (ordinary chat, edited into a command)
        session.add(ProcessedEvent(event_id=event_id, room_id=room_id, sender=sender, acted=True))
        session.flush()

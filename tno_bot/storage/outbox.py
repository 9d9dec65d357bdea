"""The outbox: messages written in the handler's transaction, delivered later with a stored txn id."""

from __future__ import annotations

import json
from typing import Any
from uuid import uuid4

from sqlalchemy import update
from sqlmodel import Session, select

from .columns import utcnow
from .tables import FAILED, PENDING, SENT, OutboxMessage


def enqueue_message(
    session: Session, room_id: str, content: dict[str, Any], event_type: str = "m.room.message"
) -> OutboxMessage:
    """Queue `content` for `room_id` with a fresh transaction id; flushed, so `id` is set."""
    message = OutboxMessage(
        txn_id=uuid4().hex,
        room_id=room_id,
        event_type=event_type,
        content=json.dumps(content, ensure_ascii=False),
    )
    session.add(message)
    session.flush()
    return message


def pending_messages(session: Session, limit: int = 50) -> list[OutboxMessage]:
    """Messages still to send, oldest first."""
    query = select(OutboxMessage).where(OutboxMessage.status == PENDING).order_by(OutboxMessage.id).limit(limit)
    return list(session.exec(query))


def mark_sent(session: Session, message_id: int, event_id: str) -> None:
    """Record a delivery: status ``sent``, the event id the homeserver gave, the time (one UPDATE, no read)."""
    done = session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(
        status=SENT, event_id=event_id, sent_at=utcnow(), attempts=OutboxMessage.attempts + 1))
    if done.rowcount != 1:
        raise LookupError(f"no outbox message with id {message_id}")


def mark_attempt_failed(session: Session, message_id: int, error: str, give_up: bool) -> None:
    """Record a failed attempt; with `give_up` the message becomes ``failed`` and is no longer pending."""
    message = _get(session, message_id)
    message.attempts += 1
    message.last_error = error
    if give_up:
        message.status = FAILED
    session.flush()


def _get(session: Session, message_id: int) -> OutboxMessage:
    message = session.get(OutboxMessage, message_id)
    if message is None:
        raise LookupError(f"no outbox message with id {message_id}")
    return message

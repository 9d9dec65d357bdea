"""The outbox: messages written in the handler's transaction, delivered later with a stored txn id."""

from __future__ import annotations

import json
from typing import Any
from uuid import uuid4

from sqlalchemy import update
from sqlmodel import Session, col, select

from .columns import utcnow
from .tables import FAILED, PENDING, SENT, OutboxMessage


def enqueue_message(
    session: Session, room_id: str, content: dict[str, Any], event_type: str = "m.room.message",
    relates_to: int | None = None, track: str | None = None,
) -> OutboxMessage:
    """Queue `content` for `room_id` with a fresh transaction id; flushed, so `id` is set. With `relates_to`, the
    event id of that row is put in `content["m.relates_to"]` when it is sent; `track` finds the message again."""
    message = outbox_message(room_id, content, event_type, relates_to, track)
    session.add(message)
    session.flush()
    return message


def outbox_message(room_id: str, content: dict[str, Any], event_type: str = "m.room.message",
                   relates_to: int | None = None, track: str | None = None) -> OutboxMessage:
    """The row that queues `content`, not added yet: several rows added together are written in one statement."""
    return OutboxMessage(txn_id=uuid4().hex, room_id=room_id, event_type=event_type,
                         content=json.dumps(content, ensure_ascii=False), relates_to=relates_to, track=track)


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


def tracked(session: Session, track: str) -> OutboxMessage | None:
    """The message queued under `track` (the first, if several), sent or not."""
    return session.exec(select(OutboxMessage).where(OutboxMessage.track == track).order_by(OutboxMessage.id)).first()


def tracked_with_prefix(session: Session, prefix: str) -> list[OutboxMessage]:
    """The messages whose track starts with `prefix`, in queueing order."""
    query = select(OutboxMessage).where(col(OutboxMessage.track).startswith(prefix, autoescape=True))
    return list(session.exec(query.order_by(OutboxMessage.id)))


def tracked_event(session: Session, event_id: str) -> OutboxMessage | None:
    """The tracked message the homeserver stored as `event_id`, if the bot sent one."""
    query = select(OutboxMessage).where(OutboxMessage.event_id == event_id, col(OutboxMessage.track).is_not(None))
    return session.exec(query).first()


def related_target(session: Session, message: OutboxMessage) -> OutboxMessage:
    """The row `message` refers to (`relates_to`)."""
    return _get(session, message.relates_to)


def superseded(session: Session, message: OutboxMessage) -> int | None:
    """The latest message of the same type referring to the same row, if later than `message` (a later edit: this
    one is outdated)."""
    query = select(OutboxMessage.id).where(
        OutboxMessage.relates_to == message.relates_to, OutboxMessage.event_type == message.event_type,
        OutboxMessage.id > message.id, OutboxMessage.status != FAILED)
    return session.exec(query.order_by(OutboxMessage.id.desc()).limit(1)).first()


def mark_superseded(session: Session, message: OutboxMessage, by: int) -> None:
    """The edits still pending of the message `message` edits, queued before the later edit `by` (`message` among
    them), not sent because `by` replaces them: done (status ``sent``) without an event id, the reason in
    `last_error` (one UPDATE, no read)."""
    session.execute(update(OutboxMessage).where(
        OutboxMessage.relates_to == message.relates_to, OutboxMessage.event_type == message.event_type,
        OutboxMessage.id < by, OutboxMessage.status == PENDING,
    ).values(status=SENT, last_error=f"superseded by message {by}, not sent"))

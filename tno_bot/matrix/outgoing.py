"""The replies of one command queued in the outbox, in the command's transaction: each event of each reply, those
that refer to a message sent earlier (an edit, the end of a poll) tied to its outbox row."""
from __future__ import annotations

import logging

from sqlmodel import Session

from tno_bot import storage
from tno_bot.matrix.content import outgoing_for
from tno_bot.reports.message import Reply

log = logging.getLogger(__name__)


def queue(session: Session, replies: list[Reply], room_id: str, event_id: str,
          thread_root: str | None) -> list[storage.OutboxMessage]:
    """The outbox rows of `replies` to the event `event_id` of `room_id` (sent in the thread `thread_root`)."""
    queued = []
    for reply in replies:
        here = (reply.room_id or room_id) == room_id
        for event in outgoing_for(reply, event_id if here else None, thread_root if here else None):
            target_room, relates_to = reply.room_id or room_id, None
            if event.refers_to is not None:
                target = storage.tracked(session, event.refers_to)
                if target is None:  # a message posted before the bot tracked messages: nothing to edit or end
                    log.info("no message tracked as %s: %s not sent", event.refers_to, event.event_type)
                    continue
                target_room, relates_to = target.room_id, target.id
            queued.append(storage.enqueue_message(session, target_room, event.content, event.event_type,
                                                  relates_to=relates_to, track=event.track))
    return queued

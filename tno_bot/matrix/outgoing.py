"""The replies of one command queued in the outbox, in the command's transaction: each event of each reply, those
that refer to a message sent earlier (an edit, the end of a poll) tied to its outbox row, all flushed together (one
statement on PostgreSQL)."""
from __future__ import annotations

import logging

from sqlmodel import Session

from tno_bot import storage
from tno_bot.matrix.content import outgoing_for
from tno_bot.reports.message import Reply

log = logging.getLogger(__name__)

TRACKED_KEPT = 1024  # tracked messages whose rows are kept in memory (a vote's tally, its polls)


class TrackedMessages:
    """Where the message queued under a track is (its outbox row and room), kept once the transaction that found it
    is committed: the first row queued under a track never changes. The fifty edits of one tally read it once."""

    def __init__(self) -> None:
        self._rows: dict[str, tuple[int, str]] = {}  # track -> (row id, room), the most recently found last

    def find(self, session: Session, track: str) -> tuple[int, str] | None:
        found = self._rows.get(track)
        if found is None:
            row = storage.tracked(session, track)
            if row is None:
                return None
            found = row.id, row.room_id
            storage.on_commit(session, lambda: self._keep(track, found))
        return found

    def _keep(self, track: str, found: tuple[int, str]) -> None:
        self._rows[track] = found
        if len(self._rows) > TRACKED_KEPT:
            del self._rows[next(iter(self._rows))]


def queue(session: Session, replies: list[Reply], room_id: str, event_id: str, thread_root: str | None,
          tracked: TrackedMessages) -> list[storage.OutboxMessage]:
    """The outbox rows of `replies` to the event `event_id` of `room_id` (sent in the thread `thread_root`)."""
    queued = []
    for reply in replies:
        here = (reply.room_id or room_id) == room_id
        for event in outgoing_for(reply, event_id if here else None, thread_root if here else None):
            target_room, relates_to = reply.room_id or room_id, None
            if event.refers_to is not None:
                target = tracked.find(session, event.refers_to)
                if target is None:  # a message posted before the bot tracked messages: nothing to edit or end
                    log.info("no message tracked as %s: %s not sent", event.refers_to, event.event_type)
                    continue
                relates_to, target_room = target
            queued.append(storage.outbox_message(target_room, event.content, event.event_type,
                                                 relates_to=relates_to, track=event.track))
    session.add_all(queued)
    session.flush()
    return queued

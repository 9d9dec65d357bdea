"""From a received message to stored replies, exactly once.

The processed-event row, every state change of the handler and the outbox rows of the replies are written in one
transaction: if the bot dies before the commit nothing happened and the command is handled again after the restart;
once committed, the event is never handled again (a racing second commit fails on the processed-event key).
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from tno_bot import storage
from tno_bot.app.rooms import room_language
from tno_bot.commands import CommandContext, CommandCrashed, handle_text
from tno_bot.reports.message import Reply
from tno_bot.config import Config
from tno_bot.matrix.content import contents_for
from tno_bot.matrix.pills import with_pills

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IncomingMessage:
    room_id: str
    event_id: str
    sender: str
    body: str
    origin_server_ts: int  # milliseconds since the epoch
    formatted_body: str | None = None  # the HTML body (org.matrix.custom.html), where mention pills are links

    @property
    def command_text(self) -> str:
        """The text a command is read from: the plain body, each mention pill given as the Matrix id it points at."""
        return with_pills(self.body, self.formatted_body)

    @property
    def sent_at(self) -> datetime:
        return datetime.fromtimestamp(self.origin_server_ts / 1000, tz=timezone.utc)

    @property
    def looks_like_command(self) -> bool:
        return self.body.lstrip().startswith("!")


class Dispatcher:
    """Runs commands against the registry and queues their replies in the outbox."""

    def __init__(self, config: Config, engine) -> None:
        self.config = config
        self.engine = engine
        self.room_name: Callable[[str], str | None] = lambda room_id: None  # set by bot.py: rooms.ServedRooms.name

    def process(self, message: IncomingMessage) -> list[storage.OutboxMessage]:
        """Handle `message` unless it was already handled; returns the outbox rows committed for its replies.

        Raises StorageUnavailable (no traceback) when the database cannot be written: nothing of the command was
        recorded, the event not marked processed, so it is handled once the database works again."""
        try:
            try:
                return self._once(message, lambda context: handle_text(context, message.command_text))
            except CommandCrashed as crash:
                # Everything the failing handler wrote was rolled back with its transaction; only the apology stays.
                return self._once(message, lambda context: [crash.reply])
        except Exception as error:
            reason = storage.storage_fault(error)
            if reason is None:
                raise
            raise storage.StorageUnavailable(
                f"event {message.event_id} in {message.room_id} not handled, it will be once the database works "
                f"again: {reason}") from None

    def _once(self, message: IncomingMessage,
              answer: Callable[[CommandContext], list[Reply] | None]) -> list[storage.OutboxMessage]:
        try:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                if storage.is_processed(session, message.event_id):
                    return []
                replies = answer(self._context(session, message))
                if replies is None:
                    return []
                queued = [storage.enqueue_message(session, room_id, content)
                          for reply in replies
                          for room_id in [reply.room_id or message.room_id]
                          for content in contents_for(reply, message.event_id if room_id == message.room_id
                                                      else None)]
                storage.mark_processed(session, message.event_id, message.room_id, message.sender)
            return queued
        except IntegrityError:
            log.info("event %s was handled concurrently; skipped", message.event_id)
            return []

    def _context(self, session: Session, message: IncomingMessage) -> CommandContext:
        return CommandContext(
            config=self.config,
            sender=message.sender,
            room_id=message.room_id,
            event_id=message.event_id,
            language=room_language(session, self.config, message.room_id),
            now=message.sent_at,
            session=session,
            room_name=self.room_name,
        )

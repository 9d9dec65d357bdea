"""From a received message to stored replies, exactly once.

The processed-event row, every state change of the handler and the outbox rows of the replies are written in one
transaction: if the bot dies before the commit nothing happened and the command is handled again after the restart;
once committed, the event is never handled again (its processed-event row, written last, fails on its key, and the
transaction is rolled back with everything the handler wrote). The rooms' languages are kept between commands,
forgotten whenever a commit writes a room setting.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from tno_bot import storage
from tno_bot.app.rooms import room_language
from tno_bot.app.sitting import Sittings
from tno_bot.commands import CommandContext, CommandCrashed, handle_edit, handle_poll_answer, handle_text
from tno_bot.reports.message import Reply
from tno_bot.config import Config
from tno_bot.config.version import ConfigVersion
from tno_bot.matrix.outgoing import TrackedMessages, queue
from tno_bot.matrix.pills import with_pills
from tno_bot.matrix.polls import PollAnswer
from tno_bot.ops import metrics

log = logging.getLogger(__name__)

# What a command that only answers writes: the processed event and the outbox rows of its replies.
REPLIES_ONLY = frozenset({storage.ProcessedEvent.__tablename__, storage.OutboxMessage.__tablename__})


@dataclass(frozen=True)
class IncomingMessage:
    room_id: str
    event_id: str
    sender: str
    body: str
    origin_server_ts: int  # milliseconds since the epoch
    formatted_body: str | None = None  # the HTML body (org.matrix.custom.html), where mention pills are links
    thread_root: str | None = None  # sent in this thread: answered there
    replaces: str | None = None  # an edit of this event (body and formatted_body are the new text)
    poll_answer: PollAnswer | None = None  # an answer to a poll (no body)

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


def crash_apology(crash: CommandCrashed) -> Callable[[CommandContext], list[Reply]]:
    def answer(context: CommandContext) -> list[Reply]:
        context.command = crash.command  # the log line and the metrics name the command that failed
        return [crash.reply]
    return answer


class _NotACommand(Exception):
    """Ordinary chat: nothing to record."""


class Dispatcher:
    """Runs commands against the registry and queues their replies in the outbox."""

    def __init__(self, config: Config, engine, version: ConfigVersion | None = None) -> None:
        self.config = config
        self.version = version  # of the running config, for !config
        self.engine = engine
        self._languages: dict[str, str] = {}  # room -> language, forgotten when a commit writes room settings
        storage.watch_commits(engine, self._note_commit)
        self._sittings = Sittings(engine)  # each room's séance, kept between its commands
        self._tracked = TrackedMessages()  # the messages edited or ended by replies (a vote's tally)
        self.room_name: Callable[[str], str | None] = lambda room_id: None  # set by bot.py: rooms.ServedRooms.name

    def process(self, message: IncomingMessage) -> list[storage.OutboxMessage]:
        """Handle `message` unless it was already handled; returns the outbox rows committed for its replies.

        Raises StorageUnavailable (no traceback) when the database cannot be written: nothing of the command was
        recorded, the event not marked processed, so it is handled once the database works again."""
        started = time.perf_counter()
        try:
            try:
                return self._once(message, self._answer(message), started)
            except CommandCrashed as crash:
                # Everything the failing handler wrote was rolled back with its transaction; only the apology stays.
                return self._once(message, crash_apology(crash), started)
        except Exception as error:
            reason = storage.storage_fault(error)
            if reason is None:
                raise
            raise storage.StorageUnavailable(
                f"event {message.event_id} in {message.room_id} not handled, it will be once the database works "
                f"again: {reason}") from None

    @staticmethod
    def _answer(message: IncomingMessage) -> Callable[[CommandContext], list[Reply] | None]:
        """How `message` is answered: a command, an edited command, or a poll answer (a ballot)."""
        if message.poll_answer is not None:
            def answer_poll(context: CommandContext) -> list[Reply] | None:
                start = storage.tracked_event(context.session, message.poll_answer.poll_event_id)
                return None if start is None else handle_poll_answer(context, start.track, message.poll_answer.answers)
            return answer_poll
        if message.replaces is not None:
            def answer_edit(context: CommandContext) -> list[Reply] | None:
                original = storage.processed_event(context.session, message.replaces)
                return handle_edit(context, message.command_text, original.acted if original else None)
            return answer_edit
        return lambda context: handle_text(context, message.command_text)

    def _once(self, message: IncomingMessage, answer: Callable[[CommandContext], list[Reply] | None],
              started: float) -> list[storage.OutboxMessage]:
        try:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                self._sittings.serve(session)
                context = self._context(session, message)
                replies = answer(context)
                if replies is None:
                    raise _NotACommand  # ordinary chat is not recorded
                queued = queue(session, replies, message.room_id, message.event_id, message.thread_root,
                               self._tracked)
                session.flush()
                acted = bool(storage.tables_written(session) - REPLIES_ONLY)  # it changed more than its replies
                # Recorded with the command's changes: an event already handled fails here, on the key, and
                # everything the handler wrote is rolled back with it.
                storage.mark_processed(session, message.event_id, message.room_id, message.sender, acted=acted)
                if acted and message.replaces:  # the original is now carried out: a later edit of it is not
                    storage.mark_acted(session, message.replaces, message.room_id, message.sender)
            seconds = time.perf_counter() - started
            metrics.command_handled(context.command, seconds)
            log.info("command %s handled in %.0f ms: event %s in %s, %d message(s) queued",
                     context.command or metrics.UNKNOWN_COMMAND, seconds * 1000, message.event_id, message.room_id,
                     len(queued))
            return queued
        except _NotACommand:
            return []
        except IntegrityError:
            log.debug("event %s was already handled; skipped", message.event_id)
            return []

    def reconfigure(self, config: Config, version: ConfigVersion) -> None:
        """The next commands read `config` (a reload); the rooms' languages are read again (the default may change)."""
        self.config, self.version, self._languages = config, version, {}

    def _note_commit(self, written: storage.Written) -> None:
        if storage.RoomSetting.__tablename__ in written.tables:
            self._languages = {}

    def _language(self, session: Session, room_id: str) -> str:
        language = self._languages.get(room_id)
        if language is None:
            language = self._languages[room_id] = room_language(session, self.config, room_id)
        return language

    def _context(self, session: Session, message: IncomingMessage) -> CommandContext:
        return CommandContext(
            config=self.config,
            sender=message.sender,
            room_id=message.room_id,
            event_id=message.event_id,
            language=self._language(session, message.room_id),
            now=message.sent_at,
            session=session,
            room_name=self.room_name,
            config_version=self.version,
        )

"""Encrypted events waiting for their room key, kept in the database so that a restart does not lose them.

The sync token moves past an event that cannot be decrypted yet: its stored copy is what brings it back once the key
arrives. It is stored before the token that passes it (the sync loop saves the token after handling the sync), and
deleted only after the decrypted event was handed to the handler: a crash in between replays it, and the dispatcher
answers an event id once. At most MAX_WAITING events wait, none longer than MAX_AGE.

Nobody waits in silence: when the sender's client withholds the key from the bot's device (an `m.room_key.withheld`
to-device event for the event's session) or no key arrived KEY_WAIT_SECONDS after the event, the sender (if the
configuration names them) is told in the room, in a reply to that event, why the bot cannot read it and what to do.
Once per room, sender and Megolm session, across restarts: the notice row (`storage.record_undecrypted_notice`) is
written in the transaction of its outbox row. The event keeps waiting: a key that arrives later still gets the
command answered.
"""
from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import escape

from nio import MegolmEvent, UnknownToDeviceEvent
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from tno_bot import storage
from tno_bot.app.rooms import room_language
from tno_bot.reports.message import Reply
from tno_bot.config import Config
from tno_bot.i18n import Translator
from tno_bot.matrix.content import contents_for
from tno_bot.reports.agenda import pill
from tno_bot.reports.language import room_translator

log = logging.getLogger(__name__)

MAX_WAITING = 500
MAX_AGE = timedelta(days=7)
KEY_WAIT_SECONDS = 30.0  # without a key by then, the sender is told (read at run time: tests lower it)
WITHHELD_TYPES = ("m.room_key.withheld", "org.matrix.room_key.withheld")  # the spec's, and the unstable prefix
MAX_WITHHELD = 1000  # withheld notices remembered (in memory) for events not seen yet
TIMEOUT = "timeout"  # the stored reason of a notice sent because no key came
MAX_REASON_CHARS = 200  # of the free text of a withheld notice, logged


@dataclass(frozen=True)
class Waiting:
    room_id: str
    event: MegolmEvent
    received_at: datetime


class UndecryptedEvents:
    """The waiting events, in memory and in the database; iterated oldest first."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self._waiting: dict[str, Waiting] = {}  # by event id, oldest first
        self._considered: set[str] = set()  # event ids whose sender was told, or needs no telling
        self.changed = asyncio.Event()  # set when an event starts waiting

    def get(self, event_id: str) -> Waiting | None:
        return self._waiting.get(event_id)

    def considered(self, event_id: str) -> None:
        """The notice about this event was sent or is not needed: it is no longer due."""
        self._considered.add(event_id)

    def is_considered(self, event_id: str) -> bool:
        return event_id in self._considered

    def due(self, now: datetime) -> list[Waiting]:
        """The waiting events without a key KEY_WAIT_SECONDS after they arrived, not considered yet."""
        cutoff = now - timedelta(seconds=KEY_WAIT_SECONDS)
        return [waiting for event_id, waiting in self._waiting.items()
                if event_id not in self._considered and waiting.received_at <= cutoff]

    def next_due(self) -> datetime | None:
        """When the next event becomes due (None: none waits unconsidered)."""
        pending = [waiting.received_at for event_id, waiting in self._waiting.items()
                   if event_id not in self._considered]
        return min(pending) + timedelta(seconds=KEY_WAIT_SECONDS) if pending else None

    def __iter__(self) -> Iterator[Waiting]:
        return iter(list(self._waiting.values()))

    async def load(self) -> list[Waiting]:
        """Bring back the events stored by earlier runs (those too old are given up); returns them."""
        unreadable = []
        for row in await asyncio.to_thread(self._read):
            event = MegolmEvent.from_dict(row.payload)
            if isinstance(event, MegolmEvent):
                event.room_id = row.room_id
                self._waiting[row.event_id] = Waiting(row.room_id, event, row.received_at)
            else:
                unreadable.append(row.event_id)
        if unreadable:
            await asyncio.to_thread(self._delete, unreadable)
            log.warning("%d stored encrypted event(s) could not be read back: given up", len(unreadable))
        await self.drop_expired()
        return list(self._waiting.values())

    async def keep(self, room_id: str, event: MegolmEvent) -> None:
        """Store an event that cannot be decrypted yet (once); beyond MAX_WAITING the oldest are given up."""
        if event.event_id in self._waiting:
            return
        waiting = Waiting(room_id, event, datetime.now(UTC))
        overflow = list(self._waiting)[:max(0, len(self._waiting) + 1 - MAX_WAITING)]
        await asyncio.to_thread(self._write, waiting, overflow)
        for event_id in overflow:
            del self._waiting[event_id]
        self._waiting[event.event_id] = waiting
        self._considered.difference_update(overflow)
        self.changed.set()
        if overflow:
            log.warning("%d encrypted event(s) given up: more than %d wait for their room keys",
                        len(overflow), MAX_WAITING)

    async def forget(self, event_id: str) -> None:
        """The event was decrypted and handed to the handler."""
        await asyncio.to_thread(self._delete, [event_id])
        self._waiting.pop(event_id, None)
        self._considered.discard(event_id)

    async def drop_expired(self) -> None:
        """Give up the events whose room key did not arrive within MAX_AGE."""
        cutoff = datetime.now(UTC) - MAX_AGE
        expired = [event_id for event_id, waiting in self._waiting.items() if waiting.received_at < cutoff]
        if expired:
            await asyncio.to_thread(self._delete, expired)
            for event_id in expired:
                del self._waiting[event_id]
                self._considered.discard(event_id)
            log.warning("%d encrypted event(s) given up: their room keys did not arrive within %d days",
                        len(expired), MAX_AGE.days)

    def _read(self) -> list[storage.UndecryptedEvent]:
        with Session(self.engine) as session:
            return storage.undecrypted_events(session)

    def _write(self, waiting: Waiting, overflow: list[str]) -> None:
        with Session(self.engine) as session, session.begin():
            storage.forget_undecrypted(session, overflow)
            storage.keep_undecrypted(session, waiting.room_id, waiting.event.event_id, waiting.event.source,
                                     waiting.received_at)

    def _delete(self, event_ids: list[str]) -> None:
        with Session(self.engine) as session, session.begin():
            storage.forget_undecrypted(session, event_ids)


# --- telling the sender ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Withheld:
    """An `m.room_key.withheld` received by the bot's device: the sender's client will not share that key."""

    sender: str
    code: str  # m.unverified, m.blacklisted, m.unauthorised, m.unavailable, m.no_olm, or another one
    reason: str | None  # free text of the sender's client (English, for the log)
    room_id: str | None
    session_id: str | None
    sender_key: str | None

    @classmethod
    def from_event(cls, event) -> Withheld | None:
        """The withheld notice carried by a to-device event, None for any other event (or a malformed one)."""
        if not isinstance(event, UnknownToDeviceEvent) or event.type not in WITHHELD_TYPES:
            return None
        content = event.source.get("content")
        if not isinstance(content, dict) or not isinstance(content.get("code"), str):
            return None

        def text(key: str) -> str | None:
            value = content.get(key)
            return value[:MAX_REASON_CHARS] if isinstance(value, str) and value else None
        withheld = cls(event.sender, content["code"], text("reason"), text("room_id"), text("session_id"),
                       text("sender_key"))
        return withheld if withheld.session_id or withheld.sender_key else None

    def covers(self, room_id: str, event: MegolmEvent) -> bool:
        """Whether this notice is about the key of `event` (received in `room_id`)."""
        if event.sender != self.sender or (self.room_id and self.room_id != room_id):
            return False
        if self.sender_key and event.sender_key and self.sender_key != event.sender_key:
            return False
        if self.session_id:
            return self.session_id == event.session_id
        return self.code == "m.no_olm"  # no session named: no Olm channel with that device at all


class WithheldKeys:
    """The withheld notices received, the latest MAX_WITHHELD kept (one may arrive before its event)."""

    def __init__(self) -> None:
        self._notices: OrderedDict[tuple, Withheld] = OrderedDict()

    def add(self, withheld: Withheld) -> None:
        key = (withheld.sender, withheld.room_id, withheld.session_id, withheld.sender_key)
        self._notices.pop(key, None)
        self._notices[key] = withheld
        while len(self._notices) > MAX_WITHHELD:
            self._notices.popitem(last=False)

    def find(self, room_id: str, event: MegolmEvent) -> Withheld | None:
        """The latest notice covering `event`, if any."""
        return next((withheld for withheld in reversed(self._notices.values()) if withheld.covers(room_id, event)),
                    None)


@dataclass(frozen=True)
class Unreadable:
    """An encrypted event the bot cannot read, about which its sender is to be told."""

    room_id: str
    event_id: str
    sender: str
    session_id: str
    code: str | None  # the withheld code; None when no key came within `waited` seconds
    reason: str | None  # the withheld free text, if any
    waited: float  # seconds since the event arrived
    bot_device: str | None = None  # the bot's device id (the session to verify)

    @property
    def log_reason(self) -> str:
        if self.code is None:
            return f"no key after {self.waited:.0f} s"
        return f"{self.code} ({self.reason})" if self.reason else self.code

    @property
    def stored_reason(self) -> str:
        return self.code or TIMEOUT


def unreadable_reply(unreadable: Unreadable, config: Config, tr: Translator) -> Reply:
    """The explanation: the message could not be read, why, and what to do in Element; it mentions the sender."""
    opening = tr.gettext("{name}, the bot could not read your message: your Element app does not share its "
                         "encryption keys with the bot's session, so the bot cannot decrypt it.", name="\x00")
    why = _why(unreadable, tr)
    device = unreadable.bot_device or "?"
    todo = tr.gettext("What to do: in Element, turn off the setting “Never send encrypted messages to unverified "
                      "sessions” (in Settings, Security & Privacy, and in the settings of this room), or verify the "
                      "bot's session ({device}) if it is not trusted or blocked; then send your command again.",
                      device=device)
    name = config.display_name(unreadable.sender)
    body = f"{opening.replace(chr(0), name)} {why}\n{todo}"
    html = f"{escape(opening).replace(chr(0), pill(unreadable.sender, config))} {escape(why)}<br/>{escape(todo)}"
    return Reply(body, html, mentions=(unreadable.sender,))


def _why(unreadable: Unreadable, tr: Translator) -> str:
    code = unreadable.code
    if code is None:
        seconds = max(1, round(unreadable.waited))
        return tr.ngettext("The key of your message has still not arrived after {n} second.",
                           "The key of your message has still not arrived after {n} seconds.", seconds)
    if code == "m.unverified":
        return tr.gettext("Your app shares its keys with verified sessions only, and the bot's session is not "
                          "verified.")
    if code == "m.blacklisted":
        return tr.gettext("Your app has blocked the bot's session.")
    if code == "m.unauthorised":
        return tr.gettext("Your app does not allow the bot's session to read this message.")
    if code == "m.unavailable":
        return tr.gettext("Your app no longer has the key of this message.")
    if code == "m.no_olm":
        return tr.gettext("Your app could not set up a secure channel with the bot's session.")
    return tr.gettext("Your app refused to share the key (code {code}).", code=code)


class UnreadableNotices:
    """Writes the explanation to the outbox, once per room, sender and Megolm session."""

    def __init__(self, config: Config, engine) -> None:
        self.config = config
        self.engine = engine

    def record(self, unreadable: Unreadable) -> list[storage.OutboxMessage]:
        """The outbox rows committed for the explanation (none: an unknown sender, or one already told)."""
        where = f"room {unreadable.room_id}: event {unreadable.event_id} from {unreadable.sender}"
        if not self.config.is_known(unreadable.sender):
            log.warning("%s cannot be decrypted (%s): sender not told, not named in the configuration",
                        where, unreadable.log_reason)
            return []
        try:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                if not storage.record_undecrypted_notice(session, unreadable.room_id, unreadable.sender,
                                                         unreadable.session_id, unreadable.event_id,
                                                         unreadable.stored_reason):
                    log.info("%s cannot be decrypted (%s): sender already told for session %s",
                             where, unreadable.log_reason, unreadable.session_id)
                    return []
                tr = room_translator(room_language(session, self.config, unreadable.room_id))
                reply = unreadable_reply(unreadable, self.config, tr)
                queued = [storage.enqueue_message(session, unreadable.room_id, content)
                          for content in contents_for(reply, unreadable.event_id)]
        except IntegrityError:
            log.info("%s: notice recorded concurrently; skipped", where)
            return []
        log.warning("%s cannot be decrypted (%s): sender told why and what to do", where, unreadable.log_reason)
        return queued

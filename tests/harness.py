"""The harness of the command tests: Paris and UTC instants, and :class:`Bot`, which runs chat commands on a real
database as the dispatcher does (each in its own transaction, with its own event id)."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone

from sqlalchemy import event
from sqlmodel import Session, select

from tests.cast import BAUME, ROOM
from tests.text import plain
from tno_bot.app.sitting import Sittings
from tno_bot.commands import CommandContext, handle_text
from tno_bot.domain.calendar import PARIS

UTC = timezone.utc


def paris(y, m, d, h=12, mi=0, s=0, us=0) -> datetime:
    """An instant given as Paris wall-clock time (noon unless told)."""
    return datetime(y, m, d, h, mi, s, us, tzinfo=PARIS)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def only_reply(replies) -> str:
    """The text of the one reply to a command, with Babel's no-break spaces made plain."""
    assert replies is not None and len(replies) == 1, replies
    return plain(replies[0].body)


def reads(engine, *tables: str) -> list[str]:
    """The statements that will read `tables` on `engine` (appended as they run): what a cache saves is counted."""
    statements: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def note(conn, cursor, statement, *_) -> None:
        if statement.lstrip().upper().startswith("SELECT") and any(f"FROM {t} " in statement for t in tables):
            statements.append(statement)
    return statements


class Bot:
    """Chat commands run as the dispatcher runs them: each in its own committed transaction on `engine`, with its
    own event id (``$ev1``, ``$ev2``, … the last one in `last_event`), by `sender`, in `room`, in French.

    The clock: a command is run at the `now` it is given, else at `self.now` moved forward by `tick` first (the
    default `tick`, zero, keeps the clock where it is)."""

    def __init__(self, engine, config, *, sender: str = BAUME, now: datetime | None = None,
                 tick: timedelta = timedelta(0), room: str = ROOM) -> None:
        self.engine, self.config = engine, config
        self.sender, self.now, self.tick, self.room = sender, now, tick, room
        self.events = itertools.count(1)
        self.last_event: str | None = None
        self.sittings = Sittings(engine)  # kept between commands, as the dispatcher keeps them

    def ask(self, text: str, sender: str | None = None, now: datetime | None = None, language: str = "fr",
            room: str | None = None):
        """The replies to one command."""
        if now is None:
            self.now += self.tick
            now = self.now
        self.last_event = f"$ev{next(self.events)}"
        with Session(self.engine) as session, session.begin():
            self.sittings.serve(session)
            ctx = CommandContext(self.config, sender or self.sender, room or self.room, self.last_event, language,
                                 now, session)
            return handle_text(ctx, text)

    def say(self, text: str, sender: str | None = None, now: datetime | None = None, language: str = "fr",
            room: str | None = None) -> str:
        """The text of the one reply to a command."""
        return only_reply(self.ask(text, sender, now, language, room))

    def rows(self, table, **where) -> list:
        """The rows of `table` (those whose columns have the values `where` gives), in primary key order."""
        with Session(self.engine) as session:
            query = select(table)
            for name, value in where.items():
                query = query.where(getattr(table, name) == value)
            return session.exec(query.order_by(*table.__table__.primary_key.columns)).all()

"""SQLModel tables: the current schema as the code reads and writes it.

The DDL that creates them lives in `migrations.py` (frozen per version); a test checks the two agree.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from .columns import UTCDateTime, utcnow

PENDING = "pending"
SENT = "sent"
FAILED = "failed"
OUTBOX_STATUSES = (PENDING, SENT, FAILED)


class SchemaVersion(SQLModel, table=True):
    """One row per applied migration."""

    __tablename__ = "schema_version"

    version: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    description: str
    applied_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SyncState(SQLModel, table=True):
    """Small key/value state of the sync loop (the ``next_batch`` token)."""

    __tablename__ = "sync_state"

    key: str = Field(primary_key=True)
    value: str = Field(sa_type=Text)


class ProcessedEvent(SQLModel, table=True):
    """A Matrix event already handled; its primary key makes handling idempotent."""

    __tablename__ = "processed_event"

    event_id: str = Field(primary_key=True)
    room_id: str
    sender: str
    processed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OutboxMessage(SQLModel, table=True):
    """A message to send; `txn_id` is reused on every attempt so the homeserver deduplicates resends."""

    __tablename__ = "outbox_message"

    id: int | None = Field(default=None, primary_key=True)
    txn_id: str = Field(unique=True)
    room_id: str
    event_type: str
    content: str = Field(sa_type=Text)
    status: str = Field(default=PENDING)
    attempts: int = 0
    last_error: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    event_id: str | None = None

    @property
    def payload(self) -> dict[str, Any]:
        """The event content, decoded from its JSON text."""
        return json.loads(self.content)


class RoomSetting(SQLModel, table=True):
    """Per-room settings: the language the bot answers in."""

    __tablename__ = "room_setting"

    room_id: str = Field(primary_key=True)
    language: str
    set_by: str
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# --- agenda (issue 3): conferences, their ordre du jour, their reminders -----------------------------------------

BROUILLON = "brouillon"
PROPOSE = "propose"
FIXE = "fixe"
AGENDA_STATES = (BROUILLON, PROPOSE, FIXE)
REMINDER_PENDING = "pending"
REMINDER_SENT = "sent"
REMINDER_MISSED = "missed"
REMINDER_CANCELLED = "cancelled"
REMINDER_STATUSES = (REMINDER_PENDING, REMINDER_SENT, REMINDER_MISSED, REMINDER_CANCELLED)


class ConferenceRow(SQLModel, table=True):
    """A conférence intercommunale; `room_id` is the room it was created in (where it is announced)."""

    __tablename__ = "conference"

    id: int | None = Field(default=None, primary_key=True)
    room_id: str
    day: date
    start_time: time
    lieu: str = Field(default="", sa_type=Text)
    cancelled: bool = False
    created_by: str
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class AgendaRow(SQLModel, table=True):
    """The state of a conference's ordre du jour, and how it was fixed (once fixed)."""

    __tablename__ = "agenda"

    conference_id: int = Field(foreign_key="conference.id", primary_key=True, sa_column_kwargs={"autoincrement": False})
    etat: str = BROUILLON
    fixed_version: int | None = None
    fixed_mode: str | None = None  # "tacite" | "president"
    fixed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    fixed_day: date | None = None
    fixed_by: str | None = None


class AgendaPoint(SQLModel, table=True):
    """A point of the draft (`version` NULL) or of a version as sent (frozen); `position` counts from 1."""

    __tablename__ = "agenda_point"

    id: int | None = Field(default=None, primary_key=True)
    conference_id: int = Field(foreign_key="conference.id", index=True)
    version: int | None = None
    position: int
    title: str = Field(sa_type=Text)


class AgendaVersion(SQLModel, table=True):
    """A proposal as sent, with the rules of its reply window frozen with it."""

    __tablename__ = "agenda_version"

    conference_id: int = Field(foreign_key="conference.id", primary_key=True, sa_column_kwargs={"autoincrement": False})
    numero: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    sent_at: datetime = Field(sa_type=UTCDateTime)
    sent_by: str
    hors_delai: bool
    window_days: int
    extend_to_working_day: bool


class AgendaAvis(SQLModel, table=True):
    """A representative's reply to a version."""

    __tablename__ = "agenda_avis"

    id: int | None = Field(default=None, primary_key=True)
    conference_id: int = Field(foreign_key="conference.id", index=True)
    version: int
    author: str
    text: str = Field(sa_type=Text)
    at: datetime = Field(sa_type=UTCDateTime)


class ReminderRow(SQLModel, table=True):
    """A planned ping of a conference: `key` and `due_at` identify it; `status` pending -> sent | missed, or
    cancelled when a change of the conference or its agenda makes it pointless. Rows sent or missed stay forever."""

    __tablename__ = "reminder"
    __table_args__ = (UniqueConstraint("conference_id", "key", "due_at", name="uq_reminder_conference_key_due"),)

    id: int | None = Field(default=None, primary_key=True)
    conference_id: int = Field(foreign_key="conference.id", index=True)
    key: str
    kind: str  # ReminderKind value
    due_at: datetime = Field(sa_type=UTCDateTime)
    announces: datetime = Field(sa_type=UTCDateTime)
    roles: str  # role names, comma-separated
    version: int | None = None
    status: str = Field(default=REMINDER_PENDING)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def role_names(self) -> tuple[str, ...]:
        return tuple(r for r in self.roles.split(",") if r)

"""SQLModel tables: the current schema as the code reads and writes it.

The DDL that creates them lives in `migrations.py` (frozen per version); a test checks the two agree.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Text
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

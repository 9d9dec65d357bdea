"""Step 1: sync token, processed events, outbox, room settings.

Frozen: this DDL must create the same schema forever; a later change is a later step.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, Connection, Index, Integer, MetaData, String, Table, Text

from ..columns import UTCDateTime

DESCRIPTION = "initial schema: sync state, processed events, outbox, room settings"

METADATA = MetaData()

Table(
    "sync_state",
    METADATA,
    Column("key", String, primary_key=True),
    Column("value", Text, nullable=False),
)
Table(
    "processed_event",
    METADATA,
    Column("event_id", String, primary_key=True),
    Column("room_id", String, nullable=False),
    Column("sender", String, nullable=False),
    Column("processed_at", UTCDateTime, nullable=False),
)
Table(
    "outbox_message",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("txn_id", String, nullable=False, unique=True),
    Column("room_id", String, nullable=False),
    Column("event_type", String, nullable=False),
    Column("content", Text, nullable=False),
    Column("status", String, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime),
    Column("event_id", String),
    CheckConstraint("status IN ('pending', 'sent', 'failed')", name="ck_outbox_message_status"),
    Index("ix_outbox_message_status_id", "status", "id"),
)
Table(
    "room_setting",
    METADATA,
    Column("room_id", String, primary_key=True),
    Column("language", String, nullable=False),
    Column("set_by", String, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)


def upgrade(connection: Connection) -> None:
    METADATA.create_all(connection)

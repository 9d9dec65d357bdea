"""Step 7: senders told that the bot cannot read their messages: once per room, sender and Megolm session.

Frozen: this DDL must create the same schema forever; a later change is a later step.
"""

from __future__ import annotations

from sqlalchemy import Column, Connection, MetaData, String, Table

from ..columns import UTCDateTime

DESCRIPTION = "undecrypted notices: senders told once per room and Megolm session that the bot cannot read them"

METADATA = MetaData()

Table(
    "undecrypted_notice",
    METADATA,
    Column("room_id", String, primary_key=True),
    Column("sender", String, primary_key=True),
    Column("session_id", String, primary_key=True),
    Column("event_id", String, nullable=False),
    Column("reason", String, nullable=False),
    Column("noticed_at", UTCDateTime, nullable=False),
)


def upgrade(connection: Connection) -> None:
    METADATA.create_all(connection)

"""Step 6: encrypted events kept until their room key arrives.

Frozen: this DDL must create the same schema forever; a later change is a later step.
"""

from __future__ import annotations

from sqlalchemy import Column, Connection, MetaData, String, Table, Text

from ..columns import UTCDateTime

DESCRIPTION = "undecrypted events: encrypted events kept until their room key arrives"

METADATA = MetaData()

Table(
    "undecrypted_event",
    METADATA,
    Column("event_id", String, primary_key=True),
    Column("room_id", String, nullable=False),
    Column("source", Text, nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
)


def upgrade(connection: Connection) -> None:
    METADATA.create_all(connection)

"""Step 10: the secrétariat's notification of a decision to the members (art. 4.3 procedure), append-only.

Frozen: this DDL must create the same schema forever; a later change is a later step.
"""

from __future__ import annotations

from sqlalchemy import Column, Connection, Date, Index, Integer, MetaData, String, Table

from ..columns import UTCDateTime

DESCRIPTION = "decision notifications: the day the secrétariat notified a decision to the members"

METADATA = MetaData()

Table(
    "decision_notification",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("decision_id", String, nullable=False),
    Column("notified_on", Date, nullable=False),
    Column("recorded_by", String, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("event_id", String, nullable=False),
    Index("ix_decision_notification_decision_id", "decision_id"),
)


def upgrade(connection: Connection) -> None:
    METADATA.create_all(connection)

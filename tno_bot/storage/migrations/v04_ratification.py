"""Step 4: ratification: facts of the members' deliberations on each decision, announcements, reminders sent.

Frozen: this DDL must create the same schema forever; a later change is a later step.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Connection,
    Date,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)

from ..columns import UTCDateTime

DESCRIPTION = "ratification: deliberation facts, executory announcements, reminders of awaited members"

METADATA = MetaData()

Table(
    "ratification_fact",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("decision_id", String, nullable=False),
    Column("member", String, nullable=False),
    Column("kind", String, nullable=False),
    Column("day", Date),
    Column("correction", Boolean, nullable=False),
    Column("number", String),
    Column("adopted", Boolean),
    Column("pour", Integer),
    Column("contre", Integer),
    Column("abstention", Integer),
    Column("identifier", String),
    Column("target", String),
    Column("recorded_by", String, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("event_id", String, nullable=False),
    UniqueConstraint("decision_id", "event_id", name="uq_ratification_fact_decision_event"),
    CheckConstraint("kind IN ('deliberation', 'publication', 'transmission', 'annulation')",
                    name="ck_ratification_fact_kind"),
    Index("ix_ratification_fact_decision_id", "decision_id"),
)
Table(
    "ratification_announcement",
    METADATA,
    Column("decision_id", String, primary_key=True),
    Column("executory_on", Date, nullable=False),
    Column("room_id", String, nullable=False),
    Column("announced_at", UTCDateTime, nullable=False),
    Column("event_id", String, nullable=False),
)
Table(
    "ratification_reminder",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("decision_id", String, nullable=False),
    Column("member", String, nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime, nullable=False),
    Column("room_id", String, nullable=False),
    UniqueConstraint("decision_id", "member", "due_at", name="uq_ratification_reminder_due"),
    Index("ix_ratification_reminder_decision_id", "decision_id"),
)


def upgrade(connection: Connection) -> None:
    METADATA.create_all(connection)

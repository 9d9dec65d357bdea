"""Step 2: conferences, their ordre du jour (draft points, versions sent, avis, fixation) and their reminders.

Frozen: this DDL must create the same schema forever; a later change is a later step.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Connection,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
)

from ..columns import UTCDateTime

DESCRIPTION = "agenda: conferences, ordre du jour (points, versions, avis, fixation), reminders"

METADATA = MetaData()

Table(
    "conference",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("room_id", String, nullable=False),
    Column("day", Date, nullable=False),
    Column("start_time", Time, nullable=False),
    Column("lieu", Text, nullable=False),
    Column("cancelled", Boolean, nullable=False),
    Column("created_by", String, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
Table(
    "agenda",
    METADATA,
    Column("conference_id", Integer, ForeignKey("conference.id"), primary_key=True, autoincrement=False),
    Column("etat", String, nullable=False),
    Column("fixed_version", Integer),
    Column("fixed_mode", String),
    Column("fixed_at", UTCDateTime),
    Column("fixed_day", Date),
    Column("fixed_by", String),
    CheckConstraint("etat IN ('brouillon', 'propose', 'fixe')", name="ck_agenda_etat"),
)
Table(
    "agenda_point",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("conference_id", Integer, ForeignKey("conference.id"), nullable=False),
    Column("version", Integer),
    Column("position", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Index("ix_agenda_point_conference_id", "conference_id"),
)
Table(
    "agenda_version",
    METADATA,
    Column("conference_id", Integer, ForeignKey("conference.id"), primary_key=True, autoincrement=False),
    Column("numero", Integer, primary_key=True, autoincrement=False),
    Column("sent_at", UTCDateTime, nullable=False),
    Column("sent_by", String, nullable=False),
    Column("hors_delai", Boolean, nullable=False),
    Column("window_days", Integer, nullable=False),
    Column("extend_to_working_day", Boolean, nullable=False),
)
Table(
    "agenda_avis",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("conference_id", Integer, ForeignKey("conference.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("author", String, nullable=False),
    Column("text", Text, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Index("ix_agenda_avis_conference_id", "conference_id"),
)
Table(
    "reminder",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("conference_id", Integer, ForeignKey("conference.id"), nullable=False),
    Column("key", String, nullable=False),
    Column("kind", String, nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("announces", UTCDateTime, nullable=False),
    Column("roles", String, nullable=False),
    Column("version", Integer),
    Column("status", String, nullable=False),
    Column("done_at", UTCDateTime),
    CheckConstraint("status IN ('pending', 'sent', 'missed', 'cancelled')", name="ck_reminder_status"),
    UniqueConstraint("conference_id", "key", "due_at", name="uq_reminder_conference_key_due"),
    Index("ix_reminder_conference_id", "conference_id"),
    Index("ix_reminder_status_due_at", "status", "due_at"),
)


def upgrade(connection: Connection) -> None:
    METADATA.create_all(connection)

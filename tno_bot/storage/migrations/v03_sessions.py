"""Step 3: séances (agenda frozen at opening, suspensions), attendance facts, votes, ballots, decisions, notes.

Frozen: this DDL must create the same schema forever; a later change is a later step.
"""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    Connection,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from ..columns import UTCDateTime

DESCRIPTION = "sessions: séances, attendance facts, votes, ballots, decisions, notes"

METADATA = MetaData()

Table("conference", METADATA, Column("id", Integer, primary_key=True))  # referenced, already created by step 2
Table(
    "seance",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("conference_id", Integer, ForeignKey("conference.id"), nullable=False, unique=True),
    Column("room_id", String, nullable=False),
    Column("agenda_version", Integer, nullable=False),
    Column("opened_at", UTCDateTime, nullable=False),
    Column("opened_by", String, nullable=False),
    Column("opened_event_id", String, nullable=False),
    Column("closed_at", UTCDateTime),
    Column("closed_by", String),
    Column("closed_event_id", String),
)
Table(
    "seance_point",
    METADATA,
    Column("seance_id", Integer, ForeignKey("seance.id"), primary_key=True, autoincrement=False),
    Column("numero", Integer, primary_key=True, autoincrement=False),
    Column("title", Text, nullable=False),
)
Table(
    "seance_pause",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("seance_id", Integer, ForeignKey("seance.id"), nullable=False),
    Column("suspended_at", UTCDateTime, nullable=False),
    Column("suspended_by", String, nullable=False),
    Column("suspended_event_id", String, nullable=False),
    Column("resumed_at", UTCDateTime),
    Column("resumed_by", String),
    Column("resumed_event_id", String),
    Index("ix_seance_pause_seance_id", "seance_id"),
)
Table(
    "attendance_fact",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("seance_id", Integer, ForeignKey("seance.id"), nullable=False),
    Column("kind", String, nullable=False),
    Column("person", String, nullable=False),
    Column("recorded_by", String, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("event_id", String, nullable=False),
    Column("status", String),
    Column("mandataire", String),
    CheckConstraint("kind IN ('presence', 'pouvoir', 'retrait')", name="ck_attendance_fact_kind"),
    CheckConstraint("status IS NULL OR status IN ('present', 'excuse', 'absent')",
                    name="ck_attendance_fact_status"),
    Index("ix_attendance_fact_seance_id", "seance_id"),
)
Table(
    "vote",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("seance_id", Integer, ForeignKey("seance.id"), nullable=False),
    Column("item", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("opened_by", String, nullable=False),
    Column("opened_at", UTCDateTime, nullable=False),
    Column("opened_event_id", String, nullable=False, unique=True),
    Column("closed_by", String),
    Column("closed_at", UTCDateTime),
    Column("closed_event_id", String),
    Column("rule", String),
    Column("outcome", String),
    Column("pour", Integer),
    Column("contre", Integer),
    Column("abstention", Integer),
    Column("by_member", Text),
    UniqueConstraint("seance_id", "item", name="uq_vote_seance_item"),
    CheckConstraint("outcome IS NULL OR outcome IN ('adoptee_unanimite', 'adoptee_unanimite_suffrages_exprimes', "
                    "'rejetee')", name="ck_vote_outcome"),
    Index("ix_vote_seance_id", "seance_id"),
)
Table(
    "ballot",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("vote_id", Integer, ForeignKey("vote.id"), nullable=False),
    Column("event_id", String, nullable=False),
    Column("voter", String, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("choice", String, nullable=False),
    Column("seat", String, nullable=False),
    Column("member", String, nullable=False),
    Column("basis", String, nullable=False),
    Column("mandant", String),
    UniqueConstraint("vote_id", "event_id", name="uq_ballot_vote_event"),
    CheckConstraint("choice IN ('pour', 'contre', 'abstention')", name="ck_ballot_choice"),
    Index("ix_ballot_vote_id", "vote_id"),
)
Table(
    "decision",
    METADATA,
    Column("id", String, primary_key=True),
    Column("year", Integer, nullable=False),
    Column("number", Integer, nullable=False),
    Column("vote_id", Integer, ForeignKey("vote.id"), nullable=False, unique=True),
    Column("conference_id", Integer, ForeignKey("conference.id"), nullable=False),
    Column("item", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("outcome", String, nullable=False),
    Column("pour", Integer, nullable=False),
    Column("contre", Integer, nullable=False),
    Column("abstention", Integer, nullable=False),
    Column("adopted_at", UTCDateTime, nullable=False),
    UniqueConstraint("year", "number", name="uq_decision_year_number"),
    Index("ix_decision_conference_id", "conference_id"),
)
Table(
    "seance_note",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("seance_id", Integer, ForeignKey("seance.id"), nullable=False),
    Column("author", String, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("event_id", String, nullable=False),
    Column("text", Text, nullable=False),
    Index("ix_seance_note_seance_id", "seance_id"),
)


def upgrade(connection: Connection) -> None:
    for table in METADATA.sorted_tables:
        if table.name != "conference":
            table.create(connection)

"""Step 5: pouvoirs given before the séance, per conference: given and revoked, in recording order.

Frozen: this DDL must create the same schema forever; a later change is a later step.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, Connection, ForeignKey, Index, Integer, MetaData, String, Table

from ..columns import UTCDateTime

DESCRIPTION = "advance pouvoirs: pouvoirs given before the séance, per conference"

METADATA = MetaData()

Table("conference", METADATA, Column("id", Integer, primary_key=True))  # referenced, already created by step 2
Table(
    "advance_pouvoir",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("conference_id", Integer, ForeignKey("conference.id"), nullable=False),
    Column("kind", String, nullable=False),
    Column("mandant", String, nullable=False),
    Column("mandataire", String),
    Column("recorded_by", String, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("event_id", String, nullable=False),
    CheckConstraint("kind IN ('pouvoir', 'retrait')", name="ck_advance_pouvoir_kind"),
    CheckConstraint("(kind = 'pouvoir') = (mandataire IS NOT NULL)", name="ck_advance_pouvoir_mandataire"),
    Index("ix_advance_pouvoir_conference_id", "conference_id"),
)


def upgrade(connection: Connection) -> None:
    METADATA.tables["advance_pouvoir"].create(connection)

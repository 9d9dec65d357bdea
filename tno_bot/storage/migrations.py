"""Versioned schema migrations, as numbered and described steps (after maubot's upgrade tables).

Each step's DDL is written out here with SQLAlchemy ``Table`` objects of its own ``MetaData`` and never
follows later changes to `tables.py`: a released step must create the same schema forever. A new schema
change is a new step appended to `MIGRATIONS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Connection,
    Date,
    Engine,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    func,
    inspect,
    select,
)

from .columns import UTCDateTime, utcnow

ADVISORY_LOCK_KEY = 0x74_6E_6F_62  # "tnob": serialises migrate() across processes on PostgreSQL


class SchemaTooNewError(RuntimeError):
    """The database was migrated by a newer tno-bot than this one."""


@dataclass(frozen=True)
class Migration:
    """One schema step: applied once, in order, inside a transaction."""

    version: int
    description: str
    apply: Callable[[Connection], None]


_bookkeeping = MetaData()
schema_version = Table(
    "schema_version",
    _bookkeeping,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", String, nullable=False),
    Column("applied_at", UTCDateTime, nullable=False),
)


def _v1_initial_schema(connection: Connection) -> None:
    """Sync token, processed events, outbox, room settings."""
    metadata = MetaData()
    Table(
        "sync_state",
        metadata,
        Column("key", String, primary_key=True),
        Column("value", Text, nullable=False),
    )
    Table(
        "processed_event",
        metadata,
        Column("event_id", String, primary_key=True),
        Column("room_id", String, nullable=False),
        Column("sender", String, nullable=False),
        Column("processed_at", UTCDateTime, nullable=False),
    )
    Table(
        "outbox_message",
        metadata,
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
        metadata,
        Column("room_id", String, primary_key=True),
        Column("language", String, nullable=False),
        Column("set_by", String, nullable=False),
        Column("updated_at", UTCDateTime, nullable=False),
    )
    metadata.create_all(connection)


def _v2_agenda(connection: Connection) -> None:
    """Conferences, their ordre du jour (draft points, versions sent, avis, fixation) and their reminders."""
    metadata = MetaData()
    Table(
        "conference",
        metadata,
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
        metadata,
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
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("conference_id", Integer, ForeignKey("conference.id"), nullable=False),
        Column("version", Integer),
        Column("position", Integer, nullable=False),
        Column("title", Text, nullable=False),
        Index("ix_agenda_point_conference_id", "conference_id"),
    )
    Table(
        "agenda_version",
        metadata,
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
        metadata,
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
        metadata,
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
    metadata.create_all(connection)


def _v3_sessions(connection: Connection) -> None:
    """Séances (agenda frozen at opening, suspensions), attendance facts, votes, ballots, decisions, notes."""
    metadata = MetaData()
    Table("conference", metadata, Column("id", Integer, primary_key=True))  # referenced, already created by step 2
    Table(
        "seance",
        metadata,
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
        metadata,
        Column("seance_id", Integer, ForeignKey("seance.id"), primary_key=True, autoincrement=False),
        Column("numero", Integer, primary_key=True, autoincrement=False),
        Column("title", Text, nullable=False),
    )
    Table(
        "seance_pause",
        metadata,
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
        metadata,
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
        metadata,
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
        metadata,
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
        metadata,
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
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("seance_id", Integer, ForeignKey("seance.id"), nullable=False),
        Column("author", String, nullable=False),
        Column("at", UTCDateTime, nullable=False),
        Column("event_id", String, nullable=False),
        Column("text", Text, nullable=False),
        Index("ix_seance_note_seance_id", "seance_id"),
    )
    for table in metadata.sorted_tables:
        if table.name != "conference":
            table.create(connection)


def _v4_ratification(connection: Connection) -> None:
    """Ratification: facts of the members' deliberations on each decision, announcements, reminders sent."""
    metadata = MetaData()
    Table(
        "ratification_fact",
        metadata,
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
        metadata,
        Column("decision_id", String, primary_key=True),
        Column("executory_on", Date, nullable=False),
        Column("room_id", String, nullable=False),
        Column("announced_at", UTCDateTime, nullable=False),
        Column("event_id", String, nullable=False),
    )
    Table(
        "ratification_reminder",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("decision_id", String, nullable=False),
        Column("member", String, nullable=False),
        Column("due_at", UTCDateTime, nullable=False),
        Column("sent_at", UTCDateTime, nullable=False),
        Column("room_id", String, nullable=False),
        UniqueConstraint("decision_id", "member", "due_at", name="uq_ratification_reminder_due"),
        Index("ix_ratification_reminder_decision_id", "decision_id"),
    )
    metadata.create_all(connection)


def _v5_advance_pouvoirs(connection: Connection) -> None:
    """Pouvoirs given before the séance, per conference: given and revoked, in recording order."""
    metadata = MetaData()
    Table("conference", metadata, Column("id", Integer, primary_key=True))  # referenced, already created by step 2
    Table(
        "advance_pouvoir",
        metadata,
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
    metadata.tables["advance_pouvoir"].create(connection)


def _v6_undecrypted_events(connection: Connection) -> None:
    """Encrypted events kept until their room key arrives."""
    metadata = MetaData()
    Table(
        "undecrypted_event",
        metadata,
        Column("event_id", String, primary_key=True),
        Column("room_id", String, nullable=False),
        Column("source", Text, nullable=False),
        Column("received_at", UTCDateTime, nullable=False),
    )
    metadata.create_all(connection)


def _v7_undecrypted_notices(connection: Connection) -> None:
    """Senders told that the bot cannot read their messages: once per room, sender and Megolm session."""
    metadata = MetaData()
    Table(
        "undecrypted_notice",
        metadata,
        Column("room_id", String, primary_key=True),
        Column("sender", String, primary_key=True),
        Column("session_id", String, primary_key=True),
        Column("event_id", String, nullable=False),
        Column("reason", String, nullable=False),
        Column("noticed_at", UTCDateTime, nullable=False),
    )
    metadata.create_all(connection)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema: sync state, processed events, outbox, room settings", _v1_initial_schema),
    Migration(2, "agenda: conferences, ordre du jour (points, versions, avis, fixation), reminders", _v2_agenda),
    Migration(3, "sessions: séances, attendance facts, votes, ballots, decisions, notes", _v3_sessions),
    Migration(4, "ratification: deliberation facts, executory announcements, reminders of awaited members",
              _v4_ratification),
    Migration(5, "advance pouvoirs: pouvoirs given before the séance, per conference", _v5_advance_pouvoirs),
    Migration(6, "undecrypted events: encrypted events kept until their room key arrives", _v6_undecrypted_events),
    Migration(7, "undecrypted notices: senders told once per room and Megolm session that the bot cannot read them",
              _v7_undecrypted_notices),
)
LATEST_VERSION = MIGRATIONS[-1].version


def current_version(engine: Engine) -> int:
    """The highest applied migration, 0 for an empty database."""
    with engine.connect() as connection:
        return _version(connection)


def migrate(engine: Engine) -> list[int]:
    """Apply the pending migrations, one transaction each, and return the versions applied.

    Each transaction first takes a lock (PostgreSQL advisory lock, SQLite write lock), so concurrent
    callers apply every step once. Raises SchemaTooNewError if the database is newer than this code.
    """
    applied: list[int] = []
    for step in MIGRATIONS:
        with engine.connect() as connection, connection.begin():
            _lock(connection)
            schema_version.create(connection, checkfirst=True)
            version = _version(connection)
            _refuse_newer(version)
            if step.version <= version:
                continue
            step.apply(connection)
            connection.execute(
                schema_version.insert().values(
                    version=step.version, description=step.description, applied_at=utcnow()
                )
            )
            applied.append(step.version)
    return applied


def _lock(connection: Connection) -> None:
    """Hold an exclusive migration lock until the transaction ends."""
    if connection.dialect.name == "postgresql":
        connection.execute(select(func.pg_advisory_xact_lock(ADVISORY_LOCK_KEY)))
    elif connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _version(connection: Connection) -> int:
    if not inspect(connection).has_table(schema_version.name):
        return 0
    return connection.execute(select(func.coalesce(func.max(schema_version.c.version), 0))).scalar_one()


def _refuse_newer(version: int) -> None:
    if version > LATEST_VERSION:
        raise SchemaTooNewError(
            f"the database schema is at version {version}, but this tno-bot only knows versions up to "
            f"{LATEST_VERSION}: upgrade tno-bot, or point TNO_DATABASE_URL at another database"
        )

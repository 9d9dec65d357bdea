"""SQLModel tables: the current schema as the code reads and writes it.

The DDL that creates them lives in `migrations/` (one frozen module per version); a test checks the two agree.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Text, UniqueConstraint
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
    acted: bool = True  # handling it changed more than the replies (an edit of it is then not applied)


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
    event_id: str | None = Field(default=None, index=True)
    relates_to: int | None = Field(default=None, index=True)  # the row whose event this one refers to
    track: str | None = Field(default=None, index=True)  # the key this message is found again by

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


class UndecryptedEvent(SQLModel, table=True):
    """An encrypted event whose room key has not arrived yet; the sync token has already moved past it."""

    __tablename__ = "undecrypted_event"

    event_id: str = Field(primary_key=True)
    room_id: str
    source: str = Field(sa_type=Text)  # the event as the homeserver sent it, JSON
    received_at: datetime = Field(sa_type=UTCDateTime)

    @property
    def payload(self) -> dict[str, Any]:
        """The event, decoded from its JSON text."""
        return json.loads(self.source)


class UndecryptedNotice(SQLModel, table=True):
    """The sender was told once that the bot cannot read their messages of one Megolm session in one room."""

    __tablename__ = "undecrypted_notice"

    room_id: str = Field(primary_key=True)
    sender: str = Field(primary_key=True)
    session_id: str = Field(primary_key=True)
    event_id: str  # the event the notice answered
    reason: str  # the withheld code (m.unverified...) or "timeout"
    noticed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# --- agenda: conferences, their ordre du jour, their reminders ---------------------------------------------------

BROUILLON = "brouillon"
PROPOSE = "propose"
FIXE = "fixe"
AGENDA_STATES = (BROUILLON, PROPOSE, FIXE)
REMINDER_PENDING = "pending"
REMINDER_SENT = "sent"
REMINDER_MISSED = "missed"
REMINDER_CANCELLED = "cancelled"
REMINDER_STATUSES = (REMINDER_PENDING, REMINDER_SENT, REMINDER_MISSED, REMINDER_CANCELLED)


class ConferenceRow(SQLModel, table=True):
    """A conférence intercommunale; `room_id` is the room it was created in (where it is announced)."""

    __tablename__ = "conference"

    id: int | None = Field(default=None, primary_key=True)
    room_id: str
    day: date
    start_time: time
    lieu: str = Field(default="", sa_type=Text)
    cancelled: bool = False
    created_by: str
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    sequence: int = Field(default=0, sa_column_kwargs={"server_default": "0"})  # iCalendar SEQUENCE: +1 per change


class AgendaRow(SQLModel, table=True):
    """The state of a conference's ordre du jour, and how it was fixed (once fixed)."""

    __tablename__ = "agenda"

    conference_id: int = Field(foreign_key="conference.id", primary_key=True, sa_column_kwargs={"autoincrement": False})
    etat: str = BROUILLON
    fixed_version: int | None = None
    fixed_mode: str | None = None  # "tacite" | "president"
    fixed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    fixed_day: date | None = None
    fixed_by: str | None = None


class AgendaPoint(SQLModel, table=True):
    """A point of the draft (`version` NULL) or of a version as sent (frozen); `position` counts from 1."""

    __tablename__ = "agenda_point"

    id: int | None = Field(default=None, primary_key=True)
    conference_id: int = Field(foreign_key="conference.id", index=True)
    version: int | None = None
    position: int
    title: str = Field(sa_type=Text)


class AgendaVersion(SQLModel, table=True):
    """A proposal as sent, with the rules of its reply window frozen with it."""

    __tablename__ = "agenda_version"

    conference_id: int = Field(foreign_key="conference.id", primary_key=True, sa_column_kwargs={"autoincrement": False})
    numero: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    sent_at: datetime = Field(sa_type=UTCDateTime)
    sent_by: str
    hors_delai: bool
    window_days: int
    extend_to_working_day: bool
    avis_favorable_bloque: bool = True  # a favourable avis stops its tacit fixing (`[rules]`, frozen at sending)


class AgendaAvis(SQLModel, table=True):
    """A representative's reply to a version."""

    __tablename__ = "agenda_avis"

    id: int | None = Field(default=None, primary_key=True)
    conference_id: int = Field(foreign_key="conference.id", index=True)
    version: int
    author: str
    text: str = Field(sa_type=Text)
    at: datetime = Field(sa_type=UTCDateTime)
    favorable: bool = False  # an "avis favorable" (`!odj avis favorable`)


class ReminderRow(SQLModel, table=True):
    """A planned ping of a conference: `key` and `due_at` identify it; `status` pending -> sent | missed, or
    cancelled when a change of the conference or its agenda makes it pointless. Rows sent or missed stay forever."""

    __tablename__ = "reminder"
    __table_args__ = (UniqueConstraint("conference_id", "key", "due_at", name="uq_reminder_conference_key_due"),)

    id: int | None = Field(default=None, primary_key=True)
    conference_id: int = Field(foreign_key="conference.id", index=True)
    key: str
    kind: str  # ReminderKind value
    due_at: datetime = Field(sa_type=UTCDateTime)
    announces: datetime = Field(sa_type=UTCDateTime)
    roles: str  # role names, comma-separated
    version: int | None = None
    status: str = Field(default=REMINDER_PENDING)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def role_names(self) -> tuple[str, ...]:
        return tuple(r for r in self.roles.split(",") if r)


# --- sessions: séances, attendance, votes, ballots, decisions, notes ---------------------------------------------

FACT_KINDS = ("presence", "pouvoir", "retrait")
CHOICES = ("pour", "contre", "abstention")


class SeanceRow(SQLModel, table=True):
    """The séance of a conference: opened on the fixed agenda (`agenda_version`, points in `seance_point`), closed
    once. One séance per conference."""

    __tablename__ = "seance"

    id: int | None = Field(default=None, primary_key=True)
    conference_id: int = Field(foreign_key="conference.id", unique=True)
    room_id: str
    agenda_version: int
    opened_at: datetime = Field(sa_type=UTCDateTime)
    opened_by: str
    opened_event_id: str
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_by: str | None = None
    closed_event_id: str | None = None
    secretaire: str | None = None  # the secrétaire de séance's matrix id, once designated
    other_day_reason: str | None = Field(default=None, sa_type=Text)  # opened on another day than the conference's
    presided_by: str | None = None  # who presided in the président's absence (`[rules] presidence_absent`)


class SeancePoint(SQLModel, table=True):
    """A point of the agenda as fixed when the séance was opened (frozen)."""

    __tablename__ = "seance_point"

    seance_id: int = Field(foreign_key="seance.id", primary_key=True, sa_column_kwargs={"autoincrement": False})
    numero: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    title: str = Field(sa_type=Text)


class SeancePause(SQLModel, table=True):
    """A suspension of a séance and its resumption (NULL while suspended)."""

    __tablename__ = "seance_pause"

    id: int | None = Field(default=None, primary_key=True)
    seance_id: int = Field(foreign_key="seance.id", index=True)
    suspended_at: datetime = Field(sa_type=UTCDateTime)
    suspended_by: str
    suspended_event_id: str
    resumed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resumed_by: str | None = None
    resumed_event_id: str | None = None


class AttendanceRow(SQLModel, table=True):
    """One `AttendanceFact` of a séance; `id` is the recording order. Append-only."""

    __tablename__ = "attendance_fact"

    id: int | None = Field(default=None, primary_key=True)
    seance_id: int = Field(foreign_key="seance.id", index=True)
    kind: str  # presence | pouvoir | retrait
    person: str  # whose status changes, or the mandant
    recorded_by: str
    at: datetime = Field(sa_type=UTCDateTime)
    event_id: str
    status: str | None = None  # presence only: present | excuse | absent
    mandataire: str | None = None  # pouvoir only


class VoteRow(SQLModel, table=True):
    """A vote on a point of a séance's agenda; at closing, the result is frozen in the row (`outcome`, counts,
    `by_member` as JSON: member -> {pour, contre, abstention})."""

    __tablename__ = "vote"
    __table_args__ = (UniqueConstraint("seance_id", "item", name="uq_vote_seance_item"),)

    id: int | None = Field(default=None, primary_key=True)
    seance_id: int = Field(foreign_key="seance.id", index=True)
    item: int
    title: str = Field(sa_type=Text)
    opened_by: str
    opened_at: datetime = Field(sa_type=UTCDateTime)
    opened_event_id: str = Field(unique=True)
    closed_by: str | None = None
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_event_id: str | None = None
    rule: str | None = None
    outcome: str | None = None  # Outcome value
    pour: int | None = None
    contre: int | None = None
    abstention: int | None = None
    by_member: str | None = Field(default=None, sa_type=Text)
    mission: str | None = None  # the mission the decision concerns (only its members vote), else every member


class BallotRow(SQLModel, table=True):
    """Every ballot, changed or not, in recording order (`id`); the latest per seat counts."""

    __tablename__ = "ballot"
    __table_args__ = (UniqueConstraint("vote_id", "event_id", name="uq_ballot_vote_event"),)

    id: int | None = Field(default=None, primary_key=True)
    vote_id: int = Field(foreign_key="vote.id", index=True)
    event_id: str
    voter: str
    at: datetime = Field(sa_type=UTCDateTime)
    choice: str
    seat: str  # the titulaire whose seat the ballot votes for
    member: str
    basis: str  # titulaire | pouvoir | suppleance | pouvoir_suppleant
    mandant: str | None = None  # as named by the voter


class DecisionRow(SQLModel, table=True):
    """An adopted decision of the conference, "TNO <year>-<nn>": numbered per year, never reused. The wording code
    and the counts are those of the vote's closing (for the ratification by the members' bodies)."""

    __tablename__ = "decision"
    __table_args__ = (UniqueConstraint("year", "number", name="uq_decision_year_number"),)

    id: str = Field(primary_key=True)  # "TNO 2026-01"
    year: int
    number: int
    vote_id: int = Field(foreign_key="vote.id", unique=True)
    conference_id: int = Field(foreign_key="conference.id", index=True)
    item: int
    title: str = Field(sa_type=Text)
    outcome: str  # Outcome value (the wording)
    pour: int
    contre: int
    abstention: int
    adopted_at: datetime = Field(sa_type=UTCDateTime)
    mission: str | None = None  # the mission it concerns: only its members ratify it


class NoteRow(SQLModel, table=True):
    """A point raised under "questions diverses" (`!note`)."""

    __tablename__ = "seance_note"

    id: int | None = Field(default=None, primary_key=True)
    seance_id: int = Field(foreign_key="seance.id", index=True)
    author: str
    at: datetime = Field(sa_type=UTCDateTime)
    event_id: str
    text: str = Field(sa_type=Text)


class AdvancePouvoirRow(SQLModel, table=True):
    """A pouvoir given (or revoked) before the séance of a conference; `id` is the recording order. Append-only: at
    the opening, the standing ones are copied into the séance's `attendance_fact` rows."""

    __tablename__ = "advance_pouvoir"

    id: int | None = Field(default=None, primary_key=True)
    conference_id: int = Field(foreign_key="conference.id", index=True)
    kind: str  # pouvoir | retrait
    mandant: str
    mandataire: str | None = None  # pouvoir only
    recorded_by: str  # the mandant, or the secrétariat / président for a pouvoir handed in on paper
    at: datetime = Field(sa_type=UTCDateTime)
    event_id: str

"""SQLModel tables of the ratification: the facts recorded about each member's deliberation on a decision,
the announcements of executory decisions and the reminders sent to the awaited members.

The DDL lives in `migrations/v04_ratification.py` (frozen); a test checks the two agree. Decisions are referred to
by their id ("TNO 2022-01") without a foreign key: a decision of the history files (`config/history/*.toml`) has no
row in the `decision` table.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from .columns import UTCDateTime

FACT_KINDS = ("deliberation", "publication", "transmission", "annulation")


class RatificationFactRow(SQLModel, table=True):
    """One `RatificationFact` of a decision; `id` is the recording order. Append-only: a correction is a new row
    with `correction` set, so the history is kept."""

    __tablename__ = "ratification_fact"
    __table_args__ = (UniqueConstraint("decision_id", "event_id", name="uq_ratification_fact_decision_event"),)

    id: int | None = Field(default=None, primary_key=True)
    decision_id: str = Field(index=True)  # "TNO 2026-01"
    member: str
    kind: str  # FactKind value
    day: date | None = None  # the deliberation's, publication's or transmission's date (the fact's `on`)
    correction: bool = False
    number: str | None = None  # deliberation
    adopted: bool | None = None
    pour: int | None = None
    contre: int | None = None
    abstention: int | None = None
    identifier: str | None = None  # transmission: the @ctes identifier
    target: str | None = None  # annulation: the kind withdrawn
    recorded_by: str
    at: datetime = Field(sa_type=UTCDateTime)
    event_id: str


class RatificationAnnouncementRow(SQLModel, table=True):
    """A decision announced as executory: once per decision, whatever happens next."""

    __tablename__ = "ratification_announcement"

    decision_id: str = Field(primary_key=True)
    executory_on: date
    room_id: str
    announced_at: datetime = Field(sa_type=UTCDateTime)
    event_id: str  # the command that made it executory


class RatificationReminderRow(SQLModel, table=True):
    """A reminder sent to the representatives of a member whose deliberation on a decision is awaited; `due_at`
    identifies it (unique per decision and member), so it is never sent twice."""

    __tablename__ = "ratification_reminder"
    __table_args__ = (UniqueConstraint("decision_id", "member", "due_at", name="uq_ratification_reminder_due"),)

    id: int | None = Field(default=None, primary_key=True)
    decision_id: str = Field(index=True)
    member: str
    due_at: datetime = Field(sa_type=UTCDateTime)
    sent_at: datetime = Field(sa_type=UTCDateTime)
    room_id: str


class DecisionNotificationRow(SQLModel, table=True):
    """The secrétariat's notification of a decision to the members ("Les décisions adoptées par la conférence
    intercommunale sont notifiées par le secrétariat de celle-ci aux parties membres de l'entente", art. 5 of the
    convention as quoted in the seed). Append-only: a correction is a new row, the latest counts. DDL:
    `migrations/v08_decision_notifications.py`."""

    __tablename__ = "decision_notification"

    id: int | None = Field(default=None, primary_key=True)
    decision_id: str = Field(index=True)
    notified_on: date
    recorded_by: str
    recorded_at: datetime = Field(sa_type=UTCDateTime)
    event_id: str

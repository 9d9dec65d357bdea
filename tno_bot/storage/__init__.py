"""Storage: SQLModel tables, versioned migrations, and the functions that read and write them.

Every function taking a session writes in the caller's transaction and flushes; the caller commits.
"""

from __future__ import annotations

from .agenda import load_agenda, proposed_agendas, save_agenda
from .conferences import add_conference, all_conferences, conference_room, get_conference, update_conference
from .engine import database_url, make_engine
from .migrations import LATEST_VERSION, SchemaTooNewError, current_version, migrate
from .outbox import enqueue_message, mark_attempt_failed, mark_sent, pending_messages
from .reminders import (
    as_reminder,
    due_reminders,
    mark_reminder,
    pending_instants,
    reminders_of,
    replan_reminders,
    sync_reminders,
)
from .rooms import get_room_language, set_room_language
from .state import get_sync_token, is_processed, mark_processed, set_sync_token
from .tables import (
    FAILED,
    PENDING,
    REMINDER_CANCELLED,
    REMINDER_MISSED,
    REMINDER_PENDING,
    REMINDER_SENT,
    SENT,
    AgendaAvis,
    AgendaPoint,
    AgendaRow,
    AgendaVersion,
    ConferenceRow,
    OutboxMessage,
    ProcessedEvent,
    ReminderRow,
    RoomSetting,
    SchemaVersion,
    SyncState,
)

__all__ = [
    "REMINDER_CANCELLED",
    "REMINDER_MISSED",
    "REMINDER_PENDING",
    "REMINDER_SENT",
    "AgendaAvis",
    "AgendaPoint",
    "AgendaRow",
    "AgendaVersion",
    "ConferenceRow",
    "ReminderRow",
    "add_conference",
    "all_conferences",
    "as_reminder",
    "conference_room",
    "due_reminders",
    "get_conference",
    "load_agenda",
    "mark_reminder",
    "pending_instants",
    "proposed_agendas",
    "reminders_of",
    "replan_reminders",
    "save_agenda",
    "sync_reminders",
    "update_conference",
    "FAILED",
    "LATEST_VERSION",
    "PENDING",
    "SENT",
    "OutboxMessage",
    "ProcessedEvent",
    "RoomSetting",
    "SchemaTooNewError",
    "SchemaVersion",
    "SyncState",
    "current_version",
    "database_url",
    "enqueue_message",
    "get_room_language",
    "get_sync_token",
    "is_processed",
    "make_engine",
    "mark_attempt_failed",
    "mark_processed",
    "mark_sent",
    "migrate",
    "pending_messages",
    "set_room_language",
    "set_sync_token",
]

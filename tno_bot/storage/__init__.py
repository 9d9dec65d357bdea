"""Storage: SQLModel tables, versioned migrations, and the functions that read and write them.

Every function taking a session writes in the caller's transaction and flushes; the caller commits.
"""

from __future__ import annotations

from .engine import database_url, make_engine
from .migrations import LATEST_VERSION, SchemaTooNewError, current_version, migrate
from .outbox import enqueue_message, mark_attempt_failed, mark_sent, pending_messages
from .rooms import get_room_language, set_room_language
from .state import get_sync_token, is_processed, mark_processed, set_sync_token
from .tables import FAILED, PENDING, SENT, OutboxMessage, ProcessedEvent, RoomSetting, SchemaVersion, SyncState

__all__ = [
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

"""Step 9: what the secrétariat's documents need: the secrétaire de séance of a séance, for the compte rendu, and
the SEQUENCE of a conference's calendar event, increased at every move or cancellation.

Frozen: this DDL must create the same schema forever; a later change is a later step.
"""

from __future__ import annotations

from sqlalchemy import Connection

DESCRIPTION = "documents: the secrétaire de séance of a séance, the calendar SEQUENCE of a conference"


def upgrade(connection: Connection) -> None:
    connection.exec_driver_sql("ALTER TABLE seance ADD COLUMN secretaire VARCHAR")
    connection.exec_driver_sql("ALTER TABLE conference ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0")

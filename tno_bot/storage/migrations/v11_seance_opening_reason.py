"""Step 11: the reason stated when the président opens a séance on another day than its conference's.

Frozen: this DDL must create the same schema forever; a later change is a later step.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

DESCRIPTION = "séance opening reason: why a séance was opened on another day than its conference's"


def upgrade(connection: Connection) -> None:
    connection.execute(text("ALTER TABLE seance ADD COLUMN other_day_reason TEXT"))

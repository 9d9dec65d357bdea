"""Step 12: the mission a vote and its decision concern (`[[missions]]` id), when only its members decide.

Frozen: this DDL must create the same schema forever; a later change is a later step.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

DESCRIPTION = "vote and decision mission: the mission whose members alone vote on and ratify a decision"


def upgrade(connection: Connection) -> None:
    connection.execute(text("ALTER TABLE vote ADD COLUMN mission TEXT"))
    connection.execute(text("ALTER TABLE decision ADD COLUMN mission TEXT"))

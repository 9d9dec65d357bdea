"""Step 13: who presided a séance in the président's absence (`[rules] presidence_absent`).

Frozen: this DDL must create the same schema forever; a later change is a later step.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

DESCRIPTION = "séance presided by: who presided in the président's absence"


def upgrade(connection: Connection) -> None:
    connection.execute(text("ALTER TABLE seance ADD COLUMN presided_by TEXT"))

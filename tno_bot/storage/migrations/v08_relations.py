"""Step 8: messages that refer to other messages, and commands that changed something.

- `outbox_message.relates_to`: the outbox row whose event this one refers to (an edit, the end of a poll); its
  event id is known only once that row is sent, so the sender fills it in then.
- `outbox_message.track`: a key under which a sent message is found again (the tally to edit, a vote's polls).
- `processed_event.acted`: whether handling the event changed anything but the replies (an edited command is
  handled again only when the original changed nothing). Rows from before this step count as having acted.

Frozen: this DDL must create the same schema forever; a later change is a later step.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

DESCRIPTION = "relations: outbox rows referring to other rows, tracked messages, commands that acted"

STATEMENTS = (
    "ALTER TABLE outbox_message ADD COLUMN relates_to INTEGER",
    "ALTER TABLE outbox_message ADD COLUMN track VARCHAR",
    "CREATE INDEX ix_outbox_message_track ON outbox_message (track)",
    "CREATE INDEX ix_outbox_message_event_id ON outbox_message (event_id)",
    "CREATE INDEX ix_outbox_message_relates_to ON outbox_message (relates_to)",
    "ALTER TABLE processed_event ADD COLUMN acted BOOLEAN NOT NULL DEFAULT TRUE",
)


def upgrade(connection: Connection) -> None:
    for statement in STATEMENTS:
        connection.execute(text(statement))

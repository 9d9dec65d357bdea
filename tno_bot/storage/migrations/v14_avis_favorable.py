"""Step 14: favourable avis on the ordre du jour (`[rules] avis_favorable_bloque`).

- `agenda_avis.favorable`: an "avis favorable" (`!odj avis favorable`); the avis given before this step were not.
- `agenda_version.avis_favorable_bloque`: the rule frozen with a version when it is sent, whether a favourable avis
  stops its tacit fixing; the versions sent before this step were sent under "any avis stops it".

Frozen: this DDL must create the same schema forever; a later change is a later step.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

DESCRIPTION = "favourable avis: the avis that are favourable, the rule frozen with each agenda version"

STATEMENTS = (
    "ALTER TABLE agenda_avis ADD COLUMN favorable BOOLEAN NOT NULL DEFAULT FALSE",
    "ALTER TABLE agenda_version ADD COLUMN avis_favorable_bloque BOOLEAN NOT NULL DEFAULT TRUE",
)


def upgrade(connection: Connection) -> None:
    for statement in STATEMENTS:
        connection.execute(text(statement))

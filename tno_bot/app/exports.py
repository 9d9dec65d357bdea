"""Open data of the ratification, for `tno-bot export decisions` and `tno-bot export scdl`.

- decisions: one row per decision and member (CSV), or one object per decision with its members (JSON): where
  each member's ratification stands and the decision's status. Dates ISO 8601, missing values empty / null.
- scdl: the members' deliberations in the national schema `scdl/deliberations` (`tno_bot.domain.scdl`): COLL_NOM and
  COLL_SIRET are the member's name and `siret` in the config (checked against its SIREN by `history_of`), the
  matière comes from `[open_data]`; what the bot does not know stays empty and `scdl_export` says which required
  columns are to be completed, and for whom, before publishing.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Sequence
from datetime import date

from tno_bot.app.decisions import KnownDecision
from tno_bot.config import Config
from tno_bot.config.history import History
from tno_bot.domain.ratification import Ratification
from tno_bot.domain.scdl import Collectivite, missing_required, scdl_csv, scdl_items, scdl_rows

DECISION_FIELDS = (
    "decision", "year", "title", "decided_on", "source", "status", "executory_on", "member", "member_name",
    "member_status", "deliberation_number", "deliberation_date", "adopted", "pour", "contre", "abstention",
    "published_on", "transmitted_on", "identifier", "member_executory_on", "missing",
)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _member(config: Config, m) -> dict:
    d = m.deliberation
    member = config.member(m.member)
    return {
        "member": m.member,
        "member_name": member.name if member else m.member,
        "member_status": m.status.value,
        "deliberation_number": d.number if d else None,
        "deliberation_date": _iso(d.date) if d else None,
        "adopted": d.adopted if d else None,
        "pour": d.pour if d else None,
        "contre": d.contre if d else None,
        "abstention": d.abstention if d else None,
        "published_on": _iso(m.published_on),
        "transmitted_on": _iso(m.transmitted_on),
        "identifier": str(m.transmission.identifier) if m.transmission and m.transmission.identifier else None,
        "member_executory_on": _iso(m.executory_on),
        "missing": [item.need.value for item in m.missing()],
    }


def decisions_json(entries: Sequence[tuple[KnownDecision, Ratification]], config: Config) -> list[dict]:
    return [{
        "decision": decision.key,
        "year": decision.id.year,
        "title": decision.title,
        "decided_on": _iso(decision.decided_on),
        "source": decision.source,
        "status": ratification.status.value,
        "executory_on": _iso(ratification.executory_on),
        "members": [_member(config, m) for m in ratification.by_member],
    } for decision, ratification in entries]


def decisions_csv(entries: Sequence[tuple[KnownDecision, Ratification]], config: Config) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=DECISION_FIELDS, lineterminator="\n")
    writer.writeheader()
    for item in decisions_json(entries, config):
        for member in item["members"]:
            row = {k: v for k, v in item.items() if k != "members"} | member
            row["missing"] = " ".join(row["missing"])
            writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return buffer.getvalue()


def scdl_export(entries: Sequence[tuple[KnownDecision, Ratification]], config: Config,
                history: History) -> tuple[str, tuple[str, ...]]:
    """The SCDL CSV of every recorded deliberation, and the required columns left empty, each with the members
    concerned ("COLL_SIRET (SITIV)")."""
    matiere = config.open_data
    items = [dataclasses.replace(item, matiere_code=matiere.matiere_code, matiere_nom=matiere.matiere_nom)
             for item in scdl_items([r for _, r in entries], history.objets())]
    collectivites = {m.id: Collectivite(m.name, history.sirens.get(m.id), m.siret) for m in config.members}
    rows = scdl_rows(items, collectivites)
    empty: dict[str, list[str]] = {}
    for row in rows:
        for name in missing_required(row):
            concerned = empty.setdefault(name, [])
            if row["COLL_NOM"] not in concerned:
                concerned.append(row["COLL_NOM"])
    return scdl_csv(rows), tuple(f"{name} ({', '.join(empty[name])})" for name in (rows[0] if rows else {})
                                 if name in empty)

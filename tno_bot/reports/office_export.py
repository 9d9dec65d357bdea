"""Exports for office tools (`tno-bot export votes|decisions --format excel`): a CSV dialect that a spreadsheet
set up for France opens as it is. UTF-8 with a byte-order mark (so Excel reads the accents), `;` between fields
(the list separator of the French locale, the comma being the decimal one), CRLF line ends, French headers, dates and
times in Paris time written JJ/MM/AAAA HH:MM (dates alone JJ/MM/AAAA), words instead of codes (« adoptée à
l'unanimité », « oui »), people and members by their names. `--format csv` stays the machine-readable export.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from tno_bot.config import Config
from tno_bot.domain.calendar import PARIS
from tno_bot.domain.ratification import MemberStatus
from tno_bot.domain.voting import Outcome
from tno_bot.i18n import translator
from tno_bot.reports.ratification import MEMBER_STATUS_LABELS
from tno_bot.reports.seance import BASIS_LABELS, CHOICE_LABELS, OUTCOME_LABELS

BOM = "\ufeff"
FR = translator("fr")
DECISION_STATUS = {"en_attente": "en attente de ratification", "executoire": "exécutoire",
                   "non_ratifiee": "non ratifiée"}
SOURCE = {"seance": "séance", "history": "historique"}
NEEDS = {"deliberation": "délibération", "publication": "publication", "transmission": "transmission"}

VOTE_HEADERS = ("Conférence", "Vote", "Point", "Intitulé", "Résultat", "Décision", "Votant", "Date et heure",
                "Choix", "Siège de", "Membre", "Au titre de", "Mandant", "Bulletin retenu", "Événement Matrix")
DECISION_HEADERS = ("Décision", "Année", "Intitulé", "Date de la décision", "Source", "État", "Exécutoire le",
                    "Membre", "État du membre", "N° de délibération", "Date de la délibération", "Approuvée",
                    "Pour", "Contre", "Abstention", "Publiée le", "Transmise le", "Identifiant @ctes",
                    "Exécutoire pour le membre le", "Manque")


def excel_csv(headers: Sequence[str], rows: Iterable[Sequence]) -> str:
    """The CSV text in the office dialect (the byte-order mark first); None is an empty cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(["" if value is None else value for value in row] for row in rows)
    return BOM + buffer.getvalue()


def when(instant: datetime) -> str:
    """"07/11/2025 10:07", Paris time."""
    return instant.astimezone(PARIS).strftime("%d/%m/%Y %H:%M")


def day(value: date | str | None) -> str | None:
    """"07/11/2025", from a date or its ISO text."""
    if value is None:
        return None
    return (date.fromisoformat(value) if isinstance(value, str) else value).strftime("%d/%m/%Y")


def yes_no(value: bool | None) -> str | None:
    return None if value is None else ("oui" if value else "non")


def votes_excel(ballots: Sequence, config: Config) -> str:
    """Every ballot of every closed vote (`storage.ExportedBallot`s), as `export votes --format excel` gives it."""
    name = config.display_name

    def member(member_id: str) -> str:
        return m.name if (m := config.member(member_id)) else member_id

    return excel_csv(VOTE_HEADERS, ((
        e.conference_id, e.vote_id, e.item, e.title, FR.gettext(OUTCOME_LABELS[Outcome(e.outcome)]), e.decision,
        name(e.ballot.voter), when(e.ballot.at), FR.gettext(CHOICE_LABELS[e.ballot.choice.value]),
        name(e.ballot.seat), member(e.ballot.member), FR.gettext(BASIS_LABELS[e.ballot.basis]),
        name(e.ballot.mandant) if e.ballot.mandant else None, yes_no(e.counted), e.ballot.event_id,
    ) for e in ballots))


def decisions_excel(decisions: Sequence[dict]) -> str:
    """The register of the decisions and of their ratification, one row per decision and member, from
    `app.exports.decisions_json`."""
    return excel_csv(DECISION_HEADERS, ((
        d["decision"], d["year"], d["title"], day(d["decided_on"]), SOURCE.get(d["source"], d["source"]),
        DECISION_STATUS.get(d["status"], d["status"]), day(d["executory_on"]), m["member_name"],
        FR.gettext(MEMBER_STATUS_LABELS[MemberStatus(m["member_status"])]), m["deliberation_number"],
        day(m["deliberation_date"]), yes_no(m["adopted"]), m["pour"], m["contre"], m["abstention"],
        day(m["published_on"]), day(m["transmitted_on"]), m["identifier"], day(m["member_executory_on"]),
        ", ".join(NEEDS.get(need, need) for need in m["missing"]),
    ) for d in decisions for m in d["members"]))

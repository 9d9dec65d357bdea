"""The members' deliberations in the national open-data schema for deliberations (SCDL "Délibérations").

Schema ``scdl/deliberations`` on schema.data.gouv.fr, version 2.1.5 (the latest published; its changelog since
2.1.1 only changes metadata and hosting, the field list is the same since 2.0): 17 columns in this order, the
first 7 required. A CSV for it is comma-separated UTF-8 with a header row (the format schema.data.gouv.fr
recommends; its validator, Validata, reads the file as a table), dates as YYYY-MM-DD (ISO 8601), missing values as
the empty string (the schema's missing value).

The SIRET and the matière (ACTES nomenclature code such as "5.7" and its name) come from the config when it gives
them; what the bot does not know is left empty: the budget, the legality-control entity (PREF_ID), the theoretical
number of voters and the document's URL. `missing_required` names the required columns still empty, so an export
can say what to fill before publishing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from tno_bot.domain.acts import luhn_ok
from tno_bot.domain.decisions import DecisionId
from tno_bot.domain.ratification import Deliberation, Ratification

SCHEMA = "scdl/deliberations"
SCHEMA_VERSION = "2.1.5"
FIELDS = (
    "COLL_NOM", "COLL_SIRET", "DELIB_ID", "DELIB_DATE", "DELIB_MATIERE_CODE", "DELIB_MATIERE_NOM", "DELIB_OBJET",
    "BUDGET_ANNEE", "BUDGET_NOM", "PREF_ID", "PREF_DATE", "VOTE_EFFECTIF", "VOTE_REEL", "VOTE_POUR",
    "VOTE_CONTRE", "VOTE_ABSTENTION", "DELIB_URL",
)
REQUIRED = FIELDS[:7]
DELIMITER = ","
ENCODING = "utf-8"
ENTENTE = "Territoire Numérique Ouvert"

_MATIERE_CODE = re.compile(r"\d\.\d{1,2}")
_BUDGET_ANNEE = re.compile(r"[0-9]{4}(/[0-9]{4})?")


@dataclass(frozen=True)
class Collectivite:
    """The member as the open data names it."""

    name: str  # COLL_NOM, its official name ("Métropole de Lyon")
    siren: str | None = None
    siret: str | None = None  # COLL_SIRET: 14 digits, SIREN + NIC

    def __post_init__(self) -> None:
        if self.siret is not None:
            if not re.fullmatch(r"[0-9]{14}", self.siret) or not luhn_ok(self.siret):
                raise ValueError(f"not a SIRET (14 digits with a right Luhn key): {self.siret!r}")
            if self.siren is not None and not self.siret.startswith(self.siren):
                raise ValueError(f"SIRET {self.siret} is not an establishment of SIREN {self.siren}")


@dataclass(frozen=True)
class ScdlItem:
    """One deliberation to publish, with what the schema asks beyond the ratification record."""

    member: str
    deliberation: Deliberation
    transmitted_on: dt.date | None = None  # PREF_DATE: received by the prefecture
    decisions: tuple[DecisionId, ...] = ()  # the conference decisions it deliberates on (for the default objet)
    objet: str | None = None  # DELIB_OBJET; default: `default_objet(decisions)`
    matiere_code: str | None = None  # "5.7"
    matiere_nom: str | None = None  # "institutions et vie politique/intercommunalité"
    budget_annee: str | None = None  # "2023" or "2022/2023"
    budget_nom: str | None = None
    pref_id: str | None = None  # "PREF069"
    vote_effectif: int | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        if self.matiere_code is not None and not _MATIERE_CODE.fullmatch(self.matiere_code):
            raise ValueError(f"DELIB_MATIERE_CODE is a level-2 ACTES code such as 5.7 (got {self.matiere_code!r})")
        if self.budget_annee is not None and not _BUDGET_ANNEE.fullmatch(self.budget_annee):
            raise ValueError(f"BUDGET_ANNEE is YYYY or YYYY/YYYY (got {self.budget_annee!r})")


def default_objet(decisions: Sequence[DecisionId]) -> str:
    """"Approbation de la décision TNO 2022-01 de l'entente intercommunale Territoire Numérique Ouvert", or of
    several decisions; empty without decisions."""
    names = [str(d) for d in sorted(set(decisions))]
    if not names:
        return ""
    if len(names) == 1:
        return f"Approbation de la décision {names[0]} de l'entente intercommunale {ENTENTE}"
    listed = ", ".join(names[:-1]) + " et " + names[-1]
    return f"Approbation des décisions {listed} de l'entente intercommunale {ENTENTE}"


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def scdl_row(item: ScdlItem, collectivite: Collectivite) -> dict[str, str]:
    """The row of one deliberation: every column of FIELDS, in order, as text ("" when unknown)."""
    d = item.deliberation
    counts = (d.pour, d.contre, d.abstention)
    values = {
        "COLL_NOM": collectivite.name,
        "COLL_SIRET": collectivite.siret,
        "DELIB_ID": d.number,
        "DELIB_DATE": d.date,
        "DELIB_MATIERE_CODE": item.matiere_code,
        "DELIB_MATIERE_NOM": item.matiere_nom,
        "DELIB_OBJET": item.objet if item.objet is not None else default_objet(item.decisions),
        "BUDGET_ANNEE": item.budget_annee,
        "BUDGET_NOM": item.budget_nom,
        "PREF_ID": item.pref_id,
        "PREF_DATE": item.transmitted_on,
        "VOTE_EFFECTIF": item.vote_effectif,
        "VOTE_REEL": None if None in counts else sum(counts),  # voters: known only with all three counts
        "VOTE_POUR": d.pour,
        "VOTE_CONTRE": d.contre,
        "VOTE_ABSTENTION": d.abstention,
        "DELIB_URL": item.url,
    }
    return {name: _text(values[name]) for name in FIELDS}


def scdl_items(ratifications: Iterable[Ratification],
               objets: Mapping[tuple[str, str], str] | None = None) -> list[ScdlItem]:
    """One item per recorded deliberation (adopted or not) across the decisions, a deliberation that approves
    several decisions once, with every decision it covers; ordered by date, then member, then number.
    `objets`: (member, number) -> the deliberation's own objet, when known (else `default_objet`)."""
    found: dict[tuple[str, str, dt.date], ScdlItem] = {}
    for ratification in ratifications:
        for m in ratification.by_member:
            d = m.deliberation
            if d is None:
                continue
            key = (m.member, d.number, d.date)
            known = found.get(key)
            decisions = (known.decisions if known else ()) + (ratification.decision,)
            transmitted = m.transmitted_on or (known.transmitted_on if known else None)
            found[key] = ScdlItem(m.member, d, transmitted, tuple(sorted(set(decisions))),
                                  (objets or {}).get((m.member, d.number)))
    return [found[k] for k in sorted(found, key=lambda k: (k[2], k[0], k[1]))]


def scdl_rows(items: Iterable[ScdlItem], collectivites: Mapping[str, Collectivite]) -> list[dict[str, str]]:
    """The rows of `items`; a member missing from `collectivites` is a KeyError (its name is required)."""
    return [scdl_row(item, collectivites[item.member]) for item in items]


def missing_required(row: Mapping[str, str]) -> tuple[str, ...]:
    """The required columns of `row` that are empty, in schema order."""
    return tuple(name for name in REQUIRED if not row.get(name))


def scdl_csv(rows: Iterable[Mapping[str, str]], delimiter: str = DELIMITER) -> str:
    """CSV text: header of FIELDS, then one line per row, quoted only where needed, CRLF line ends (RFC 4180).
    Encode it as UTF-8 (`ENCODING`) to publish it."""
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=FIELDS, delimiter=delimiter, extrasaction="raise")
    writer.writeheader()
    for row in rows:
        writer.writerow({name: row.get(name, "") for name in FIELDS})
    return out.getvalue()

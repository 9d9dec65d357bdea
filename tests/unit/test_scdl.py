"""SCDL "Délibérations" export: the schema's columns in order, rows from ratifications, CSV text."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from tno_bot.domain.decisions import DecisionId
from tno_bot.domain.ratification import Deliberation, Ratification
from tno_bot.domain.scdl import (
    DELIMITER,
    ENCODING,
    FIELDS,
    REQUIRED,
    SCHEMA,
    SCHEMA_VERSION,
    Collectivite,
    ScdlItem,
    default_objet,
    missing_required,
    scdl_csv,
    scdl_items,
    scdl_row,
    scdl_rows,
)

PARIS = ZoneInfo("Europe/Paris")
MEMBERS = ("metropole", "ville-lyon", "sitiv")
SEED_ID = "069-256910183-20221209-CS_2022_12_4-DE"
SITIV = Collectivite("SITIV", "256910183")
COLLECTIVITES = {"sitiv": SITIV, "metropole": Collectivite("Métropole de Lyon", "200046977"),
                 "ville-lyon": Collectivite("Ville de Lyon", "216901231")}
CS_2022_12_4 = Deliberation("sitiv", "CS_2022_12_4", date(2022, 12, 9), True, pour=7, contre=1)


def test_the_schema_field_list_in_order():
    assert (SCHEMA, SCHEMA_VERSION) == ("scdl/deliberations", "2.1.5")
    assert FIELDS == (
        "COLL_NOM", "COLL_SIRET", "DELIB_ID", "DELIB_DATE", "DELIB_MATIERE_CODE", "DELIB_MATIERE_NOM",
        "DELIB_OBJET", "BUDGET_ANNEE", "BUDGET_NOM", "PREF_ID", "PREF_DATE", "VOTE_EFFECTIF", "VOTE_REEL",
        "VOTE_POUR", "VOTE_CONTRE", "VOTE_ABSTENTION", "DELIB_URL")
    assert REQUIRED == FIELDS[:7]
    assert (DELIMITER, ENCODING) == (",", "utf-8")


def test_a_row_has_every_column_in_order_and_leaves_the_unknown_empty():
    row = scdl_row(ScdlItem("sitiv", CS_2022_12_4, date(2022, 12, 9), (DecisionId(2022, 1), DecisionId(2022, 2))),
                   SITIV)
    assert list(row) == list(FIELDS)
    assert row == {
        "COLL_NOM": "SITIV", "COLL_SIRET": "", "DELIB_ID": "CS_2022_12_4", "DELIB_DATE": "2022-12-09",
        "DELIB_MATIERE_CODE": "", "DELIB_MATIERE_NOM": "",
        "DELIB_OBJET": "Approbation des décisions TNO 2022-01 et TNO 2022-02 de l'entente intercommunale "
                       "Territoire Numérique Ouvert",
        "BUDGET_ANNEE": "", "BUDGET_NOM": "", "PREF_ID": "", "PREF_DATE": "2022-12-09", "VOTE_EFFECTIF": "",
        "VOTE_REEL": "",  # the abstentions are not stated: the number of voters is unknown
        "VOTE_POUR": "7", "VOTE_CONTRE": "1", "VOTE_ABSTENTION": "", "DELIB_URL": "",
    }
    assert missing_required(row) == ("COLL_SIRET", "DELIB_MATIERE_CODE", "DELIB_MATIERE_NOM")


def test_a_complete_row():
    delib = Deliberation("metropole", "2023-1518", date(2023, 1, 30), True, pour=140, contre=10, abstention=4)
    item = ScdlItem("metropole", delib, date(2023, 2, 1), objet="Entente TNO - approbation", matiere_code="5.7",
                    matiere_nom="institutions et vie politique/intercommunalité", budget_annee="2023",
                    budget_nom="Budget principal", pref_id="PREF069", vote_effectif=150,
                    url="https://example.org/2023-1518.pdf")
    row = scdl_row(item, Collectivite("Métropole de Lyon", "200046977", "20004697700019"))
    assert row["COLL_SIRET"] == "20004697700019" and row["VOTE_REEL"] == "154"
    assert row["DELIB_OBJET"] == "Entente TNO - approbation" and row["PREF_ID"] == "PREF069"
    assert missing_required(row) == ()


def test_default_objet():
    assert default_objet([]) == ""
    assert default_objet([DecisionId(2022, 1)]) == ("Approbation de la décision TNO 2022-01 de l'entente "
                                                   "intercommunale Territoire Numérique Ouvert")
    assert default_objet([DecisionId(2023, 2), DecisionId(2022, 1), DecisionId(2023, 1), DecisionId(2022, 1)]) == (
        "Approbation des décisions TNO 2022-01, TNO 2023-01 et TNO 2023-02 de l'entente intercommunale "
        "Territoire Numérique Ouvert")


@pytest.mark.parametrize("kwargs", [{"matiere_code": "5"}, {"matiere_code": "10.1"}, {"budget_annee": "23"},
                                    {"budget_annee": "2022-2023"}])
def test_item_values_follow_the_schema_patterns(kwargs):
    with pytest.raises(ValueError):
        ScdlItem("sitiv", CS_2022_12_4, **kwargs)
    ScdlItem("sitiv", CS_2022_12_4, matiere_code="7.10", budget_annee="2022/2023")


@pytest.mark.parametrize("siret", ["2569101830001", "25691018300010", "20004697700019"])
def test_a_siret_is_14_digits_with_a_luhn_key_of_the_same_siren(siret):
    with pytest.raises(ValueError):
        Collectivite("SITIV", "256910183", siret)


def _ratification(decision: DecisionId, facts_of) -> Ratification:
    r = Ratification(decision, date(2022, 11, 7), MEMBERS)
    at = datetime(2023, 3, 1, 10, tzinfo=PARIS)
    for i, (method, args, kwargs) in enumerate(facts_of):
        r = r.apply(getattr(r, method)(*args, **kwargs, by="@s:tno.example", at=at, event_id=f"${decision}{i}"))
    return r


def test_one_row_per_deliberation_even_when_it_approves_several_decisions():
    sitiv = [("record_deliberation", ("sitiv", "CS_2022_12_4", date(2022, 12, 9)), {"pour": 7, "contre": 1}),
             ("record_transmission", ("sitiv", date(2022, 12, 9), SEED_ID), {})]
    lyon = [("record_deliberation", ("ville-lyon", "2023-42", date(2023, 1, 26)),
             {"adopted": False, "pour": 20, "contre": 40, "abstention": 3})]
    first = _ratification(DecisionId(2022, 1), sitiv + lyon)
    second = _ratification(DecisionId(2022, 2), sitiv)
    items = scdl_items([first, second], objets={("sitiv", "CS_2022_12_4"): "Approbation TNO"})
    assert [(i.member, i.deliberation.number) for i in items] == [("sitiv", "CS_2022_12_4"),
                                                                 ("ville-lyon", "2023-42")]
    assert items[0].decisions == (DecisionId(2022, 1), DecisionId(2022, 2))
    assert items[0].transmitted_on == date(2022, 12, 9) and items[0].objet == "Approbation TNO"
    assert items[1].transmitted_on is None and items[1].objet is None  # a rejection is published too
    rows = scdl_rows(items, COLLECTIVITES)
    assert rows[1]["COLL_NOM"] == "Ville de Lyon" and rows[1]["VOTE_REEL"] == "63"
    assert rows[1]["DELIB_OBJET"].startswith("Approbation de la décision TNO 2022-01")
    with pytest.raises(KeyError):
        scdl_rows(items, {"sitiv": SITIV})


def test_csv_text_is_comma_separated_with_a_header_and_quotes_where_needed():
    rows = [scdl_row(ScdlItem("sitiv", CS_2022_12_4, date(2022, 12, 9),
                              objet='Entente "TNO", approbation des décisions'), SITIV)]
    text = scdl_csv(rows)
    lines = text.split("\r\n")
    assert lines[0] == ",".join(FIELDS) and lines[-1] == "" and len(lines) == 3
    assert '"Entente ""TNO"", approbation des décisions"' in lines[1]
    assert list(csv.DictReader(io.StringIO(text))) == rows
    assert text.encode(ENCODING).decode("utf-8") == text


def test_csv_with_another_delimiter_and_no_rows():
    assert scdl_csv([], delimiter=";") == ";".join(FIELDS) + "\r\n"

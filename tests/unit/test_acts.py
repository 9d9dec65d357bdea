"""@ctes transmission identifiers: parsing, formatting, SIREN keys, every malformed field, checks against the act."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from tno_bot.domain.acts import (
    DEPARTMENTS,
    ActId,
    ActIdError,
    ActIdReason,
    Difference,
    Field,
    Nature,
    actes_number,
    check_against,
    format_act_id,
    luhn_ok,
    parse_act_id,
    siren_is_valid,
)

SEED = "069-256910183-20221209-CS_2022_12_4-DE"  # the stamp of the SITIV's deliberation CS_2022_12_4
SITIV, METROPOLE, LYON = "256910183", "200046977", "216901231"


@dataclass(frozen=True)
class Delib:
    number: str
    date: date


def reasons(text: str) -> list[ActIdReason]:
    with pytest.raises(ActIdError) as caught:
        parse_act_id(text)
    return [p.reason for p in caught.value.problems]


# --- the seed identifier ----------------------------------------------------------------------------------------


def test_the_seed_identifier_parses_into_its_five_fields():
    act = parse_act_id(SEED)
    assert act == ActId("069", SITIV, date(2022, 12, 9), "CS_2022_12_4", Nature.DE)
    assert act.insee_department == "69"
    assert str(act) == SEED


def test_the_stamp_prefix_spaces_and_lower_case_are_tolerated():
    assert str(parse_act_id("ID : 069-256910183-20221209-CS_2022_12_4-DE")) == SEED
    assert str(parse_act_id("  id: 069-256910183-20221209-cs_2022_12_4-de \n")) == SEED


def test_format_puts_the_number_in_actes_form():
    assert format_act_id("069", SITIV, date(2022, 12, 9), "CS_2022_12_4") == SEED
    assert format_act_id("069", METROPOLE, date(2022, 7, 11), "2022-1518") == "069-200046977-20220711-2022_1518-DE"
    assert format_act_id("069", LYON, date(2022, 9, 20), "2022-1987", "CC").endswith("-2022_1987-CC")


def test_format_refuses_a_bad_field():
    with pytest.raises(ActIdError) as caught:
        format_act_id("069", SITIV, date(2022, 12, 9), "CS_2022_12_4", "XX")
    assert caught.value.reason is ActIdReason.NATURE_UNKNOWN
    with pytest.raises(ActIdError) as caught:
        format_act_id("69", "256910184", date(2022, 12, 9), "A B")
    assert [p.reason for p in caught.value.problems] == [
        ActIdReason.DEPARTMENT_FORMAT, ActIdReason.SIREN_KEY, ActIdReason.NUMBER_CHARACTERS]


@pytest.mark.parametrize("department, insee", [("069", "69"), ("001", "01"), ("02A", "2A"), ("02B", "2B"),
                                               ("971", "971"), ("976", "976"), ("095", "95")])
def test_departments_on_three_characters(department, insee):
    act = parse_act_id(f"{department}-{SITIV}-20221209-X-DE")
    assert act.department == department and act.insee_department == insee


def test_the_known_departments():
    assert "020" not in DEPARTMENTS and "096" not in DEPARTMENTS and "000" not in DEPARTMENTS
    assert {"02A", "02B", "974", "988"} <= DEPARTMENTS
    assert len([d for d in DEPARTMENTS if d[0] == "0"]) == 96  # 001-095 without 020, plus 02A and 02B


# --- natures ----------------------------------------------------------------------------------------------------


def test_the_six_natures_of_the_actes_nomenclature():
    assert [(n.value, n.code, n.label) for n in Nature] == [
        ("DE", 1, "Délibérations"),
        ("AR", 2, "Actes réglementaires"),
        ("AI", 3, "Actes individuels"),
        ("CC", 4, "Contrats, conventions et avenants"),
        ("BF", 5, "Documents budgétaires et financiers"),
        ("AU", 6, "Autres"),
    ]
    for nature in Nature:
        assert parse_act_id(f"069-{SITIV}-20221209-X-{nature.value}").nature is nature


# --- SIREN ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("siren", [SITIV, METROPOLE, LYON, "356000000"])
def test_the_members_sirens_have_a_right_luhn_key(siren):
    assert siren_is_valid(siren)


@pytest.mark.parametrize("siren", ["256910184", "200046976", "21690123", "2169012311", "21690123a", "",
                                   "２５６９１０１８３"])
def test_bad_sirens(siren):
    assert not siren_is_valid(siren)


def test_luhn_on_a_siret():
    assert luhn_ok("73282932000074") and not luhn_ok("73282932000075") and not luhn_ok("")


# --- malformed identifiers: one precise reason per field --------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("", [ActIdReason.EMPTY]),
    ("   ", [ActIdReason.EMPTY]),
    ("069-256910183-20221209-DE", [ActIdReason.STRUCTURE]),
    ("069256910183", [ActIdReason.STRUCTURE]),
    ("69-256910183-20221209-CS_2022_12_4-DE", [ActIdReason.DEPARTMENT_FORMAT]),
    ("2A-256910183-20221209-CS_2022_12_4-DE", [ActIdReason.DEPARTMENT_FORMAT]),
    ("0690-256910183-20221209-CS_2022_12_4-DE", [ActIdReason.DEPARTMENT_FORMAT]),
    ("020-256910183-20221209-CS_2022_12_4-DE", [ActIdReason.DEPARTMENT_UNKNOWN]),
    ("099-256910183-20221209-CS_2022_12_4-DE", [ActIdReason.DEPARTMENT_UNKNOWN]),
    ("069-25691018-20221209-CS_2022_12_4-DE", [ActIdReason.SIREN_FORMAT]),
    ("069-2569101831-20221209-CS_2022_12_4-DE", [ActIdReason.SIREN_FORMAT]),
    ("069-256910184-20221209-CS_2022_12_4-DE", [ActIdReason.SIREN_KEY]),
    ("069-256910183-2022129-CS_2022_12_4-DE", [ActIdReason.DATE_FORMAT]),
    ("069-256910183-09122022X-CS_2022_12_4-DE", [ActIdReason.DATE_FORMAT]),
    ("069-256910183-20221309-CS_2022_12_4-DE", [ActIdReason.DATE_INVALID]),
    ("069-256910183-20230229-CS_2022_12_4-DE", [ActIdReason.DATE_INVALID]),
    ("069-256910183-20221209--DE", [ActIdReason.NUMBER_EMPTY]),
    ("069-256910183-20221209-CS 2022.12.4-DE", [ActIdReason.NUMBER_CHARACTERS]),
    ("069-256910183-20221209-DÉLIB_4-DE", [ActIdReason.NUMBER_CHARACTERS]),
    ("069-256910183-20221209-CS_2022_12_004_A-DE", [ActIdReason.NUMBER_TOO_LONG]),
    ("069-256910183-20221209-CS_2022_12_4-DL", [ActIdReason.NATURE_UNKNOWN]),
    ("069-256910183-20221209-CS_2022_12_4-", [ActIdReason.NATURE_UNKNOWN]),
])
def test_each_malformed_field_has_its_reason(text, expected):
    assert reasons(text) == expected


def test_every_malformed_field_is_reported_at_once():
    assert reasons("69-256910184-20220230-cs é_2022_12_4_0123456-XX") == [
        ActIdReason.DEPARTMENT_FORMAT, ActIdReason.SIREN_KEY, ActIdReason.DATE_INVALID,
        ActIdReason.NUMBER_CHARACTERS, ActIdReason.NUMBER_TOO_LONG, ActIdReason.NATURE_UNKNOWN]


def test_problem_details():
    with pytest.raises(ActIdError) as caught:
        parse_act_id("069-256910183-20221209-CS.2022 12_4ABCDEFG-DE")
    characters, too_long = caught.value.problems
    assert characters.field == "number" and characters.param("characters") == ". "
    assert too_long.param("length") == 19 and too_long.param("limit") == 15
    assert caught.value.reason is ActIdReason.NUMBER_CHARACTERS
    assert "number_characters" in str(caught.value)


def test_the_number_limit_is_fifteen_characters():
    assert parse_act_id(f"069-{SITIV}-20221209-{'A' * 15}-DE").number == "A" * 15
    assert reasons(f"069-{SITIV}-20221209-{'A' * 16}-DE") == [ActIdReason.NUMBER_TOO_LONG]


def test_a_number_written_with_dashes_gets_a_suggestion():
    with pytest.raises(ActIdError) as caught:
        parse_act_id("069-200046977-20220711-2022-1518-DE")
    problem = caught.value.problems[0]
    assert problem.reason is ActIdReason.STRUCTURE and problem.param("fields") == 6
    assert problem.param("suggestion") == "069-200046977-20220711-2022_1518-DE"
    with pytest.raises(ActIdError) as caught:
        parse_act_id("069-200046977-2022-07-11-1518-DE")  # dashes in the date: no valid suggestion
    assert caught.value.problems[0].param("suggestion") is None


def test_an_act_id_cannot_be_built_with_bad_fields():
    with pytest.raises(ActIdError):
        ActId("069", SITIV, date(2022, 12, 9), "cs_2022", Nature.DE)  # ACTES numbers are upper case
    with pytest.raises(ActIdError):
        ActId("069", SITIV, date(2022, 12, 9), "X", "DE")  # a Nature, not a string


# --- the ACTES form of a body's number ----------------------------------------------------------------------------


@pytest.mark.parametrize("number, actes", [("CS_2022_12_4", "CS_2022_12_4"), ("2022-1518", "2022_1518"),
                                           (" cs_2022_12_4 ", "CS_2022_12_4")])
def test_actes_number(number, actes):
    assert actes_number(number) == actes


# --- checking against the deliberation ----------------------------------------------------------------------------


def test_the_seed_identifier_matches_the_seed_deliberation():
    act = parse_act_id(SEED)
    assert check_against(act, Delib("CS_2022_12_4", date(2022, 12, 9))) == ()
    assert check_against(act, Delib("CS_2022_12_4", date(2022, 12, 9)), siren=SITIV) == ()


def test_a_number_with_dashes_matches_its_actes_form():
    act = parse_act_id("069-200046977-20220711-2022_1518-DE")
    assert check_against(act, Delib("2022-1518", date(2022, 7, 11)), siren=METROPOLE) == ()


def test_every_difference_is_listed():
    act = parse_act_id("069-256910183-20221208-CS_2022_12_3-AR")
    assert check_against(act, Delib("CS_2022_12_4", date(2022, 12, 9)), siren=METROPOLE) == (
        Difference(Field.DATE, date(2022, 12, 9), date(2022, 12, 8)),
        Difference(Field.NUMBER, "CS_2022_12_4", "CS_2022_12_3"),
        Difference(Field.NATURE, Nature.DE, Nature.AR),
        Difference(Field.SIREN, METROPOLE, SITIV),
    )


def test_only_the_date_differs():
    act = parse_act_id("069-256910183-20221210-CS_2022_12_4-DE")
    assert check_against(act, Delib("CS_2022_12_4", date(2022, 12, 9))) == (
        Difference(Field.DATE, date(2022, 12, 9), date(2022, 12, 10)),)


def test_another_nature_can_be_expected():
    act = parse_act_id("069-200046977-20220711-2022_1518-CC")
    assert check_against(act, Delib("2022-1518", date(2022, 7, 11)), nature=Nature.CC) == ()

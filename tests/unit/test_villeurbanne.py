"""Villeurbanne joins on 1 January 2024 (tests/villeurbanne.py): the 2022 keys stay as they were, the 2024 call for
funds splits the 2023 balance and surplus with the 2023 keys and the 2024 budget with the four members' keys (every
figure computed by hand below), the quorum of a 2024 séance counts four members and that of a 2023 one three."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from tests.cast import BOSETTI, KHELIFI, MILLET
from tests.harness import paris
from tests.text import plain
from tests.villeurbanne import GLOMOT, ROUX, villeurbanne_config
from tno_bot.app.members import in_office
from tno_bot.config import load_config
from tno_bot.domain.attendance import Attendance, Cast, Status, quorum
from tno_bot.domain.funding import Note, call_for_funds
from tno_bot.i18n import translator
from tno_bot.reports.funding import appel_report

FOUR = ("metropole", "ville-lyon", "sitiv", "villeurbanne")


@pytest.fixture(scope="module")
def grown(tmp_path_factory):
    return load_config(villeurbanne_config(tmp_path_factory.mktemp("villeurbanne")))


def test_members_by_date_and_the_2022_keys_need_no_share_for_the_newcomer(grown):
    assert [m.id for m in grown.members_on(date(2023, 12, 31))] == ["metropole", "ville-lyon", "sitiv"]
    assert [m.id for m in grown.members_on(date(2024, 1, 1))] == list(FOUR)
    assert grown.keys_for(2023).shares == {"metropole": D("53"), "ville-lyon": D("30.6"), "sitiv": D("16.4")}
    assert list(grown.keys_for(2024).shares) == list(FOUR)
    assert sum(grown.keys_for(2024).shares.values()) == 100


def test_the_2023_call_for_funds_is_unchanged(grown, config):
    assert call_for_funds(grown.budgets[2023], grown.key_sets) == call_for_funds(config.budgets[2023],
                                                                                 config.key_sets)


def test_the_2024_call_for_funds_figure_by_figure(grown):
    call = call_for_funds(grown.budgets[2024], grown.key_sets)
    solde, excedent, budget = call.components
    # Solde 2023, 38 000 € with the 2023 keys (53 / 30.6 / 16.4), each part rounded half up:
    # 38000 × 0.53 = 20140; × 0.306 = 11628; × 0.164 = 6232; Villeurbanne, not a member in 2023: 0.
    assert (solde.keys_year, solde.keys.valid_from) == (2023, 2022)
    assert solde.parts == dict(zip(FOUR, (D(20140), D(11628), D(6232), D(0))))
    # Excédent 2023, −12 345 € given back, 2023 keys: 12345 × 0.53 = 6542.85 → 6543; × 0.306 = 3777.57 → 3778;
    # × 0.164 = 2024.58 → 2025; the parts make −12 346 €: one euro more given back than the surplus.
    assert excedent.parts == dict(zip(FOUR, (D(-6543), D(-3778), D(-2025), D(0))))
    assert excedent.total == D(-12346)
    # Budget 2024, the operating expenses 421 337 € with the 2024 keys (48.2 / 27.8 / 14.9 / 9.1):
    # 421337 × 0.482 = 203084.434 → 203084; × 0.278 = 117131.686 → 117132; × 0.149 = 62779.213 → 62779;
    # × 0.091 = 38341.667 → 38342 (sum 421 337), minus Villeurbanne's advance of 10 000: 28 342.
    assert budget.keys.valid_from == 2024
    assert budget.parts == dict(zip(FOUR, (D(203084), D(117132), D(62779), D(28342))))
    # Totals: Métropole 20140 − 6543 + 203084 = 216681; Ville de Lyon 11628 − 3778 + 117132 = 124982;
    # SITIV 6232 − 2025 + 62779 = 66986; Villeurbanne 28342; all: 38000 − 12346 + 421337 − 10000 = 436991.
    assert call.member_totals == dict(zip(FOUR, (D(216681), D(124982), D(66986), D(28342))))
    assert call.total == D(436991)
    assert [n for n in call.notes if n.kind == "rounding"] == [Note("rounding", "Excédent 2023", D(-12345),
                                                                    D(-12346))]


def test_the_2024_call_says_which_keys_and_what_is_given_back(grown):
    body = plain(appel_report(call_for_funds(grown.budgets[2024], grown.key_sets), grown, translator("fr"))[0])
    assert "Excédent 2023 : 6 543 € à reverser" in body
    assert "Ville de Villeurbanne : 28 342 €" in body
    assert ("Solde 2023 : réparti selon les clés de 2023 (Métropole de Lyon 53 %, Ville de Lyon 30,6 % et SITIV "
            "16,4 %)") in body
    assert "Excédent 2023 : la somme des parts arrondies" in body


def seated(config, day: date) -> Cast:
    return Cast.from_config(config, [m.id for m in in_office(config, day, {})])


def test_the_quorum_of_a_2024_seance_counts_four_members(grown):
    cast = seated(grown, date(2024, 3, 4))
    assert cast.members == FOUR
    attendance = Attendance(cast)
    for i, person in enumerate((KHELIFI, BOSETTI, MILLET)):
        attendance = attendance.apply(attendance.mark(person, Status.PRESENT, by=person, at=paris(2024, 3, 4, 10, i),
                                                      event_id=f"$p{i}"))
    assert quorum(attendance).missing == ("villeurbanne",)
    attendance = attendance.apply(attendance.mark(ROUX, Status.PRESENT, by=ROUX, at=paris(2024, 3, 4, 10, 5),
                                                  event_id="$p5"))
    assert quorum(attendance).reached


def test_a_2023_seance_seats_three_members_and_not_the_newcomer(grown):
    cast = seated(grown, date(2023, 11, 6))
    assert cast.members == ("metropole", "ville-lyon", "sitiv")
    assert cast.representative(GLOMOT) is None


def test_a_mission_of_two_of_the_four_members(grown):
    parapheur = next(m for m in grown.missions if m.id == "parapheur")
    assert (parapheur.kind, parapheur.members, parapheur.porteur) == ("specifique", ("metropole", "villeurbanne"),
                                                                      "metropole")
    in_2024 = in_office(grown, date(2024, 3, 4), {})
    assert [m.id for m in parapheur.members_on(in_2024)] == ["metropole", "villeurbanne"]
    hebergement = next(m for m in grown.missions if m.id == "hebergement")  # a mission socle: every member
    assert [m.id for m in hebergement.members_on(in_2024)] == list(FOUR)

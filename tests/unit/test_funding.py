"""Funding: the seed's figures from the real config files, and both rounding policies on hostile amounts."""

from __future__ import annotations

import dataclasses
import random
from decimal import Decimal as D

import pytest

from tno_bot.domain.funding import (
    Advance,
    Budget,
    BudgetLine,
    Component,
    KeySet,
    Note,
    Receipt,
    RoundingPolicy,
    call_for_funds,
    split,
    summarize_budget,
)

HALF_UP = RoundingPolicy.PER_MEMBER_HALF_UP
LARGEST = RoundingPolicy.LARGEST_REMAINDER
MEMBERS = ("metropole", "ville-lyon", "sitiv")
KEYS_2022 = {"metropole": D("53"), "ville-lyon": D("30.6"), "sitiv": D("16.4")}
# A possible four-member set (Villeurbanne joining), summing to 100.
FOUR = {"metropole": D("48.2"), "ville-lyon": D("27.8"), "sitiv": D("14.9"), "villeurbanne": D("9.1")}


def euros(*values: int) -> dict[str, D]:
    return dict(zip(MEMBERS, (D(v) for v in values)))


@pytest.fixture(scope="module")
def budget(config):
    return config.budgets[2023]


@pytest.fixture(scope="module")
def call(config, budget):
    return call_for_funds(budget, config.key_sets)


# --- the seed's tables (decision TNO 2022-02, délibération CS_2022_12_4) ----------------------------------------


def test_keys_in_force_are_the_convention_article_7(config):
    assert dict(config.keys_for(2023).shares) == KEYS_2022
    assert list(config.keys_for(2023).shares) == list(MEMBERS)


def test_components_in_the_order_of_the_decision(call):
    assert [c.label for c in call.components] == ["Solde 2022", "Étude de faisabilité 2022", "Budget 2023"]


def test_balance_2022(call):
    solde = call.components[0]
    assert solde.base == D(95000)
    assert solde.parts == euros(50350, 29070, 15580)
    assert solde.total == D(95000)


def test_feasibility_study_split_then_metropole_advance(config, call):
    study = call.components[1]
    assert study.base == D(70140)
    assert split(study.base, config.keys_for(2023).shares, HALF_UP) == euros(37174, 21463, 11503)
    assert study.parts == euros(-32966, 21463, 11503)
    assert study.total == 0


def test_budget_2023_operating_expenses_split(call):
    budget_2023 = call.components[2]
    assert budget_2023.base == D(544175)  # the operating expenses of the budget file, resolved at load
    assert budget_2023.parts == euros(288413, 166518, 89245)
    assert budget_2023.total == D(544176)


def test_totals_of_the_call_for_funds(call):
    assert call.year == 2023
    assert call.member_totals == euros(305797, 217051, 116328)
    assert call.total == D(639176)


def test_notes_report_the_rounding_euro_and_both_balanced_sections(call):
    rounding = [n for n in call.notes if n.kind == "rounding"]
    assert rounding == [Note("rounding", "Budget 2023", D(544175), D(544176))]
    assert rounding[0].difference == 1 and not rounding[0].ok
    balance = {n.label: n for n in call.notes if n.kind == "balance"}
    assert balance["investissement"] == Note("balance", "investissement", D(975000), D(975000))
    assert balance["fonctionnement"] == Note("balance", "fonctionnement", D(544175), D(544175))
    assert all(n.ok for n in balance.values())


def test_largest_remainder_on_the_2023_budget_matches_the_whole(config, budget):
    call = call_for_funds(dataclasses.replace(budget, rounding=LARGEST), config.key_sets)
    assert call.components[2].parts == euros(288413, 166517, 89245)
    assert call.total == D(639175)
    assert [n.kind for n in call.notes] == ["balance", "balance"]


def test_budget_summary_by_mission_and_balance(budget):
    summary = summarize_budget(budget)
    assert summary.missions == (
        ("Dépenses générales", D(0), D(265000)),
        ("Hébergement", D(195000), D(85000)),
        ("Identité de territoire", D(60000), D(20000)),
        ("Messagerie collaborative", D(540000), D(0)),
        ("Collaboratif", D(180000), D(174175)),
    )
    assert len(summary.lines) == 15
    assert summary.expenses == {"investissement": D(975000), "fonctionnement": D(544175)}
    assert [r.label for r in summary.receipts] == [
        "Report 2022",
        "Amortissements",
        "Plan France Relance",
        "Financement de l'exploitation par les partenaires de l'entente",
    ]
    assert summary.receipts_total == summary.expenses
    assert summary.balance == {"investissement": 0, "fonctionnement": 0}


def test_budget_summary_filters_lines_by_mission_case_and_accent_insensitively(budget):
    summary = summarize_budget(budget, "  HEBERGEMENT ")
    assert [line.label for line in summary.lines] == [
        "Support virtualisation et stockage",
        "Hébergement en DC",
        "Extension PRA / PCA",
    ]
    assert summary.expenses["fonctionnement"] == D(544175)  # totals stay those of the whole budget
    assert len(summarize_budget(budget, "identité de territoire").lines) == 2
    with pytest.raises(ValueError, match="unknown mission"):
        summarize_budget(budget, "Cantine")


def test_unbalanced_budget_gives_a_failing_balance_note():
    budget = Budget(
        2024, HALF_UP, (BudgetLine("M", "l", D(10), D(100)),), (Receipt("r", D(10), D(90)),),
        (Component("c", D(100)),),
    )
    notes = call_for_funds(budget, [KeySet(2022, KEYS_2022)]).notes
    fonct = next(n for n in notes if n.label == "fonctionnement")
    assert not fonct.ok and fonct.difference == -10


def test_advance_by_a_member_outside_the_keys_is_an_error():
    budget = Budget(2024, HALF_UP, (), (), (Component("c", D(100), Advance("villeurbanne", D(1))),))
    with pytest.raises(ValueError, match="villeurbanne"):
        call_for_funds(budget, [KeySet(2022, KEYS_2022)])


# --- hostile amounts ---------------------------------------------------------------------------------------------


def test_one_cent():
    assert split(D("0.01"), KEYS_2022, HALF_UP) == euros(0, 0, 0)
    assert split(D("0.01"), KEYS_2022, LARGEST) == {"metropole": D("0.01"), "ville-lyon": 0, "sitiv": 0}


def test_one_cent_component_gets_a_rounding_note_under_half_up():
    budget = Budget(2024, HALF_UP, (), (), (Component("Centime", D("0.01")),))
    call = call_for_funds(budget, [KeySet(2022, KEYS_2022)])
    assert call.notes[0] == Note("rounding", "Centime", D("0.01"), D(0))


def test_amount_with_cents_keeps_whole_euros_but_one_part():
    parts = split(D("100.75"), KEYS_2022, LARGEST)
    assert sum(parts.values()) == D("100.75")
    assert sum(1 for p in parts.values() if p != p.to_integral_value()) == 1


def test_exact_ties_half_up_rounds_every_half_up():
    halves = {"a": D(50), "b": D(50)}
    assert split(D(1), halves, HALF_UP) == {"a": 1, "b": 1}  # 0,50 € each: both rounded up, 2 € for 1 €
    assert split(D(3), halves, HALF_UP) == {"a": 2, "b": 2}


def test_exact_ties_largest_remainder_prefers_larger_share_then_display_order():
    assert split(D(1), {"a": D(50), "b": D(50)}, LARGEST) == {"a": 1, "b": 0}
    assert split(D(1), {"b": D(50), "a": D(50)}, LARGEST) == {"b": 1, "a": 0}
    # remainders 0,5 and 0,5: the larger share (b, 75 %) gets the euro although it comes second
    assert split(D(2), {"a": D(25), "b": D(75)}, LARGEST) == {"a": 0, "b": 2}


def test_negative_amounts_are_symmetric():
    for policy in RoundingPolicy:
        for amount in (D(1), D("0.01"), D(3), D(544175), D("70140.5")):
            negated = {m: -p for m, p in split(amount, KEYS_2022, policy).items()}
            assert split(-amount, KEYS_2022, policy) == negated
    assert split(D(-1), {"a": D(50), "b": D(50)}, HALF_UP) == {"a": -1, "b": -1}  # half away from zero


def test_zero():
    for policy in RoundingPolicy:
        assert split(D(0), KEYS_2022, policy) == euros(0, 0, 0)


def test_four_member_key_set():
    parts = split(D(544175), FOUR, HALF_UP)
    assert list(parts) == list(FOUR)
    assert parts == {"metropole": 262292, "ville-lyon": 151281, "sitiv": 81082, "villeurbanne": 49520}
    assert sum(parts.values()) == D(544175)
    assert split(D(1001), FOUR, LARGEST) == {"metropole": 483, "ville-lyon": 278, "sitiv": 149, "villeurbanne": 91}
    assert split(D(1001), FOUR, HALF_UP) == {"metropole": 482, "ville-lyon": 278, "sitiv": 149, "villeurbanne": 91}


@pytest.mark.parametrize("shares", [KEYS_2022, FOUR, {"a": D(50), "b": D(50)}, {"a": D("33.34"), "b": D("33.33"),
                                                                                  "c": D("33.33")}])
def test_properties_over_many_amounts(shares):
    rng = random.Random(2022)
    amounts = [D(n) for n in range(0, 200)] + [D(rng.randrange(0, 10**9)) / 100 for _ in range(500)]
    for amount in amounts:
        largest = split(amount, shares, LARGEST)
        half_up = split(amount, shares, HALF_UP)
        assert sum(largest.values()) == amount
        for member, share in shares.items():
            exact = amount * share / 100
            assert abs(largest[member] - exact) < 1
            assert abs(half_up[member] - exact) <= D("0.5")
        assert abs(sum(half_up.values()) - amount) <= D("0.5") * len(shares)


def test_huge_amount_does_not_overflow_the_decimal_context():
    amount = D("1e40") + D("0.01")
    parts = split(amount, KEYS_2022, LARGEST)
    assert sum(parts.values()) == amount
    assert split(D("1e400"), KEYS_2022, HALF_UP)["metropole"] == D("53e398")


@pytest.mark.parametrize(
    "amount, shares",
    [
        (D("NaN"), KEYS_2022),
        (D("Infinity"), KEYS_2022),
        (D(1), {}),
        (D(1), {"a": D(60), "b": D(30)}),
        (D(1), {"a": D(110), "b": D(-10)}),
    ],
)
def test_invalid_input_raises_value_error(amount, shares):
    with pytest.raises(ValueError):
        split(amount, shares, HALF_UP)

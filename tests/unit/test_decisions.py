"""Decision numbers: "TNO <year>-<nn>", parsed leniently, numbered per year."""

from __future__ import annotations

import pytest

from tno_bot.domain.decisions import DecisionId, next_decision_id, parse_decision_id


@pytest.mark.parametrize(("decision", "text"), [
    (DecisionId(2022, 1), "TNO 2022-01"),
    (DecisionId(2026, 12), "TNO 2026-12"),
    (DecisionId(2026, 100), "TNO 2026-100"),
])
def test_format(decision, text):
    assert str(decision) == text


@pytest.mark.parametrize("text", [
    "TNO 2022-01", "tno 2022-1", "2022-01", "2022-1", "  TNO 2022-01 ", "TNO_2022-01", "TNO-2022-01", "TNO2022-01",
    "CITNO_2022-01", "Tno 2022 - 01", "2022/01", "TNO 2022-001",
])
def test_parse_tolerated_forms(text):
    assert parse_decision_id(text) == DecisionId(2022, 1)


@pytest.mark.parametrize("text", [
    "", "TNO", "2022", "TNO 2022-", "TNO 2022-00", "TNO 22-01", "TNO 2022-01-02", "XYZ 2022-01", "TNO 2022-1a",
    "2022-11-001x", "TNO 2022-12345",
])
def test_parse_refuses_anything_else(text):
    with pytest.raises(ValueError):
        parse_decision_id(text)


def test_parse_and_format_round_trip():
    for decision in (DecisionId(2022, 2), DecisionId(2030, 9), DecisionId(2031, 57)):
        assert parse_decision_id(str(decision)) == decision


def test_invalid_ids_are_refused():
    for year, number in ((2022, 0), (2022, -1), (22, 1), (20220, 1)):
        with pytest.raises(ValueError):
            DecisionId(year, number)


def test_first_decision_of_a_year_is_01():
    assert next_decision_id(2026, []) == DecisionId(2026, 1)
    assert str(next_decision_id(2026, [])) == "TNO 2026-01"


def test_next_after_the_seed_decisions():
    assert next_decision_id(2022, ["TNO 2022-01", "TNO 2022-02"]) == DecisionId(2022, 3)


def test_numbering_restarts_each_year_and_ignores_other_years():
    existing = ["TNO 2022-01", "TNO 2022-02", DecisionId(2023, 1), "tno 2023-7", "2024-03"]
    assert next_decision_id(2023, existing) == DecisionId(2023, 8)
    assert next_decision_id(2022, existing) == DecisionId(2022, 3)
    assert next_decision_id(2025, existing) == DecisionId(2025, 1)


def test_gaps_are_not_refilled_and_order_does_not_matter():
    assert next_decision_id(2026, ["TNO 2026-04", "TNO 2026-01"]) == DecisionId(2026, 5)


def test_past_99_the_number_grows():
    assert str(next_decision_id(2026, [DecisionId(2026, 99)])) == "TNO 2026-100"


def test_a_malformed_existing_id_is_an_error():
    with pytest.raises(ValueError):
        next_decision_id(2026, ["TNO 2026-01", "n° 3"])


def test_ids_sort_by_year_then_number():
    ids = [DecisionId(2023, 1), DecisionId(2022, 10), DecisionId(2022, 2)]
    assert sorted(ids) == [DecisionId(2022, 2), DecisionId(2022, 10), DecisionId(2023, 1)]

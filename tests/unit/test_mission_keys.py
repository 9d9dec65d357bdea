"""A mission's own keys (issue 12): a mission spécifique of the Métropole and the SITIV with keys 60 / 40; its budget
lines are called from its two members only, with those keys, and the rest of the budget with the year's keys. Every
figure computed by hand below."""

from __future__ import annotations

import shutil
from decimal import Decimal as D

import pytest

from tests.cast import EXAMPLE_CONFIG
from tests.text import plain
from tno_bot.config import ConfigError, load_config
from tno_bot.domain.funding import call_for_funds
from tno_bot.i18n import translator
from tno_bot.reports.funding import appel_report

THREE = ("metropole", "ville-lyon", "sitiv")

VISIO = """
[[missions]]
id = "visio"
name = "Visioconférence"
kind = "specifique"
members = ["metropole", "sitiv"]
keys = {{ {keys} }}
"""

BUDGET_2024 = """year = 2024

[[lines]]
mission = "Dépenses générales"
label = "Chefs de projet"
fonctionnement = 100000

[[lines]]
mission = "Visioconférence"
label = "Licences"
fonctionnement = 10001

[[receipts]]
label = "Participations des membres"
fonctionnement = 110001

[[components]]
label = "Budget 2024"
from_budget = "fonctionnement"

[[components]]
label = "Visioconférence 2024"
mission = "visio"
from_budget = "fonctionnement"
"""


def config_with(tmp_path, keys: str = 'metropole = "60", sitiv = "40"'):
    directory = tmp_path / "config"
    shutil.copytree(EXAMPLE_CONFIG.parent, directory)
    main = directory / EXAMPLE_CONFIG.name
    main.write_text(main.read_text(encoding="utf-8") + VISIO.format(keys=keys), encoding="utf-8")
    (directory / "budgets" / "2024.toml").write_text(BUDGET_2024, encoding="utf-8")
    return directory / EXAMPLE_CONFIG.name


@pytest.fixture
def config(tmp_path):
    return load_config(config_with(tmp_path))


def test_a_mission_s_lines_are_split_among_its_members_with_its_keys(config):
    assert config.mission("visio").keys == (("metropole", D(60)), ("sitiv", D(40)))
    general, visio = call_for_funds(config.budgets[2024], config.key_sets).components
    # Budget 2024: the operating lines but the mission's, 100 000 €, with the keys of 2022 (53 / 30.6 / 16.4):
    # 100000 × 0.53 = 53000; × 0.306 = 30600; × 0.164 = 16400.
    assert (general.base, general.mission) == (D(100000), None)
    assert general.parts == dict(zip(THREE, (D(53000), D(30600), D(16400))))
    # Visioconférence 2024: its line, 10 001 €, with its keys: 10001 × 0.60 = 6000.60 → 6001; × 0.40 = 4000.40 →
    # 4000; the Ville de Lyon, not in the mission: 0. The rounded parts make 10 001 €, the whole.
    assert (visio.base, visio.mission) == (D(10001), "visio")
    assert visio.parts == dict(zip(THREE, (D(6001), D(0), D(4000))))
    call = call_for_funds(config.budgets[2024], config.key_sets)
    # Totals: Métropole 53000 + 6001 = 59001; Ville de Lyon 30600; SITIV 16400 + 4000 = 20400; all 110 001.
    assert call.member_totals == dict(zip(THREE, (D(59001), D(30600), D(20400))))
    assert call.total == D(110001) and not [n for n in call.notes if n.kind == "rounding"]


def test_the_call_says_which_keys_split_the_mission(config):
    body = plain(appel_report(call_for_funds(config.budgets[2024], config.key_sets), config, translator("fr"))[0])
    assert ("Visioconférence 2024 : réparti entre les membres de la mission « Visioconférence » selon ses propres "
            "clés (Métropole de Lyon 60 % et SITIV 40 %).") in body


@pytest.mark.parametrize(("keys", "problem"), [
    ('metropole = "60", sitiv = "30"', "shares adding up to 100 (they add up to 90)"),
    ('metropole = "60", ville-lyon = "40"', "a member of the mission"),
])
def test_wrong_mission_keys_are_refused_with_the_key(tmp_path, keys, problem):
    with pytest.raises(ConfigError) as raised:
        load_config(config_with(tmp_path, keys))
    assert problem in str(raised.value) and "keys" in str(raised.value)

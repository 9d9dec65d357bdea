"""Configuration: the example loads; every kind of mistake is reported with its file and dotted key."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal as D
from pathlib import Path

import pytest

from tno_bot.config import (
    CalendarSettings,
    OpenDataSettings,
    ConfigError,
    ConfigProblem,
    Person,
    RatificationSettings,
    default_config_path,
    format_problems,
    load_config,
)
from tno_bot.domain.agenda import AgendaRules
from tno_bot.domain.funding import RoundingPolicy
from tno_bot.domain.reminders import ReminderSettings

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "config" / "tno.example.toml"
BUDGET_2023 = ROOT / "config" / "budgets" / "2023.toml"
MILLET = "@pierre-alain.millet:tno.example"


def _edit(text: str, edits) -> str:
    for old, new in edits:
        assert old in text, f"edit target not found: {old!r}"
        text = text.replace(old, new, 1)
    return text


def write_config(tmp_path: Path, main=(), budget=(), budget_name: str = "2023.toml") -> Path:
    """Copy the example config and its 2023 budget into tmp_path, applying (old, new) text edits."""
    path = tmp_path / "tno.toml"
    path.write_text(_edit(EXAMPLE.read_text(encoding="utf-8"), main), encoding="utf-8")
    (tmp_path / "budgets").mkdir()
    (tmp_path / "budgets" / budget_name).write_text(_edit(BUDGET_2023.read_text(encoding="utf-8"), budget),
                                                    encoding="utf-8")
    return path


def problems_of(path: Path) -> list[ConfigProblem]:
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.problems, "ConfigError without problems"
    for problem in info.value.problems:
        assert problem.expected
    return info.value.problems


def located(problems: list[ConfigProblem]) -> set[tuple[str, str]]:
    return {(Path(p.file).name, p.key) for p in problems}


# --- the example -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def config():
    return load_config(EXAMPLE)


def test_example_members_and_keys(config):
    assert [(m.id, m.name, m.body) for m in config.members] == [
        ("metropole", "Métropole de Lyon", "Conseil de la Métropole"),
        ("ville-lyon", "Ville de Lyon", "Conseil municipal"),
        ("sitiv", "SITIV", "Comité syndical"),
    ]
    assert [k.valid_from for k in config.key_sets] == [2022]
    assert dict(config.keys_for(2022).shares) == {"metropole": D(53), "ville-lyon": D("30.6"), "sitiv": D("16.4")}
    assert config.keys_for(2035) is config.keys_for(2022)
    assert config.keys_for(2021) is None


def test_example_people_of_the_signature_sheet(config):
    assert len(config.people) == 9
    for member in ("metropole", "ville-lyon", "sitiv"):
        seats = sorted(p.seat for p in config.people if p.member == member)
        assert seats == ["suppleant", "titulaire", "titulaire"]
    assert config.person("@emeline.baume:tno.example") == Person(
        "@emeline.baume:tno.example", "Emeline Baume", "metropole", "titulaire"
    )
    assert all(p.matrix_id.endswith(":tno.example") for p in config.people + config.staff)


def test_example_roles_rules_and_settings(config):
    assert config.roles_of(MILLET) == {"president", "representant"}
    assert config.roles_of("@secretariat:tno.example") == {"secretariat"}
    assert config.roles_of("@herve.groleas:tno.example") == {"comite_technique"}
    assert config.roles_of("@admin:tno.example") == {"admin"}
    assert config.roles_of("@damien.lefort:tno.example") == {"representant"}
    assert config.roles_of("@stranger:tno.example") == frozenset()
    assert config.is_known("@admin:tno.example") and config.is_known("@secretariat:tno.example")
    assert not config.is_known("@stranger:tno.example")
    assert config.display_name("@herve.groleas:tno.example") == "Hervé Groléas"
    assert config.display_name("@stranger:tno.example") == "@stranger:tno.example"
    assert config.rooms == ("#conference:tno.example",)
    rules = config.rules
    assert (rules.agenda_notice_days, rules.reply_window_days, rules.quorum_per_member) == (30, 15, 1)
    assert (rules.max_proxies_per_holder, rules.decision_rule) == (1, "unanimite")
    assert (config.timezone, config.locale) == ("Europe/Paris", "fr")
    assert config.path == EXAMPLE


def test_example_budget(config):
    budget = config.budgets[2023]
    assert budget.rounding is RoundingPolicy.PER_MEMBER_HALF_UP
    assert len(budget.lines) == 15 and len(budget.receipts) == 4
    assert [(c.label, c.amount) for c in budget.components] == [
        ("Solde 2022", D(95000)),
        ("Étude de faisabilité 2022", D(70140)),
        ("Budget 2023", D(544175)),
    ]
    assert budget.components[1].advance.member == "metropole"
    assert budget.components[1].advance.amount == D(70140)


def test_find_member_by_id_or_name(config):
    assert config.find_member("ville-lyon").id == "ville-lyon"
    assert config.find_member("metropole de lyon").id == "metropole"
    assert config.find_member("Sitiv").id == "sitiv"
    assert config.find_member("Villeurbanne") is None
    assert config.member("sitiv").name == "SITIV" and config.member("nope") is None


def test_a_members_name_takes_its_article_none_by_default(config, tmp_path):
    assert [(m.name, m.article) for m in config.members] == [
        ("Métropole de Lyon", "la"), ("Ville de Lyon", "la"), ("SITIV", "le")]
    assert config.member_name("sitiv") == "SITIV" and config.member_name("sitiv").article == "le"
    assert config.display_name("@secretariat:tno.example").article == "le"
    assert config.member_name("nope") == "nope"
    without = load_config(write_config(tmp_path, main=[('article = "le"\nbody = "Comité syndical"',
                                                        'body = "Comité syndical"')]))
    assert without.member("sitiv").article == "" and without.member_name("sitiv").article == ""


def test_an_article_must_be_one_of_the_four(tmp_path):
    path = write_config(tmp_path, main=[('article = "le"\nbody = "Comité syndical"',
                                         'article = "du"\nbody = "Comité syndical"')])
    assert ("tno.toml", "members[2].article") in located(problems_of(path))


def test_default_config_path(tmp_path, monkeypatch):
    monkeypatch.delenv("TNO_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    assert default_config_path() == Path("config/tno.example.toml")
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "tno.toml").write_text("")
    assert default_config_path() == Path("config/tno.toml")
    monkeypatch.setenv("TNO_CONFIG", "/etc/tno.toml")
    assert default_config_path() == Path("/etc/tno.toml")


# --- every problem names its file and key ----------------------------------------------------------------------

MAIN = "tno.toml"
BUDGET = "2023.toml"
EMELINE = 'matrix_id = "@emeline.baume:tno.example"'


@pytest.mark.parametrize(
    "main, budget, where",
    [
        pytest.param([('sitiv = "16.4"', 'sitiv = "16.3"')], [], (MAIN, "keys[0].shares"), id="keys-not-100"),
        pytest.param([('sitiv = "16.4"', 'sitiv = "16.4"\nvilleurbanne = "0"')], [],
                     (MAIN, "keys[0].shares.villeurbanne"), id="key-unknown-member"),
        pytest.param([('sitiv = "16.4"\n', '')], [], (MAIN, "keys[0].shares.sitiv"), id="key-set-missing-member"),
        pytest.param([("valid_from = 2022", 'valid_from = "2022"')], [], (MAIN, "keys[0].valid_from"),
                     id="key-wrong-type"),
        pytest.param([('[keys.shares]', 'shares = "53/30.6/16.4"\n[unused]')], [], (MAIN, "keys[0].shares"),
                     id="shares-not-a-table"),
        pytest.param([('metropole = "53"', 'metropole = "beaucoup"')], [], (MAIN, "keys[0].shares.metropole"),
                     id="share-not-a-number"),
        pytest.param([], [('advance = { member = "metropole"', 'advance = { member = "lyon"')],
                     (BUDGET, "components[1].advance.member"), id="advance-unknown-member"),
        pytest.param([('member = "metropole"\nseat', 'member = "grand-lyon"\nseat')], [],
                     (MAIN, "people[0].member"), id="person-unknown-member"),
        pytest.param([('"@zemorda.khelifi:tno.example"\nname', '"@emeline.baume:tno.example"\nname')], [],
                     (MAIN, "people[1].matrix_id"), id="duplicate-matrix-id"),
        pytest.param([('"@fabrice.faury:tno.example"\nname', '"@emeline.baume:tno.example"\nname')], [],
                     (MAIN, "staff[1].matrix_id"), id="staff-duplicates-a-person"),
        pytest.param([(EMELINE, 'matrix_id = "emeline.baume@tno.example"')], [], (MAIN, "people[0].matrix_id"),
                     id="matrix-id-no-sigil"),
        pytest.param([(EMELINE, 'matrix_id = "@Emeline Baume:tno.example"')], [], (MAIN, "people[0].matrix_id"),
                     id="matrix-id-bad-localpart"),
        pytest.param([(EMELINE, 'matrix_id = "@emeline.baume:tno_example"')], [], (MAIN, "people[0].matrix_id"),
                     id="matrix-id-bad-server"),
        pytest.param([(EMELINE, 'matrix_id = "@emeline.baume"')], [], (MAIN, "people[0].matrix_id"),
                     id="matrix-id-no-server"),
        pytest.param([('"metropole"\nseat = "titulaire"', '"metropole"\nseat = "president"')], [],
                     (MAIN, "people[0].seat"), id="bad-seat"),
        pytest.param([(f'president = ["{MILLET}"]', 'president = ["@nobody:tno.example"]')], [],
                     (MAIN, "roles.president[0]"), id="president-not-a-person"),
        pytest.param([(f'president = ["{MILLET}"]', 'president = ["@secretariat:tno.example"]')], [],
                     (MAIN, "roles.president[0]"), id="president-is-staff"),
        pytest.param([('secretariat = ["@secretariat:tno.example"]', 'secretariat = ["@ghost:tno.example"]')], [],
                     (MAIN, "roles.secretariat[0]"), id="secretariat-unknown"),
        pytest.param([('admins = ["@admin:tno.example"]', 'admins = ["admin"]')], [], (MAIN, "roles.admins[0]"),
                     id="admin-malformed"),
        pytest.param([('rooms = ["#conference:tno.example"]', 'rooms = ["conference"]')], [], (MAIN, "rooms[0]"),
                     id="room-malformed"),
        pytest.param([('id = "messagerie"', 'id = "messagerie"\nmembers = ["sitiv"]')], [],
                     (MAIN, "missions[2].members"), id="members-of-a-mission-socle"),
        pytest.param([('id = "messagerie"', 'id = "messagerie"\nkind = "specifique"')], [],
                     (MAIN, "missions[2].members"), id="mission-specifique-without-members"),
        pytest.param([('id = "messagerie"', 'id = "messagerie"\nkind = "specifique"\nmembers = ["lyon"]')], [],
                     (MAIN, "missions[2].members[0]"), id="mission-unknown-member"),
        pytest.param([('id = "identite"', 'id = "hebergement"')], [], (MAIN, "missions[1].id"),
                     id="mission-duplicate-id"),
        pytest.param([('id = "sitiv"', 'id = "sitiv"\nleft = "2030"')], [],
                     (MAIN, "members[2].left"), id="left-not-a-date"),
        pytest.param([('id = "sitiv"', 'id = "sitiv"\njoined = 2024-01-01\nleft = 2023-01-01')], [],
                     (MAIN, "members[2].left"), id="left-before-joined"),
        pytest.param([('id = "sitiv"', 'id = "sitiv"\nadmitted_by = "TNO 2023-04"')], [],
                     (MAIN, "members[2].joined"), id="admitted-without-joined"),
        pytest.param([], [("amount = 70140\nadvance", "amount = -70140\nadvance")],
                     (BUDGET, "components[1].advance"), id="advance-on-an-amount-given-back"),
        pytest.param([], [("amount = 95000", "amount = 95000\nkeys_year = 2021")], (BUDGET, "components[0].keys_year"),
                     id="keys-year-without-keys"),
        pytest.param([], [("amount = 95000", "amount = 95000\nkeys_year = 2024")], (BUDGET, "components[0].keys_year"),
                     id="keys-year-after-the-budget"),
        pytest.param([], [("fonctionnement = 140000", "fonctionnement = -140000")], (BUDGET, "lines[0].fonctionnement"),
                     id="negative-line"),
        pytest.param([], [("amount = 70140 }", "amount = -70140 }")], (BUDGET, "components[1].advance.amount"),
                     id="negative-advance"),
        pytest.param([], [("amount = 95000", "amount = 95000.001")], (BUDGET, "components[0].amount"),
                     id="amount-below-the-cent"),
        pytest.param([], [("fonctionnement = 544175", "fonctionnement = 544176")], (BUDGET, "fonctionnement"),
                     id="section-unbalanced"),
        pytest.param([], [("investissement = 350000", "investissement = 340000")], (BUDGET, "investissement"),
                     id="investment-unbalanced"),
        pytest.param([], [('rounding = "per_member_half_up"', 'rounding = "bankers"')], (BUDGET, "rounding"),
                     id="unknown-rounding"),
        pytest.param([], [('from_budget = "fonctionnement"', 'from_budget = "cantine"')],
                     (BUDGET, "components[2].from_budget"), id="unknown-section"),
        pytest.param([], [('from_budget = "fonctionnement"', 'from_budget = "fonctionnement"\namount = 1')],
                     (BUDGET, "components[2]"), id="amount-and-from-budget"),
        pytest.param([("agenda_notice_days = 30", 'agenda_notice_days = "30"')], [],
                     (MAIN, "rules.agenda_notice_days"), id="rule-wrong-type"),
        pytest.param([("quorum_per_member = 1", "quorum_per_member = true")], [],
                     (MAIN, "rules.quorum_per_member"), id="bool-is-not-an-integer"),
        pytest.param([('decision_rule = "unanimite"', 'decision_rule = "majorite"')], [],
                     (MAIN, "rules.decision_rule"), id="unknown-decision-rule"),
        pytest.param([('name = "SITIV"', "name = 3")], [], (MAIN, "members[2].name"), id="name-wrong-type"),
        pytest.param([('rooms = ["#conference:tno.example"]', 'rooms = "#conference:tno.example"')], [],
                     (MAIN, "rooms"), id="rooms-not-a-list"),
        pytest.param([('rooms = ["#conference:tno.example"]', "rooms = []")], [], (MAIN, "rooms"),
                     id="no-room-served"),
        pytest.param([('locale = "fr"\n', "")], [], (MAIN, "locale"), id="missing-locale"),
        pytest.param([('body = "Comité syndical"\n', "")], [], (MAIN, "members[2].body"), id="missing-body"),
        pytest.param([], [('label = "Solde 2022"\n', "")], (BUDGET, "components[0].label"), id="missing-label"),
        pytest.param([('id = "sitiv"', 'id = "metropole"')], [], (MAIN, "members[2].id"), id="duplicate-member"),
        pytest.param([('id = "sitiv"', 'id = "SITIV!"')], [], (MAIN, "members[2].id"), id="malformed-member-id"),
        pytest.param([('timezone = "Europe/Paris"', 'timezone = "Europe/Lyon"')], [], (MAIN, "timezone"),
                     id="unknown-timezone"),
        pytest.param([('locale = "fr"', 'locale = "de"')], [], (MAIN, "locale"), id="unsupported-locale"),
        pytest.param([('locale = "fr"', 'locale = "fr"\ntimezon = "Europe/Paris"')], [], (MAIN, "timezon"),
                     id="unknown-top-level-key"),
        pytest.param([("agenda_notice_days = 30", "agenda_notice_days = 30\nagenda_days = 30")], [],
                     (MAIN, "rules.agenda_days"), id="unknown-nested-key"),
        pytest.param([], [("rounding =", "roundng =")], (BUDGET, "roundng"), id="unknown-budget-key"),
        pytest.param([], [("year = 2023", "year = 2024")], (BUDGET, "year"), id="budget-year-not-file-name"),
        pytest.param([('budgets_dir = "budgets"', 'budgets_dir = "nowhere"')], [], (MAIN, "budgets_dir"),
                     id="no-budget-dir"),
        pytest.param([('[rules]', 'rules = [')], [], (MAIN, ""), id="toml-syntax-error"),
        pytest.param([], [("[[lines]]", "[[lines]")], (BUDGET, ""), id="budget-toml-syntax-error"),
    ],
)
def test_each_problem_names_file_and_key(tmp_path, main, budget, where):
    assert where in located(problems_of(write_config(tmp_path, main, budget)))


def test_budget_file_name_must_be_a_year(tmp_path):
    assert ("2023-projet.toml", "") in located(problems_of(write_config(tmp_path, budget_name="2023-projet.toml")))


def test_budget_year_needs_keys_in_force(tmp_path):
    path = write_config(tmp_path, budget=[("year = 2023", "year = 2021")], budget_name="2021.toml")
    assert ("2021.toml", "year") in located(problems_of(path))


def test_duplicate_key_year(tmp_path):
    second = '[[keys]]\nvalid_from = 2022\n[keys.shares]\nmetropole = 53\nville-lyon = 30.6\nsitiv = 16.4\n\n[[people]]'
    path = write_config(tmp_path, main=[("[[people]]", second)])
    assert (MAIN, "keys[1].valid_from") in located(problems_of(path))


def test_missing_file(tmp_path):
    problems = problems_of(tmp_path / "absent.toml")
    assert located(problems) == {("absent.toml", "")}


def test_admins_may_be_anyone_valid_and_numbers_parse_exactly(tmp_path):
    path = write_config(tmp_path, main=[
        ('admins = ["@admin:tno.example"]', 'admins = ["@ops:other.example:8448"]'),
        ('ville-lyon = "30.6"', "ville-lyon = 30.6"),  # a TOML float, read without binary artefacts
    ])
    config = load_config(path)
    assert config.roles_of("@ops:other.example:8448") == {"admin"}
    assert config.keys_for(2023).shares["ville-lyon"] == D("30.6")


def test_several_problems_at_once(tmp_path):
    path = write_config(
        tmp_path,
        main=[
            ('sitiv = "16.4"', 'sitiv = "16"'),
            (EMELINE, 'matrix_id = "@emeline:"'),
            ('timezone = "Europe/Paris"', 'timezone = "Mars/Olympus"'),
            ('locale = "fr"', 'locale = "fr"\nlangue = "fr"'),
        ],
        budget=[("fonctionnement = 544175", "fonctionnement = 1"), ("amount = 95000", "amount = 1.001")],
    )
    with pytest.raises(ConfigError) as info:
        load_config(path)
    problems = info.value.problems
    assert {
        (MAIN, "keys[0].shares"),
        (MAIN, "people[0].matrix_id"),
        (MAIN, "timezone"),
        (MAIN, "langue"),
        (BUDGET, "fonctionnement"),
        (BUDGET, "components[0].amount"),
    } <= located(problems)
    text = str(info.value)
    assert text == format_problems(problems)
    assert f"{path}: keys[0].shares: " in text
    assert len(text.splitlines()) == len(problems)


def test_problem_string():
    assert str(ConfigProblem("tno.toml", "locale", "one of fr, en")) == "tno.toml: locale: one of fr, en"
    assert str(ConfigProblem("tno.toml", "", "valid TOML")) == "tno.toml: valid TOML"


# --- agenda rules and reminders ----------------------------------------------------------------------------------


def test_example_agenda_rules_and_reminders(config):
    assert config.rules.extend_to_working_day is False
    assert config.agenda_rules == AgendaRules(notice_days=30, reply_window_days=15, extend_to_working_day=False)
    assert config.reminders == ReminderSettings(
        notice_days_before=(7, 1), window_days_before=(3,), hour=time(9, 0), conference_eve=True,
        conference_morning=True, conference_morning_hour=time(8, 0),
    )


def test_reminders_and_extension_are_optional(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8")
    start, end = text.index("[reminders]"), text.index("# Membres de l'entente")
    path = write_config(tmp_path, main=[(text[start:end], ""), ("extend_to_working_day = false\n", ""),
                                        ("agenda_notice_franc = false\n", "")])
    config = load_config(path)
    assert config.reminders == ReminderSettings()
    assert config.reminders.on_days_off is False
    assert config.agenda_rules.extend_to_working_day is False and config.agenda_rules.notice_franc is False


def test_reminders_set(tmp_path):
    path = write_config(tmp_path, main=[
        ("extend_to_working_day = false", "extend_to_working_day = true"),
        ("notice_days_before = [7, 1]", "notice_days_before = [14, 7, 0]"),
        ('hour = "09:00"', "hour = 10:30:00"),  # a TOML local time is accepted too
        ("conference_morning = true", "conference_morning = false"),
        ("agenda_notice_franc = false", "agenda_notice_franc = true"),
        ("on_days_off = false", "on_days_off = true"),
    ])
    config = load_config(path)
    assert config.agenda_rules.extend_to_working_day is True
    assert config.agenda_rules.notice_franc is True and config.reminders.on_days_off is True
    assert config.reminders.notice_days_before == (14, 7, 0)
    assert config.reminders.hour == time(10, 30)
    assert config.reminders.conference_morning is False


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        pytest.param("extend_to_working_day = false", 'extend_to_working_day = "no"', "rules.extend_to_working_day",
                     id="extension-not-a-boolean"),
        pytest.param("agenda_notice_franc = false", "agenda_notice_franc = 1", "rules.agenda_notice_franc",
                     id="franc-not-a-boolean"),
        pytest.param("on_days_off = false", 'on_days_off = "oui"', "reminders.on_days_off",
                     id="days-off-not-a-boolean"),
        pytest.param("notice_days_before = [7, 1]", "notice_days_before = [7, 7]", "reminders.notice_days_before",
                     id="duplicate-offset"),
        pytest.param("notice_days_before = [7, 1]", "notice_days_before = [-1]", "reminders.notice_days_before",
                     id="negative-offset"),
        pytest.param("window_days_before = [3]", "window_days_before = 3", "reminders.window_days_before",
                     id="offsets-not-a-list"),
        pytest.param("window_days_before = [3]", "window_days_before = [true]", "reminders.window_days_before",
                     id="offset-boolean"),
        pytest.param('hour = "09:00"', 'hour = "9h"', "reminders.hour", id="hour-malformed"),
        pytest.param('hour = "09:00"', 'hour = "24:00"', "reminders.hour", id="hour-out-of-range"),
        pytest.param('conference_morning_hour = "08:00"', "conference_morning_hour = 8",
                     "reminders.conference_morning_hour", id="morning-hour-not-a-time"),
        pytest.param("conference_eve = true", "conference_eve = 1", "reminders.conference_eve", id="eve-not-a-bool"),
        pytest.param("conference_eve = true", "conference_eve = true\nweekly = true", "reminders.weekly",
                     id="unknown-reminder-key"),
    ],
)
def test_reminder_problems(tmp_path, old, new, key):
    assert (MAIN, key) in located(problems_of(write_config(tmp_path, main=[(old, new)])))


def test_reminders_must_be_a_table(tmp_path):
    path = write_config(tmp_path, main=[('locale = "fr"', 'locale = "fr"\nreminders = 3'), ("[reminders]", "[x]")])
    assert (MAIN, "reminders") in located(problems_of(path))


# --- ratification --------------------------------------------------------------------------------------------------


def test_example_ratification_settings(config):
    assert config.ratification == RatificationSettings(reminder_interval_days=14, reminder_hour=time(9, 0))


def test_ratification_is_optional(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8")
    start, end = text.index("[ratification]"), text.index("# Membres de l'entente")
    assert load_config(write_config(tmp_path, main=[(text[start:end], "")])).ratification == RatificationSettings()


def test_ratification_set(tmp_path):
    path = write_config(tmp_path, main=[("reminder_interval_days = 14", "reminder_interval_days = 7"),
                                        ('reminder_hour = "09:00"', 'reminder_hour = "17:30"')])
    assert load_config(path).ratification == RatificationSettings(7, time(17, 30))


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        pytest.param("reminder_interval_days = 14", "reminder_interval_days = 0", "ratification.reminder_interval_days",
                     id="interval-zero"),
        pytest.param("reminder_interval_days = 14", 'reminder_interval_days = "14"',
                     "ratification.reminder_interval_days", id="interval-not-an-integer"),
        pytest.param("reminder_interval_days = 14", "reminder_interval_days = true",
                     "ratification.reminder_interval_days", id="interval-boolean"),
        pytest.param("reminder_interval_days = 14", "reminder_interval_days = 400",
                     "ratification.reminder_interval_days", id="interval-too-long"),
        pytest.param('reminder_hour = "09:00"', 'reminder_hour = "9h"', "ratification.reminder_hour",
                     id="hour-malformed"),
        pytest.param('reminder_hour = "09:00"', 'reminder_hour = "09:00"\nweekly = true', "ratification.weekly",
                     id="unknown-key"),
    ],
)
def test_ratification_problems(tmp_path, old, new, key):
    assert (MAIN, key) in located(problems_of(write_config(tmp_path, main=[(old, new)])))


# --- open data: SIRETs and the ACTES matière -----------------------------------------------------------------------


def test_open_data_of_the_example():
    config = load_config(EXAMPLE)
    assert [m.siret for m in config.members] == ["20004697700019", "21690123100011", None]
    assert config.open_data == OpenDataSettings("5.7", "Institutions et vie politique/Intercommunalité")


def test_open_data_is_optional(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8")
    start, end = text.index("[open_data]"), text.index("# Membres de l'entente")
    assert load_config(write_config(tmp_path, main=[(text[start:end], "")])).open_data == OpenDataSettings()


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        pytest.param('siret = "20004697700019"', 'siret = "20004697700018"', "members[0].siret", id="siret-luhn"),
        pytest.param('siret = "20004697700019"', 'siret = "200046977"', "members[0].siret", id="siret-a-siren"),
        pytest.param('siret = "21690123100011"', "siret = 21690123100011", "members[1].siret",
                     id="siret-not-a-string"),
        pytest.param('matiere_code = "5.7"', 'matiere_code = "5"', "open_data.matiere_code", id="matiere-level-1"),
        pytest.param('matiere_code = "5.7"', 'matiere_code = "intercommunalité"', "open_data.matiere_code",
                     id="matiere-not-a-code"),
        pytest.param('matiere_code = "5.7"\n', "", "open_data", id="matiere-name-without-code"),
        pytest.param('matiere_code = "5.7"', 'matiere_code = "5.7"\npref_id = "69"', "open_data.pref_id",
                     id="unknown-key"),
    ],
)
def test_open_data_problems(tmp_path, old, new, key):
    assert (MAIN, key) in located(problems_of(write_config(tmp_path, main=[(old, new)])))


def test_calendar_of_the_example_and_its_defaults(tmp_path):
    config = load_config(EXAMPLE)
    assert config.calendar == CalendarSettings(timedelta(hours=2), "tno.example")
    text = EXAMPLE.read_text(encoding="utf-8")
    start, end = text.index("[calendar]"), text.index("# Membres de l'entente")
    bare = load_config(write_config(tmp_path, main=[(text[start:end], "")]))
    assert bare.calendar == CalendarSettings() and bare.uid_domain == "tno.example"  # the first room's server


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param('conference_duration = "02:00"', 'conference_duration = "2h"', id="not-hh-mm"),
        pytest.param('conference_duration = "02:00"', 'conference_duration = "00:05"', id="too-short"),
        pytest.param('conference_duration = "02:00"', 'conference_duration = "13:00"', id="too-long"),
        pytest.param('conference_duration = "02:00"', "conference_duration = 120", id="a-number"),
        pytest.param('uid_domain = "tno.example"', 'uid_domain = "tno example"', id="uid-domain"),
        pytest.param('uid_domain = "tno.example"', 'uid_domain = "localhost"', id="uid-domain-no-dot"),
    ],
)
def test_calendar_problems(tmp_path, old, new):
    key = "calendar." + old.split(" ")[0]
    assert (MAIN, key) in located(problems_of(write_config(tmp_path, main=[(old, new)])))


# --- accepted before, harmful at run time -----------------------------------------------------


def expectation(problems: list[ConfigProblem], where: tuple[str, str]) -> str:
    """The expectation of the one problem at `where`."""
    found = [p.expected for p in problems if (Path(p.file).name, p.key) == where]
    assert len(found) == 1, (where, problems)
    return found[0]


def test_two_people_with_the_same_name_are_refused(tmp_path):
    """`!present Emeline Baume` would record whichever comes first: a name designates one person."""
    path = write_config(tmp_path, main=[('name = "Zemorda Khelifi"', 'name = "emeline BAUME"')])
    expected = expectation(problems_of(path), (MAIN, "people[1].name"))
    assert "also in people[0]" in expected and "distinct names" in expected


def test_a_staff_member_named_as_a_person_is_refused(tmp_path):
    path = write_config(tmp_path, main=[('name = "Fabrice Faury"', 'name = "Émeline Baume"')])
    assert "also in people[0]" in expectation(problems_of(path), (MAIN, "staff[1].name"))


def test_a_quorum_a_member_cannot_reach_is_refused(tmp_path):
    path = write_config(tmp_path, main=[("quorum_per_member = 1", "quorum_per_member = 4")])
    expected = expectation(problems_of(path), (MAIN, "rules.quorum_per_member"))
    assert "at most the number of representatives of each member" in expected
    assert "'metropole' has 3" in expected and "got 4" in expected
    (tmp_path / "three").mkdir()
    load_config(write_config(tmp_path / "three", main=[("quorum_per_member = 1", "quorum_per_member = 3")]))


@pytest.mark.parametrize("name", ["agenda_notice_days", "reply_window_days"])
@pytest.mark.parametrize("value", ["1000000000000000000", "367", "-1"])
def test_absurd_day_counts_are_refused(tmp_path, name, value):
    default = {"agenda_notice_days": "30", "reply_window_days": "15"}[name]
    path = write_config(tmp_path, main=[(f"{name} = {default}", f"{name} = {value}")])
    expected = expectation(problems_of(path), (MAIN, f"rules.{name}"))
    assert expected == f"a whole number of calendar days from 0 to 366 (got {value})"


def test_a_year_of_notice_is_accepted(tmp_path):
    path = write_config(tmp_path, main=[("agenda_notice_days = 30", "agenda_notice_days = 366")])
    assert load_config(path).rules.agenda_notice_days == 366


def test_no_roles_table_is_refused(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8")
    roles = text[text.index("[roles]"):]
    roles = roles[:roles.index("\n\n") + 1] if "\n\n" in roles else roles
    path = write_config(tmp_path, main=[(roles, "")])
    expected = expectation(problems_of(path), (MAIN, "roles"))
    assert "a [roles] table naming at least the president and the comite_technique" in expected


@pytest.mark.parametrize("role", ["president", "comite_technique"])
def test_a_role_nobody_holds_is_refused(tmp_path, role):
    text = EXAMPLE.read_text(encoding="utf-8")
    start = text.index(f"{role} = [", text.index("[roles]"))
    end = text.index("]", start) + 1
    path = write_config(tmp_path, main=[(text[start:end], f"{role} = []")])
    assert expectation(problems_of(path), (MAIN, f"roles.{role}")).startswith("at least one matrix user id")


def test_a_component_listed_twice_is_refused(tmp_path):
    path = write_config(tmp_path, budget=[('label = "Budget 2023"', 'label = "solde 2022"')])
    expected = expectation(problems_of(path), (BUDGET, "components[2].label"))
    assert "same label as components[0]" in expected


def test_an_advance_larger_than_its_component_is_refused(tmp_path):
    path = write_config(tmp_path, budget=[("amount = 70140 }", "amount = 70141 }")])
    expected = expectation(problems_of(path), (BUDGET, "components[1].advance.amount"))
    assert expected == "an advance of at most the component's amount (70140; got 70141)"


@pytest.mark.parametrize("which", ["main", "budget"])
def test_a_file_not_in_utf8_is_reported_not_raised(tmp_path, which):
    path = write_config(tmp_path)
    target = path if which == "main" else tmp_path / "budgets" / "2023.toml"
    target.write_bytes(target.read_text(encoding="utf-8").encode("cp1252", errors="replace"))
    problems = problems_of(path)
    assert located(problems) == {(target.name, "")}
    assert problems[0].expected.startswith("a text file encoded in UTF-8 (line ")
    assert "is not UTF-8; save the file as UTF-8)" in problems[0].expected


def test_check_config_reports_a_latin1_file_without_traceback(tmp_path, capsys):
    from tno_bot.cli import main

    path = write_config(tmp_path)
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252", errors="replace"))
    assert main(["check-config", "--config", str(path)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and f"{path}: a text file encoded in UTF-8" in err


@pytest.mark.parametrize(("old", "new", "key"), [
    ('presidence_absent = "vice_president"', 'presidence_absent = "tirage"', "rules.presidence_absent"),
    ('admins = ["@admin:tno.example"]', 'admins = ["@admin:tno.example"]\nvice_president = ["@admin:tno.example"]',
     "roles.vice_president[0]"),
])
def test_who_presides_in_the_president_s_absence_is_checked(tmp_path, old, new, key):
    """Issue 12: `[rules] presidence_absent` is one of the stated readings; a vice-président is a representative."""
    assert (MAIN, key) in located(problems_of(write_config(tmp_path, main=[(old, new)])))


def test_a_representative_s_birth_date_is_read(tmp_path):
    old = 'name = "Emeline Baume"'
    config = load_config(write_config(tmp_path, main=[(old, old + "\nborn = 1961-05-04")]))
    assert config.person("@emeline.baume:tno.example").born == date(1961, 5, 4)


def test_the_example_states_the_readings_of_a_favourable_avis_and_a_suppleants_pouvoir(config):
    """Issue 12: both keys in the example, at their defaults (today's rules)."""
    assert (config.rules.avis_favorable_bloque, config.rules.pouvoir_suppleant) == (True, False)
    assert config.agenda_rules.avis_favorable_bloque is True


@pytest.mark.parametrize(("old", "new", "key", "read"), [
    ("avis_favorable_bloque = true", "avis_favorable_bloque = false", None, ("avis_favorable_bloque", False)),
    ("pouvoir_suppleant = false", "pouvoir_suppleant = true", None, ("pouvoir_suppleant", True)),
    ("avis_favorable_bloque = true", 'avis_favorable_bloque = "non"', "rules.avis_favorable_bloque", None),
    ("pouvoir_suppleant = false", "pouvoir_suppleant = 1", "rules.pouvoir_suppleant", None),
])
def test_a_favourable_avis_and_a_suppleants_pouvoir_are_booleans(tmp_path, old, new, key, read):
    path = write_config(tmp_path, main=[(old, new)])
    if key is not None:
        assert (MAIN, key) in located(problems_of(path))
    else:
        name, value = read
        assert getattr(load_config(path).rules, name) is value

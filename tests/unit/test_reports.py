"""Reports: the adopted figures of decision 2022-02 in plain text, HTML and JSON; escaping; budget, share, keys."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

import pytest

from tests.text import plain
from tno_bot.config import Member
from tno_bot.domain.funding import CallForFunds, Note, RoundingPolicy, call_for_funds, split, summarize_budget
from tno_bot.i18n import translator
from tno_bot.reports.funding import appel_json, appel_report, budget_json, budget_report, keys_report, share_report
from tno_bot.reports.readings import notice_reading, pouvoir_reading, presidency_reading

TOTALS_FR = ("305 797 €", "217 051 €", "116 328 €", "639 176 €")


@pytest.fixture(scope="module")
def call(config) -> CallForFunds:
    return call_for_funds(config.budgets[2023], config.key_sets)


def test_plain_report_reproduces_the_decision(call, config):
    text, _ = appel_report(call, config, translator("fr"))
    text = plain(text)
    assert text.startswith("Appel de fonds 2023 : 639 176 €\n\nMétropole de Lyon : 305 797 €\n")
    for figure in (
        *TOTALS_FR,
        "50 350 €",
        "\u221232 966 €",
        "288 413 €",
        "29 070 €",
        "21 463 €",
        "166 518 €",
        "15 580 €",
        "11 503 €",
        "89 245 €",
        "95 000 €",
        "544 176 €",
    ):
        assert figure in text, figure
    assert (
        "Budget 2023 : la somme des parts arrondies (544 176 €) dépasse le montant réparti (544 175 €) de 1 € "
        "— arrondi à l’euro par membre, comme la délibération."
    ) in text
    assert "Section investissement : dépenses 975 000 €, recettes 975 000 € — équilibrée." in text
    assert "Section fonctionnement : dépenses 544 175 €, recettes 544 175 € — équilibrée." in text
    assert "moins l’avance de 70 140 € déjà versée (Métropole de Lyon)" in text
    assert "<" not in text and "|" not in text  # no markup in the body a phone client shows as is


def test_html_report_is_lists_a_phone_renders(call, config):
    _, html = appel_report(call, config, translator("fr"))
    html = plain(html)
    assert "<table" not in html
    assert ("<p><strong>Métropole de Lyon : 305 797 €</strong></p><ul><li>Solde 2022 : 50 350 €</li>"
            "<li>Étude de faisabilité 2022 : \u221232 966 €</li><li>Budget 2023 : 288 413 €</li></ul>") in html
    assert "<p><strong>Total : 639 176 €</strong></p>" in html
    for figure in TOTALS_FR:
        assert figure in html
    assert html.count("<ul>") == 5  # three members, totals, notes


def test_english_report(call, config):
    text, html = appel_report(call, config, translator("en"))
    for figure in ("€305,797", "€217,051", "€116,328", "€639,176", "-€32,966"):
        assert figure in text and figure in html
    assert "Budget 2023: the sum of the rounded parts (€544,176) exceeds the amount split (€544,175) by €1" in text


def test_report_for_one_member(call, config):
    text, html = appel_report(call, config, translator("fr"), member_id="sitiv")
    assert "SITIV : 116 328 €" in plain(text) and "Ville de Lyon :" not in text
    assert "SITIV : 116 328 €" in plain(html) and "Ville de Lyon :" not in plain(html)


def test_html_escapes_config_strings(call, config):
    hostile = dataclasses.replace(
        config, members=(Member("metropole", "<b>Métropole</b> & co", "Conseil"), *config.members[1:])
    )
    text, html = appel_report(call, hostile, translator("fr"))
    assert "<b>" not in html and "&lt;b&gt;Métropole&lt;/b&gt; &amp; co" in html
    assert "<b>Métropole</b> & co" in text  # the plain body is not HTML


def test_json_shape_and_figures(call, config):
    data = appel_json(call, config)
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert data["year"] == 2023 and data["currency"] == "EUR" and data["total"] == "639176"
    assert data["components"] == [
        {"label": "Solde 2022", "total": "95000"},
        {"label": "Étude de faisabilité 2022", "total": "0"},
        {"label": "Budget 2023", "total": "544176"},
    ]
    assert [(m["id"], m["name"], m["total"]) for m in data["members"]] == [
        ("metropole", "Métropole de Lyon", "305797"),
        ("ville-lyon", "Ville de Lyon", "217051"),
        ("sitiv", "SITIV", "116328"),
    ]
    assert data["members"][0]["parts"] == {
        "Solde 2022": "50350",
        "Étude de faisabilité 2022": "-32966",
        "Budget 2023": "288413",
    }
    assert data["notes"][0] == {
        "kind": "rounding",
        "label": "Budget 2023",
        "expected": "544175",
        "actual": "544176",
        "difference": "1",
        "ok": False,
    }
    assert [n["kind"] for n in data["notes"]] == ["rounding", "balance", "balance"]


def test_json_amounts_have_no_exponent(config):
    call = CallForFunds(2030, (), {"metropole": Decimal("1E+3"), "sitiv": Decimal("12.5")}, Decimal("1.0125E+3"), ())
    data = appel_json(call, config)
    assert [m["total"] for m in data["members"]] == ["1000", "12.50"]
    assert data["total"] == "1012.50"


def test_unbalanced_and_short_rounding_notes(config):
    notes = (
        Note("rounding", "Reliquat", Decimal("100"), Decimal("99")),
        Note("balance", "investissement", Decimal("975000"), Decimal("970000")),
        Note("balance", "fonctionnement", Decimal("10"), Decimal("12")),
    )
    call = CallForFunds(2023, (), {}, Decimal(0), notes)
    text = plain(appel_report(call, config, translator("fr"))[0])
    assert "Reliquat : la somme des parts arrondies (99 €) est inférieure au montant réparti (100 €) de 1 €" in text
    assert "non équilibrée : les dépenses dépassent les recettes de 5 000 €." in text
    assert "non équilibrée : les recettes dépassent les dépenses de 2 €." in text


def test_budget_report(config):
    summary = summarize_budget(config.budgets[2023])
    text, html = budget_report(summary, translator("fr"))
    text = plain(text)
    assert "Collaboratif : investissement 180 000 €, fonctionnement 174 175 €" in text
    assert "Total des dépenses : investissement 975 000 €, fonctionnement 544 175 €" in text
    assert "Plan France Relance : investissement 500 000 €" in text
    assert "Section fonctionnement : dépenses 544 175 €, recettes 544 175 € — équilibrée." in text
    assert "Détail de la mission" not in text
    assert "<table" not in html
    assert "<li>Collaboratif : investissement 180 000 €, fonctionnement 174 175 €</li>" in plain(html)
    assert "<p><strong>Total des dépenses : investissement 975 000 €, fonctionnement 544 175 €</strong></p>" in plain(
        html)


def test_budget_report_for_one_mission(config):
    summary = summarize_budget(config.budgets[2023], "identite de territoire")
    text, html = budget_report(summary, translator("en"), "identite de territoire")
    assert "Mise en œuvre d'une fédération de fédération: investment €20,000, operating €20,000" in text
    assert "Hébergement" not in text
    assert "<table" not in html and "<li>Mise en œuvre d&#x27;une fédération de fédération: investment" in html
    assert budget_json(summary)["lines"][1]["investissement"] == "20000"


def test_share_report(config):
    keys = config.keys_for(2023)
    parts = split(Decimal("1234.56"), keys.shares, RoundingPolicy.PER_MEMBER_HALF_UP)
    text, html = share_report(Decimal("1234.56"), 2023, parts, keys, config, translator("fr"))
    text = plain(text)
    assert text.splitlines()[0] == "Répartition de 1 234,56 € selon les clés en vigueur en 2023 (depuis 2022) :"
    assert "• Métropole de Lyon (53 %) : 654 €" in text
    assert "les parts totalisent 1 234 €, et non 1 234,56 €." in text
    assert "<table" not in html and "<li>Métropole de Lyon (53 %) : 654 €</li>" in plain(html)


def test_keys_report(config):
    text, html = keys_report(config.keys_for(2025), config, translator("en"), 2025)
    assert text == (
        "Contribution keys in force in 2025 (since 2022):\n• Métropole de Lyon: 53%\n"
        "• Ville de Lyon: 30.6%\n• SITIV: 16.4%"
    )
    assert html == ("<p>Contribution keys in force in 2025 (since 2022):</p><ul><li>Métropole de Lyon: 53%</li>"
                    "<li>Ville de Lyon: 30.6%</li><li>SITIV: 16.4%</li></ul>")


# --- readings of the conference's rules (issue 12) -----------------------------------------------------------------


def with_rules(config, **rules):
    return dataclasses.replace(config, rules=dataclasses.replace(config.rules, **rules))


def test_the_presidency_reading_names_the_vice_presidents_or_the_eldest(config):
    vice = dataclasses.replace(config, roles=dataclasses.replace(config.roles, vice_president=(
        "@bertrand.maes:tno.example",)))
    assert plain(presidency_reading(vice, translator("fr"))) == (
        "Règle de la conférence (réglage presidence_absent) : quand le président est noté absent ou excusé, le premier "
        "vice-président noté présent préside la séance (rôle vice_president, dans cet ordre : Bertrand Maes). Il en "
        "ouvre et clôt les votes, et le compte rendu le dit.")
    eldest = presidency_reading(with_rules(vice, presidence_absent="doyen"), translator("en"))
    assert eldest.startswith("Rule of the conference (config presidence_absent): when the président is recorded absent "
                             "or excused, the eldest representative present presides the séance")
    assert "Bertrand Maes" not in eldest


def test_the_avis_reading_follows_avis_favorable_bloque(config):
    blocking = plain(notice_reading(config, translator("fr")))
    assert blocking.endswith("« sans avis en retour » s’entend sans aucun avis, donc un avis favorable (!odj avis "
                             "favorable) empêche aussi la fixation tacite, et le président fixe alors l’ordre du jour.")
    letting = plain(notice_reading(with_rules(config, avis_favorable_bloque=False), translator("fr")))
    assert letting.endswith("un avis favorable (!odj avis favorable) n’empêche pas la fixation tacite ; un avis "
                            "portant des remarques ou des réserves l’empêche.")


def test_the_pouvoir_reading_follows_pouvoir_suppleant(config):
    assert "seul un titulaire donne un pouvoir" in plain(pouvoir_reading(config, translator("fr")))
    allowed = plain(pouvoir_reading(with_rules(config, pouvoir_suppleant=True), translator("fr")))
    assert "un suppléant empêché peut aussi donner un pouvoir" in allowed
    assert "seul un titulaire" not in allowed

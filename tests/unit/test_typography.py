"""French typography (`tno_bot/i18n/typography.py`), on its own and through the French translator."""

from __future__ import annotations

import re
from datetime import date, time
from decimal import Decimal

import pytest

from tno_bot.i18n import translator
from tno_bot.i18n.typography import MINUS, NBSP, NNBSP, first_of_month, french, heure, minus


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Utilisation : !appel", f"Utilisation{NBSP}: !appel"),
        ("Notes:", f"Notes{NBSP}:"),
        ("fait ; défait", f"fait{NNBSP}; défait"),
        ("Vraiment ? Oui !", f"Vraiment{NNBSP}? Oui{NNBSP}!"),
        ("« pour »", f"«{NNBSP}pour{NNBSP}»"),
        ("«pour»", f"«{NNBSP}pour{NNBSP}»"),
        ("l'ordre du jour d'Alain", "l’ordre du jour d’Alain"),
        ("aujourd'hui", "aujourd’hui"),
    ],
)
def test_french_prose(text, expected):
    assert french(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Tapez !vote pour ou !aide vote.",  # commands to type stay typeable
        "Voir https://matrix.to/#/@emeline.baume:tno.example?via=tno.example",  # URLs and Matrix ids
        "@secretariat:tno.example et !conference:tno.example et #tno:tno.example",
        "à 10:30, le 2025-11-07T10:00",  # times and ISO stamps are not punctuation
        "<b>gras</b> <a href='x'>lien</a>",  # markup is kept as it is
        "Pas d’espace à ajouter\u00a0: déjà fait",
    ],
)
def test_what_is_not_prose_is_kept(text):
    assert french(text) == text


def test_placeholders_are_kept_so_user_text_is_never_retyped():
    template = french("Vote sur « {title} » : {count} voix ; l'{name:>3} ?")
    assert template == f"Vote sur «{NNBSP}{{title}}{NNBSP}»{NBSP}: {{count}} voix{NNBSP}; l’{{name:>3}}{NNBSP}?"
    assert template.format(title="Budget : 'v2' !", count=3, name="x").startswith(
        f"Vote sur «{NNBSP}Budget : 'v2' !{NNBSP}»")


def test_french_is_idempotent():
    once = french("Note : « l'avis » ; pourquoi ? Voilà !")
    assert french(once) == once


def test_first_of_month_and_nothing_else():
    assert first_of_month("mardi 1 décembre 2026") == "mardi 1er décembre 2026"
    assert first_of_month("1 mai 2026") == "1er mai 2026"
    assert first_of_month("11 décembre 2026, 21 mai, 31 août") == "11 décembre 2026, 21 mai, 31 août"
    assert first_of_month("1 point") == "1 point"


@pytest.mark.parametrize(
    ("t", "expected"), [(time(10, 0), "10 h"), (time(10, 30), "10 h 30"), (time(8, 5), "8 h 05"),
                        (time(0, 0), "0 h")])
def test_heure(t, expected):
    assert heure(t) == expected.replace(" ", NBSP)


def test_minus_sign():
    assert minus("-32 966 €") == MINUS + "32 966 €"
    assert minus("32 966 €") == "32 966 €"


def test_the_french_translator_applies_it_and_the_english_one_does_not():
    fr, en = translator("fr"), translator("en")
    assert fr.gettext("Usage:") == f"Utilisation{NBSP}:"
    assert en.gettext("Usage:") == "Usage:"
    assert fr.date(date(2026, 12, 1)) == "mardi 1er décembre 2026"
    assert en.date(date(2026, 12, 1)) == "Tuesday, December 1, 2026"
    assert fr.money(Decimal(-32966)).startswith(MINUS)
    assert en.money(Decimal(-32966)).startswith("-")
    assert fr.time(time(14, 30)) == f"14{NBSP}h{NBSP}30"


def test_no_french_message_keeps_an_ordinary_space_before_a_colon_or_a_straight_apostrophe():
    fr = translator("fr")
    for msgstr in fr._translations._catalog.values():
        prose = re.sub(r"\{[^{}]*\}|<[^<>]*>", "", msgstr)
        assert " :" not in prose and "'" not in prose, msgstr

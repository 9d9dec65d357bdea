"""Catalogs and Babel formats: every msgid of the source is translated in French and present in English."""

from __future__ import annotations

import re
from datetime import date, time
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import tno_bot
from tests.text import plain as _spaces
from tno_bot.i18n import N_, SUPPORTED_LANGUAGES, catalog_path, translator

KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _source_msgids() -> set:
    package = Path(tno_bot.__file__).parent
    return {message for _, _, message, _, _ in extract_from_dir(package, keywords=KEYWORDS)}


def _catalog(language: str):
    with catalog_path(language).open("rb") as po:
        return read_po(po, locale=language)


def _strings(value) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)


def test_the_source_has_msgids() -> None:
    msgids = _source_msgids()
    assert "Usage:" in msgids and "Funding" in msgids  # gettext() calls and N_() markers are both extracted
    assert len(msgids) > 50


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_every_msgid_of_the_source_is_in_the_catalog(language: str) -> None:
    catalog = _catalog(language)
    missing = [m for m in _source_msgids() if catalog.get(m) is None]
    assert missing == []


def test_every_msgid_is_translated_in_french_with_the_same_placeholders() -> None:
    catalog = _catalog("fr")
    for msgid in _source_msgids():
        message = catalog.get(msgid)
        assert not message.fuzzy, msgid
        for text, translated in zip(_strings(msgid) * 2, _strings(message.string)):
            assert translated, f"untranslated: {msgid!r}"
            assert set(PLACEHOLDER.findall(translated)) <= set(PLACEHOLDER.findall(text)) | {"n"}, msgid


def test_the_catalogs_hold_no_obsolete_msgid() -> None:
    source = _source_msgids()
    for language in SUPPORTED_LANGUAGES:
        assert {m.id for m in _catalog(language) if m.id} <= source, language


def test_messages_and_plurals() -> None:
    fr, en = translator("fr"), translator("en")
    assert fr.gettext("Usage:") == "Utilisation\u00a0:"
    assert en.gettext("Usage:") == "Usage:"
    assert fr.gettext("Budget {year}", year=2023) == "Budget 2023"
    assert fr.ngettext("{n} member", "{n} members", 1) == "1 membre"
    assert fr.ngettext("{n} member", "{n} members", 3) == "3 membres"
    assert en.ngettext("{n} member", "{n} members", 1) == "1 member"
    assert en.ngettext("{n} member", "{n} members", 0) == "0 members"
    assert N_("anything") == "anything"


@pytest.mark.parametrize(
    ("language", "amount", "expected"),
    [
        ("fr", "305797", "305 797 €"),
        ("fr", "-32966", "\u221232 966 €"),
        ("fr", "1234.5", "1 234,50 €"),
        ("fr", "0.01", "0,01 €"),
        ("fr", "95000.00", "95 000 €"),
        ("en", "305797", "€305,797"),
        ("en", "-32966", "-€32,966"),
        ("en", "1234.5", "€1,234.50"),
    ],
)
def test_money(language: str, amount: str, expected: str) -> None:
    assert _spaces(translator(language).money(Decimal(amount))) == expected


def test_numbers_percent_dates_lists() -> None:
    fr, en = translator("fr"), translator("en")
    assert _spaces(fr.percent(Decimal("30.6"))) == "30,6 %"
    assert en.percent(Decimal("30.6")) == "30.6%"
    assert _spaces(fr.percent(Decimal("53"))) == "53 %"
    assert _spaces(fr.number(20001)) == "20 001"
    assert fr.date(date(2022, 11, 7)) == "lundi 7 novembre 2022"
    assert fr.date(date(2026, 12, 1)) == "mardi 1er décembre 2026"
    assert fr.date(date(2026, 12, 1), format="long") == "1er décembre 2026"
    assert fr.date(date(2026, 12, 11)) == "vendredi 11 décembre 2026"
    assert _spaces(fr.time(time(10, 0))) == "10 h" and _spaces(fr.time(time(9, 5))) == "9 h 05"
    assert en.time(time(14, 30)) in ("2:30 PM", "2:30\u202fPM")
    assert en.date(date(2022, 11, 7)) == "Monday, November 7, 2022"
    assert fr.join_or(["a", "b", "c"]) == "a, b ou c"
    assert en.join_and(["a", "b"]) == "a and b"


def test_translators_are_cached_and_unknown_languages_refused() -> None:
    assert translator("fr") is translator("fr")
    with pytest.raises(ValueError):
        translator("de")

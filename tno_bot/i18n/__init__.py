"""Message catalogs (fr default, en) and the formatting of money, numbers and dates, by Babel.

The `.po` catalogs are read and compiled in memory at first use: no build step. Msgids are English; parameters are
`{name}` placeholders filled with `str.format`. The French catalog's strings get French typography
(`typography.py`) as they are compiled, before any user text is put in them; so do the French dates, times and
numbers formatted here; and the words before a placeholder agree with the value put in (`grammar.py`: "d’Alain",
"du SITIV").
"""

from __future__ import annotations

import copy
import datetime
from decimal import Decimal
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_time
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, parse_pattern
from babel.support import Translations

from tno_bot.i18n import grammar, typography

SUPPORTED_LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
DOMAIN = "tno_bot"
CURRENCY = "EUR"
LOCALES_DIR = Path(__file__).parent / "locales"


def N_(msgid: str) -> str:
    """Marks a msgid declared at import time (help texts, labels); translated later with `Translator.gettext`."""
    return msgid


def catalog_path(language: str) -> Path:
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def _compile(language: str) -> Translations:
    """Reads the `.po` catalog of `language` and compiles it in memory."""
    with catalog_path(language).open("rb") as po:
        catalog = read_po(po, locale=language, domain=DOMAIN)
    if language == "fr":
        for message in catalog:
            if message.id:
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                typed = tuple(typography.french(s) for s in strings)
                message.string = typed if isinstance(message.string, tuple) else typed[0]
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


class Translator:
    """Messages and formats of one language."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.locale = Locale.parse(language)
        self._translations = _compile(language)
        currency = parse_pattern(self.locale.currency_formats["standard"])
        self._money_whole = copy.copy(currency)
        self._money_whole.frac_prec = (0, 0)
        self._money_cents = currency
        self._percent = copy.copy(parse_pattern(self.locale.percent_formats[None]))
        self._percent.frac_prec = (0, 2)

    def gettext(self, msgid: str, **params) -> str:
        text = self._translations.gettext(msgid)
        return self._fill(text, params) if params else text

    def ngettext(self, singular: str, plural: str, n: int, **params) -> str:
        return self._fill(self._translations.ngettext(singular, plural, n), dict(params, n=n))

    def _fill(self, template: str, params: dict) -> str:
        return (grammar.agree(template, params) if self.language == "fr" else template).format(**params)

    def money(self, amount: Decimal) -> str:
        """`305 797 €` in fr, `€305,797` in en; cents only when the amount is not whole."""
        return _money(self, Decimal(amount))

    def _format_money(self, amount: Decimal) -> str:
        pattern = self._money_whole if amount == amount.to_integral_value() else self._money_cents
        return self._signed(pattern.apply(amount, self.locale, currency=CURRENCY, currency_digits=False))

    def number(self, value) -> str:
        return self._signed(format_decimal(value, locale=self.locale))

    def _signed(self, text: str) -> str:
        return typography.minus(text) if self.language == "fr" else text

    def percent(self, value: Decimal) -> str:
        """`value` in percent (30.6 -> fr `30,6 %`, en `30.6%`)."""
        return self._percent.apply(Decimal(value) / 100, self.locale)

    def join_and(self, items) -> str:
        """The items joined with "and", in the language; in French, names keep their articles ("le SITIV et la
        Métropole de Lyon", the first one's left to the sentence)."""
        items = list(items)
        if self.language != "fr" or not getattr(items[0] if items else None, "article", ""):
            return format_list(items, style="standard", locale=self.locale)
        rest = [grammar.with_article(i) for i in items[1:]]
        return type(items[0])(format_list([str(items[0]), *rest], style="standard", locale=self.locale),
                              items[0].article)

    def join_or(self, items) -> str:
        """The items joined with "or", in the language."""
        return format_list(list(items), style="or", locale=self.locale)

    def date(self, d: datetime.date, format: str = "full") -> str:
        """fr "mardi 1er décembre 2026", en "Tuesday, December 1, 2026"."""
        text = format_date(d, format=format, locale=self.locale)
        return typography.first_of_month(text) if self.language == "fr" else text

    def time(self, t: datetime.time) -> str:
        """A wall-clock time: fr "14 h 30", "10 h"; en "2:30 PM"."""
        return typography.heure(t) if self.language == "fr" else format_time(t, format="short", locale=self.locale)


def french_text(template: str, **params) -> str:
    """A French template written in the code (not in a catalog: the compte rendu's), with French typography and
    grammar, then the values (user text) put in."""
    return grammar.agree(typography.french(template), params).format(**params)


@lru_cache(maxsize=4096)
def _money(translator: Translator, amount: Decimal) -> str:
    """Babel's currency formatting costs about 25 µs: a report names the same amounts again and again (equal
    amounts, 1.5 and 1.50, are written the same)."""
    return translator._format_money(amount)


@lru_cache(maxsize=None)
def translator(language: str) -> Translator:
    """The cached translator of `language` ("fr" or "en"); anything else is a ValueError."""
    if language not in SUPPORTED_LANGUAGES:
        raise ValueError(f"unsupported language {language!r}; expected one of {', '.join(SUPPORTED_LANGUAGES)}")
    return Translator(language)

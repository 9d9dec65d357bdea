"""Parsing of argument text into values: years and amounts in euros, written the French or the English way."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from tno_bot.commands.errors import UsageError
from tno_bot.i18n import Translator

MAX_AMOUNT = Decimal(10) ** 12
MAX_AMOUNT_CHARS = 40
_YEAR = re.compile(r"[0-9]{4}")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_CURRENCY = re.compile(r"^(?:€|eur\b|euros?\b)|(?:€|\beur|\beuros?)$", re.IGNORECASE)
_NUMBER = re.compile(r"[0-9][0-9 .,]*")
# How much of the rest of a line is one amount: digits grouped by spaces ("1 234 567,89 €"), a glued tail
# (",56", ".5e3": judged later) and a currency word; a following year ("1 234 2023") is left alone.
_AMOUNT_TEXT = re.compile(
    r"""[-+−]?\s*(?:€\s*)?
        [0-9]+(?:[ \u00a0\u202f][0-9]{3}(?![0-9]))*
        (?:[.,]\S*)?
        (?:\s*(?:€|eur\b|euros?\b))?
        (?=\s|$)""",
    re.IGNORECASE | re.VERBOSE,
)


def shorten(text: str, limit: int = 40) -> str:
    """`text` cut to `limit` characters, for echoing user input in a sentence."""
    return text if len(text) <= limit else text[:limit] + "…"


def fold(text: str) -> str:
    """Case- and accent-insensitive form of `text` ("Clés" -> "cles")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def parse_year(text: str, tr: Translator) -> int:
    if not _YEAR.fullmatch(text):
        raise UsageError(
            tr.gettext("“{text}” is not a year: write it with four digits, for example 2023.", text=shorten(text))
        )
    return int(text)


def take_amount(rest: str) -> tuple[str, str]:
    """Splits `rest` into the text of a leading amount (which may contain spaces) and what follows."""
    match = _AMOUNT_TEXT.match(rest)
    if match is None:
        token, _, after = rest.partition(" ")
        return token, after
    return match.group(), rest[match.end() :]


def parse_amount(text: str, tr: Translator) -> Decimal:
    """A positive amount of at most 10^12 € with at most two decimals: "1 234,56 €", "1234.56", "1,234.56"."""
    shown = shorten(text, MAX_AMOUNT_CHARS)
    not_an_amount = UsageError(
        tr.gettext("“{text}” is not an amount: write it with digits, for example 1 234,56 or 1234.56.", text=shown)
    )
    if len(text) > MAX_AMOUNT_CHARS:
        raise not_an_amount
    number = _CURRENCY.sub("", _SPACES.sub(" ", text).strip()).strip()
    negative = number[:1] in ("-", "−")
    number = number.lstrip("+-−").strip()
    if not _NUMBER.fullmatch(number):
        raise not_an_amount
    if negative:
        raise UsageError(tr.gettext("The amount must be positive (“{text}”).", text=shown))
    digits = _plain_digits(number)
    if digits is None:
        raise not_an_amount
    value = Decimal(digits)
    if value.as_tuple().exponent < -2:
        too_precise = tr.gettext("“{text}” has more than two decimals: amounts are in euros and cents.", text=shown)
        raise UsageError(too_precise)
    if value == 0:
        raise UsageError(tr.gettext("The amount must be greater than zero."))
    if value > MAX_AMOUNT:
        limit = tr.money(MAX_AMOUNT)
        raise UsageError(tr.gettext("“{text}” is too large: at most {limit}.", text=shown, limit=limit))
    return value


def _plain_digits(number: str) -> str | None:
    """Digits with a "." decimal point ("1 234,56", "1,234.56", "1.234,56" -> "1234.56").

    None when the grouping is not by thousands.
    The last of "," and "." is the decimal separator when both appear; a single "," or "." is decimal; a separator
    repeated is grouping. Spaces always group.
    """
    marks = [c for c in ",." if c in number]
    if len(marks) == 2:
        decimal_mark = "," if number.rfind(",") > number.rfind(".") else "."
    elif len(marks) == 1 and number.count(marks[0]) == 1:
        decimal_mark = marks[0]
    else:
        decimal_mark = None
    if decimal_mark and number.count(decimal_mark) > 1:
        return None
    integer, _, fraction = number.partition(decimal_mark) if decimal_mark else (number, "", "")
    groups = re.split(r"[ .,]", integer)
    if decimal_mark and not fraction.isdigit():
        return None
    if not groups[0].isdigit() or len(groups[0]) > 3 and len(groups) > 1:
        return None
    if any(len(group) != 3 or not group.isdigit() for group in groups[1:]):
        return None
    return "".join(groups) + (f".{fraction}" if fraction else "")

"""The plain reading of the values typed in the chat or on the command line: years, whole numbers, amounts.

No wording: what cannot be read is refused with a `ParseReason`, worded by `reports.refusals`.
"""

from __future__ import annotations

import re
from decimal import Decimal
from enum import Enum

from tno_bot.domain.refusals import Refused

MAX_AMOUNT = Decimal(10) ** 12
MAX_AMOUNT_CHARS = 40
YEAR_TEXT = re.compile(r"[0-9]{4}")
ORDINAL_TEXT = re.compile(r"(?:n°|no\.?|#)?\s*(\d{1,9})", re.IGNORECASE)
SPACES = re.compile(r"[\s\u00a0\u202f]+")
CURRENCY = re.compile(r"^(?:€|eur\b|euros?\b)|(?:€|\beur|\beuros?)$", re.IGNORECASE)
NUMBER_TEXT = re.compile(r"[0-9][0-9 .,]*")
# How much of the rest of a line is one amount: digits grouped by spaces ("1 234 567,89 €"), a glued tail
# (",56", ".5e3": judged later) and a currency word; a following year ("1 234 2023") is left alone.
AMOUNT_TEXT = re.compile(
    r"""[-+−]?\s*(?:€\s*)?
        [0-9]+(?:[ \u00a0\u202f][0-9]{3}(?![0-9]))*
        (?:[.,]\S*)?
        (?:\s*(?:€|eur\b|euros?\b))?
        (?=\s|$)""",
    re.IGNORECASE | re.VERBOSE,
)


class ParseReason(str, Enum):
    NOT_A_YEAR = "not_a_year"  # params: text
    NOT_A_NUMBER = "not_a_number"  # params: text
    NOT_AN_AMOUNT = "not_an_amount"  # params: text
    NEGATIVE_AMOUNT = "negative_amount"  # params: text
    TOO_PRECISE = "too_precise"  # more than two decimals; params: text
    ZERO_AMOUNT = "zero_amount"
    TOO_LARGE = "too_large"  # params: text, limit


class ParseRefused(Refused):
    """A value that cannot be read: `reason` is a `ParseReason`."""


def parse_year(text: str) -> int:
    """A year written with four digits."""
    if not YEAR_TEXT.fullmatch(text):
        raise ParseRefused(ParseReason.NOT_A_YEAR, text=text)
    return int(text)


def parse_number(text: str) -> int:
    """A whole number from 1, possibly written "n° 2", "no. 2", "#2"."""
    match = ORDINAL_TEXT.fullmatch(text)
    if match is None or int(match[1]) == 0:
        raise ParseRefused(ParseReason.NOT_A_NUMBER, text=text)
    return int(match[1])


def take_amount(rest: str) -> tuple[str, str]:
    """Splits `rest` into the text of a leading amount (which may contain spaces) and what follows."""
    match = AMOUNT_TEXT.match(rest)
    if match is None:
        token, _, after = rest.partition(" ")
        return token, after
    return match.group(), rest[match.end() :]


def parse_amount(text: str) -> Decimal:
    """A positive amount of at most 10^12 € with at most two decimals: "1 234,56 €", "1234.56", "1,234.56"."""
    not_an_amount = ParseRefused(ParseReason.NOT_AN_AMOUNT, text=text)
    if len(text) > MAX_AMOUNT_CHARS:
        raise not_an_amount
    number = CURRENCY.sub("", SPACES.sub(" ", text).strip()).strip()
    negative = number[:1] in ("-", "−")
    number = number.lstrip("+-−").strip()
    if not NUMBER_TEXT.fullmatch(number):
        raise not_an_amount
    if negative:
        raise ParseRefused(ParseReason.NEGATIVE_AMOUNT, text=text)
    digits = plain_digits(number)
    if digits is None:
        raise not_an_amount
    value = Decimal(digits)
    if value.as_tuple().exponent < -2:
        raise ParseRefused(ParseReason.TOO_PRECISE, text=text)
    if value == 0:
        raise ParseRefused(ParseReason.ZERO_AMOUNT)
    if value > MAX_AMOUNT:
        raise ParseRefused(ParseReason.TOO_LARGE, text=text, limit=MAX_AMOUNT)
    return value


def plain_digits(number: str) -> str | None:
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

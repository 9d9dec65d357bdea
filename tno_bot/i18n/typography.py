"""French typography, in one place: applied to the bot's own French wording (the French catalog, the compte
rendu's and the CLI's French templates) *before* user text is put in, and to the numbers, dates and times it formats.

- A no-break space before `:`, and a narrow no-break space (U+202F, the "espace fine insécable") before `;` `!` `?`
  and inside « ». This is the Imprimerie nationale's rule (Lexique des règles typographiques): a word space before
  the colon, a thin space before the three other high signs and inside the guillemets. Both never break a line
  before the sign, which is what matters most on a phone's narrow column; the thin space is in every system font
  Element uses (Android, iOS, Windows, macOS).
- The typographic apostrophe (’) after a letter.
- "1er" for the first day of a month; the time as "10 h" and "10 h 30" (no-break spaces); the true minus sign
  (U+2212) for a negative amount.

Never touched: `{placeholders}` (so the user text later put in them), HTML tags and `<placeholders>` of a usage line,
URLs, Matrix ids, and a command to type (`!vote pour`: a `!` followed by a letter is not punctuation).
"""

from __future__ import annotations

import re
from datetime import time

NBSP = "\u00a0"
NNBSP = "\u202f"
MINUS = "\u2212"
APOSTROPHE = "\u2019"

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")

_PROTECTED = re.compile(
    r"\{[^{}]*\}"  # a str.format placeholder
    r"|<[^<>\s][^<>]*>"  # an HTML tag, or a usage placeholder (<titre>)
    r"|https?://\S+"  # a URL
    r"|[@!#+][\w.=/-]+:[\w.-]+(?::\d+)?"  # a Matrix id (@user:server, !room:server, #alias:server)
)
_END = r"(?=\s|$|[»\"')\]])"  # punctuation is followed by a space, the end, or a closing sign
_BEFORE_COLON = re.compile(r"(?:[ \t" + NNBSP + r"]+|(?<=[\w)»]))(:)" + _END)
_BEFORE_HIGH = re.compile(r"(?:[ \t" + NBSP + r"]+|(?<=[\w)»]))([;!?])" + _END)
_OPENING = re.compile(r"«[ \t" + NBSP + NNBSP + r"]*")
_CLOSING = re.compile(r"[ \t" + NBSP + NNBSP + r"]*»")
_APOSTROPHE = re.compile(r"(?<=\w)'")
_FIRST_OF_MONTH = re.compile(r"(?<![\d,.])1 (?=(?:" + "|".join(MONTHS) + r")\b)")


def _prose(text: str) -> str:
    text = _BEFORE_COLON.sub(NBSP + r"\1", text)
    text = _BEFORE_HIGH.sub(NNBSP + r"\1", text)
    text = _OPENING.sub("«" + NNBSP, text)
    text = _CLOSING.sub(NNBSP + "»", text)
    return _APOSTROPHE.sub(APOSTROPHE, text)


def french(text: str) -> str:
    """`text` (French wording of the bot's own, not user text) with French typography; protected spans kept."""
    parts = []
    start = 0
    for match in _PROTECTED.finditer(text):
        parts.append(_prose(text[start:match.start()]))
        parts.append(match.group())
        start = match.end()
    parts.append(_prose(text[start:]))
    return "".join(parts)


def first_of_month(date_text: str) -> str:
    """A French date with "1er" for the first day of a month ("mardi 1er décembre 2026")."""
    return _FIRST_OF_MONTH.sub("1er ", date_text)


def heure(t: time) -> str:
    """A time of day as French texts write it: "10 h", "10 h 05", "14 h 30"."""
    return f"{t.hour}{NBSP}h" if t.minute == 0 else f"{t.hour}{NBSP}h{NBSP}{t.minute:02d}"


def minus(number_text: str) -> str:
    """A formatted number with the true minus sign ("−32 966 €")."""
    return MINUS + number_text[1:] if number_text.startswith("-") else number_text

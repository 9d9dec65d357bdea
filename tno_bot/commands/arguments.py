"""Every kind of command argument, declared once: how it is cut from the line and read (years, amounts, dates in
both accepted forms, times, numbers, members, decisions, vote counts, bounded texts, choices). People are in
`people.py`. Matching is case- and accent-insensitive with the one `fold`."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time

from tno_bot.commands.context import CommandContext
from tno_bot.commands.errors import UsageError
from tno_bot.config import Member
from tno_bot.domain import parsing as domain_parsing
from tno_bot.domain.decisions import DecisionId, parse_decision_id
from tno_bot.domain.funding import fold  # noqa: F401  (the one fold, read from here by the chat)
from tno_bot.domain.parsing import take_amount
from tno_bot.domain.ratification import NUMBER_MAX_LENGTH
from tno_bot.domain.refusals import Refused
from tno_bot.i18n import N_, SUPPORTED_LANGUAGES, Translator
from tno_bot.reports.refusals import sentence
from tno_bot.reports.text import shorten

def take_word(rest: str) -> tuple[str, str]:
    head, *tail = rest.split(None, 1)
    return head, tail[0] if tail else ""


def take_line(rest: str) -> tuple[str, str]:
    return rest.strip(), ""


@dataclass(frozen=True)
class ArgKind:
    """How one argument is written (`placeholder`, or `choices`), cut from the line (`take`) and read (`parse`)."""

    placeholder: str  # msgid
    parse: Callable[[str, CommandContext], object]
    take: Callable[[str], tuple[str, str]] = take_word
    choices: tuple[str, ...] = ()
    words: bool = False  # may start with a letter ("TNO 2026-01"): as a parent's first argument, a word that names
    # no sub-command is read as this argument instead of being refused as an unknown sub-command

    def shown(self, tr: Translator) -> str:
        return "|".join(self.choices) if self.choices else tr.gettext(self.placeholder)


# --- years, amounts, numbers: read by `domain.parsing`, as on the command line ------------------------------------


def worded(parse: Callable[[str], object]) -> Callable[[str, Translator], object]:
    """`parse` of `domain.parsing`, its refusal as a UsageError in `tr`'s language."""
    def read(text: str, tr: Translator):
        try:
            return parse(text)
        except Refused as refused:
            raise UsageError(sentence(refused, tr)) from None
    return read


parse_year = worded(domain_parsing.parse_year)
parse_amount = worded(domain_parsing.parse_amount)
parse_number = worded(domain_parsing.parse_number)


# --- dates, times, numbers, texts --------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_FR_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_TIME = re.compile(r"([01]?\d|2[0-3])(?::|h|H)([0-5]\d)?")


def _date(text: str) -> date:
    """YYYY-MM-DD or DD/MM/YYYY; ValueError otherwise."""
    if match := _ISO_DATE.fullmatch(text):
        return date(int(match[1]), int(match[2]), int(match[3]))
    if match := _FR_DATE.fullmatch(text):
        return date(int(match[3]), int(match[2]), int(match[1]))
    raise ValueError(text)


def _parse_iso_first(text: str, ctx: CommandContext) -> date:
    try:
        return _date(text)
    except ValueError:
        raise UsageError(ctx.tr.gettext("“{text}” is not a date: write it as YYYY-MM-DD, for example 2025-11-07.",
                                        text=shorten(text))) from None


def _parse_french_first(text: str, ctx: CommandContext) -> date:
    try:
        return _date(text)
    except ValueError:
        raise UsageError(ctx.tr.gettext("“{text}” is not a date: write it as DD/MM/YYYY or YYYY-MM-DD, for example "
                                        "09/12/2022.", text=shorten(text))) from None


def _parse_time(text: str, ctx: CommandContext) -> time:
    match = _TIME.fullmatch(text)
    if match is None:
        raise UsageError(ctx.tr.gettext("“{text}” is not a time: write it as HH:MM, for example 14:30.",
                                        text=shorten(text)))
    return time(int(match[1]), int(match[2] or 0))


def bounded(limit: int) -> Callable[[str, CommandContext], str]:
    """A text of at most `limit` characters."""
    def parse(text: str, ctx: CommandContext) -> str:
        if len(text) > limit:
            raise UsageError(ctx.tr.gettext("This text is {length} characters long; at most {limit} are accepted here.",
                                            length=ctx.tr.number(len(text)), limit=ctx.tr.number(limit)))
        return text
    return parse


def choice(*words: str) -> Callable[[str, CommandContext], bool]:
    """One of `words` (the first is the one shown), read as True."""
    def parse(text: str, ctx: CommandContext) -> bool:
        if fold(text) not in words:
            raise UsageError(ctx.tr.gettext("Unexpected “{text}”: write {choices}.", text=shorten(text),
                                            choices=ctx.tr.join_or(words[:1])))
        return True
    return parse


def _parse_deliberation_number(text: str, ctx: CommandContext) -> str:
    if len(text) > NUMBER_MAX_LENGTH:
        raise UsageError(ctx.tr.gettext("A deliberation number has at most {limit} characters.",
                                        limit=NUMBER_MAX_LENGTH))
    return text


# --- members, languages, decisions, counts -----------------------------------------------------------------------


def _parse_member(text: str, ctx: CommandContext) -> Member:
    member = ctx.config.find_member(text)
    if member is None:
        tr = ctx.tr
        known = tr.join_or([f"{m.name} ({m.id})" for m in ctx.config.members])
        raise UsageError(tr.gettext("Unknown member “{text}”: choose {members}.", text=shorten(text), members=known))
    return member


def _take_member_words(rest: str) -> tuple[str, str]:
    """A member's id or name, which may have several words: the words before the first one with a digit (the
    deliberation number or the date that follows)."""
    words = rest.split()
    taken = 1
    while taken < len(words) and not any(c.isdigit() for c in words[taken]):
        taken += 1
    return " ".join(words[:taken]), " ".join(words[taken:])


def _parse_language(text: str, ctx: CommandContext) -> str:
    language = fold(text)
    if language not in SUPPORTED_LANGUAGES:
        tr = ctx.tr
        raise UsageError(tr.gettext("Unknown language “{text}”: choose {languages}.", text=shorten(text),
                                    languages=tr.join_or(SUPPORTED_LANGUAGES)))
    return language


_DECISION_PREFIXES = ("tno", "citno")


def _take_decision(rest: str) -> tuple[str, str]:
    """"TNO 2026-01" is two words."""
    head, after = take_word(rest)
    if fold(head) in _DECISION_PREFIXES and after.strip():
        number, after = take_word(after.strip())
        return f"{head} {number}", after
    return head, after


def _parse_decision(text: str, ctx: CommandContext) -> DecisionId:
    try:
        return parse_decision_id(text)
    except ValueError:
        raise UsageError(ctx.tr.gettext("“{text}” is not a decision number: write it as TNO 2026-01.",
                                        text=shorten(text))) from None


_JOINERS = ("+", ",", "et", "and")


def _take_decisions(rest: str) -> tuple[str, str]:
    """One decision, or several joined by "+", "," or "et": "TNO 2022-01 + 2022-02", "2022-01,2022-02"."""
    taken, after = _take_decision(rest)
    while True:
        after = after.strip()
        joiner = next((j for j in _JOINERS if fold(after).startswith(j)
                       and (not j.isalpha() or after[len(j):][:1].isspace())), None)
        if joiner is None:
            return taken, after
        more, after = _take_decision(after[len(joiner):].strip())
        taken = f"{taken} + {more}"


def _parse_decisions(text: str, ctx: CommandContext) -> tuple[DecisionId, ...]:
    """The decisions one act approves, each once, in the order given."""
    parts = [p for p in re.split(r"\s*(?:[+,]|\bet\b|\band\b)\s*", text.replace(",", "+")) if p.strip()]
    return tuple(dict.fromkeys(_parse_decision(part, ctx) for part in parts))


_COUNT = re.compile(r"([^\W\d_]+)\s*=\s*(\d{1,6})")
_COUNT_NAMES = {"pour": "pour", "for": "pour", "contre": "contre", "against": "contre", "abstention": "abstention",
                "abstentions": "abstention", "abst": "abstention", "abstain": "abstention"}


def _take_counts(rest: str) -> tuple[str, str]:
    """The leading `name=N` words."""
    taken, rest = [], rest.strip()
    while rest:
        word, after = take_word(rest)
        if "=" not in word:
            break
        taken.append(word)
        rest = after.strip()
    return " ".join(taken), rest


def _parse_counts(text: str, ctx: CommandContext) -> dict[str, int]:
    counts: dict[str, int] = {}
    for word in text.split():
        match = _COUNT.fullmatch(word)
        name = _COUNT_NAMES.get(fold(match[1])) if match else None
        if name is None or name in counts:
            raise UsageError(ctx.tr.gettext("“{text}” is not a vote count: write pour=N, contre=N or abstention=N, "
                                            "each once.", text=shorten(word)))
        counts[name] = int(match[2])
    return counts


MAX_PLACE_CHARS = 200
MAX_TITLE_CHARS = 300

YEAR = ArgKind(N_("year"), lambda text, ctx: parse_year(text, ctx.tr))
AMOUNT = ArgKind(N_("amount"), lambda text, ctx: parse_amount(text, ctx.tr), take=take_amount)
MEMBER = ArgKind(N_("member"), _parse_member, take=take_line)
MEMBER_NAMED = ArgKind(N_("member"), _parse_member, take=_take_member_words)  # followed by a number or a date
MISSION = ArgKind(N_("mission"), lambda text, ctx: text, take=take_line)
_MISSION_KINDS = {"socles": "socle", "socle": "socle", "specifiques": "specifique", "specifique": "specifique",
                  "core": "socle", "specific": "specifique"}


def _parse_mission_kind(text: str, ctx: CommandContext) -> str:
    """"socles" or "spécifiques" (singular, English too): a `Mission.kind`."""
    if fold(text) not in _MISSION_KINDS:
        raise UsageError(ctx.tr.gettext("Unexpected “{text}”: write {choices}.", text=shorten(text),
                                        choices=ctx.tr.join_or(["socles", "specifiques"])))
    return _MISSION_KINDS[fold(text)]


MISSION_KIND = ArgKind("socles|specifiques", _parse_mission_kind, choices=("socles", "specifiques"))
LANGUAGE = ArgKind(N_("language"), _parse_language, choices=SUPPORTED_LANGUAGES)
DATE = ArgKind(N_("YYYY-MM-DD"), _parse_iso_first)
DAY = ArgKind(N_("DD/MM/YYYY"), _parse_french_first)
TIME = ArgKind(N_("HH:MM"), _parse_time)
CONFERENCE_NO = ArgKind(N_("n"), lambda text, ctx: parse_number(text, ctx.tr))
POINT_NO = ArgKind(N_("point no."), lambda text, ctx: parse_number(text, ctx.tr))
POSITION = ArgKind(N_("position"), lambda text, ctx: parse_number(text, ctx.tr))
PLACE = ArgKind(N_("place…"), bounded(MAX_PLACE_CHARS), take=take_line)
TITLE = ArgKind(N_("title"), bounded(MAX_TITLE_CHARS), take=take_line)


def _parse_mission_title(text: str, ctx: CommandContext) -> tuple[str | None, str | None]:
    """"[mission] [title]": the first word is a mission when it is the id of one of `[[missions]]`, the rest the
    title (None when absent)."""
    head, rest = take_word(text)
    mission = next((m.id for m in ctx.config.missions if fold(m.id) == fold(head)), None)
    if mission is None:
        return None, bounded(MAX_TITLE_CHARS)(text, ctx)
    return mission, bounded(MAX_TITLE_CHARS)(rest, ctx) if rest else None


# two optional words in one argument: shown "[mission] [title]" once the usage line puts its brackets around it
MISSION_TITLE = ArgKind(N_("mission] [title"), _parse_mission_title, take=take_line)
DECISION = ArgKind(N_("decision"), _parse_decision, take=_take_decision, words=True)
DECISIONS = ArgKind(N_("decision[+decision…]"), _parse_decisions, take=_take_decisions, words=True)
DELIBERATION_NO = ArgKind(N_("deliberation no."), _parse_deliberation_number)
COUNTS = ArgKind("pour=N contre=N abstention=N", _parse_counts, take=_take_counts)
REJECTION = ArgKind("rejet", choice("rejet", "rejete", "rejetee", "rejected", "rejection"), choices=("rejet",))
IDENTIFIER = ArgKind(N_("identifier"), lambda text, ctx: text)

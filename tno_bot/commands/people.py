"""People as command arguments: named by their Matrix id (`@user:server`) or by their name in the config (case- and
accent-insensitive), which is what a client's mention pill leaves in the plain body.
"""

from __future__ import annotations

import re

from tno_bot.commands.arguments import fold, shorten
from tno_bot.commands.context import CommandContext
from tno_bot.commands.errors import UsageError
from tno_bot.commands.registry import ArgKind, take_line
from tno_bot.config import Config
from tno_bot.i18n import N_

_MATRIX_ID = re.compile(r"@[^\s:]+:[^\s]+")
_SEPARATORS = {"et", "and", "&"}


def _named(config: Config) -> dict[str, str]:
    """Folded name -> matrix id, for the representatives and the staff."""
    named = {fold(s.name): s.matrix_id for s in config.staff}
    named.update({fold(p.name): p.matrix_id for p in config.people})
    return named


def parse_people(text: str, ctx: CommandContext) -> tuple[str, ...]:
    """Matrix ids and configured names ("@alain.viollet:tno.example", "Alain Viollet, Emeline Baume et @x:y"), each
    once."""
    return tuple(dict.fromkeys(_people(text, ctx)))


def _people(text: str, ctx: CommandContext) -> list[str]:
    """The people named, in order, repeats kept."""
    named = _named(ctx.config)
    tokens = [t.rstrip(":") for t in re.split(r"[\s,;]+", text) if t.strip(",;:")]
    people: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if fold(token) in _SEPARATORS:
            i += 1
            continue
        if _MATRIX_ID.fullmatch(token):
            people.append(token)
            i += 1
            continue
        words = [token.removeprefix("@"), *tokens[i + 1:]]
        for j in range(len(words), 0, -1):
            matrix_id = named.get(fold(" ".join(words[:j])))
            if matrix_id:
                people.append(matrix_id)
                i += j
                break
        else:
            raise UsageError(ctx.tr.gettext(
                "“{text}” is neither a Matrix id (@user:server) nor the name of a person of the conference.",
                text=shorten(token)))
    if not people:
        raise UsageError(ctx.tr.gettext("Name at least one person."))
    return people


def _parse_pouvoir(text: str, ctx: CommandContext) -> tuple[str | None, str]:
    """(None, mandataire), or (mandant, mandataire) for a pouvoir recorded on the mandant's behalf."""
    people = _people(text, ctx)
    if len(people) > 2:
        raise UsageError(ctx.tr.gettext("Name the mandataire, or the mandant then the mandataire."))
    return (None, people[0]) if len(people) == 1 else (people[0], people[1])


def _parse_one(text: str, ctx: CommandContext) -> str:
    people = parse_people(text, ctx)
    if len(people) > 1:
        raise UsageError(ctx.tr.gettext("Name one person only."))
    return people[0]


PEOPLE = ArgKind(N_("@people…"), parse_people, take=take_line)
POUVOIR = ArgKind(N_("[@mandant] @mandataire"), _parse_pouvoir, take=take_line, words=True)
MANDANT = ArgKind(N_("@mandant"), _parse_one, take=take_line)
PERSON = ArgKind(N_("@person"), _parse_one, take=take_line)

"""From the text of a message to a command of the registry and its argument values."""

from __future__ import annotations

from dataclasses import dataclass

from tno_bot.commands.context import CommandContext
from tno_bot.commands.errors import CommandError
from tno_bot.commands.registry import PREFIX, REGISTRY, Command, resolve_subcommand, take_word, unknown_command

MAX_MESSAGE_CHARS = 2000


@dataclass(frozen=True)
class Invocation:
    command: Command
    values: dict[str, object]


def is_command(text: str) -> bool:
    """A command starts with "!" directly followed by a letter ("!appel", not "!!!" nor "! ok")."""
    stripped = text.lstrip()
    return stripped.startswith(PREFIX) and stripped[1:2].isalpha()


def parse(text: str, ctx: CommandContext) -> Invocation:
    """Raises CommandError (UsageError when the command is known) with a sentence in the room's language."""
    tr = ctx.tr
    if len(text) > MAX_MESSAGE_CHARS:
        raise CommandError(
            tr.gettext(
                "This message is {length} characters long; a command is at most {limit}. Nothing was done.",
                length=tr.number(len(text)),
                limit=tr.number(MAX_MESSAGE_CHARS),
            )
        )
    word, rest = take_word(text.strip().removeprefix(PREFIX))
    command = REGISTRY.find(word)
    if command is None:
        raise unknown_command(word, tr)
    command, rest = resolve_subcommand(command, rest, tr)
    ctx.command = command.spelled("fr")
    return Invocation(command, command.bind(rest, ctx))

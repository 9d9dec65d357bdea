"""Chat commands: `handle_text` reads one message and returns the replies, errors included, never a traceback."""

from __future__ import annotations

import logging

# Imported to register the commands, in help order (the order of !aide):
from tno_bot.commands import funding, agenda, seance, presence, pouvoirs, votes, minutes, ratification, general  # noqa: F401, I001
from tno_bot.commands.context import CommandContext
from tno_bot.reports.message import Reply
from tno_bot.commands.errors import CommandCrashed, CommandError
from tno_bot.commands.parser import is_command, parse
from tno_bot.commands.registry import REGISTRY
from tno_bot.storage import storage_fault

__all__ = ["REGISTRY", "CommandContext", "CommandCrashed", "handle_edit", "handle_poll_answer", "handle_text"]

log = logging.getLogger(__name__)


def handle_text(ctx: CommandContext, text: str) -> list[Reply] | None:
    """None when `text` is not a command; otherwise the replies. Writes go through `ctx.session`; the caller commits.

    Bad input is answered, never raised. A bug in a handler raises CommandCrashed with the apology to send: the
    caller must roll back what the handler may have written.
    """
    if not is_command(text):
        return None
    return _answered(ctx, text, lambda: _run(ctx, text))


def handle_edit(ctx: CommandContext, text: str, original_acted: bool | None) -> list[Reply] | None:
    """An edited command (`text` its new version): handled as a new command when the original changed nothing
    (`original_acted` False, or None when it was not handled: no command then, or not read); otherwise one
    sentence saying the edit was not applied and what to type. None when `text` is not a command."""
    if not is_command(text):
        return None
    if not original_acted:
        return handle_text(ctx, text)
    tr = ctx.tr
    return [Reply(tr.gettext("Your edit was not applied: the original command was already carried out, and a "
                             "command is carried out once. To do something else, send a new message: {command}",
                             command=text.strip()))]


def handle_poll_answer(ctx: CommandContext, track: str, answers: tuple[str, ...]) -> list[Reply] | None:
    """An answer to the bot's poll tracked as `track` (a vote's): the ballot, or the refusal; None when the poll
    takes no answers."""
    return _answered(ctx, f"poll {track} {answers!r}", lambda: votes.poll_ballot(ctx, track, answers))


def _run(ctx: CommandContext, text: str) -> list[Reply]:
    invocation = parse(text, ctx)
    return invocation.command.run(ctx, invocation.values)


def _answered(ctx: CommandContext, what: str, run) -> list[Reply] | None:
    """What `run` answers; bad input worded, a bug turned into CommandCrashed with the apology."""
    try:
        return run()
    except CommandError as error:
        return [error.reply(ctx.tr)]
    except Exception as error:
        if storage_fault(error):  # the database failing is no bug of the command: the dispatcher says why
            raise
        log.exception("command failed in %s (event %s): %.200r", ctx.room_id, ctx.event_id, what)
        apology = ctx.tr.gettext("Sorry, something went wrong while answering this command. The error was logged.")
        raise CommandCrashed(Reply(apology), ctx.command) from None

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

__all__ = ["REGISTRY", "CommandContext", "CommandCrashed", "handle_text"]

log = logging.getLogger(__name__)


def handle_text(ctx: CommandContext, text: str) -> list[Reply] | None:
    """None when `text` is not a command; otherwise the replies. Writes go through `ctx.session`; the caller commits.

    Bad input is answered, never raised. A bug in a handler raises CommandCrashed with the apology to send: the
    caller must roll back what the handler may have written.
    """
    if not is_command(text):
        return None
    tr = ctx.tr
    try:
        invocation = parse(text, ctx)
        return invocation.command.run(ctx, invocation.values)
    except CommandError as error:
        return [error.reply(tr)]
    except Exception as error:
        if storage_fault(error):  # the database failing is no bug of the command: the dispatcher says why
            raise
        log.exception("command failed in %s (event %s): %.200r", ctx.room_id, ctx.event_id, text)
        apology = tr.gettext("Sorry, something went wrong while answering this command. The error was logged.")
        raise CommandCrashed(Reply(apology), ctx.command) from None

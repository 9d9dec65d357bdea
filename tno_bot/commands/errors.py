"""Bad input, answered with a sentence in the room's language (never a traceback)."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from tno_bot.reports.message import Reply
from tno_bot.i18n import Translator

if TYPE_CHECKING:
    from tno_bot.commands.registry import Command


class CommandError(Exception):
    """A refusal; `sentence` is already in the room's language."""

    def __init__(self, sentence: str) -> None:
        super().__init__(sentence)
        self.sentence = sentence

    def reply(self, tr: Translator) -> Reply:
        return Reply(self.sentence, html.escape(self.sentence))


class UsageError(CommandError):
    """A malformed or impossible argument: answered with the sentence and the command's usage line."""

    command: Command | None = None

    def for_command(self, command: Command) -> UsageError:
        self.command = self.command or command
        return self

    def reply(self, tr: Translator) -> Reply:
        if self.command is None:
            return super().reply(tr)
        usage, label = self.command.usage(tr), tr.gettext("Usage:")
        return Reply(
            f"{self.sentence}\n{label} {usage}",
            f"{html.escape(self.sentence)}<br/>{html.escape(label)} <code>{html.escape(usage)}</code>",
        )


class CommandCrashed(Exception):
    """A bug in a handler: the caller rolls back whatever it wrote and sends `reply`, an apology. `command`: the
    French name of the command that failed."""

    def __init__(self, reply: Reply, command: str | None = None) -> None:
        super().__init__(reply.body)
        self.reply = reply
        self.command = command

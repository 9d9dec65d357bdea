"""The one command registry: each command is declared once, by a decorator, with its French name, its English
aliases, its typed arguments, who may run it and its help text. Usage lines, `!aide` and parse errors derive from it.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from tno_bot.commands.arguments import (  # noqa: F401  (the argument kinds, also read from here)
    AMOUNT,
    LANGUAGE,
    MEMBER,
    MISSION,
    YEAR,
    ArgKind,
    fold,
    shorten,
    take_line,
    take_word,
)
from tno_bot.commands.context import CommandContext
from tno_bot.reports.message import Reply
from tno_bot.commands.errors import CommandError, UsageError
from tno_bot.commands.refusals import refusal
from tno_bot.domain.refusals import Refused
from tno_bot.app.seance import presides_here
from tno_bot.domain.roles import PRESIDING, ROLES, Action, roles_for
from tno_bot.i18n import N_, Translator
from tno_bot.reports.roles import grammatical_number, roles_or

PREFIX = "!"
Handler = Callable[..., Reply | list[Reply]]

@dataclass(frozen=True)
class Arg:
    name: str  # keyword of the handler
    kind: ArgKind
    optional: bool = False

    def usage(self, tr: Translator) -> str:
        shown = self.kind.shown(tr)
        return f"[{shown}]" if self.optional else shown if self.kind.choices else f"<{shown}>"


@dataclass(frozen=True)
class Command:
    name: str  # French
    aliases: tuple[str, ...]  # English first
    args: tuple[Arg, ...]
    roles: frozenset[str] | None  # None: everyone in the room
    help: str  # msgid
    group: str  # msgid
    handler: Handler
    parent: Command | None = None  # a sub-command: `!parent name args…`
    presiding: bool = False  # may be run by whoever presides in place of the absent président (`PRESIDING`)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def name_in(self, language: str) -> str:
        """The French name in French, the first English alias in English."""
        return self.aliases[0] if language == "en" and self.aliases else self.name

    def spelled(self, language: str) -> str:
        """The command as typed, without "!" nor arguments: "appel", "conference nouvelle" / "conference new"."""
        own = self.name_in(language)
        return f"{self.parent.name_in(language)} {own}" if self.parent else own

    def usage(self, tr: Translator) -> str:
        return " ".join([PREFIX + self.spelled(tr.language), *(arg.usage(tr) for arg in self.args)])

    def who_may_run(self, tr: Translator) -> str | None:
        """Who may run the command ("the admins or the président"), or None when everyone in the room may."""
        if self.roles is None:
            return None
        return roles_or(self.roles, tr)

    def check_allowed(self, ctx: CommandContext) -> None:
        if self.roles is None or self.roles & ctx.config.roles_of(ctx.sender):
            return
        if self.presiding and presides_here(ctx.session, ctx.config, ctx.room_id, ctx.sender):
            return  # presiding in place of the absent président
        tr = ctx.tr
        name = PREFIX + self.spelled(tr.language)
        raise CommandError(tr.ngettext("Only {roles} may use {command}.", "Only {roles} may use {command}.",
                                       grammatical_number(self.roles), roles=self.who_may_run(tr), command=name))

    def bind(self, rest: str, ctx: CommandContext) -> dict[str, object]:
        """The handler's keyword arguments read from the text after the command name."""
        tr, values = ctx.tr, {}
        for arg in self.args:
            rest = rest.strip()
            if not rest:
                if arg.optional:
                    break
                raise UsageError(tr.gettext("Missing {argument}.", argument=arg.usage(tr))).for_command(self)
            token, rest = arg.kind.take(rest)
            try:
                values[arg.name] = arg.kind.parse(token, ctx)
            except UsageError as error:
                raise error.for_command(self)
        if rest.strip():
            raise UsageError(tr.gettext("Too many arguments: “{extra}”.", extra=shorten(rest.strip()))).for_command(
                self
            )
        return values

    def run(self, ctx: CommandContext, values: dict[str, object]) -> list[Reply]:
        self.check_allowed(ctx)
        try:
            replies = self.handler(ctx, **values)
        except Refused as error:  # a refusal the handler did not word itself
            raise _for(refusal(error, ctx), self) from None
        except UsageError as error:
            raise error.for_command(self)
        return replies if isinstance(replies, list) else [replies]


def _for(error: CommandError, command: Command) -> CommandError:
    return error.for_command(command) if isinstance(error, UsageError) else error


class Registry:
    def __init__(self) -> None:
        self._by_name: dict[str, Command] = {}
        self._commands: list[Command] = []
        self._subs: dict[str, dict[str, Command]] = {}  # parent's name -> folded sub-command name -> sub-command

    def command(
        self,
        name: str,
        *,
        aliases: tuple[str, ...] = (),
        args: tuple[Arg, ...] = (),
        roles: frozenset[str] | None = None,
        actions: tuple[Action, ...] = (),
        help: str,
        group: str | None = None,
        parent: str | None = None,
    ) -> Callable[[Handler], Handler]:
        """Declares the decorated function as the handler of `!name` (and of its aliases); with `parent`, of the
        sub-command `!parent name` (the parent is declared first; the group defaults to the parent's). Who may run
        it: the roles the domain allows for one of `actions` (`roles` only where no domain action applies)."""
        if actions:
            roles = roles_for(*actions)

        def register(handler: Handler) -> Handler:
            owner = None
            if parent is not None:
                owner = self.find(parent)
                if owner is None or owner.parent is not None:
                    raise ValueError(f"!{name}: no top-level command {parent!r} to attach it to")
            command = Command(name, aliases, args, roles, help, group or (owner.group if owner else ""), handler,
                              owner, presiding=bool(PRESIDING & set(actions)))
            if not command.group:
                raise ValueError(f"!{name}: a help group is required")
            self._check(command)
            if owner is None:
                self._commands.append(command)
                self._by_name.update({fold(n): command for n in command.names})
            else:
                self._subs.setdefault(owner.name, {}).update({fold(n): command for n in command.names})
            return handler

        return register

    def _check(self, command: Command) -> None:
        """Declaration mistakes fail at import time."""
        known = self._by_name if command.parent is None else self._subs.get(command.parent.name, {})
        taken = [n for n in command.names if fold(n) in known]
        if taken:
            raise ValueError(f"command name(s) {taken} already registered")
        optional = [arg.optional for arg in command.args]
        if optional != sorted(optional):
            raise ValueError(f"!{command.name}: an optional argument precedes a required one")
        if any(arg.kind.take is take_line for arg in command.args[:-1]):
            raise ValueError(f"!{command.name}: only the last argument may take the rest of the line")
        unknown = (command.roles or frozenset()) - ROLES
        if unknown:
            raise ValueError(f"!{command.name}: unknown roles {sorted(unknown)}")

    def __iter__(self) -> Iterator[Command]:
        """The top-level commands, in declaration order."""
        return iter(self._commands)

    def subcommands(self, command: Command) -> list[Command]:
        """The sub-commands of `command`, in declaration order."""
        return list(dict.fromkeys(self._subs.get(command.name, {}).values()))

    def find_sub(self, command: Command, word: str) -> Command | None:
        """The sub-command of `command` named `word` (case- and accent-insensitive)."""
        return self._subs.get(command.name, {}).get(fold(word))

    def find(self, word: str) -> Command | None:
        """The command named `word` (with or without "!", case- and accent-insensitive)."""
        return self._by_name.get(fold(word.removeprefix(PREFIX)))

    def closest(self, word: str) -> list[str]:
        """Up to three command names resembling `word`, with their "!"."""
        matches = difflib.get_close_matches(fold(word.removeprefix(PREFIX)), list(self._by_name), n=3, cutoff=0.5)
        return list(dict.fromkeys(PREFIX + self._by_name[m].name for m in matches))

    def groups(self) -> dict[str, list[Command]]:
        """Commands by help group (msgid), in declaration order."""
        grouped: dict[str, list[Command]] = {}
        for command in self._commands:
            grouped.setdefault(command.group, []).append(command)
        return grouped


REGISTRY = Registry()
command = REGISTRY.command


def unknown_command(word: str, tr: Translator) -> CommandError:
    closest = REGISTRY.closest(word)
    sentence = tr.gettext("Unknown command “{word}”.", word=PREFIX + shorten(word.removeprefix(PREFIX)))
    if closest:
        sentence += " " + tr.gettext("Did you mean {names}?", names=tr.join_or(closest))
    return CommandError(sentence + " " + tr.gettext("Type !aide for the list of commands."))


def unknown_subcommand(command: Command, word: str, tr: Translator) -> UsageError:
    names = tr.join_or(sub.name_in(tr.language) for sub in REGISTRY.subcommands(command))
    sentence = tr.gettext("Unknown sub-command “{word}” of {command}: choose {names}.", word=shorten(word),
                          command=PREFIX + command.name_in(tr.language), names=names)
    return UsageError(sentence).for_command(command)


def resolve_subcommand(command: Command, rest: str, tr: Translator) -> tuple[Command, str]:
    """`command` or its sub-command named by the first word of `rest`, and the text left. A word that names no
    sub-command and is not a number (the parent's own argument) is refused with the list of sub-commands."""
    if not rest.strip() or not REGISTRY.subcommands(command):
        return command, rest
    word, after = take_word(rest.strip())
    sub = REGISTRY.find_sub(command, word)
    if sub is not None:
        return sub, after
    if word[:1].isalpha() and not (command.args and command.args[0].kind.words):
        raise unknown_subcommand(command, word, tr)
    return command, rest


def _parse_command(text: str, ctx: CommandContext) -> Command:
    word, rest = take_word(text)
    found = REGISTRY.find(word)
    if found is None:
        raise unknown_command(word, ctx.tr)
    found, rest = resolve_subcommand(found, rest, ctx.tr)
    if rest.strip():
        raise UsageError(ctx.tr.gettext("Too many arguments: “{extra}”.", extra=shorten(rest.strip())))
    return found


COMMAND = ArgKind(N_("command"), _parse_command, take=take_line)

"""General commands: help generated from the registry, the room's language, the running config's version.

`!aide` shows what the reader may do (their roles in the config), a line per command, grouped: a phone screen per
group; `!aide tout` every command with its full help and who may run it; `!aide <commande>` one command.
"""

from __future__ import annotations

import re
from html import escape
from zoneinfo import ZoneInfo

from tno_bot import storage
from tno_bot.commands.context import CommandContext
from tno_bot.config import Config
from tno_bot.reports.message import Reply
from tno_bot.commands.arguments import ArgKind, fold, take_line
from tno_bot.reports.readings import help_readings
from tno_bot.commands.registry import COMMAND, LANGUAGE, PREFIX, REGISTRY, Arg, Command, command
from tno_bot.domain.roles import ADMIN, SECRETARIAT, Action
from tno_bot.i18n import N_, SUPPORTED_LANGUAGES, Translator, translator
from tno_bot.reports.roles import roles_and

GROUP = N_("General")
EVERYTHING = ("tout", "all")
SHORT_USAGE = 40  # characters: a longer usage line wraps on a phone
_FIRST_SENTENCE = re.compile(r"(?<=\.)\s|\s?[:;(]")


def _parse_topic(text: str, ctx: CommandContext) -> Command | str:
    """"tout" (every command) or a command."""
    return EVERYTHING[0] if fold(text) in EVERYTHING else COMMAND.parse(text, ctx)


TOPIC = ArgKind(N_("command|all"), _parse_topic, take=take_line)


def _other_names(cmd: Command, tr: Translator) -> list[str]:
    if cmd.parent is not None:  # the sub-command in the other language, if spelled differently
        return list(dict.fromkeys(PREFIX + cmd.spelled(lang) for lang in SUPPORTED_LANGUAGES
                                  if cmd.spelled(lang) != cmd.spelled(tr.language)))
    return [PREFIX + n for n in cmd.names if n != cmd.name_in(tr.language)]


def _with_subcommands(commands: list[Command]) -> list[Command]:
    """Each command followed by its sub-commands."""
    return [c for cmd in commands for c in (cmd, *REGISTRY.subcommands(cmd))]


def _summary_line(cmd: Command, tr: Translator) -> str:
    """The help line of a command: usage, other names, help text, and who may run it when restricted."""
    others = _other_names(cmd, tr)
    line = cmd.usage(tr) + (f" ({', '.join(others)})" if others else "") + " — " + tr.gettext(cmd.help)
    who = cmd.who_may_run(tr)
    return line + (" " + tr.gettext("Who may use it: {roles}.", roles=who) if who else "")


def _short_line(cmd: Command, tr: Translator) -> str:
    """The usage (its name alone when long: `!aide <commande>` has it) and the first sentence of the help."""
    first = _FIRST_SENTENCE.split(tr.gettext(cmd.help), maxsplit=1)[0].rstrip(".")
    usage = cmd.usage(tr)
    return f"{usage if len(usage) <= SHORT_USAGE else PREFIX + cmd.spelled(tr.language) + ' …'} — {first}"


def _grouped(title: str, groups: list[tuple[str, list[str]]], footer: str) -> Reply:
    plain = "\n\n".join([title, *("\n".join([name, *("• " + l for l in lines)]) for name, lines in groups), footer])
    html = (
        f"<p><strong>{escape(title)}</strong></p>"
        + "".join(
            f"<p><strong>{escape(name)}</strong></p><ul>{''.join(f'<li>{escape(l)}</li>' for l in lines)}</ul>"
            for name, lines in groups
        )
        + f"<p>{escape(footer)}</p>"
    )
    return Reply(plain, html)


def _footer(first: str, tr: Translator) -> str:
    """`first`, then how edits and threads are answered."""
    return first + " " + tr.gettext(
        "An edited command is carried out if the original did nothing (a typo, a question); otherwise the bot says "
        "so, and the change is a new message. A command sent in a thread is answered there.")


def _all_commands(tr: Translator) -> Reply:
    groups = [(tr.gettext(group), [_summary_line(c, tr) for c in _with_subcommands(cmds)])
              for group, cmds in REGISTRY.groups().items()]
    return _grouped(tr.gettext("Commands:"), groups, _footer(tr.gettext("Type !aide <command> for one command."), tr))


def _my_commands(ctx: CommandContext) -> Reply:
    """The commands the sender may run, grouped, a short line each."""
    tr, roles = ctx.tr, ctx.config.roles_of(ctx.sender)
    groups = [(tr.gettext(group), [_short_line(c, tr) for c in _with_subcommands(cmds)
                                   if c.roles is None or c.roles & roles])
              for group, cmds in REGISTRY.groups().items()]
    title = (tr.gettext("Commands for {roles}:", roles=roles_and(sorted(roles), tr)) if roles
             else tr.gettext("Commands open to everyone:"))
    footer = _footer(tr.gettext("!help all lists every command, with who may use it; !help <command> details one."), tr)
    return _grouped(title, [(name, lines) for name, lines in groups if lines], footer)


def _one_command(cmd: Command, tr: Translator, config: Config) -> Reply:
    """The usage, help, other names and roles of a command, the readings of the conference's rules it applies
    (`reports.readings`), then its sub-commands."""
    lines = [cmd.usage(tr), tr.gettext(cmd.help), *help_readings((cmd.parent or cmd).name, config, tr)]
    others = _other_names(cmd, tr)
    if others:
        lines.append(tr.gettext("Also: {names}", names=", ".join(others)))
    who = cmd.who_may_run(tr)
    if who:
        lines.append(tr.gettext("Who may use it: {roles}.", roles=who))
    html = f"<p><code>{escape(lines[0])}</code></p>" + "".join(f"<p>{escape(l)}</p>" for l in lines[1:])
    subs = [_summary_line(sub, tr) for sub in REGISTRY.subcommands(cmd)]
    if subs:
        label = tr.gettext("Sub-commands:")
        lines += [label, *("• " + line for line in subs)]
        html += f"<p>{escape(label)}</p><ul>{''.join(f'<li>{escape(line)}</li>' for line in subs)}</ul>"
    return Reply("\n".join(lines), html)


@command(
    "aide",
    aliases=("help",),
    args=(Arg("topic", TOPIC, optional=True),),
    help=N_("The commands you may use; with all, every command; with a command's name, its detail."),
    group=GROUP,
)
def aide(ctx: CommandContext, topic: Command | str | None = None) -> Reply:
    if topic is None:
        return _my_commands(ctx)
    return _all_commands(ctx.tr) if topic == EVERYTHING[0] else _one_command(topic, ctx.tr, ctx.config)


@command(
    "langue",
    aliases=("language",),
    args=(Arg("language", LANGUAGE),),
    actions=(Action.LANGUE,),
    help=N_("The language of this room's answers."),
    group=GROUP,
)
def langue(ctx: CommandContext, language: str) -> Reply:
    storage.set_room_language(ctx.session, ctx.room_id, language, ctx.sender)
    return Reply(translator(language).gettext("From now on, I answer in English in this room."))


def _when(ctx: CommandContext, at) -> dict[str, str]:
    local = at.astimezone(ZoneInfo(ctx.config.timezone))
    return {"date": ctx.tr.date(local.date()), "time": ctx.tr.time(local.time())}


@command(
    "config",
    aliases=("configuration",),
    roles=frozenset({ADMIN, SECRETARIAT}),
    help=N_("The version of the configuration the bot runs (its file's SHA-256, when it was loaded) and what it "
            "holds. A changed file is applied without a restart by SIGHUP (systemctl reload tno-bot)."),
    group=GROUP,
)
def config(ctx: CommandContext) -> Reply:
    tr, running, version = ctx.tr, ctx.config, ctx.config_version
    holds = tr.gettext("It names {members}, {people} and {rooms}.",
                       members=tr.ngettext("{n} member", "{n} members", len(running.members)),
                       people=tr.ngettext("{n} representative", "{n} representatives", len(running.people)),
                       rooms=tr.ngettext("{n} room", "{n} rooms", len(running.rooms)))
    if version is None:
        return Reply(tr.gettext("The configuration {path} is in force; its version is known to the running bot "
                                "only (tno-bot run).", path=str(running.path)) + " " + holds)
    lines = [tr.gettext("Configuration in force: {path}, SHA-256 {digest} (the start of what sha256sum prints), "
                        "loaded on {date} at {time}.", path=str(version.path), digest=version.short,
                        **_when(ctx, version.loaded_at)), holds]
    if version.refused_at is not None:
        lines.append(tr.gettext("The last reload, on {date} at {time}, was refused: the file has problems, listed "
                                "in the bot's log (tno-bot check-config lists them too); the configuration above "
                                "is still in force.", **_when(ctx, version.refused_at)))
    return Reply("\n".join(lines), "".join(f"<p>{escape(line)}</p>" for line in lines))

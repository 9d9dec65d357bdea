"""General commands: help generated from the registry, the room's language."""

from __future__ import annotations

from html import escape

from tno_bot import storage
from tno_bot.commands.context import CommandContext
from tno_bot.config import Config
from tno_bot.reports.message import Reply
from tno_bot.reports.readings import help_readings
from tno_bot.commands.registry import COMMAND, LANGUAGE, PREFIX, REGISTRY, Arg, Command, command
from tno_bot.domain.roles import Action
from tno_bot.i18n import N_, SUPPORTED_LANGUAGES, Translator, translator

GROUP = N_("General")


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


def _all_commands(tr: Translator) -> Reply:
    title = tr.gettext("Commands:")
    footer = tr.gettext("Type !aide <command> for one command.")
    groups = [(tr.gettext(group), [_summary_line(c, tr) for c in _with_subcommands(cmds)])
              for group, cmds in REGISTRY.groups().items()]
    plain = "\n\n".join([title, *("\n".join([name, *("• " + l for l in lines)]) for name, lines in groups), footer])
    html = (
        f"<p><strong>{escape(title)}</strong></p>"
        + "".join(
            f"<p>{escape(name)}</p><ul>{''.join(f'<li>{escape(l)}</li>' for l in lines)}</ul>" for name, lines in groups
        )
        + f"<p>{escape(footer)}</p>"
    )
    return Reply(plain, html)


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
    args=(Arg("command", COMMAND, optional=True),),
    help=N_("The list of commands, or the detail of one."),
    group=GROUP,
)
def aide(ctx: CommandContext, command: Command | None = None) -> Reply:
    return _one_command(command, ctx.tr, ctx.config) if command else _all_commands(ctx.tr)


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

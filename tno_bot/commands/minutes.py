"""Questions diverses (!note) and the compte rendu (!cr)."""

from __future__ import annotations

from tno_bot import storage
from tno_bot.commands.arguments import CONFERENCE_NO, bounded
from tno_bot.commands.context import CommandContext
from tno_bot.reports.message import Reply
from tno_bot.commands.errors import CommandError
from tno_bot.commands.registry import Arg, ArgKind, command, take_line
from tno_bot.app.seance import record_of, seance_for_minutes
from tno_bot.commands.seance import GROUP, minutes_reply, sitting
from tno_bot.reports.compte_rendu import minutes as compte_rendu
from tno_bot.reports.minutes_document import minutes_files
from tno_bot.i18n import N_

MAX_NOTE_CHARS = 2000 - 20
NOTE_TEXT = ArgKind(N_("text"), bounded(MAX_NOTE_CHARS), take=take_line)


@command(
    "note",
    args=(Arg("text", NOTE_TEXT),),
    help=N_("Record a point raised under “questions diverses”, for the compte rendu."),
    group=GROUP,
)
def note(ctx: CommandContext, text: str) -> Reply:
    tr = ctx.tr
    if not ctx.config.is_known(ctx.sender):
        raise CommandError(tr.gettext("Only the people of the conference (representatives, staff) record notes."))
    s = sitting(ctx)
    storage.add_note(ctx.session, s.seance.id, storage.Note(ctx.sender, ctx.now, text, ctx.event_id))
    count = len(storage.notes_of(ctx.session, s.seance.id))
    return Reply(tr.gettext("Noted under “questions diverses” ({n} so far).", n=count))


@command(
    "cr",
    aliases=("minutes",),
    args=(Arg("number", CONFERENCE_NO, optional=True),),
    help=N_("The compte rendu of the séance of this room (or of conference n), as a message and as Markdown, PDF "
            "and ODT files."),
    group=GROUP,
)
def cr(ctx: CommandContext, number: int | None = None) -> Reply:
    tr = ctx.tr
    seance = seance_for_minutes(ctx.session, number, ctx.room_id)
    record = record_of(ctx.session, ctx.config, seance)
    minutes = compte_rendu(record, ctx.config)
    headline = (tr.gettext("Compte rendu of conference no. {n} ({file}).", n=seance.conference_id,
                           file=minutes.filename) if seance.closed else
                tr.gettext("Provisional compte rendu of conference no. {n}: the séance is still sitting ({file}).",
                           n=seance.conference_id, file=minutes.filename))
    return minutes_reply(headline, minutes, minutes_files(record, ctx.config))

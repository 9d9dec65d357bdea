"""Questions diverses (!note) and the compte rendu (!cr, and its file for `tno-bot cr`)."""

from __future__ import annotations

from tno_bot import storage
from tno_bot.commands.agenda import CONFERENCE_NO, _bounded
from tno_bot.commands.context import Attachment, CommandContext, Reply
from tno_bot.commands.errors import CommandError, UsageError
from tno_bot.commands.registry import Arg, ArgKind, command, take_line
from tno_bot.commands.seance import GROUP, _minutes_reply, minutes_of, sitting
from tno_bot.config import Config
from tno_bot.i18n import N_, Translator
from tno_bot.reports.compte_rendu import MARKDOWN_MIMETYPE

MAX_NOTE_CHARS = 2000 - 20
NOTE_TEXT = ArgKind(N_("text"), _bounded(MAX_NOTE_CHARS), take=take_line)


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
    help=N_("The compte rendu of the séance of this room (or of conference n), as a message and a Markdown file."),
    group=GROUP,
)
def cr(ctx: CommandContext, number: int | None = None) -> Reply:
    tr = ctx.tr
    if number is not None:
        seance = storage.seance_of_conference(ctx.session, number)
        if seance is None:
            raise CommandError(tr.gettext("Conference no. {n} has no séance: there is no compte rendu.", n=number))
    else:
        seance = storage.latest_seance_in_room(ctx.session, ctx.room_id)
        if seance is None:
            raise CommandError(tr.gettext("No séance was held in this room: give a conference number."))
    minutes = minutes_of(ctx.session, ctx.config, seance)
    headline = (tr.gettext("Compte rendu of conference no. {n} ({file}).", n=seance.conference_id,
                           file=minutes.filename) if seance.closed else
                tr.gettext("Provisional compte rendu of conference no. {n}: the séance is still sitting ({file}).",
                           n=seance.conference_id, file=minutes.filename))
    return _minutes_reply(headline, minutes)


def cr_file(session, config: Config, conference_id: int, tr: Translator) -> Attachment:
    """The Markdown file of `tno-bot cr <n>`: the same as posted."""
    seance = storage.seance_of_conference(session, conference_id)
    if seance is None:
        raise UsageError(tr.gettext("Conference no. {n} has no séance: there is no compte rendu.", n=conference_id))
    minutes = minutes_of(session, config, seance)
    return Attachment(minutes.filename, MARKDOWN_MIMETYPE, minutes.data)

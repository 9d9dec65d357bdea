"""The séance sitting in a room (`sitting`, shared with the attendance and vote commands) and the séance's opening,
suspension and closing (!seance and its sub-commands). `minutes_reply` is shared with `!cr`.

Everything but `!seance ouvrir` acts on the séance sitting in the room the command is typed in. The use cases and
their checks are `app.seance`'s; a refusal is worded by the registry (`commands.refusals`).
"""

from __future__ import annotations

from html import escape

from tno_bot import storage
from tno_bot.app import seance as app
from tno_bot.app.sitting import Sitting, cast_of
from tno_bot.commands.arguments import CONFERENCE_NO, ArgKind, bounded, take_line
from tno_bot.commands.context import CommandContext
from tno_bot.commands.errors import CommandError
from tno_bot.commands.people import PERSON
from tno_bot.commands.registry import Arg, command
from tno_bot.domain.attendance import Attendance, quorum
from tno_bot.domain.calendar import local_date
from tno_bot.domain.roles import Action
from tno_bot.domain.seance import Seance
from tno_bot.i18n import N_, Translator
from tno_bot.reports.agenda import conference_title, people_line
from tno_bot.reports.compte_rendu import Minutes
from tno_bot.reports.compte_rendu import minutes as compte_rendu
from tno_bot.reports.message import Attachment, Reply
from tno_bot.reports.minutes_document import minutes_files
from tno_bot.reports.seance import at_time, pouvoir_text, quorum_text, vote_heading
from tno_bot.reports.text import Text

GROUP = N_("Séance")
MAX_REASON_CHARS = 500
REASON = ArgKind(N_("reason"), bounded(MAX_REASON_CHARS), take=take_line)


def sitting(ctx: CommandContext) -> Sitting:
    """The séance sitting in this room, with its attendance (refused with how to open one otherwise)."""
    return app.sitting(ctx.session, ctx.config, ctx.room_id)


def name(ctx: CommandContext, matrix_id: str) -> str:
    """A person's name in the config, else their matrix id."""
    return ctx.config.display_name(matrix_id)


# --- !seance -----------------------------------------------------------------------------------------------------


def _agenda_text(seance: Seance, tr: Translator) -> Text:
    text = Text.empty().para(tr.gettext("Fixed agenda (version {version}):", version=seance.agenda_version))
    return text.numbered(seance.points) if seance.points else text.para(tr.gettext("No point."))


@command(
    "seance",
    aliases=("session",),
    help=N_("The séance sitting in this room: opening time, suspension, fixed agenda, vote in progress."),
    group=GROUP,
)
def seance_state(ctx: CommandContext) -> Reply:
    tr = ctx.tr
    s = sitting(ctx)
    text = Text.empty().para(tr.gettext("Séance of the {conference}, open since {time}.",
                                        conference=conference_title(s.conference, tr),
                                        time=at_time(s.seance.opened_at, tr)))
    if s.seance.suspended:
        text.para(tr.gettext("Suspended since {time}.", time=at_time(s.seance.pauses[-1].suspended_at, tr)))
    text.extend(_agenda_text(s.seance, tr))
    stored = storage.open_vote_of(ctx.session, s.seance.id)
    if stored is not None:
        text.para(vote_heading(stored.vote, tr) + " — " + tr.gettext("open since {time}.",
                                                                    time=at_time(stored.vote.opened_at, tr)))
    return Reply(*text.done())


@command(
    "ouvrir",
    aliases=("open",),
    parent="seance",
    args=(Arg("number", CONFERENCE_NO, optional=True), Arg("reason", REASON, optional=True)),
    actions=(Action.SEANCE_CONDUIRE,),
    help=N_("Open the séance of today's conference (or conference n) on its fixed agenda, in this room; on another "
            "day than the conference's, give the reason, written in the compte rendu."),
)
def seance_ouvrir(ctx: CommandContext, number: int | None = None, reason: str = "") -> Reply:
    tr = ctx.tr
    conference, opened, carried = app.open_seance(ctx.session, ctx.config, number, ctx.room_id, ctx.sender,
                                                  ctx.now, ctx.event_id, reason)
    text = Text.empty().para(tr.gettext("Séance of the {conference} opened at {time} by {name}.",
                                        conference=conference_title(conference, tr), time=at_time(ctx.now, tr),
                                        name=name(ctx, ctx.sender)))
    if opened.other_day_reason:
        text.para(tr.gettext("Opened on {date}, not on the conference's day, for this reason (written in the compte "
                             "rendu): {reason}", date=tr.date(local_date(ctx.now)), reason=opened.other_day_reason))
    text.extend(_agenda_text(opened, tr))
    cast = cast_of(ctx.session, ctx.config, conference)
    if carried:
        text.para(tr.gettext("Pouvoirs given before the séance (their mandants are recorded excused):")).bullets(
            [pouvoir_text(p, ctx.config, tr, opened.opened_at) for p in Attendance.replay(cast, carried).pouvoirs])
    text.para(tr.gettext("Representatives: say !present when you are here; an absent titulaire may give a pouvoir "
                         "with !pouvoir @mandataire."))
    ids = [r.matrix_id for r in cast.representatives]
    text.para(*people_line(tr.gettext("Representatives"), ids, ctx.config, tr))
    return Reply(*text.done(), mentions=tuple(ids))


@command(
    "suspendre",
    aliases=("suspend",),
    parent="seance",
    actions=(Action.SEANCE_CONDUIRE,),
    help=N_("Suspend the séance: no vote until it resumes."),
)
def seance_suspendre(ctx: CommandContext) -> Reply:
    app.change_seance(ctx.session, sitting(ctx), lambda seance: seance.suspendre(by=ctx.sender, at=ctx.now,
                                                                                   event_id=ctx.event_id),
                      not_while_voting=True)
    return Reply(ctx.tr.gettext("Séance suspended at {time}. Resume it with !seance reprendre.",
                                time=at_time(ctx.now, ctx.tr)))


@command(
    "reprendre",
    aliases=("resume",),
    parent="seance",
    actions=(Action.SEANCE_CONDUIRE,),
    help=N_("Resume a suspended séance."),
)
def seance_reprendre(ctx: CommandContext) -> Reply:
    s = sitting(ctx)
    app.change_seance(ctx.session, s, lambda seance: seance.reprendre(by=ctx.sender, at=ctx.now,
                                                                        event_id=ctx.event_id))
    reply = Text.empty().para(ctx.tr.gettext("Séance resumed at {time}.", time=at_time(ctx.now, ctx.tr)))
    return Reply(*reply.extend(quorum_text(quorum(s.attendance), ctx.config, ctx.tr)).done())


def minutes_reply(headline: str, minutes: Minutes, documents: tuple[Attachment, ...] = ()) -> Reply:
    """The compte rendu as a message after `headline`, with its Markdown file, then its `documents` (PDF, ODT)."""
    return Reply(headline + "\n\n" + minutes.plain, f"<p>{escape(headline)}</p>" + minutes.html,
                 attachment=minutes.attachment, attachments=documents)


@command(
    "secretaire",
    aliases=("secretary",),
    parent="seance",
    args=(Arg("person", PERSON),),
    actions=(Action.SEANCE_CONDUIRE,),
    help=N_("Designate the secrétaire de séance, named and signing in the compte rendu."),
)
def seance_secretaire(ctx: CommandContext, person: str) -> Reply:
    if not ctx.config.is_known(person):
        raise CommandError(ctx.tr.gettext("The secrétaire de séance is one of the people of the conference "
                                          "(representatives, staff)."))
    app.change_seance(ctx.session, sitting(ctx), lambda seance: seance.designer_secretaire(person))
    return Reply(ctx.tr.gettext("{name} is the secrétaire de séance.", name=name(ctx, person)))


@command(
    "clore",
    aliases=("close",),
    parent="seance",
    actions=(Action.SEANCE_CONDUIRE,),
    help=N_("Close the séance: the compte rendu is posted, as a message and as Markdown, PDF and ODT files."),
)
def seance_clore(ctx: CommandContext) -> Reply:
    closed = app.change_seance(ctx.session, sitting(ctx), lambda seance: seance.clore(by=ctx.sender, at=ctx.now,
                                                                                        event_id=ctx.event_id),
                               not_while_voting=True)
    record = app.record_of(ctx.session, ctx.config, closed)
    minutes = compte_rendu(record, ctx.config)
    headline = ctx.tr.gettext("Séance closed at {time}. The compte rendu follows ({file}).",
                              time=at_time(ctx.now, ctx.tr), file=minutes.filename)
    return minutes_reply(headline, minutes, minutes_files(record, ctx.config))

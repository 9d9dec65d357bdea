"""The séance sitting in a room (`sitting`, shared with the attendance and vote commands), the conference to come
before it (`conference_to_come`, for the pouvoirs given in advance) and the séance's opening, suspension and closing
(!seance and its sub-commands). `minutes_of` is shared with `!cr` and `tno-bot cr`.

Everything but `!seance ouvrir` acts on the séance sitting in the room the command is typed in; what the domain
returns is written in the command's transaction, after every check that can refuse. The opening carries the
pouvoirs given in advance into the séance.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from tno_bot import storage
from tno_bot.commands.agenda import CONFERENCE_NO
from tno_bot.commands.context import Attachment, CommandContext, Reply
from tno_bot.commands.errors import CommandError, UsageError
from tno_bot.commands.registry import Arg, command
from tno_bot.commands.seance_refusals import _name, seance_refusal
from tno_bot.config import Config
from tno_bot.domain.agenda import Conference
from tno_bot.domain.attendance import Attendance, Cast, carried_into_seance, quorum
from tno_bot.domain.calendar import local_date
from tno_bot.domain.seance import Seance, SeanceRefused, ouvrir_seance
from tno_bot.i18n import N_, Translator
from tno_bot.reports.agenda import Text, conference_title, people_line
from tno_bot.reports.compte_rendu import MARKDOWN_MIMETYPE, Minutes, compte_rendu
from tno_bot.reports.seance import at_time, pouvoir_text, quorum_text, vote_heading

GROUP = N_("Séance")
PRESIDENCY = frozenset({"president", "secretariat"})


# --- the séance sitting in the room ------------------------------------------------------------------------------


@dataclass
class Sitting:
    seance: Seance
    conference: Conference
    attendance: Attendance


def _cast(ctx: CommandContext) -> Cast:
    return Cast.from_config(ctx.config)


def sitting_here(ctx: CommandContext) -> Sitting | None:
    """The séance sitting in this room, with its attendance, if any."""
    seance = storage.open_seance_in_room(ctx.session, ctx.room_id)
    if seance is None:
        return None
    conference = storage.get_conference(ctx.session, seance.conference_id)
    return Sitting(seance, conference, storage.load_attendance(ctx.session, seance.id, _cast(ctx)))


def not_sitting(ctx: CommandContext) -> CommandError:
    return CommandError(ctx.tr.gettext(
        "No séance is sitting in this room: the président or the secrétariat opens it with !seance ouvrir."))


def sitting(ctx: CommandContext) -> Sitting:
    """The séance sitting in this room, with its attendance; a sentence saying how to open one otherwise."""
    s = sitting_here(ctx)
    if s is None:
        raise not_sitting(ctx)
    return s


def conference_to_come(ctx: CommandContext) -> Conference | None:
    """The conference whose séance comes next, as !seance ouvrir would choose it: this room's first conference from
    today on that has had no séance, else the only such conference of any room."""
    today = local_date(ctx.now)
    candidates = [(c, room) for c, room in storage.all_conferences(ctx.session)
                  if not c.cancelled and c.day >= today and storage.seance_of_conference(ctx.session, c.id) is None]
    here = [c for c, room in candidates if room == ctx.room_id]
    if here:
        return here[0]  # in chronological order
    return candidates[0][0] if len(candidates) == 1 else None


def _today_conference(ctx: CommandContext) -> Conference:
    today = local_date(ctx.now)
    candidates = [(c, room) for c, room in storage.all_conferences(ctx.session)
                  if not c.cancelled and c.day == today]
    here = [c for c, room in candidates if room == ctx.room_id]
    if len(here) == 1:
        return here[0]
    if len(candidates) == 1 and not here:
        return candidates[0][0]
    if not candidates:
        raise UsageError(ctx.tr.gettext(
            "No conference is planned today: give the number of the conference to open (!conferences lists them)."))
    raise UsageError(ctx.tr.gettext("Several conferences are planned today: give the number of the one to open."))


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
    args=(Arg("number", CONFERENCE_NO, optional=True),),
    roles=PRESIDENCY,
    help=N_("Open the séance of today's conference (or conference n) on its fixed agenda, in this room."),
)
def seance_ouvrir(ctx: CommandContext, number: int | None = None) -> Reply:
    tr = ctx.tr
    sitting_here = storage.open_seance_in_room(ctx.session, ctx.room_id)
    if sitting_here is not None:
        raise CommandError(tr.gettext(
            "The séance of conference no. {n} is already sitting in this room since {time}: close it first with "
            "!seance clore.", n=sitting_here.conference_id, time=at_time(sitting_here.opened_at, tr)))
    if number is not None:
        conference = storage.get_conference(ctx.session, number)
        if conference is None:
            raise UsageError(tr.gettext("There is no conference no. {n}: !conferences lists them.", n=number))
    else:
        conference = _today_conference(ctx)
    held = storage.seance_of_conference(ctx.session, conference.id)
    if held is not None:
        if held.closed:
            raise CommandError(tr.gettext(
                "The séance of conference no. {n} was closed on {date} at {time}: a closed séance is not opened again.",
                n=conference.id, date=tr.date(local_date(held.closed_at)), time=at_time(held.closed_at, tr)))
        raise CommandError(tr.gettext("The séance of conference no. {n} is already sitting in another room.",
                                      n=conference.id))
    try:
        opened = ouvrir_seance(conference, storage.load_agenda(ctx.session, conference.id), ctx.room_id,
                               by=ctx.sender, at=ctx.now, event_id=ctx.event_id)
    except SeanceRefused as error:
        raise seance_refusal(error, ctx, conference)
    opened = storage.add_seance(ctx.session, opened)
    cast = _cast(ctx)
    carried = carried_into_seance(storage.advance_pouvoirs(ctx.session, conference.id, cast))
    storage.add_attendance_facts(ctx.session, opened.id, carried)
    text = Text.empty().para(tr.gettext("Séance of the {conference} opened at {time} by {name}.",
                                        conference=conference_title(conference, tr), time=at_time(ctx.now, tr),
                                        name=_name(ctx, ctx.sender)))
    text.extend(_agenda_text(opened, tr))
    if carried:
        text.para(tr.gettext("Pouvoirs given before the séance (their mandants are recorded excused):")).bullets(
            [pouvoir_text(p, ctx.config, tr, opened.opened_at)
             for p in Attendance.replay(cast, carried).pouvoirs])
    text.para(tr.gettext("Representatives: say !present when you are here; an absent titulaire may give a pouvoir "
                         "with !pouvoir @mandataire."))
    ids = [p.matrix_id for p in ctx.config.people]
    text.para(*people_line(tr.gettext("Representatives"), ids, ctx.config, tr))
    return Reply(*text.done(), mentions=tuple(ids))


def _change_seance(ctx: CommandContext, change) -> tuple[Sitting, Seance]:
    s = sitting(ctx)
    try:
        changed = change(s.seance)
    except SeanceRefused as error:
        raise seance_refusal(error, ctx, s.conference)
    storage.save_seance(ctx.session, changed)
    return s, changed


def _refuse_while_voting(ctx: CommandContext, s: Sitting) -> None:
    """A séance is neither suspended nor closed while a vote is open."""
    if (stored := storage.open_vote_of(ctx.session, s.seance.id)) is not None:
        raise CommandError(ctx.tr.gettext("The vote on point {item} is open: close it first with !vote clore.",
                                          item=stored.vote.item))


@command(
    "suspendre",
    aliases=("suspend",),
    parent="seance",
    roles=PRESIDENCY,
    help=N_("Suspend the séance: no vote until it resumes."),
)
def seance_suspendre(ctx: CommandContext) -> Reply:
    _refuse_while_voting(ctx, sitting(ctx))
    _change_seance(ctx, lambda seance: seance.suspendre(by=ctx.sender, at=ctx.now, event_id=ctx.event_id))
    return Reply(ctx.tr.gettext("Séance suspended at {time}. Resume it with !seance reprendre.",
                                time=at_time(ctx.now, ctx.tr)))


@command(
    "reprendre",
    aliases=("resume",),
    parent="seance",
    roles=PRESIDENCY,
    help=N_("Resume a suspended séance."),
)
def seance_reprendre(ctx: CommandContext) -> Reply:
    s, _ = _change_seance(ctx, lambda seance: seance.reprendre(by=ctx.sender, at=ctx.now, event_id=ctx.event_id))
    reply = Text.empty().para(ctx.tr.gettext("Séance resumed at {time}.", time=at_time(ctx.now, ctx.tr)))
    return Reply(*reply.extend(quorum_text(quorum(s.attendance), ctx.config, ctx.tr)).done())


def minutes_of(session, config: Config, seance: Seance) -> Minutes:
    """The compte rendu of a stored séance (shared with `tno-bot cr`)."""
    conference = storage.get_conference(session, seance.conference_id)
    attendance = storage.load_attendance(session, seance.id, Cast.from_config(config))
    return compte_rendu(conference, seance, attendance, storage.votes_of(session, seance.id),
                        storage.notes_of(session, seance.id), config)


def _minutes_reply(headline: str, minutes: Minutes) -> Reply:
    attachment = Attachment(minutes.filename, MARKDOWN_MIMETYPE, minutes.data)
    return Reply(headline + "\n\n" + minutes.plain, f"<p>{escape(headline)}</p>" + minutes.html,
                 attachment=attachment)


@command(
    "clore",
    aliases=("close",),
    parent="seance",
    roles=PRESIDENCY,
    help=N_("Close the séance: the compte rendu is posted, as a message and as a Markdown file."),
)
def seance_clore(ctx: CommandContext) -> Reply:
    _refuse_while_voting(ctx, sitting(ctx))
    _, closed = _change_seance(ctx, lambda seance: seance.clore(by=ctx.sender, at=ctx.now, event_id=ctx.event_id))
    minutes = minutes_of(ctx.session, ctx.config, closed)
    headline = ctx.tr.gettext("Séance closed at {time}. The compte rendu follows ({file}).",
                              time=at_time(ctx.now, ctx.tr), file=minutes.filename)
    return _minutes_reply(headline, minutes)

"""Attendance in the séance sitting in the room: !present, !absent, !excuse, !presents (before the séance, the
pouvoirs given for it) and the quorum (!quorum).
"""

from __future__ import annotations

from tno_bot.commands.context import CommandContext
from tno_bot.reports.message import Reply
from tno_bot.commands.people import PEOPLE
from tno_bot.commands.registry import Arg, command
from tno_bot.commands.seance import name, sitting
from tno_bot.app.rooms import in_its_room
from tno_bot.app.seance import advance_attendance, conference_to_come, mark
from tno_bot.app.sitting import sitting_here
from tno_bot.domain.attendance import PouvoirEnd, Status, quorum
from tno_bot.domain.roles import Action, require
from tno_bot.domain.seance import Reason as SeanceReason
from tno_bot.domain.seance import SeanceRefused
from tno_bot.i18n import N_
from tno_bot.reports.text import Text
from tno_bot.reports.seance import advance_report, at_time, presents_report, quorum_text

GROUP = N_("Attendance and pouvoirs")  # apart from the séance's: one phone screen per group in !aide


def _mark(ctx: CommandContext, people: tuple[str, ...] | None, status: Status) -> Reply:
    tr = ctx.tr
    people = people or (ctx.sender,)
    if any(p != ctx.sender for p in people):
        require(Action.PRESENCE_AUTRUI, ctx.config.roles_of(ctx.sender))
    attendance, facts, unchanged = mark(ctx.session, sitting(ctx), people, status, by=ctx.sender, at=ctx.now,
                                        event_id=ctx.event_id)
    text = Text.empty()
    recorded = [f.person for f in facts]
    label = {Status.PRESENT: N_("Recorded present at {time}: {names}."),
             Status.EXCUSE: N_("Recorded excused at {time}: {names}."),
             Status.ABSENT: N_("Recorded absent at {time}: {names}.")}[status]
    if recorded:
        text.para(tr.gettext(label, time=at_time(ctx.now, tr), names=tr.join_and(name(ctx, p) for p in recorded)))
    if unchanged:
        already = {Status.PRESENT: N_("Already recorded present: {names}."),
                   Status.EXCUSE: N_("Already recorded excused: {names}."),
                   Status.ABSENT: N_("Already recorded absent: {names}.")}[status]
        text.para(tr.gettext(already, names=tr.join_and(name(ctx, p) for p in unchanged)))
    for pouvoir in attendance.pouvoirs:
        if pouvoir.end is PouvoirEnd.MANDANT_PRESENT and pouvoir.ended_at == ctx.now and pouvoir.mandant in recorded:
            text.para(tr.gettext("The pouvoir given by {mandant} to {mandataire} ends: {mandant} votes in person.",
                                 mandant=name(ctx, pouvoir.mandant), mandataire=name(ctx, pouvoir.mandataire)))
    return Reply(*text.extend(quorum_text(quorum(attendance), ctx.config, tr)).done())


@command(
    "present",
    args=(Arg("people", PEOPLE, optional=True),),
    help=N_("Record oneself present; with names, people in the meeting room without chat access (président, "
            "secrétariat)."),
    group=GROUP,
)
def present(ctx: CommandContext, people: tuple[str, ...] | None = None) -> Reply:
    return _mark(ctx, people, Status.PRESENT)


@command(
    "absent",
    args=(Arg("people", PEOPLE, optional=True),),
    help=N_("Record people absent (président, secrétariat), or oneself when leaving."),
    group=GROUP,
)
def absent(ctx: CommandContext, people: tuple[str, ...] | None = None) -> Reply:
    return _mark(ctx, people, Status.ABSENT)


@command(
    "excuse",
    aliases=("excused",),
    args=(Arg("people", PEOPLE, optional=True),),
    help=N_("Record oneself excused; with names, other people (président, secrétariat)."),
    group=GROUP,
)
def excuse(ctx: CommandContext, people: tuple[str, ...] | None = None) -> Reply:
    return _mark(ctx, people, Status.EXCUSE)


@command(
    "presents",
    aliases=("attendance",),
    help=N_("Who is present, excused or absent, by member, titulaires and suppléants apart; the pouvoirs; the "
            "quorum. Before the séance, the pouvoirs already given for it."),
    group=GROUP,
)
def presents(ctx: CommandContext) -> Reply:
    s = sitting_here(ctx.session, ctx.config, ctx.room_id)
    if s is not None:
        return Reply(*presents_report(s.attendance, s.seance.opened_at, ctx.config, ctx.tr))
    conference = conference_to_come(ctx.session, ctx.room_id, ctx.now)
    if conference is None:
        raise SeanceRefused(SeanceReason.NOT_SITTING)
    in_its_room(ctx.session, conference.id, ctx.room_id)  # the pouvoirs given for it are its people's business
    advance = advance_attendance(ctx.session, ctx.config, conference)
    return Reply(*advance_report(conference, advance, ctx.config, ctx.tr))


@command(
    "quorum",
    help=N_("Whether the quorum is reached, and which members have no one present (pouvoirs do not count)."),
    group=GROUP,
)
def quorum_command(ctx: CommandContext) -> Reply:
    return Reply(*quorum_text(quorum(sitting(ctx).attendance), ctx.config, ctx.tr).done())

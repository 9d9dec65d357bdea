"""Attendance in the séance sitting in the room: !present, !absent, !excuse, !presents (before the séance, the
pouvoirs given for it) and the quorum (!quorum).
"""

from __future__ import annotations

from tno_bot import storage
from tno_bot.commands.context import CommandContext, Reply
from tno_bot.commands.people import PEOPLE
from tno_bot.commands.registry import Arg, command
from tno_bot.commands.seance import GROUP, PRESIDENCY, conference_to_come, not_sitting, sitting, sitting_here
from tno_bot.commands.seance_refusals import _name, _only, attendance_refusal
from tno_bot.domain.attendance import AttendanceRefused, Cast, FactKind, PouvoirEnd, Status, quorum
from tno_bot.i18n import N_
from tno_bot.reports.agenda import Text
from tno_bot.reports.seance import advance_report, at_time, presents_report, quorum_text


def _mark(ctx: CommandContext, people: tuple[str, ...] | None, status: Status) -> Reply:
    tr = ctx.tr
    people = people or (ctx.sender,)
    if any(p != ctx.sender for p in people):
        _only(ctx, PRESIDENCY, N_("record the attendance of other people"))
    s = sitting(ctx)
    attendance, facts, unchanged = s.attendance, [], []
    for person in people:
        recorded_before = any(f.person == person and f.kind is FactKind.PRESENCE for f in attendance.facts)
        if recorded_before and attendance.status(person) is status:
            unchanged.append(person)
            continue
        try:
            fact = attendance.mark(person, status, by=ctx.sender, at=ctx.now, event_id=ctx.event_id)
        except AttendanceRefused as error:
            raise attendance_refusal(error, ctx)
        facts.append(fact)
        attendance = attendance.apply(fact)
    storage.add_attendance_facts(ctx.session, s.seance.id, facts)
    text = Text.empty()
    recorded = [f.person for f in facts]
    label = {Status.PRESENT: N_("Recorded present at {time}: {names}."),
             Status.EXCUSE: N_("Recorded excused at {time}: {names}."),
             Status.ABSENT: N_("Recorded absent at {time}: {names}.")}[status]
    if recorded:
        text.para(tr.gettext(label, time=at_time(ctx.now, tr), names=tr.join_and(_name(ctx, p) for p in recorded)))
    if unchanged:
        already = {Status.PRESENT: N_("Already recorded present: {names}."),
                   Status.EXCUSE: N_("Already recorded excused: {names}."),
                   Status.ABSENT: N_("Already recorded absent: {names}.")}[status]
        text.para(tr.gettext(already, names=tr.join_and(_name(ctx, p) for p in unchanged)))
    for pouvoir in attendance.pouvoirs:
        if pouvoir.end is PouvoirEnd.MANDANT_PRESENT and pouvoir.ended_at == ctx.now and pouvoir.mandant in recorded:
            text.para(tr.gettext("The pouvoir given by {mandant} to {mandataire} ends: {mandant} votes in person.",
                                 mandant=_name(ctx, pouvoir.mandant), mandataire=_name(ctx, pouvoir.mandataire)))
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
    s = sitting_here(ctx)
    if s is not None:
        return Reply(*presents_report(s.attendance, s.seance.opened_at, ctx.config, ctx.tr))
    conference = conference_to_come(ctx)
    if conference is None:
        raise not_sitting(ctx)
    advance = storage.advance_pouvoirs(ctx.session, conference.id, Cast.from_config(ctx.config))
    return Reply(*advance_report(conference, advance, ctx.config, ctx.tr))


@command(
    "quorum",
    help=N_("Whether the quorum is reached, and which members have no one present (pouvoirs do not count)."),
    group=GROUP,
)
def quorum_command(ctx: CommandContext) -> Reply:
    return Reply(*quorum_text(quorum(sitting(ctx).attendance), ctx.config, ctx.tr).done())

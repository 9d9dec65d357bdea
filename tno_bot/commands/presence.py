"""Attendance in the séance sitting in the room: !present, !absent, !excuse, !presents, the quorum (!quorum) and the
pouvoirs (!pouvoir).
"""

from __future__ import annotations

from tno_bot import storage
from tno_bot.commands.context import CommandContext, Reply
from tno_bot.commands.people import MANDATAIRE, PEOPLE
from tno_bot.commands.registry import Arg, command
from tno_bot.commands.seance import GROUP, PRESIDENCY, sitting
from tno_bot.commands.seance_refusals import _name, _only, attendance_refusal
from tno_bot.domain.attendance import AttendanceRefused, FactKind, PouvoirEnd, Status, quorum
from tno_bot.i18n import N_
from tno_bot.reports.agenda import Text
from tno_bot.reports.seance import at_time, presents_report, quorum_text


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
            "quorum."),
    group=GROUP,
)
def presents(ctx: CommandContext) -> Reply:
    return Reply(*presents_report(sitting(ctx).attendance, ctx.config, ctx.tr))


@command(
    "quorum",
    help=N_("Whether the quorum is reached, and which members have no one present (pouvoirs do not count)."),
    group=GROUP,
)
def quorum_command(ctx: CommandContext) -> Reply:
    return Reply(*quorum_text(quorum(sitting(ctx).attendance), ctx.config, ctx.tr).done())


@command(
    "pouvoir",
    aliases=("proxy",),
    args=(Arg("mandataire", MANDATAIRE),),
    help=N_("An absent or excused titulaire gives a pouvoir to another representative, for this séance only "
            "(!pouvoir retirer revokes it). A representative who comes and votes in person ends it."),
    group=GROUP,
)
def pouvoir(ctx: CommandContext, mandataire: str | None) -> Reply:
    tr = ctx.tr
    s = sitting(ctx)
    try:
        if mandataire is None:
            fact = s.attendance.revoke_pouvoir(ctx.sender, by=ctx.sender, at=ctx.now, event_id=ctx.event_id)
        else:
            fact = s.attendance.give_pouvoir(ctx.sender, mandataire, by=ctx.sender, at=ctx.now,
                                             event_id=ctx.event_id)
    except AttendanceRefused as error:
        raise attendance_refusal(error, ctx)
    storage.add_attendance_facts(ctx.session, s.seance.id, [fact])
    after = s.attendance.apply(fact)
    if fact.kind is FactKind.RETRAIT:
        revoked = next(p for p in reversed(after.pouvoirs) if p.mandant == ctx.sender)
        sentence = tr.gettext("Pouvoir revoked at {time}: {mandataire} no longer votes for {mandant}.",
                              time=at_time(ctx.now, tr), mandataire=_name(ctx, revoked.mandataire),
                              mandant=_name(ctx, ctx.sender))
    else:
        sentence = tr.gettext("Pouvoir recorded at {time}: {mandataire} votes for {mandant} in this séance (with "
                              "!vote <choice> {mandant_name}).", time=at_time(ctx.now, tr),
                              mandataire=_name(ctx, mandataire), mandant=_name(ctx, ctx.sender),
                              mandant_name=_name(ctx, ctx.sender))
    return Reply(sentence)

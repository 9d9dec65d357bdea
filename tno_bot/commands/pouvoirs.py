"""Pouvoirs: !pouvoir and !pouvoir retirer, by a titulaire for themself, or by the secrétariat or the président on
the mandant's behalf (a pouvoir handed in on paper). In the séance sitting in the room; before it, for the séance of
the room's conference to come (stored apart, carried into the séance at its opening). The rules are the domain's,
the same in both cases.
"""

from __future__ import annotations

from dataclasses import dataclass

from tno_bot import storage
from tno_bot.commands.context import CommandContext, Reply
from tno_bot.commands.errors import CommandError, UsageError
from tno_bot.commands.people import MANDANT, POUVOIR
from tno_bot.commands.registry import Arg, command
from tno_bot.commands.seance import GROUP, PRESIDENCY, conference_to_come, sitting_here
from tno_bot.commands.seance_refusals import _name, _only, attendance_refusal
from tno_bot.domain.agenda import Conference
from tno_bot.domain.attendance import Attendance, AttendanceFact, AttendanceRefused, Cast
from tno_bot.domain.attendance import Reason as AttendanceReason
from tno_bot.domain.seance import Seance
from tno_bot.i18n import N_
from tno_bot.reports.agenda import conference_title, when
from tno_bot.reports.seance import at_time


@dataclass
class Register:
    """Where a pouvoir is recorded now: the séance sitting in the room, or before it (`seance` None) the conference
    to come."""

    conference: Conference
    attendance: Attendance
    seance: Seance | None

    def add(self, ctx: CommandContext, fact: AttendanceFact) -> None:
        if self.seance is not None:
            storage.add_attendance_facts(ctx.session, self.seance.id, [fact])
        else:
            storage.add_advance_pouvoir_fact(ctx.session, self.conference.id, fact)


def _register(ctx: CommandContext) -> Register:
    s = sitting_here(ctx)
    if s is not None:
        return Register(s.conference, s.attendance, s.seance)
    conference = conference_to_come(ctx)
    if conference is None:
        raise CommandError(ctx.tr.gettext(
            "No séance is sitting in this room and no conference is to come for it: a pouvoir is given for a séance "
            "(!conferences lists them)."))
    return Register(conference, storage.advance_pouvoirs(ctx.session, conference.id, Cast.from_config(ctx.config)),
                    None)


def _mandant(ctx: CommandContext, named: str | None) -> str:
    """The mandant: the sender, or the person named, which only the secrétariat or the président may do."""
    if named is None or named == ctx.sender:
        return ctx.sender
    _only(ctx, PRESIDENCY, N_("record or revoke a pouvoir on behalf of a representative (a pouvoir handed in on "
                              "paper)"))
    return named


def _on_behalf(ctx: CommandContext, mandant: str) -> str:
    """The sentence that says who recorded a pouvoir on the mandant's behalf, or nothing."""
    if mandant == ctx.sender:
        return ""
    return " " + ctx.tr.gettext("Recorded by {name} on behalf of {mandant}.", name=_name(ctx, ctx.sender),
                                mandant=_name(ctx, mandant))


@command(
    "pouvoir",
    aliases=("proxy",),
    args=(Arg("people", POUVOIR),),
    help=N_("An absent or excused titulaire gives a pouvoir to another representative, for one séance: during the "
            "séance, or before it for the next conference of the room (the mandant is then recorded excused at the "
            "opening). The secrétariat or the président records a pouvoir handed in on paper with !pouvoir @mandant "
            "@mandataire. A representative who comes and votes in person ends it."),
    group=GROUP,
)
def pouvoir(ctx: CommandContext, people: tuple[str | None, str]) -> Reply:
    tr = ctx.tr
    mandant, mandataire = _mandant(ctx, people[0]), people[1]
    r = _register(ctx)
    try:
        fact = r.attendance.give_pouvoir(mandant, mandataire, by=ctx.sender, at=ctx.now, event_id=ctx.event_id)
    except AttendanceRefused as error:
        if error.reason is AttendanceReason.GIVER_NOT_REPRESENTATIVE and mandant == ctx.sender \
                and PRESIDENCY & ctx.config.roles_of(ctx.sender):
            raise UsageError(tr.gettext(
                "{name} is not a representative and gives no pouvoir of their own: for a pouvoir handed in on "
                "paper, name the mandant, then the mandataire.", name=_name(ctx, ctx.sender)))
        raise attendance_refusal(error, ctx, None if r.seance else r.conference)
    r.add(ctx, fact)
    names = {"mandataire": _name(ctx, mandataire), "mandant": _name(ctx, mandant), "mandant_name": _name(ctx, mandant)}
    if r.seance is not None:
        sentence = tr.gettext("Pouvoir recorded at {time}: {mandataire} votes for {mandant} in this séance (with "
                              "!vote <choice> {mandant_name}).", time=at_time(ctx.now, tr), **names)
    else:
        sentence = tr.gettext(
            "Pouvoir recorded on {when} for the séance of the {conference}: {mandataire} will vote for {mandant} "
            "(with !vote <choice> {mandant_name}). At the opening, {mandant} is recorded excused; coming in person "
            "ends the pouvoir, and !pouvoir retirer revokes it.", when=when(ctx.now, tr),
            conference=conference_title(r.conference, tr), **names)
    return Reply(sentence + _on_behalf(ctx, mandant))


@command(
    "retirer",
    aliases=("revoke",),
    parent="pouvoir",
    args=(Arg("mandant", MANDANT, optional=True),),
    help=N_("Revoke one's pouvoir, during the séance or before it; with a name, the secrétariat or the président "
            "revokes a pouvoir handed in on paper."),
)
def pouvoir_retirer(ctx: CommandContext, mandant: str | None = None) -> Reply:
    tr = ctx.tr
    mandant = _mandant(ctx, mandant)
    r = _register(ctx)
    try:
        fact = r.attendance.revoke_pouvoir(mandant, by=ctx.sender, at=ctx.now, event_id=ctx.event_id)
    except AttendanceRefused as error:
        raise attendance_refusal(error, ctx, None if r.seance else r.conference)
    r.add(ctx, fact)
    revoked = r.attendance.pouvoir_of(mandant)
    names = {"mandataire": _name(ctx, revoked.mandataire), "mandant": _name(ctx, mandant)}
    if r.seance is not None:
        sentence = tr.gettext("Pouvoir revoked at {time}: {mandataire} no longer votes for {mandant}.",
                              time=at_time(ctx.now, tr), **names)
    else:
        sentence = tr.gettext("Pouvoir revoked on {when}: {mandataire} will not vote for {mandant} at the séance of "
                              "the {conference}.", when=when(ctx.now, tr),
                              conference=conference_title(r.conference, tr), **names)
    return Reply(sentence + _on_behalf(ctx, mandant))

"""Pouvoirs: !pouvoir and !pouvoir retirer, by a titulaire for themself, or by the secrétariat or the président on
the mandant's behalf (a pouvoir handed in on paper). In the séance sitting in the room; before it, for the séance of
the room's conference to come (stored apart, carried into the séance at its opening). The rules are the domain's,
the same in both cases.
"""

from __future__ import annotations

from tno_bot import storage
from tno_bot.app import seance as app
from tno_bot.commands.context import CommandContext
from tno_bot.commands.people import MANDANT, POUVOIR
from tno_bot.commands.registry import Arg, command
from tno_bot.commands.presence import GROUP
from tno_bot.commands.seance import name
from tno_bot.commands.votes import pouvoir_poll
from tno_bot.domain.roles import Action, require
from tno_bot.i18n import N_
from tno_bot.reports.agenda import conference_title, when
from tno_bot.reports.message import Reply
from tno_bot.reports.seance import at_time


def _mandant(ctx: CommandContext, named: str | None) -> str:
    """The mandant: the sender, or the person named, which only the secrétariat or the président may do."""
    if named is None or named == ctx.sender:
        return ctx.sender
    require(Action.POUVOIR_AUTRUI, ctx.config.roles_of(ctx.sender))
    return named


def _on_behalf(ctx: CommandContext, mandant: str) -> str:
    """The sentence that says who recorded a pouvoir on the mandant's behalf, or nothing."""
    if mandant == ctx.sender:
        return ""
    return " " + ctx.tr.gettext("Recorded by {name} on behalf of {mandant}.", name=name(ctx, ctx.sender),
                                mandant=name(ctx, mandant))


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
    r = app.give_pouvoir(ctx.session, ctx.config, ctx.room_id, mandant, mandataire, by=ctx.sender, at=ctx.now,
                         event_id=ctx.event_id)
    names = {"mandataire": name(ctx, mandataire), "mandant": name(ctx, mandant), "mandant_name": name(ctx, mandant)}
    if r.seance is not None:
        sentence = tr.gettext("Pouvoir recorded at {time}: {mandataire} votes for {mandant} in this séance (with "
                              "!vote <choice> {mandant_name}).", time=at_time(ctx.now, tr), **names)
    else:
        sentence = tr.gettext(
            "Pouvoir recorded on {when} for the séance of the {conference}: {mandataire} will vote for {mandant} "
            "(with !vote <choice> {mandant_name}). At the opening, {mandant} is recorded excused; coming in person "
            "ends the pouvoir, and !pouvoir retirer revokes it.", when=when(ctx.now, tr),
            conference=conference_title(r.conference, tr), **names)
    # Given while a vote is open: its poll, for the mandataire to vote for the mandant with one tap.
    voting = storage.open_vote_of(ctx.session, r.seance.id) if r.seance is not None else None
    polls = (pouvoir_poll(ctx, voting.vote, mandant, mandataire),) if voting is not None else ()
    return Reply(sentence + _on_behalf(ctx, mandant), polls=polls)


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
    r = app.revoke_pouvoir(ctx.session, ctx.config, ctx.room_id, mandant, by=ctx.sender, at=ctx.now,
                           event_id=ctx.event_id)
    revoked = r.attendance.pouvoir_of(mandant)
    names = {"mandataire": name(ctx, revoked.mandataire), "mandant": name(ctx, mandant)}
    if r.seance is not None:
        sentence = tr.gettext("Pouvoir revoked at {time}: {mandataire} no longer votes for {mandant}.",
                              time=at_time(ctx.now, tr), **names)
    else:
        sentence = tr.gettext("Pouvoir revoked on {when}: {mandataire} will not vote for {mandant} at the séance of "
                              "the {conference}.", when=when(ctx.now, tr),
                              conference=conference_title(r.conference, tr), **names)
    # Given while a vote is open: its poll, for the mandataire to vote for the mandant with one tap.
    voting = storage.open_vote_of(ctx.session, r.seance.id) if r.seance is not None else None
    polls = (pouvoir_poll(ctx, voting.vote, mandant, mandataire),) if voting is not None else ()
    return Reply(sentence + _on_behalf(ctx, mandant), polls=polls)

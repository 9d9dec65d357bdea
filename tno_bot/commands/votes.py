"""Votes in the séance sitting in the room: !vote (the tally) and its sub-commands, opening, ballots and closing.
"""

from __future__ import annotations

from tno_bot.app import seance as app
from tno_bot.commands.arguments import POINT_NO, TITLE
from tno_bot.commands.context import CommandContext
from tno_bot.reports.message import Reply
from tno_bot.commands.people import MANDANT
from tno_bot.commands.registry import Arg, command
from tno_bot.commands.seance import GROUP, name, sitting
from tno_bot.domain.attendance import PouvoirEnd, voting_rights
from tno_bot.domain.roles import Action
from tno_bot.domain.voting import Choice, tally
from tno_bot.i18n import N_
from tno_bot.reports.agenda import people_line
from tno_bot.reports.text import Text
from tno_bot.reports.seance import (
    CHOICE_LABELS,
    at_time,
    counts_text,
    result_report,
    tally_report,
    vote_heading,
)


@command(
    "vote",
    help=N_("The vote in progress: the tally so far, who has voted and who has not. Ballots are not secret: each is "
            "recorded and shown with its author and time (a secret ballot is not supported)."),
    group=GROUP,
)
def vote_tally(ctx: CommandContext) -> Reply:
    s = sitting(ctx)
    stored = app.open_vote_of(ctx.session, s)
    current = tally(stored.vote, voting_rights(s.attendance))
    return Reply(*tally_report(stored.vote, current, ctx.config, ctx.tr))


@command(
    "ouvrir",
    aliases=("open",),
    parent="vote",
    args=(Arg("item", POINT_NO), Arg("title", TITLE, optional=True)),
    actions=(Action.VOTE_CONDUIRE,),
    help=N_("Open the vote on a point of the fixed agenda, while the quorum is reached."),
)
def vote_ouvrir(ctx: CommandContext, item: int, title: str | None = None) -> Reply:
    tr = ctx.tr
    s = sitting(ctx)
    opened = app.open_vote_on(ctx.session, s, item, title, by=ctx.sender, at=ctx.now, event_id=ctx.event_id)
    rights = voting_rights(s.attendance)
    voters = tuple(rights.by_voter())
    text = Text.empty().para(vote_heading(opened, tr) + " — " + tr.gettext("open at {time}.",
                                                                          time=at_time(ctx.now, tr)))
    text.para(tr.gettext("Vote with !vote pour, !vote contre or !vote abstention (a mandataire adds the mandant's "
                         "name). One may change one's vote until the closing: the latest counts. Ballots are not "
                         "secret."))
    text.para(tr.ngettext("{n} seat may be voted now.", "{n} seats may be voted now.",
                          sum(1 for seat in rights.seats if not seat.vacant)))
    if voters:
        text.para(*people_line(tr.gettext("Voters"), voters, ctx.config, tr))
    return Reply(*text.done(), mentions=voters)


def _cast_ballot(ctx: CommandContext, choice: Choice, mandant: str | None) -> Reply:
    tr = ctx.tr
    s = sitting(ctx)
    stored = app.open_vote_of(ctx.session, s)
    attendance, ballot, after, now_present = app.cast_ballot(ctx.session, s, stored, ctx.sender, choice, at=ctx.now,
                                                             event_id=ctx.event_id, mandant=mandant)
    before = stored.vote.counted().get(ballot.seat)
    chosen = tr.gettext(CHOICE_LABELS[choice.value])
    if ballot.seat == ctx.sender:
        sentence = tr.gettext("{voter} votes “{choice}”.", voter=name(ctx, ctx.sender), choice=chosen)
    else:
        sentence = tr.gettext("{voter} votes “{choice}” for the seat of {seat}.", voter=name(ctx, ctx.sender),
                              choice=chosen, seat=name(ctx, ballot.seat))
    if before is not None:
        sentence += " " + tr.gettext("It replaces the ballot “{previous}” cast by {who} at {time}; every "
                                     "ballot stays in the record.",
                                     previous=tr.gettext(CHOICE_LABELS[before.choice.value]),
                                     who=name(ctx, before.voter), time=at_time(before.at, tr))
    text = Text.empty()
    if now_present:
        text.para(tr.gettext("{name} is now recorded present.", name=name(ctx, ctx.sender)))
        for pouvoir in attendance.pouvoirs:
            if pouvoir.mandant == ctx.sender and pouvoir.end is PouvoirEnd.MANDANT_PRESENT \
                    and pouvoir.ended_at == ctx.now:
                text.para(tr.gettext("The pouvoir given by {mandant} to {mandataire} ends: {mandant} votes in "
                                     "person.", mandant=name(ctx, ctx.sender),
                                     mandataire=name(ctx, pouvoir.mandataire)))
    current = tally(after, voting_rights(attendance))
    text.para(sentence)
    text.para(tr.ngettext("So far: {counts}; {n} seat has not voted.", "So far: {counts}; {n} seats have not voted.",
                          len(current.not_voted), counts=counts_text(current.counts, tr)))
    return Reply(*text.done())


def _choice_command(name: str, alias: str, choice: Choice, help_text: str) -> None:
    @command(name, aliases=(alias,), parent="vote", args=(Arg("mandant", MANDANT, optional=True),), help=help_text)
    def handler(ctx: CommandContext, mandant: str | None = None) -> Reply:
        return _cast_ballot(ctx, choice, mandant)


_choice_command("pour", "for", Choice.POUR, N_("Vote for the proposal; a mandataire names the mandant."))
_choice_command("contre", "against", Choice.CONTRE, N_("Vote against the proposal; a mandataire names the mandant."))
_choice_command("abstention", "abstain", Choice.ABSTENTION,
                N_("Abstain (not a vote cast); a mandataire names the mandant."))


@command(
    "clore",
    aliases=("close",),
    parent="vote",
    actions=(Action.VOTE_CONDUIRE,),
    help=N_("Close the vote, the quorum checked again: the result with the counts, the rule and the wording; an "
            "adopted decision gets its number."),
)
def vote_clore(ctx: CommandContext) -> Reply:
    closed, written = app.close_vote(ctx.session, sitting(ctx), ctx.current_year, by=ctx.sender, at=ctx.now,
                                     event_id=ctx.event_id, rule=ctx.config.rules.decision_rule)
    res = written.result
    return Reply(*result_report(closed, res, written.decision, ctx.config, ctx.tr))

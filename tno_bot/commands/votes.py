"""Votes in the séance sitting in the room: !vote (the tally) and its sub-commands, opening, ballots and closing.
"""

from __future__ import annotations

from tno_bot import storage
from tno_bot.commands.agenda import POINT_NO, TITLE
from tno_bot.commands.context import CommandContext, Reply
from tno_bot.commands.errors import CommandError
from tno_bot.commands.people import MANDANT
from tno_bot.commands.registry import Arg, command
from tno_bot.commands.seance import GROUP, Sitting, sitting
from tno_bot.commands.seance_refusals import _name, seance_refusal, vote_refusal
from tno_bot.domain.attendance import PouvoirEnd, Status, quorum, voting_rights
from tno_bot.domain.seance import SeanceRefused
from tno_bot.domain.voting import Choice, VoteRefused, open_vote, result, tally
from tno_bot.i18n import N_
from tno_bot.reports.agenda import Text, people_line
from tno_bot.reports.seance import (
    CHOICE_LABELS,
    at_time,
    counts_text,
    result_report,
    tally_report,
    vote_heading,
)


def _voting(ctx: CommandContext) -> tuple[Sitting, storage.StoredVote]:
    s = sitting(ctx)
    stored = storage.open_vote_of(ctx.session, s.seance.id)
    if stored is None:
        raise CommandError(ctx.tr.gettext("No vote is open. The président opens one with !vote ouvrir <point no.>."))
    return s, stored


@command(
    "vote",
    help=N_("The vote in progress: the tally so far, who has voted and who has not. Ballots are not secret: each is "
            "recorded and shown with its author and time (a secret ballot is not supported)."),
    group=GROUP,
)
def vote_tally(ctx: CommandContext) -> Reply:
    s, stored = _voting(ctx)
    current = tally(stored.vote, voting_rights(s.attendance))
    return Reply(*tally_report(stored.vote, current, ctx.config, ctx.tr))


@command(
    "ouvrir",
    aliases=("open",),
    parent="vote",
    args=(Arg("item", POINT_NO), Arg("title", TITLE, optional=True)),
    roles=frozenset({"president"}),
    help=N_("Open the vote on a point of the fixed agenda, while the quorum is reached."),
)
def vote_ouvrir(ctx: CommandContext, item: int, title: str | None = None) -> Reply:
    tr = ctx.tr
    s = sitting(ctx)
    try:
        s.seance.check_votes_allowed()
    except SeanceRefused as error:
        raise seance_refusal(error, ctx)
    if (stored := storage.open_vote_of(ctx.session, s.seance.id)) is not None:
        raise CommandError(tr.gettext("The vote on point {item} is open: close it first with !vote clore.",
                                      item=stored.vote.item))
    done = next((v for v in storage.votes_of(ctx.session, s.seance.id) if v.vote.item == item), None)
    if done is not None:
        raise CommandError(tr.gettext("Point {item} was already voted on in this séance (closed at {time}).",
                                      item=item, time=at_time(done.vote.closed_at, tr)))
    try:
        opened = open_vote(item, s.seance.agenda, quorum(s.attendance), by=ctx.sender, at=ctx.now,
                           event_id=ctx.event_id, title=title)
    except VoteRefused as error:
        raise vote_refusal(error, ctx, s.seance)
    storage.add_vote(ctx.session, s.seance.id, opened)
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
    s, stored = _voting(ctx)
    try:
        s.seance.check_votes_allowed()
    except SeanceRefused as error:
        raise seance_refusal(error, ctx)
    attendance, facts = s.attendance, []
    representative = attendance.cast.representative(ctx.sender)
    if representative is not None and attendance.status(ctx.sender) is not Status.PRESENT:
        # Voting is taking part: a representative not recorded present is recorded present by the ballot itself,
        # which also ends a pouvoir they gave (they now vote in person).
        facts.append(attendance.mark(ctx.sender, Status.PRESENT, by=ctx.sender, at=ctx.now, event_id=ctx.event_id))
        attendance = attendance.apply(facts[-1])
    try:
        ballot = stored.vote.cast(attendance, ctx.sender, choice, at=ctx.now, event_id=ctx.event_id,
                                  mandant=mandant)
    except VoteRefused as error:
        raise vote_refusal(error, ctx, s.seance)
    before = stored.vote.counted().get(ballot.seat)
    storage.add_attendance_facts(ctx.session, s.seance.id, facts)
    storage.add_ballot(ctx.session, stored.id, ballot)
    after = stored.vote.with_ballot(ballot)
    chosen = tr.gettext(CHOICE_LABELS[choice.value])
    if ballot.seat == ctx.sender:
        sentence = tr.gettext("{voter} votes “{choice}”.", voter=_name(ctx, ctx.sender), choice=chosen)
    else:
        sentence = tr.gettext("{voter} votes “{choice}” for the seat of {seat}.", voter=_name(ctx, ctx.sender),
                              choice=chosen, seat=_name(ctx, ballot.seat))
    if before is not None:
        sentence += " " + tr.gettext("It replaces the ballot “{previous}” cast by {who} at {time}; every "
                                     "ballot stays in the record.",
                                     previous=tr.gettext(CHOICE_LABELS[before.choice.value]),
                                     who=_name(ctx, before.voter), time=at_time(before.at, tr))
    text = Text.empty()
    if facts:
        text.para(tr.gettext("{name} is now recorded present.", name=_name(ctx, ctx.sender)))
        for pouvoir in attendance.pouvoirs:
            if pouvoir.mandant == ctx.sender and pouvoir.end is PouvoirEnd.MANDANT_PRESENT \
                    and pouvoir.ended_at == ctx.now:
                text.para(tr.gettext("The pouvoir given by {mandant} to {mandataire} ends: {mandant} votes in "
                                     "person.", mandant=_name(ctx, ctx.sender),
                                     mandataire=_name(ctx, pouvoir.mandataire)))
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
    roles=frozenset({"president"}),
    help=N_("Close the vote, the quorum checked again: the result with the counts, the rule and the wording; an "
            "adopted decision gets its number."),
)
def vote_clore(ctx: CommandContext) -> Reply:
    s, stored = _voting(ctx)
    try:
        s.seance.check_votes_allowed()
        closed = stored.vote.close(quorum(s.attendance), by=ctx.sender, at=ctx.now, event_id=ctx.event_id)
    except SeanceRefused as error:
        raise seance_refusal(error, ctx)
    except VoteRefused as error:
        raise vote_refusal(error, ctx, s.seance)
    outcome = result(closed, s.attendance.cast)
    written = storage.close_vote(ctx.session, stored, closed, outcome, s.conference.id, ctx.current_year)
    res = written.result
    return Reply(*result_report(closed, res.outcome, res.counts, res.by_member, written.decision, ctx.config,
                                ctx.tr))

"""Votes in the séance sitting in the room: !vote (the tally) and its sub-commands, opening, ballots and closing,
and the answers to the vote's polls, which are ballots too.

The opening message is kept current (edited after each ballot) with the tally and who has not voted yet; a ballot
that changes nothing else is acknowledged by a reaction. The polls: one for everyone's own seat (or suppléance),
one per pouvoir, for its mandataire, on the mandant's seat. Their tracks are `vote|<opening event>|poll|<seat>`
(the seat empty for one's own), the tally's `vote|<opening event>|tally`.
"""

from __future__ import annotations

from tno_bot.app import seance as app
from tno_bot.app.sitting import Sitting
from tno_bot import storage
from tno_bot.commands.refusals import refusal
from tno_bot.commands.arguments import MISSION_TITLE, POINT_NO
from tno_bot.commands.context import CommandContext
from tno_bot.domain.refusals import Refused
from tno_bot.domain.voting import Reason as VoteReason
from tno_bot.domain.voting import Tally, Vote, VoteRefused
from tno_bot.reports.message import Edit, Poll, Reply
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
            "recorded and shown with its author and time (a secret ballot is not supported). At the opening the bot "
            "posts a poll: one tap on Pour, Contre or Abstention is your ballot, like !vote pour; a mandataire gets "
            "a second poll, addressed to them, for the mandant's seat. A counted ballot gets a ✅ reaction, and the "
            "opening message shows the tally as it goes."),
    group=GROUP,
)
def vote_tally(ctx: CommandContext) -> Reply:
    s = sitting(ctx)
    stored = app.open_vote_of(ctx.session, s)
    current = tally(stored.vote, voting_rights(app.concerned(ctx.config, s, stored.vote.mission)))
    return Reply(*tally_report(stored.vote, current, ctx.config, ctx.tr))


@command(
    "ouvrir",
    aliases=("open",),
    parent="vote",
    args=(Arg("item", POINT_NO), Arg("mission_title", MISSION_TITLE, optional=True)),
    actions=(Action.VOTE_CONDUIRE,),
    help=N_("Open the vote on a point of the fixed agenda, while the quorum is reached. When the decision concerns "
            "a mission (its id, see !missions), only that mission's members vote and ratify it, and the quorum and "
            "the unanimity are theirs."),
)
def vote_ouvrir(ctx: CommandContext, item: int,
                mission_title: tuple[str | None, str | None] = (None, None)) -> Reply:
    tr = ctx.tr
    s = sitting(ctx)
    mission, title = mission_title
    opened = app.open_vote_on(ctx.session, ctx.config, s, item, title, by=ctx.sender, at=ctx.now,
                              event_id=ctx.event_id, mission=mission)
    rights = voting_rights(app.concerned(ctx.config, s, mission))
    voters = tuple(rights.by_voter())
    text = Text.empty().para(vote_heading(opened, tr) + " — " + tr.gettext("open at {time}.",
                                                                          time=at_time(ctx.now, tr)))
    if mission is not None:
        text.para(mission_line(ctx.config, s, mission, tr))
    text.para(_how_to_vote(tr))
    text.para(tr.ngettext("{n} seat may be voted now.", "{n} seats may be voted now.",
                          sum(1 for seat in rights.seats if not seat.vacant)))
    if voters:
        text.para(*people_line(tr.gettext("Voters"), voters, ctx.config, tr))
    return Reply(*text.done(), mentions=voters, track=_track(opened, "tally"), polls=_polls(ctx, opened, rights))


def mission_line(config, s: Sitting, mission: str, tr) -> str:
    """Whom a vote on a mission concerns: the mission and its members at the séance."""
    found = config.mission(mission)
    members = app.concerned(config, s, mission).cast.members
    return tr.gettext("This decision concerns the mission “{mission}”: only {members} vote, ratify it and count "
                      "for the quorum and the unanimity.", mission=found.name,
                      members=tr.join_and([config.member_name(m) for m in members]))


def _how_to_vote(tr) -> str:
    """The two ways to vote, said in the opening message and kept in it as it is edited."""
    return tr.gettext("Vote by answering the poll below, or with !vote pour, !vote contre or !vote abstention. A "
                      "mandataire answers the poll addressed to them for the mandant's seat (or adds the mandant's "
                      "name to the command). One may change one's vote until the closing: the latest counts. "
                      "Ballots are not secret.")


def _track(vote: Vote, *parts: str) -> str:
    return "|".join(("vote", vote.opened_event_id, *parts))


def _polls(ctx: CommandContext, vote: Vote, rights) -> tuple[Poll, ...]:
    """The poll for one's own seat, and one per pouvoir for its mandataire, on the mandant's seat."""
    own = Poll(_track(vote, "poll", ""), vote_heading(vote, ctx.tr) + " — " + ctx.tr.gettext("your ballot"),
               _answers(ctx))
    return (own, *(pouvoir_poll(ctx, vote, right.seat, right.pouvoir.mandataire)
                   for right in rights.seats if right.pouvoir is not None))


def pouvoir_poll(ctx: CommandContext, vote: Vote, mandant: str, mandataire: str) -> Poll:
    """The poll of a pouvoir: addressed to its mandataire, for the mandant's seat."""
    question = vote_heading(vote, ctx.tr) + " — " + ctx.tr.gettext(
        "ballot of {mandataire} for the seat of {mandant} (pouvoir)", mandataire=name(ctx, mandataire),
        mandant=name(ctx, mandant))
    return Poll(_track(vote, "poll", mandant), question, _answers(ctx))


def _answers(ctx: CommandContext) -> tuple[tuple[str, str], ...]:
    return tuple((choice.value, ctx.tr.gettext(CHOICE_LABELS[choice.value]).capitalize()) for choice in Choice)


def _tally_edit(ctx: CommandContext, vote: Vote, current: Tally) -> Edit:
    """The opening message as it stands now (`current`: the tally of `vote`): the tally, who has voted and who has
    not, how to vote."""
    plain, html = tally_report(vote, current, ctx.config, ctx.tr)
    hint_plain, hint_html = Text.empty().para(_how_to_vote(ctx.tr)).done()
    return Edit(_track(vote, "tally"), f"{plain}\n\n{hint_plain}", html + hint_html)


def poll_ballot(ctx: CommandContext, track: str, answers: tuple[str, ...]) -> list[Reply] | None:
    """An answer to one of the vote polls (`track`): the ballot of the answerer, for their own seat or the seat the
    poll is for, exactly as `!vote <choice> [mandant]`. None when the track is no vote poll or the answer no
    choice. A refusal is said once per poll and person; later refused answers are recorded as handled, unsaid."""
    parts = track.split("|")
    choice = next((c for c in Choice if c.value in answers[:1]), None)
    if len(parts) != 4 or parts[0] != "vote" or parts[2] != "poll" or choice is None:
        return None
    try:
        s = sitting(ctx)
        stored = app.open_vote_of(ctx.session, s)
        if stored.vote.opened_event_id != parts[1]:
            raise VoteRefused(VoteReason.VOTE_CLOSED)
        return [_cast_ballot(ctx, choice, parts[3] or None)]
    except Refused as error:
        told = "|".join(("refused", parts[1], parts[3], ctx.sender))
        if storage.tracked(ctx.session, told) is not None:
            return []
        answer = refusal(error, ctx).reply(ctx.tr)
        return [Reply(answer.body, answer.html, track=told)]


def _cast_ballot(ctx: CommandContext, choice: Choice, mandant: str | None) -> Reply:
    tr = ctx.tr
    s = sitting(ctx)
    stored = app.open_vote_of(ctx.session, s)
    attendance, ballot, after, now_present = app.cast_ballot(ctx.session, ctx.config, s, stored, ctx.sender, choice,
                                                             at=ctx.now, event_id=ctx.event_id, mandant=mandant)
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
    # Only the ballot itself to say: a reaction on it, the tally message shows the rest.
    quiet = not now_present and (before is None or before.voter == ctx.sender)
    return Reply(*text.done(), edits=(_tally_edit(ctx, after, current),),
                 reaction=BALLOT_REACTION if quiet else None)


BALLOT_REACTION = "✅"


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
    closed, written = app.close_vote(ctx.session, ctx.config, sitting(ctx), ctx.current_year, by=ctx.sender,
                                     at=ctx.now, event_id=ctx.event_id, rule=ctx.config.rules.decision_rule)
    res = written.result
    body, html = result_report(closed, res, written.decision, ctx.config, ctx.tr)
    polls = tuple(message.track for message in storage.tracked_with_prefix(ctx.session, _track(closed, "poll", "")))
    return Reply(body, html, edits=(Edit(_track(closed, "tally"), body, html),), ends=polls)

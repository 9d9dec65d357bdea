"""Ratification commands: the register (!decisions), one decision (!decision), and the records of each member's
deliberation, publication and transmission (!deliberation, !publication, !transmission, each with `corriger`
and `retirer`). One deliberation may approve several decisions (`!deliberation TNO 2022-01+2022-02 …`); its
publication and transmission, recorded for one of them, count for all (`app.ratification.same_act`).

The records are `app.ratification`'s (who may record, the domain's checks, the facts stored, the announcement of a
decision made executory); the handlers parse, call it and word the outcome. When a record makes the decision
executory, the reply also announces it in the room of the conference (the command's room for a decision of the
history files, which has none), once per decision.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tno_bot import storage
from tno_bot.app import ratification as app
from tno_bot.app.decisions import KnownDecision, admitting, awaited_reminders, ratification_of, register
from tno_bot.app.rooms import room_language
from tno_bot.commands.arguments import COUNTS, DAY, DECISION, DECISIONS, DELIBERATION_NO, IDENTIFIER, REJECTION
from tno_bot.commands.arguments import MEMBER_NAMED as MEMBER
from tno_bot.commands.context import CommandContext
from tno_bot.commands.refusals import refusal
from tno_bot.commands.registry import REGISTRY, YEAR, Arg, command
from tno_bot.config import Member
from tno_bot.domain.decisions import DecisionId
from tno_bot.domain.ratification import DecisionStatus, FactKind, Ratification, RatificationRefused
from tno_bot.domain.roles import Action
from tno_bot.i18n import N_, Translator
from tno_bot.reports.agenda import when
from tno_bot.reports.language import room_translator
from tno_bot.reports.message import Reply
from tno_bot.reports.ratification import (
    decision_report,
    decision_status_text,
    executory_message,
    member_line,
    missing_items,
    register_report,
)
from tno_bot.reports.text import Text

GROUP = N_("Ratification")

_THE_RECORD = {FactKind.DELIBERATION: N_("the deliberation"), FactKind.PUBLICATION: N_("the publication"),
               FactKind.TRANSMISSION: N_("the transmission to the prefecture")}


# --- refusals: the commands they name, spelled in the room's language --------------------------------------------


def _spelled(name: str, sub: str | None, language: str) -> str:
    cmd = REGISTRY.find(name)
    if sub is not None:
        cmd = REGISTRY.find_sub(cmd, sub)
    return "!" + cmd.spelled(language)


def _refusal(refused: RatificationRefused, ctx: CommandContext):
    language = ctx.tr.language
    return refusal(refused, ctx, deliberation_command=_spelled("deliberation", None, language),
                   correct_commands={record.kind: _spelled(record.name, "corriger", language) for record in RECORDS})


# --- the reply to a record ----------------------------------------------------------------------------------------


def _room_translator(ctx: CommandContext, room_id: str) -> Translator:
    if room_id == ctx.room_id:
        return ctx.tr
    return room_translator(room_language(ctx.session, ctx.config, room_id))


def _outcome(ctx: CommandContext, done: list[app.Recorded], member: Member, headline: str) -> Reply:
    """The reply to a record or a withdrawal: per decision, the member's line, the decision's status, what is still
    missing."""
    tr = ctx.tr
    text = Text.empty().para(headline)
    for recorded in done:
        key, after = recorded.decision.key, recorded.after
        if len(done) > 1:
            text.para(tr.gettext("{decision}:", decision=key))
        text.bullets([member_line(after.member(member.id), ctx.config, tr)])
        if recorded.before.status is DecisionStatus.EXECUTOIRE and after.status is not DecisionStatus.EXECUTOIRE:
            text.para(tr.gettext("{decision} is no longer executory.", decision=key))
        text.para(tr.gettext("Decision {decision}: {status}.", decision=key,
                             status=decision_status_text(after, ctx.config, tr)))
        missing = missing_items(after, ctx.config, tr)
        if missing:
            text.para(tr.gettext("Still missing before it is executory:")).bullets(missing)
    return Reply(*text.done())


def _announcement(ctx: CommandContext, done: app.Recorded) -> Reply:
    """The decision made executory, announced in its room with the representatives of its members mentioned."""
    room = done.announce_in
    mentions = tuple(p.matrix_id for p in ctx.config.people if p.member in done.after.members)
    plain, html = executory_message(done.decision, done.after, ctx.config, _room_translator(ctx, room), mentions)
    return Reply(plain, html, mentions=mentions, room_id=None if room == ctx.room_id else room)


def _keys(ctx: CommandContext, done: list[app.Recorded]) -> str:
    return ctx.tr.join_and(d.decision.key for d in done)


def _recorded(ctx: CommandContext, record: Record, decisions: tuple[DecisionId, ...], member: Member,
              correction: bool, values: dict) -> list[Reply]:
    tr = ctx.tr
    try:
        done = app.record(ctx.session, ctx.config, record.kind, decisions, member.id, by=ctx.sender, at=ctx.now,
                          event_id=ctx.event_id, room_id=ctx.room_id, correction=correction, **values)
    except RatificationRefused as refused:
        raise _refusal(refused, ctx) from None
    what = tr.gettext(_THE_RECORD[record.kind])
    headline = (tr.gettext("Corrected for {decision}: {what} of {member}.", decision=_keys(ctx, done), what=what,
                           member=member.named) if correction else
                tr.gettext("Recorded for {decision}: {what} of {member}.", decision=_keys(ctx, done), what=what,
                           member=member.named))
    replies = [_outcome(ctx, done, member, headline)]
    replies += [_announcement(ctx, d) for d in done if d.announce_in is not None]
    return replies


def _withdrawn(ctx: CommandContext, record: Record, decisions: tuple[DecisionId, ...], member: Member) -> Reply:
    tr = ctx.tr
    try:
        done = app.withdraw(ctx.session, ctx.config, record.kind, decisions, member.id, by=ctx.sender, at=ctx.now,
                            event_id=ctx.event_id, room_id=ctx.room_id)
    except RatificationRefused as refused:
        raise _refusal(refused, ctx) from None
    headline = tr.gettext("Withdrawn for {decision}: {what} of {member}; the record stays in the history.",
                          decision=_keys(ctx, done), what=tr.gettext(_THE_RECORD[record.kind]), member=member.named)
    return _outcome(ctx, done, member, headline)


# --- !decisions, !decision ---------------------------------------------------------------------------------------


@command(
    "decisions",
    args=(Arg("year", YEAR, optional=True),),
    help=N_("The register of the conference's decisions (of a year): for each, where each member's ratification "
            "stands (awaited, adopted, published, transmitted, executory) and the decision's status."),
    group=GROUP,
)
def decisions(ctx: CommandContext, year: int | None = None) -> Reply:
    return Reply(*register_report(register(ctx.session, ctx.config, year), ctx.config, ctx.tr, year))


def _reminder_sentences(ctx: CommandContext, decision: KnownDecision, ratification: Ratification) -> list[str]:
    tr = ctx.tr
    if ratification.status is not DecisionStatus.EN_ATTENTE or not ratification.awaited():
        return []
    if decision.room_id is None:
        return [tr.gettext("This decision comes from the history files and has no conference room: its awaited "
                           "members are not reminded automatically.")]
    planned = awaited_reminders(ctx.session, ctx.config, [(decision, ratification)])
    items = [tr.gettext("{member}: {when}", member=ctx.config.member_name(r.member), when=when(r.due_at, tr))
             for r in planned]
    return [tr.ngettext(
        "Next reminders of the awaited members' representatives, every {n} day in the room of the conference: {items}.",
        "Next reminders of the awaited members' representatives, every {n} days in the room of the conference: "
        "{items}.", ctx.config.ratification.reminder_interval_days, items=tr.gettext("; ").join(items))]


@command(
    "decision",
    args=(Arg("decision", DECISION),),
    help=N_("One decision (TNO 2026-01): its full record, and the date it became executory or exactly what is still "
            "missing and from whom."),
    group=GROUP,
)
def decision(ctx: CommandContext, decision: DecisionId) -> Reply:
    known = app.known_decision(ctx.session, ctx.config, decision)
    ratification = ratification_of(ctx.session, ctx.config, known)
    return Reply(*decision_report(known, ratification, ctx.config, ctx.tr,
                                  _reminder_sentences(ctx, known, ratification), admitting(ctx.config, known),
                                  storage.notifications(ctx.session).get(known.key)))


@command(
    "notification",
    args=(Arg("decisions", DECISIONS), Arg("on", DAY)),
    actions=(Action.NOTIFICATION_ENREGISTRER,),
    help=N_("Record the day the secrétariat notified a decision (or several, joined by +) to the members; the "
            "reminders of the awaited members then count from it. Again to correct it."),
    group=GROUP,
)
def notification(ctx: CommandContext, decisions: tuple[DecisionId, ...], on) -> Reply:
    tr = ctx.tr
    try:
        notified = app.notify(ctx.session, ctx.config, decisions, on, by=ctx.sender, at=ctx.now,
                              event_id=ctx.event_id)
    except RatificationRefused as refused:
        raise _refusal(refused, ctx) from None
    text = Text.empty().para(tr.gettext("Recorded: {decisions} notified to the members on {date}.",
                                        decisions=tr.join_and(d.key for d in notified), date=tr.date(on)))
    for known in notified:
        for sentence in _reminder_sentences(ctx, known, ratification_of(ctx.session, ctx.config, known)):
            text.para(f"{known.key} — {sentence}" if len(notified) > 1 else sentence)
    return Reply(*text.done())


# --- !deliberation, !transmission, !publication, each with corriger and retirer -----------------------------


@dataclass(frozen=True)
class Record:
    """One kind of record, declared with its `corriger` and `retirer` sub-commands."""

    name: str
    kind: FactKind
    args: tuple[Arg, ...]  # after the decision and the member: the values of `app.ratification.record`
    help: str
    help_correct: str
    help_withdraw: str


RECORDS = (
    Record("deliberation", FactKind.DELIBERATION,
           (Arg("number", DELIBERATION_NO), Arg("on", DAY), Arg("counts", COUNTS, optional=True),
            Arg("rejected", REJECTION, optional=True)),
           N_("Record a member's deliberation on a decision: its number, its date (not before the decision), the "
              "counts if known; “rejet” when it does not approve the decision (which is then not ratified). One "
              "deliberation approving several decisions is recorded once: several decisions joined by + "
              "(TNO 2022-01+2022-02); its publication and transmission then count for each. The secrétariat, or a "
              "representative of that member."),
           N_("Correct a recorded deliberation; the earlier record stays in the history."),
           N_("Withdraw a deliberation recorded by mistake, with its publication and transmission; the record stays "
              "in the history.")),
    Record("transmission", FactKind.TRANSMISSION,
           (Arg("on", DAY), Arg("identifier", IDENTIFIER, optional=True)),
           N_("Record the day the prefecture received a member's deliberation, with its @ctes identifier if known "
              "(checked against the deliberation)."),
           N_("Correct a recorded transmission; the earlier record stays in the history."),
           N_("Withdraw a transmission recorded by mistake; the record stays in the history.")),
    Record("publication", FactKind.PUBLICATION, (Arg("on", DAY),),
           N_("Record the day a member's deliberation was published."),
           N_("Correct a recorded publication; the earlier record stays in the history."),
           N_("Withdraw a publication recorded by mistake; the record stays in the history.")),
)


def _declare(record: Record) -> None:
    """`!name`, `!name corriger` (same arguments) and `!name retirer <decision> <member>`."""
    args = (Arg("decisions", DECISIONS), Arg("member", MEMBER), *record.args)
    actions = (Action.RATIFICATION_ENREGISTRER,)

    def recorder(correction: bool) -> Callable[..., list[Reply]]:
        def handler(ctx: CommandContext, decisions: tuple[DecisionId, ...], member: Member, **values) -> list[Reply]:
            return _recorded(ctx, record, decisions, member, correction, values)
        return handler

    def withdraw(ctx: CommandContext, decisions: tuple[DecisionId, ...], member: Member) -> Reply:
        return _withdrawn(ctx, record, decisions, member)

    command(record.name, args=args, actions=actions, help=record.help, group=GROUP)(recorder(False))
    command("corriger", aliases=("correct",), parent=record.name, args=args, actions=actions,
            help=record.help_correct)(recorder(True))
    command("retirer", aliases=("withdraw",), parent=record.name, args=args[:2], actions=actions,
            help=record.help_withdraw)(withdraw)


for _declared in RECORDS:
    _declare(_declared)

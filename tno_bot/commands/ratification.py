"""Ratification commands: the register (!decisions), one decision (!decision), and the records of each member's
deliberation, publication and transmission (!deliberation, !publication, !transmission, each with `corriger`
and `retirer`).

Who records: the secrétariat, or a representative of that member for its own member. Every record is checked by
the domain (`Ratification.record_*`, refusals worded here from their reason codes), then stored as a fact in the
command's transaction; a correction or a withdrawal is a new fact, so the history is kept. When a record makes the decision
executory, the reply also announces it in the room of the conference (the command's room for a decision of the
history files, which has none), once per decision.
"""

from __future__ import annotations

import re
from datetime import date

from tno_bot import storage
from tno_bot.commands.arguments import fold, shorten
from tno_bot.commands.context import CommandContext, Reply
from tno_bot.commands.errors import CommandError, UsageError
from tno_bot.commands.registry import REGISTRY, YEAR, Arg, ArgKind, command, take_word
from tno_bot.config import Member
from tno_bot.domain.decisions import DecisionId, parse_decision_id
from tno_bot.domain.ratification import (
    NUMBER_MAX_LENGTH,
    DecisionStatus,
    FactKind,
    Ratification,
    RatificationFact,
    RatificationRefused,
    Reason,
    newly_executory,
)
from tno_bot.i18n import DEFAULT_LANGUAGE, N_, SUPPORTED_LANGUAGES, translator
from tno_bot.register import KnownDecision, awaited_reminders, find_decision, ratification_of, register
from tno_bot.reports.agenda import Text, when
from tno_bot.reports.ratification import (
    KIND_LABELS,
    act_id_problems,
    day,
    decision_report,
    decision_status_text,
    differences_text,
    executory_message,
    member_line,
    member_name,
    missing_items,
    register_report,
)

GROUP = N_("Ratification")
RECORDERS = frozenset({"secretariat", "representant"})

_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_FR_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_COUNT = re.compile(r"([^\W\d_]+)\s*=\s*(\d{1,6})")
_COUNT_NAMES = {"pour": "pour", "for": "pour", "contre": "contre", "against": "contre", "abstention": "abstention",
                "abstentions": "abstention", "abst": "abstention", "abstain": "abstention"}
_DECISION_PREFIXES = ("tno", "citno")


# --- arguments ---------------------------------------------------------------------------------------------------


def _take_decision(rest: str) -> tuple[str, str]:
    """"TNO 2026-01" is two words."""
    head, after = take_word(rest)
    if fold(head) in _DECISION_PREFIXES and after.strip():
        number, after = take_word(after.strip())
        return f"{head} {number}", after
    return head, after


def _parse_decision(text: str, ctx: CommandContext) -> DecisionId:
    try:
        return parse_decision_id(text)
    except ValueError:
        raise UsageError(ctx.tr.gettext("“{text}” is not a decision number: write it as TNO 2026-01.",
                                        text=shorten(text)))


def _take_member(rest: str) -> tuple[str, str]:
    """A member's id or name, which may have several words: the words before the first one with a digit (the
    deliberation number or the date that follows)."""
    words = rest.split()
    taken = 1
    while taken < len(words) and not any(c.isdigit() for c in words[taken]):
        taken += 1
    return " ".join(words[:taken]), " ".join(words[taken:])


def _parse_member(text: str, ctx: CommandContext) -> Member:
    member = ctx.config.find_member(text)
    if member is None:
        tr = ctx.tr
        known = tr.join_or([f"{m.name} ({m.id})" for m in ctx.config.members])
        raise UsageError(tr.gettext("Unknown member “{text}”: choose {members}.", text=shorten(text), members=known))
    return member


def _parse_number(text: str, ctx: CommandContext) -> str:
    if len(text) > NUMBER_MAX_LENGTH:
        raise UsageError(ctx.tr.gettext("A deliberation number has at most {limit} characters.",
                                        limit=NUMBER_MAX_LENGTH))
    return text


def parse_day(text: str, ctx: CommandContext) -> date:
    """JJ/MM/AAAA or AAAA-MM-JJ."""
    match = _FR_DATE.fullmatch(text)
    parts = (match[3], match[2], match[1]) if match else None
    if parts is None and (match := _ISO_DATE.fullmatch(text)):
        parts = (match[1], match[2], match[3])
    try:
        if parts is None:
            raise ValueError
        return date(*(int(p) for p in parts))
    except ValueError:
        raise UsageError(ctx.tr.gettext("“{text}” is not a date: write it as DD/MM/YYYY or YYYY-MM-DD, for example "
                                        "09/12/2022.", text=shorten(text)))


def _take_counts(rest: str) -> tuple[str, str]:
    """The leading `name=N` words."""
    taken, rest = [], rest.strip()
    while rest:
        word, after = take_word(rest)
        if "=" not in word:
            break
        taken.append(word)
        rest = after.strip()
    return " ".join(taken), rest


def _parse_counts(text: str, ctx: CommandContext) -> dict[str, int]:
    counts: dict[str, int] = {}
    for word in text.split():
        match = _COUNT.fullmatch(word)
        name = _COUNT_NAMES.get(fold(match[1])) if match else None
        if name is None or name in counts:
            raise UsageError(ctx.tr.gettext("“{text}” is not a vote count: write pour=N, contre=N or abstention=N, "
                                            "each once.", text=shorten(word)))
        counts[name] = int(match[2])
    return counts


def _parse_rejection(text: str, ctx: CommandContext) -> bool:
    if fold(text) not in ("rejet", "rejete", "rejetee", "rejected", "rejection"):
        raise UsageError(ctx.tr.gettext("Unexpected “{text}”: write {choices}.", text=shorten(text),
                                        choices=ctx.tr.join_or(["rejet"])))
    return True


DECISION = ArgKind(N_("decision"), _parse_decision, take=_take_decision, words=True)
MEMBER = ArgKind(N_("member"), _parse_member, take=_take_member)
DELIBERATION_NO = ArgKind(N_("deliberation no."), _parse_number)
DAY = ArgKind(N_("DD/MM/YYYY"), parse_day)
COUNTS = ArgKind("pour=N contre=N abstention=N", _parse_counts, take=_take_counts)
REJECTION = ArgKind("rejet", _parse_rejection, choices=("rejet",))
IDENTIFIER = ArgKind(N_("identifier"), lambda text, ctx: text)


# --- refusals ----------------------------------------------------------------------------------------------------


def _spelled(name: str, sub: str | None, language: str) -> str:
    cmd = REGISTRY.find(name)
    if sub is not None:
        cmd = REGISTRY.find_sub(cmd, sub)
    return "!" + cmd.spelled(language)


def refusal(refused: RatificationRefused, ctx: CommandContext, decision: KnownDecision, ratification: Ratification,
            member: Member) -> CommandError:
    """A domain refusal as a sentence of the room's language (UsageError when the input was impossible)."""
    tr, p, reason = ctx.tr, refused.params, refused.reason
    name = member.name
    if reason is Reason.BEFORE_DECISION:
        return UsageError(tr.gettext(
            "The deliberation is dated {date}, before the decision {decision} of the conference of {decided_on}: a "
            "member's body ratifies a decision already taken.", date=day(p["date"], tr), decision=decision.key,
            decided_on=day(p["decided_on"], tr)))
    if reason is Reason.IN_THE_FUTURE:
        return UsageError(tr.gettext("{date} is in the future: record what has happened, up to today ({today}).",
                                     date=day(p["date"], tr), today=day(p["today"], tr)))
    if reason is Reason.INVALID_NUMBER:
        return UsageError(tr.gettext("A deliberation number has at most {limit} characters.", limit=p["limit"]))
    if reason is Reason.NEGATIVE_COUNT:
        written = "{}={}".format(p["count"], p["value"])
        return UsageError(tr.gettext("“{text}” is not a vote count: write pour=N, contre=N or abstention=N, each "
                                     "once.", text=written))
    if reason is Reason.COUNTS_CONTRADICT_OUTCOME:
        if p["adopted"]:
            return UsageError(tr.gettext(
                "With {pour} for and {contre} against, the deliberation does not approve the decision: add “rejet” if "
                "it rejects it, or check the counts.", pour=p["pour"], contre=p["contre"]))
        return UsageError(tr.gettext(
            "With {pour} for and {contre} against, the deliberation approves the decision: remove “rejet”, or check "
            "the counts.", pour=p["pour"], contre=p["contre"]))
    if reason is Reason.ALREADY_RECORDED:
        kind = p["kind"]
        command_name = {FactKind.DELIBERATION: "deliberation", FactKind.PUBLICATION: "publication",
                        FactKind.TRANSMISSION: "transmission"}[kind]
        return CommandError(tr.gettext(
            "The {kind} of {member} for {decision} is already recorded ({line}). To change it, use {command}: the "
            "earlier record stays in the history.", kind=tr.gettext(KIND_LABELS[kind]), member=name,
            decision=decision.key, line=member_line(ratification.member(member.id), ctx.config, tr),
            command=_spelled(command_name, "corriger", tr.language)))
    if reason is Reason.NOTHING_TO_CORRECT:
        return CommandError(tr.gettext("There is no {kind} of {member} for {decision} to correct yet: record it "
                                       "without “corriger”.", kind=tr.gettext(KIND_LABELS[p["kind"]]), member=name,
                                       decision=decision.key))
    if reason is Reason.NO_DELIBERATION:
        return CommandError(tr.gettext("No deliberation of {member} is recorded for {decision}: record it first with "
                                       "{command}.", member=name, decision=decision.key,
                                       command=_spelled("deliberation", None, tr.language)))
    if reason is Reason.BEFORE_DELIBERATION:
        return UsageError(tr.gettext("{date} is before the deliberation of {member}, dated {deliberation_date}: it "
                                     "is published and transmitted after it is adopted.", date=day(p["date"], tr),
                                     member=name, deliberation_date=day(p["deliberation_date"], tr)))
    if reason is Reason.IDENTIFIER_MALFORMED:
        error = p["error"]
        return UsageError(tr.gettext(
            "“{text}” is not a transmission identifier such as 069-256910183-20221209-CS_2022_12_4-DE: {problems}.",
            text=shorten(error.text, 60), problems=act_id_problems(error, tr)))
    if reason is Reason.IDENTIFIER_MISMATCH:
        return CommandError(tr.gettext(
            "The identifier {identifier} does not match the deliberation of {member} recorded for {decision}: "
            "{differences}.", identifier=p["identifier"], member=name, decision=decision.key,
            differences=differences_text(p["differences"], tr)))
    if reason is Reason.NOTHING_TO_ANNUL:
        return CommandError(tr.gettext("There is no {kind} of {member} for {decision} to withdraw.",
                                       kind=tr.gettext(KIND_LABELS[p["target"]]), member=name,
                                       decision=decision.key))
    if reason is Reason.DUPLICATE_EVENT:
        return CommandError(tr.gettext("This message was already recorded."))
    raise refused  # UNKNOWN_MEMBER: members are parsed against the config


# --- shared ------------------------------------------------------------------------------------------------------


def _known(ctx: CommandContext, decision_id: DecisionId) -> KnownDecision:
    decision = find_decision(ctx.session, ctx.config, decision_id)
    if decision is None:
        raise UsageError(ctx.tr.gettext("There is no decision {decision}: !decisions lists them.",
                                        decision=str(decision_id)))
    return decision


def _check_may_record(ctx: CommandContext, member: Member) -> None:
    if "secretariat" in ctx.config.roles_of(ctx.sender):
        return
    person = ctx.config.person(ctx.sender)
    if person is None or person.member != member.id:
        raise CommandError(ctx.tr.gettext(
            "Only the secrétariat or a representative of {member} may record the deliberation, publication or "
            "transmission of {member}.", member=member.name))


def _room_translator(ctx: CommandContext, room_id: str):
    if room_id == ctx.room_id:
        return ctx.tr
    language = storage.get_room_language(ctx.session, room_id) or ctx.config.locale
    return translator(language if language in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE)


def _record(ctx: CommandContext, decision_id: DecisionId, member: Member, what: str, correction: bool,
            make) -> list[Reply]:
    """Check, store and answer one record; `make(ratification, stamp) -> RatificationFact`."""
    decision = _known(ctx, decision_id)
    _check_may_record(ctx, member)
    before = ratification_of(ctx.session, ctx.config, decision)
    stamp = {"by": ctx.sender, "at": ctx.now, "event_id": ctx.event_id, "correction": correction}
    try:
        fact: RatificationFact = make(before, stamp)
    except RatificationRefused as refused:
        raise refusal(refused, ctx, decision, before, member)
    storage.add_ratification_fact(ctx.session, decision.key, fact)
    after = before.apply(fact)
    tr = ctx.tr
    headline = (tr.gettext("Corrected for {decision}: {what} of {member}.", decision=decision.key, what=what,
                           member=member.name) if correction else
                tr.gettext("Recorded for {decision}: {what} of {member}.", decision=decision.key, what=what,
                           member=member.name))
    replies = [_outcome(ctx, decision, member, headline, before, after)]
    if newly_executory(before, after) and storage.announcement_of(ctx.session, decision.key) is None:
        room = decision.room_id or ctx.room_id
        storage.add_announcement(ctx.session, decision.key, after.executory_on, room, ctx.now, ctx.event_id)
        mentions = tuple(p.matrix_id for p in ctx.config.people)
        plain, html = executory_message(decision, after, ctx.config, _room_translator(ctx, room), mentions)
        replies.append(Reply(plain, html, mentions=mentions, room_id=None if room == ctx.room_id else room))
    return replies


def _outcome(ctx: CommandContext, decision: KnownDecision, member: Member, headline: str, before: Ratification,
             after: Ratification) -> Reply:
    """The reply to a record or a withdrawal: the member's line, the decision's status, what is still missing."""
    tr = ctx.tr
    text = Text.empty().para(headline).bullets([member_line(after.member(member.id), ctx.config, tr)])
    if before.status is DecisionStatus.EXECUTOIRE and after.status is not DecisionStatus.EXECUTOIRE:
        text.para(tr.gettext("{decision} is no longer executory.", decision=decision.key))
    text.para(tr.gettext("Decision {decision}: {status}.", decision=decision.key,
                         status=decision_status_text(after, ctx.config, tr)))
    missing = missing_items(after, ctx.config, tr)
    if missing:
        text.para(tr.gettext("Still missing before it is executory:")).bullets(missing)
    return Reply(*text.done())


def _withdraw(ctx: CommandContext, decision_id: DecisionId, member: Member, target: FactKind) -> Reply:
    """Withdraw a member's record made by mistake; the withdrawal is a fact of the history."""
    decision = _known(ctx, decision_id)
    _check_may_record(ctx, member)
    before = ratification_of(ctx.session, ctx.config, decision)
    try:
        fact = before.annul(member.id, target, by=ctx.sender, at=ctx.now, event_id=ctx.event_id)
    except RatificationRefused as refused:
        raise refusal(refused, ctx, decision, before, member)
    storage.add_ratification_fact(ctx.session, decision.key, fact)
    tr = ctx.tr
    headline = tr.gettext("Withdrawn for {decision}: {what} of {member}; the record stays in the history.",
                          decision=decision.key, what=tr.gettext(_THE_RECORD[target]), member=member.name)
    return _outcome(ctx, decision, member, headline, before, before.apply(fact))


_WITHDRAW_ARGS = (Arg("decision", DECISION), Arg("member", MEMBER))
_THE_RECORD = {FactKind.DELIBERATION: N_("the deliberation"), FactKind.PUBLICATION: N_("the publication"),
               FactKind.TRANSMISSION: N_("the transmission to the prefecture")}


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
    items = [tr.gettext("{member}: {when}", member=member_name(ctx.config, r.member), when=when(r.due_at, tr))
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
    known = _known(ctx, decision)
    ratification = ratification_of(ctx.session, ctx.config, known)
    return Reply(*decision_report(known, ratification, ctx.config, ctx.tr,
                                  _reminder_sentences(ctx, known, ratification)))


# --- !deliberation -----------------------------------------------------------------------------------------------

_DELIBERATION_ARGS = (Arg("decision", DECISION), Arg("member", MEMBER), Arg("number", DELIBERATION_NO),
                      Arg("on", DAY), Arg("counts", COUNTS, optional=True), Arg("rejected", REJECTION, optional=True))


def _deliberation(ctx: CommandContext, decision: DecisionId, member: Member, number: str, on: date,
                  counts: dict[str, int] | None, rejected: bool, correction: bool) -> list[Reply]:
    def make(ratification: Ratification, stamp) -> RatificationFact:
        return ratification.record_deliberation(member.id, number, on, adopted=not rejected, **(counts or {}),
                                                **stamp)
    return _record(ctx, decision, member, ctx.tr.gettext("the deliberation"), correction, make)


@command(
    "deliberation",
    args=_DELIBERATION_ARGS,
    roles=RECORDERS,
    help=N_("Record a member's deliberation on a decision: its number, its date (not before the decision), the "
            "counts if known; “rejet” when it does not approve the decision (which is then not ratified). The "
            "secrétariat, or a representative of that member."),
    group=GROUP,
)
def deliberation(ctx: CommandContext, decision: DecisionId, member: Member, number: str, on: date,
                 counts: dict[str, int] | None = None, rejected: bool = False) -> list[Reply]:
    return _deliberation(ctx, decision, member, number, on, counts, rejected, False)


@command(
    "corriger",
    aliases=("correct",),
    parent="deliberation",
    args=_DELIBERATION_ARGS,
    roles=RECORDERS,
    help=N_("Correct a recorded deliberation; the earlier record stays in the history."),
)
def deliberation_corriger(ctx: CommandContext, decision: DecisionId, member: Member, number: str, on: date,
                          counts: dict[str, int] | None = None, rejected: bool = False) -> list[Reply]:
    return _deliberation(ctx, decision, member, number, on, counts, rejected, True)


@command(
    "retirer",
    aliases=("withdraw",),
    parent="deliberation",
    args=_WITHDRAW_ARGS,
    roles=RECORDERS,
    help=N_("Withdraw a deliberation recorded by mistake, with its publication and transmission; the record stays "
            "in the history."),
)
def deliberation_retirer(ctx: CommandContext, decision: DecisionId, member: Member) -> Reply:
    return _withdraw(ctx, decision, member, FactKind.DELIBERATION)


# --- !transmission -----------------------------------------------------------------------------------------------

_TRANSMISSION_ARGS = (Arg("decision", DECISION), Arg("member", MEMBER), Arg("on", DAY),
                      Arg("identifier", IDENTIFIER, optional=True))


def _transmission(ctx: CommandContext, decision: DecisionId, member: Member, on: date, identifier: str | None,
                  correction: bool) -> list[Reply]:
    def make(ratification: Ratification, stamp) -> RatificationFact:
        return ratification.record_transmission(member.id, on, identifier, **stamp)
    return _record(ctx, decision, member, ctx.tr.gettext("the transmission to the prefecture"), correction, make)


@command(
    "transmission",
    args=_TRANSMISSION_ARGS,
    roles=RECORDERS,
    help=N_("Record the day the prefecture received a member's deliberation, with its @ctes identifier if known "
            "(checked against the deliberation)."),
    group=GROUP,
)
def transmission(ctx: CommandContext, decision: DecisionId, member: Member, on: date,
                 identifier: str | None = None) -> list[Reply]:
    return _transmission(ctx, decision, member, on, identifier, False)


@command(
    "corriger",
    aliases=("correct",),
    parent="transmission",
    args=_TRANSMISSION_ARGS,
    roles=RECORDERS,
    help=N_("Correct a recorded transmission; the earlier record stays in the history."),
)
def transmission_corriger(ctx: CommandContext, decision: DecisionId, member: Member, on: date,
                          identifier: str | None = None) -> list[Reply]:
    return _transmission(ctx, decision, member, on, identifier, True)


@command(
    "retirer",
    aliases=("withdraw",),
    parent="transmission",
    args=_WITHDRAW_ARGS,
    roles=RECORDERS,
    help=N_("Withdraw a transmission recorded by mistake; the record stays in the history."),
)
def transmission_retirer(ctx: CommandContext, decision: DecisionId, member: Member) -> Reply:
    return _withdraw(ctx, decision, member, FactKind.TRANSMISSION)


# --- !publication ------------------------------------------------------------------------------------------------

_PUBLICATION_ARGS = (Arg("decision", DECISION), Arg("member", MEMBER), Arg("on", DAY))


def _publication(ctx: CommandContext, decision: DecisionId, member: Member, on: date,
                 correction: bool) -> list[Reply]:
    def make(ratification: Ratification, stamp) -> RatificationFact:
        return ratification.record_publication(member.id, on, **stamp)
    return _record(ctx, decision, member, ctx.tr.gettext("the publication"), correction, make)


@command(
    "publication",
    args=_PUBLICATION_ARGS,
    roles=RECORDERS,
    help=N_("Record the day a member's deliberation was published."),
    group=GROUP,
)
def publication(ctx: CommandContext, decision: DecisionId, member: Member, on: date) -> list[Reply]:
    return _publication(ctx, decision, member, on, False)


@command(
    "corriger",
    aliases=("correct",),
    parent="publication",
    args=_PUBLICATION_ARGS,
    roles=RECORDERS,
    help=N_("Correct a recorded publication; the earlier record stays in the history."),
)
def publication_corriger(ctx: CommandContext, decision: DecisionId, member: Member, on: date) -> list[Reply]:
    return _publication(ctx, decision, member, on, True)


@command(
    "retirer",
    aliases=("withdraw",),
    parent="publication",
    args=_WITHDRAW_ARGS,
    roles=RECORDERS,
    help=N_("Withdraw a publication recorded by mistake; the record stays in the history."),
)
def publication_retirer(ctx: CommandContext, decision: DecisionId, member: Member) -> Reply:
    return _withdraw(ctx, decision, member, FactKind.PUBLICATION)


"""Ratification reports: the register of decisions, the record of one decision, what is missing and from whom, the
announcement of an executory decision and the reminders of awaited members, as (plain, html) in a language.

Dates of deliberations, publications and transmissions are calendar days, shown in full ("9 décembre 2022").
Every config string and user text is escaped in the HTML (through `Text`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from tno_bot.config import Config
from tno_bot.domain.acts import ActIdError, ActIdReason, Difference, Field
from tno_bot.domain.calendar import local_date
from tno_bot.domain.ratification import (
    DecisionStatus,
    FactKind,
    Inconsistency,
    MemberRatification,
    MemberStatus,
    Missing,
    Need,
    Ratification,
    RatificationFact,
)
from tno_bot.domain.voting import Outcome
from tno_bot.i18n import N_, Translator
from tno_bot.reports.agenda import people_line, when
from tno_bot.reports.text import Text

MEMBER_STATUS_LABELS = {
    MemberStatus.ATTENDUE: N_("deliberation awaited"),
    MemberStatus.ADOPTEE: N_("deliberation adopted"),
    MemberStatus.PUBLIEE: N_("deliberation adopted and published"),
    MemberStatus.TRANSMISE: N_("deliberation adopted and transmitted"),
    MemberStatus.EXECUTOIRE: N_("deliberation executory"),
    MemberStatus.REJETEE: N_("deliberation rejecting the decision"),
}
DECISION_OUTCOME_LABELS = {
    Outcome.ADOPTEE_UNANIMITE: N_("adopted unanimously"),
    Outcome.ADOPTEE_UNANIMITE_SUFFRAGES_EXPRIMES: N_("adopted unanimously of the votes cast"),
    Outcome.REJETEE: N_("rejected"),
}
FIELD_LABELS = {
    Field.DATE: N_("act date"),
    Field.NUMBER: N_("act number"),
    Field.NATURE: N_("nature"),
    Field.SIREN: N_("SIREN of the sender"),
}
KIND_LABELS = {
    FactKind.DELIBERATION: N_("deliberation"),
    FactKind.PUBLICATION: N_("publication"),
    FactKind.TRANSMISSION: N_("transmission"),
    FactKind.ANNULATION: N_("withdrawal"),
}
ACT_ID_PROBLEMS = {
    ActIdReason.EMPTY: N_("it is empty"),
    ActIdReason.STRUCTURE: N_("five fields separated by “-” are expected (department-SIREN-date-number-nature)"),
    ActIdReason.DEPARTMENT_FORMAT: N_("the department “{value}” is not 3 characters such as 069 or 02A"),
    ActIdReason.DEPARTMENT_UNKNOWN: N_("there is no department “{value}”"),
    ActIdReason.SIREN_FORMAT: N_("the SIREN “{value}” is not 9 digits"),
    ActIdReason.SIREN_KEY: N_("the SIREN “{value}” has a wrong check digit"),
    ActIdReason.DATE_FORMAT: N_("the date “{value}” is not written YYYYMMDD"),
    ActIdReason.DATE_INVALID: N_("the date “{value}” does not exist"),
    ActIdReason.NUMBER_EMPTY: N_("the act number is empty"),
    ActIdReason.NUMBER_CHARACTERS: N_("the act number “{value}” has characters other than A-Z, 0-9 and _"),
    ActIdReason.NUMBER_TOO_LONG: N_("the act number “{value}” is longer than 15 characters"),
    ActIdReason.NATURE_UNKNOWN: N_("the nature “{value}” is none of DE, AR, AI, CC, BF, AU"),
}


def day(d: date, tr: Translator) -> str:
    """A calendar day without its weekday: "9 décembre 2022"."""
    return tr.date(d, "long")


def counts_text(pour: int | None, contre: int | None, abstention: int | None, tr: Translator) -> str | None:
    """"7 pour, 1 contre" (only the counts known), or None."""
    parts = []
    if pour is not None:
        parts.append(tr.ngettext("{n} for", "{n} for", pour))
    if contre is not None:
        parts.append(tr.ngettext("{n} against", "{n} against", contre))
    if abstention is not None:
        parts.append(tr.ngettext("{n} abstention", "{n} abstentions", abstention))
    return ", ".join(parts) or None


def decision_status_text(ratification: Ratification, config: Config, tr: Translator) -> str:
    """"en attente" / "exécutoire le 16 décembre 2022" / "non ratifiée (rejetée par …)"."""
    if ratification.status is DecisionStatus.EXECUTOIRE:
        return tr.gettext("executory on {date}", date=day(ratification.executory_on, tr))
    if ratification.status is DecisionStatus.NON_RATIFIEE:
        return tr.gettext("not ratified (rejected by {members})",
                          members=tr.join_and(config.member_name(m) for m in ratification.rejected_by))
    return tr.gettext("pending")


def deliberation_text(m: MemberRatification, tr: Translator) -> str | None:
    d = m.deliberation
    if d is None:
        return None
    text = tr.gettext("deliberation no. {number} of {date}", number=d.number, date=day(d.date, tr))
    counts = counts_text(d.pour, d.contre, d.abstention, tr)
    return f"{text} ({counts})" if counts else text


def member_line(m: MemberRatification, config: Config, tr: Translator) -> str:
    """"SITIV : délibération adoptée et transmise — délibération n° CS_2022_12_4 du 9 décembre 2022 (7 pour,
    1 contre) ; transmise le 9 décembre 2022 (069-…-DE)"."""
    parts = []
    if (text := deliberation_text(m, tr)) is not None:
        parts.append(text)
    if m.published_on is not None:
        parts.append(tr.gettext("published on {date}", date=day(m.published_on, tr)))
    if m.transmitted_on is not None:
        transmitted = tr.gettext("transmitted on {date}", date=day(m.transmitted_on, tr))
        if m.transmission.identifier is not None:
            transmitted += f" ({m.transmission.identifier})"
        parts.append(transmitted)
    if m.executory_on is not None:
        parts.append(tr.gettext("executory on {date}", date=day(m.executory_on, tr)))
    line = tr.gettext("{member}: {status}", member=config.member_name(m.member),
                      status=tr.gettext(MEMBER_STATUS_LABELS[m.status]))
    return line + (" — " + tr.gettext("; ").join(parts) if parts else "")


def difference_text(difference: Difference, tr: Translator) -> str:
    def shown(value) -> str:
        if isinstance(value, date):
            return day(value, tr)
        return str(getattr(value, "value", value))
    return tr.gettext("{field}: expected {expected}, found {found}", field=tr.gettext(FIELD_LABELS[difference.field]),
                      expected=shown(difference.expected), found=shown(difference.found))


def differences_text(differences: Sequence[Difference], tr: Translator) -> str:
    return tr.gettext("; ").join(difference_text(d, tr) for d in differences)


def act_id_problems(error: ActIdError, tr: Translator) -> str:
    texts = []
    for problem in error.problems:
        text = tr.gettext(ACT_ID_PROBLEMS[problem.reason], value=problem.value)
        if problem.reason is ActIdReason.STRUCTURE and problem.param("suggestion"):
            text += " — " + tr.gettext("did you mean {suggestion}?", suggestion=problem.param("suggestion"))
        texts.append(text)
    return tr.gettext("; ").join(texts)


def missing_text(item: Missing, m: MemberRatification, config: Config, tr: Translator) -> str:
    """What one member still lacks, and why a recorded one does not count."""
    member = config.member(item.member)
    if item.need is Need.DELIBERATION:
        return tr.gettext("a deliberation of its {body}", body=member.body if member else item.member)
    if item.need is Need.PUBLICATION:
        if item.inconsistency is Inconsistency.BEFORE_DELIBERATION:
            return tr.gettext("its publication: the one recorded ({date}) is dated before the deliberation",
                              date=day(m.publication.date, tr))
        return tr.gettext("its publication")
    if item.inconsistency is Inconsistency.IDENTIFIER_MISMATCH:
        return tr.gettext("its transmission to the prefecture: the identifier recorded does not match the "
                          "deliberation ({differences})", differences=differences_text(item.differences, tr))
    if item.inconsistency is Inconsistency.BEFORE_DELIBERATION:
        return tr.gettext("its transmission to the prefecture: the one recorded ({date}) is dated before the "
                          "deliberation", date=day(m.transmission.date, tr))
    return tr.gettext("its transmission to the prefecture")


def missing_items(ratification: Ratification, config: Config, tr: Translator) -> list[str]:
    """One item per member still lacking something: "Métropole de Lyon : une délibération …, sa publication…"."""
    items = []
    for m in ratification.by_member:
        lacking = [missing_text(item, m, config, tr) for item in m.missing()]
        if lacking and ratification.status is DecisionStatus.EN_ATTENTE:
            items.append(tr.gettext("{member}: {missing}", member=config.member_name(m.member),
                                    missing=tr.join_and(lacking)))
    return items


def decision_heading(decision, tr: Translator) -> str:
    return tr.gettext("{decision} — {title}", decision=decision.key, title=decision.title)


def adoption_text(decision, tr: Translator) -> str:
    """"Adoptée à l'unanimité par la conférence du lundi 7 novembre 2022 (3 pour, 0 contre, 0 abstention)"."""
    text = tr.gettext("{outcome} by the conference of {date}",
                      outcome=tr.gettext(DECISION_OUTCOME_LABELS[decision.outcome]), date=tr.date(decision.decided_on))
    counts = counts_text(decision.pour, decision.contre, decision.abstention, tr)
    if counts:
        text += f" ({counts})"
    if decision.document:
        text += " — " + tr.gettext("document {document}", document=decision.document)
    return text


def register_report(entries, config: Config, tr: Translator, year: int | None = None) -> tuple[str, str]:
    """`!decisions`: per decision, its status and where each member stands."""
    title = (tr.gettext("Decisions of {year} and their ratification:", year=year) if year is not None
             else tr.gettext("Decisions of the conference and their ratification:"))
    text = Text.empty().para(title)
    if not entries:
        text.para(tr.gettext("No decision of {year}.", year=year) if year is not None else tr.gettext("No decision."))
        return text.done()
    for decision, ratification in entries:
        text.para(tr.gettext("{heading} ({date}): {status}.", heading=decision_heading(decision, tr),
                             date=day(decision.decided_on, tr),
                             status=decision_status_text(ratification, config, tr)))
        text.bullets([member_line(m, config, tr) for m in ratification.by_member])
    text.para(tr.gettext("A decision is executory once every member's deliberation is adopted, published and "
                         "transmitted to the prefecture; !decision <id> details one."))
    return text.done()


def fact_line(fact: RatificationFact, config: Config, tr: Translator) -> str:
    """One line of a decision's history: when, who, what."""
    who = (tr.gettext("history file {file}", file=fact.recorded_by.removeprefix("history:"))
           if fact.recorded_by.startswith("history:") else config.display_name(fact.recorded_by))
    what = tr.gettext(KIND_LABELS[fact.kind])
    if fact.kind is FactKind.DELIBERATION:
        what = tr.gettext("deliberation no. {number} of {date}", number=fact.number, date=day(fact.on, tr))
        counts = counts_text(fact.pour, fact.contre, fact.abstention, tr)
        what += f" ({counts})" if counts else ""
        if not fact.adopted:
            what += " — " + tr.gettext("rejects the decision")
    elif fact.kind is FactKind.PUBLICATION:
        what = tr.gettext("published on {date}", date=day(fact.on, tr))
    elif fact.kind is FactKind.TRANSMISSION:
        what = tr.gettext("transmitted on {date}", date=day(fact.on, tr))
        what += f" ({fact.identifier})" if fact.identifier else ""
    elif fact.target is not None:
        what = tr.gettext("{kind} withdrawn", kind=tr.gettext(KIND_LABELS[fact.target]))
    if fact.correction:
        what += " — " + tr.gettext("correction")
    stamp = (day(fact.at.date(), tr) if fact.recorded_by.startswith("history:") else when(fact.at, tr))
    return tr.gettext("{when}, {who}, {member}: {what}", when=stamp, who=who,
                      member=config.member_name(fact.member), what=what)


def _admission_text(member, tr: Translator) -> str:
    return tr.gettext("Entry of a new member (art. 5 of the convention): {member}, a member from {date} once this "
                      "decision is executory.", member=member.name, date=tr.date(member.joined))


def decision_report(decision, ratification: Ratification, config: Config, tr: Translator,
                    reminders: Sequence[str] = (), admits: Sequence = (),
                    notified_on: date | None = None) -> tuple[str, str]:
    """`!decision <id>`: the full record; the members it admits (`admits`, config members); its notification to the
    members (`notified_on`); the executory date, or
    what is missing and from whom, member by member (those in office on the decision's day); the history of the
    records; the reminders (`reminders`: sentences prepared by the caller)."""
    text = Text.empty().para(tr.gettext("Decision {heading}", heading=decision_heading(decision, tr)))
    adoption = adoption_text(decision, tr)
    text.para(adoption[:1].upper() + adoption[1:] + ".")
    for member in admits:
        text.para(_admission_text(member, tr))
    if decision.mission and (mission := config.mission(decision.mission)) is not None:
        text.para(tr.gettext("It concerns the mission “{mission}”: only its members ratify it.", mission=mission.name))
    if notified_on is not None:
        text.para(tr.gettext("Notified to the members by the secrétariat on {date}.", date=tr.date(notified_on)))
    if ratification.status is DecisionStatus.EXECUTOIRE:
        text.para(tr.gettext("Executory since {date}: the latest of the members' executory dates (each one the later "
                             "of its deliberation's publication and transmission).",
                             date=tr.date(ratification.executory_on)))
    elif ratification.status is DecisionStatus.NON_RATIFIEE:
        text.para(tr.gettext("Not ratified: the deliberation of {members} does not approve it.",
                             members=tr.join_and(config.member_name(m) for m in ratification.rejected_by)))
    else:
        text.para(tr.gettext("Pending: not executory yet."))
    text.para(tr.gettext("By member:"))
    text.bullets([member_line(m, config, tr) for m in ratification.by_member])
    missing = missing_items(ratification, config, tr)
    if missing:
        text.para(tr.gettext("Still missing before it is executory:")).bullets(missing)
    facts = ratification.facts
    if facts:
        text.para(tr.gettext("Records:")).bullets([fact_line(f, config, tr) for f in facts])
    for sentence in reminders:
        text.para(sentence)
    return text.done()


def executory_message(decision, ratification: Ratification, config: Config, tr: Translator,
                      mentions: Sequence[str]) -> tuple[str, str]:
    """The announcement, in the conference room, that a decision became executory."""
    text = Text.empty().para(tr.gettext(
        "The decision {decision} “{title}” is executory since {date}: every member's deliberation is adopted, "
        "published and transmitted to the prefecture.", decision=decision.key, title=decision.title,
        date=tr.date(ratification.executory_on)))
    text.bullets([member_line(m, config, tr) for m in ratification.by_member])
    if mentions:
        text.para(*people_line(tr.gettext("Representatives"), mentions, config, tr))
    return text.done()


def reminder_message(member_id: str, items: Sequence[tuple[object, Ratification]], config: Config, now: datetime,
                     tr: Translator, mentions: Sequence[str]) -> tuple[str, str]:
    """The reminder of a member whose deliberation is awaited on `items` (decision, ratification)."""
    member = config.member(member_id)
    name, body = (member.name, member.body) if member else (member_id, member_id)
    text = Text.empty().para(tr.ngettext(
        "Reminder: a deliberation of the {body} ({member}) is awaited to ratify this decision of the conference:",
        "Reminder: a deliberation of the {body} ({member}) is awaited to ratify these decisions of the conference:",
        len(items), body=body, member=name))
    text.bullets([tr.gettext("{heading}, adopted on {date} ({days})", heading=decision_heading(d, tr),
                             date=day(d.decided_on, tr),
                             days=tr.ngettext("{n} day ago", "{n} days ago", (local_date(now) - d.decided_on).days))
                  for d, _ in items])
    text.para(tr.gettext("Once adopted, record it with !deliberation <decision> <member> <number> <date>, then its "
                         "publication (!publication) and its transmission to the prefecture (!transmission)."))
    if mentions:
        text.para(*people_line(tr.gettext("Representatives"), mentions, config, tr))
    return text.done()

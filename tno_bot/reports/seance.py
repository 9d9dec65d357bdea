"""Séance reports for the room: attendance by member, the pouvoirs (given before the séance too), quorum, the tally of
a vote and its result, as (plain, html).

Names come from the config (`Config.display_name`); the HTML shows them as matrix.to pills. Times are Paris
wall-clock times. Every user text (a vote's title) is escaped in the HTML.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from tno_bot.config import Config
from tno_bot.domain.agenda import Conference
from tno_bot.domain.attendance import Attendance, Basis, Pouvoir, PouvoirEnd, Quorum, Seat, Status, quorum
from tno_bot.domain.calendar import PARIS
from tno_bot.domain.decisions import DecisionId
from tno_bot.domain.voting import UNANIMITE_MEMBRES, Ballot, Counts, Outcome, Tally, Vote, members_without_pour
from tno_bot.i18n import N_, Translator
from tno_bot.reports.agenda import conference_title, pill, when
from tno_bot.reports.text import Text

OUTCOME_LABELS = {
    Outcome.ADOPTEE_UNANIMITE: N_("adopted unanimously"),
    Outcome.ADOPTEE_UNANIMITE_SUFFRAGES_EXPRIMES: N_("adopted unanimously of the votes cast"),
    Outcome.REJETEE: N_("rejected"),
}
CHOICE_LABELS = {"pour": N_("for"), "contre": N_("against"), "abstention": N_("abstention")}
BASIS_LABELS = {
    Basis.TITULAIRE: N_("own seat"),
    Basis.POUVOIR: N_("by pouvoir"),
    Basis.SUPPLEANCE: N_("as suppléant"),
    Basis.POUVOIR_SUPPLEANT: N_("as suppléant, by the pouvoir of a suppléant"),
    Basis.MANDATAIRE_ABSENT: N_("vacant: the mandataire is not present"),
    Basis.SANS_SUPPLEANT: N_("vacant: no pouvoir and no suppléant present"),
}


def at_time(instant: datetime, tr: Translator) -> str:
    """A Paris wall-clock time: "10 h 05"."""
    return tr.time(instant.astimezone(PARIS).time())


def outcome_label(outcome: Outcome, tr: Translator) -> str:
    return tr.gettext(OUTCOME_LABELS[outcome])


def counts_text(counts: Counts, tr: Translator) -> str:
    """"3 pour, 0 contre, 1 abstention"."""
    return tr.gettext("{pour} for, {contre} against, {abstention}", pour=counts.pour, contre=counts.contre,
                      abstention=tr.ngettext("{n} abstention", "{n} abstentions", counts.abstention))


def rule_text(rule: str, tr: Translator) -> str:
    """The unanimity reading applied (config `decision_rule`), in one sentence."""
    if rule == UNANIMITE_MEMBRES:
        return tr.gettext("Rule applied: unanimity of the members. Each member needs at least one vote for and none "
                          "against; any vote against, or a member without a vote for, rejects.")
    return tr.gettext("Rule applied: unanimity of the votes cast. Abstentions are not votes cast; any vote against, "
                      "or no vote cast at all, rejects.")


def without_pour_warning(outcome: Outcome, by_member: dict[str, Counts], config: Config,
                         tr: Translator) -> str | None:
    """The sentence when a decision is adopted that a whole member did not vote for, else None."""
    silent = members_without_pour(by_member) if outcome.adopted else ()
    if not silent:
        return None
    names = tr.join_and(config.member(m).name if config.member(m) else m for m in silent)
    return tr.gettext("No representative of {members} voted for: adopted under the unanimity of the votes cast, "
                      "not that of the members.", members=names)


def _names(ids: Sequence[str], config: Config) -> tuple[str, str]:
    return ", ".join(config.display_name(i) for i in ids), ", ".join(pill(i, config) for i in ids)


def pouvoir_text(pouvoir: Pouvoir, config: Config, tr: Translator, opened_at: datetime | None = None) -> str:
    """"Emeline Baume to Zemorda Khelifi (10:03)": the day too when given before the séance opened at `opened_at`
    (None: not open yet), who recorded it when handed in on paper, and its end if it ended."""
    given = (at_time(pouvoir.given_at, tr) if opened_at is not None and pouvoir.given_at >= opened_at
             else when(pouvoir.given_at, tr))
    if pouvoir.given_by != pouvoir.mandant:
        given = tr.gettext("{time}, handed in on paper, recorded by {name}", time=given,
                           name=config.display_name(pouvoir.given_by))
    text = tr.gettext("{mandant} to {mandataire} ({time})", mandant=config.display_name(pouvoir.mandant),
                      mandataire=config.display_name(pouvoir.mandataire), time=given)
    if pouvoir.end is PouvoirEnd.RETIRE:
        text += " — " + tr.gettext("revoked at {time}", time=at_time(pouvoir.ended_at, tr))
    elif pouvoir.end is PouvoirEnd.MANDANT_PRESENT:
        text += " — " + tr.gettext("ended at {time}: the mandant came", time=at_time(pouvoir.ended_at, tr))
    return text


STATUS_LABELS = {Status.PRESENT: N_("present"), Status.EXCUSE: N_("excused"), Status.ABSENT: N_("absent")}


def presents_report(attendance: Attendance, opened_at: datetime, config: Config, tr: Translator) -> tuple[str, str]:
    """`!presents`: by member, titulaires and suppléants apart, each status with its people; then the staff
    present, the pouvoirs (of the séance opened at `opened_at`) and the quorum."""
    cast = attendance.cast
    text = Text.empty().para(tr.gettext("Attendance:"))
    for member_id in cast.members:
        member = config.member(member_id)
        text.para(member.name if member else member_id)
        items, html_items = [], []
        for seat, label in ((Seat.TITULAIRE, N_("Titulaires")), (Seat.SUPPLEANT, N_("Suppléants"))):
            people = cast.of_member(member_id, seat)
            if not people:
                continue
            parts, html_parts = [], []
            for status in Status:
                ids = [r.matrix_id for r in people if attendance.status(r.matrix_id) is status]
                if ids:
                    plain_names, html_names = _names(ids, config)
                    shown = tr.gettext(STATUS_LABELS[status])
                    parts.append(tr.gettext("{label}: {names}", label=shown, names=plain_names))
                    html_parts.append(escape(tr.gettext("{label}: {names}", label=shown, names="\x00"))
                                      .replace("\x00", html_names))
            separator = tr.gettext("; ")
            items.append(f"{tr.gettext(label)} — " + separator.join(parts))
            html_items.append(f"{escape(tr.gettext(label))} — " + escape(separator).join(html_parts))
        text.bullets(items, html_items)
    staff = [s for s in cast.staff if attendance.status(s) is Status.PRESENT]
    if staff:
        plain_names, html_names = _names(staff, config)
        label = tr.gettext("Administration (no seat), present:")
        text.para(f"{label} {plain_names}", f"{escape(label)} {html_names}")
    active = [p for p in attendance.pouvoirs if p.active]
    if active:
        text.para(tr.gettext("Pouvoirs:")).bullets([pouvoir_text(p, config, tr, opened_at) for p in active])
    return text.extend(quorum_text(quorum(attendance), config, tr)).done()


def advance_report(conference: Conference, advance: Attendance, config: Config, tr: Translator) -> tuple[str, str]:
    """`!presents` before the séance: the pouvoirs given so far for the séance of `conference`."""
    text = Text.empty().para(tr.gettext("No séance is sitting in this room yet: attendance is recorded once the "
                                        "président or the secrétariat opens it with !seance ouvrir."))
    title = conference_title(conference, tr)
    active = [p for p in advance.pouvoirs if p.active]
    if not active:
        return text.para(tr.gettext("No pouvoir given yet for the séance of the {conference}.",
                                    conference=title)).done()
    text.para(tr.gettext("Pouvoirs given for the séance of the {conference} (their mandants will be recorded excused "
                         "at the opening):", conference=title))
    return text.bullets([pouvoir_text(p, config, tr) for p in active]).done()


def quorum_text(q: Quorum, config: Config, tr: Translator) -> Text:
    """"Quorum reached" or which members have no one present; pouvoirs do not count."""
    text = Text.empty()
    if q.reached:
        text.para(tr.ngettext("Quorum reached: at least {n} representative of each member is present.",
                              "Quorum reached: at least {n} representatives of each member are present.",
                              q.required_per_member))
    else:
        names = tr.join_and(config.member_name(m) for m in q.missing)
        if q.required_per_member == 1:
            text.para(tr.gettext("Quorum not reached: no representative present for {members}.", members=names))
        else:
            text.para(tr.gettext("Quorum not reached: fewer than {required} representatives present for {members}.",
                                 required=q.required_per_member, members=names))
    text.para(tr.gettext("Pouvoirs do not make a member present."))
    return text


def ballot_line(ballot: Ballot, config: Config, tr: Translator) -> str:
    """"Zemorda Khelifi: pour (seat of Emeline Baume, by pouvoir, 10:07)"."""
    voter = config.display_name(ballot.voter)
    choice = tr.gettext(CHOICE_LABELS[ballot.choice.value])
    if ballot.seat == ballot.voter:
        return tr.gettext("{voter}: {choice} ({time})", voter=voter, choice=choice, time=at_time(ballot.at, tr))
    return tr.gettext("{voter}: {choice} (seat of {seat}, {basis}, {time})", voter=voter, choice=choice,
                      seat=config.display_name(ballot.seat), basis=tr.gettext(BASIS_LABELS[ballot.basis]),
                      time=at_time(ballot.at, tr))


def vote_heading(vote: Vote, tr: Translator) -> str:
    return tr.gettext("Vote on point {item}: “{title}”", item=vote.item, title=vote.title)


def tally_report(vote: Vote, tally: Tally, config: Config, tr: Translator) -> tuple[str, str]:
    """`!vote`: the counts so far, who has voted (ballots are not secret), who has not."""
    text = Text.empty().para(vote_heading(vote, tr) + " — " + tr.gettext("open since {time}.",
                                                                        time=at_time(vote.opened_at, tr)))
    text.para(tr.gettext("So far: {counts}.", counts=counts_text(tally.counts, tr)))
    if tally.voted:
        text.para(tr.gettext("Voted:")).bullets([ballot_line(s.ballot, config, tr) for s in tally.voted])
    waiting = []
    for s in tally.not_voted:
        if s.holder is None:
            waiting.append(tr.gettext("seat of {seat}: no one may vote for it now", seat=config.display_name(s.seat)))
        elif s.holder == s.seat:
            waiting.append(config.display_name(s.seat))
        else:
            waiting.append(tr.gettext("{holder}, for the seat of {seat}", holder=config.display_name(s.holder),
                                      seat=config.display_name(s.seat)))
    if waiting:
        text.para(tr.gettext("Not voted yet:")).bullets(waiting)
    return text.done()


def by_member_items(by_member: dict[str, Counts], config: Config, tr: Translator) -> list[str]:
    return [tr.gettext("{label}: {names}", label=config.member_name(m),
                       names=counts_text(c, tr)) for m, c in by_member.items()]


def result_report(vote: Vote, result, decision: DecisionId | None, config: Config,
                  tr: Translator) -> tuple[str, str]:
    """`!vote clore`: the wording with the counts, the decision number, a member that did not vote for an adopted
    decision, the rule applied, the counts by member; `result` is the `storage.ClosedResult`."""
    outcome, counts, by_member = result.outcome, result.counts, result.by_member
    text = Text.empty().para(vote_heading(vote, tr) + " — " + tr.gettext("closed at {time}.",
                                                                        time=at_time(vote.closed_at, tr)))
    if decision is not None:
        wording = tr.gettext("Decision {decision} {outcome} ({counts}).", decision=str(decision),
                             outcome=outcome_label(outcome, tr), counts=counts_text(counts, tr))
    else:
        wording = tr.gettext("Proposal {outcome} ({counts}).", outcome=outcome_label(outcome, tr),
                             counts=counts_text(counts, tr))
    text.para(wording)
    if warning := without_pour_warning(outcome, by_member, config, tr):
        text.para(warning)
    text.para(rule_text(result.rule, tr))
    text.para(tr.gettext("By member:")).bullets(by_member_items(by_member, config, tr))
    return text.done()

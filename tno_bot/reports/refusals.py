"""Refusals in words: one table per refusal reason enum of the domain, reason -> sentence.

A sentence is built from a `Wording`: the translator, the refusal's params (and what the caller adds: the
conference, the agenda, the sender…) and the config (for people's names).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from tno_bot.config import Config
from tno_bot.domain.agenda import Etat
from tno_bot.domain.calendar import holiday_name, local_date
from tno_bot.domain.agenda import MAX_YEARS_AHEAD
from tno_bot.domain.agenda import Reason as AgendaReason
from tno_bot.domain.attendance import Reason as AttendanceReason
from tno_bot.domain.funding import FundingReason
from tno_bot.domain.parsing import MAX_AMOUNT_CHARS, ParseReason
from tno_bot.domain.ratification import Reason as RatificationReason
from tno_bot.domain.refusals import Refused
from tno_bot.domain.roles import RoleReason
from tno_bot.domain.rooms import Reason as RoomReason
from tno_bot.domain.seance import Reason as SeanceReason
from tno_bot.domain.voting import Reason as VoteReason
from tno_bot.i18n import Translator
from tno_bot.reports.agenda import conference_title
from tno_bot.reports.ratification import KIND_LABELS, act_id_problems, day, differences_text, member_line
from tno_bot.reports.roles import ACTION_LABELS, grammatical_number, roles_or
from tno_bot.reports.seance import at_time
from tno_bot.reports.text import shorten


@dataclass(frozen=True)
class Wording:
    tr: Translator
    p: dict[str, Any]
    config: Config | None = None

    def name(self, key: str) -> str:
        """The display name of the person whose matrix id is the param `key`."""
        return self.config.display_name(self.p[key])

    def member(self, key: str = "member") -> str:
        """The name of the member whose id is the param `key`, else that id."""
        return self.config.member_name(self.p[key])


Table = dict[Enum, Callable[[Wording], str]]


def _no_budget(w: Wording) -> str:
    years = w.p["years"]
    return w.tr.ngettext("No budget for {year}: the configured budget is {years}.",
                         "No budget for {year}: the configured budgets are {years}.", len(years), year=w.p["year"],
                         years=w.tr.join_and(str(y) for y in years))


FUNDING: Table = {
    FundingReason.NO_BUDGETS: lambda w: w.tr.gettext("No budget is configured."),
    FundingReason.NO_BUDGET: _no_budget,
    FundingReason.NO_KEYS: lambda w: w.tr.gettext(
        "No contribution keys in force in {year}: the first keys apply from {first}.", year=w.p["year"],
        first=w.p["first"]),
    FundingReason.UNKNOWN_MISSION: lambda w: w.tr.gettext(
        "Unknown mission “{text}”: choose {missions}.", text=shorten(w.p["mission"]),
        missions=w.tr.join_or(w.p["missions"])),
}


def _forbidden(w: Wording) -> str:
    tr, allowed, action = w.tr, w.p["allowed"], w.p["action"]
    text = tr.ngettext("Only {roles} may {action}.", "Only {roles} may {action}.", grammatical_number(allowed),
                       roles=roles_or(allowed, tr), action=tr.gettext(ACTION_LABELS[action]))
    if action.value == "odj_envoyer":
        text += " " + tr.gettext("After the notice deadline, the président may send it with !odj envoyer hors-delai.")
    return text


def _locked(w: Wording) -> str:
    fixation = w.p["odj"].fixation if w.p.get("odj") else None
    return w.tr.gettext("The agenda is fixed (version {version}, on {date}): it can no longer change.",
                        version=fixation.version if fixation else "?",
                        date=w.tr.date(fixation.day) if fixation else "?")


def _not_draft(w: Wording) -> str:
    odj = w.p.get("odj")
    return w.tr.gettext("Version {version} of the agenda is sent and waiting for replies: it can be changed only after "
                        "an avis, with !odj amender.", version=odj.current.numero if odj and odj.current else "?")


def _no_such_point(w: Wording) -> str:
    if w.p["count"] == 0:
        return w.tr.gettext("The draft agenda has no point yet.")
    return w.tr.ngettext("There is no point {numero}: the draft has {n} point.",
                         "There is no point {numero}: the draft has {n} points.", w.p["count"], numero=w.p["numero"])


def _no_avis(w: Wording) -> str:
    odj = w.p.get("odj")
    version = odj.current if odj else None
    if odj and odj.avis_en_cours:  # only favourable avis, which this version's rule lets through
        return w.tr.gettext("Version {version} received only favourable avis, which do not stop its tacit fixing "
                            "(config avis_favorable_bloque): it will be fixed tacitly at the end of {date}, when the "
                            "reply window closes.", version=version.numero, date=w.tr.date(version.window.effective))
    return w.tr.gettext("No avis was given on version {version}: it will be fixed tacitly at the end of {date}, when "
                        "the reply window closes.", version=version.numero if version else "?",
                        date=w.tr.date(version.window.effective) if version else "?")


def _not_late(w: Wording) -> str:
    if w.p["resend"]:
        return w.tr.gettext("A new version of the agenda is never late (the first one met the notice): the comité "
                            "technique sends it with !odj envoyer; “hors-delai” is not needed.")
    return w.tr.gettext("The agenda can still be sent in time, until {date} inclusive (D-{days}): the comité technique "
                        "sends it with !odj envoyer. “hors-delai” is only for the président's sending after that day.",
                        date=w.tr.date(w.p["notice"].effective), days=-w.p["notice"].days)


def _conference_day_off(w: Wording) -> str:
    """The warning for a conference set on a weekend or a public holiday (accepted)."""
    day = w.p["day"]
    name = holiday_name(day, w.tr.language)
    if name:
        return w.tr.gettext("Warning: {date} is a public holiday ({name}). The conference is planned all the same.",
                            date=w.tr.date(day), name=name)
    return w.tr.gettext("Warning: {date} falls on a weekend. The conference is planned all the same.",
                        date=w.tr.date(day))


def _number(w: Wording) -> int | None:
    """The number of the conference refused (param `conference`)."""
    return w.p["conference"].id if w.p.get("conference") else None


AGENDA: Table = {
    AgendaReason.FORBIDDEN: _forbidden,
    AgendaReason.IN_PAST: lambda w: w.tr.gettext("{when} is already past: a conference is planned in the future.",
                                                 when=w.tr.gettext("{date} at {time}", date=w.tr.date(w.p["day"]),
                                                                   time=w.tr.time(w.p["start_time"]))),
    AgendaReason.TOO_FAR: lambda w: w.tr.gettext(
        "{date} is too far ahead: a conference is planned at most {years} years ahead, until {limit}.",
        date=w.tr.date(w.p["day"]), years=MAX_YEARS_AHEAD, limit=w.tr.date(w.p["limit"])),
    AgendaReason.CANCELLED: lambda w: w.tr.gettext(
        "Conference no. {n} is cancelled: nothing can be changed any more.", n=_number(w)),
    AgendaReason.CONFERENCE_STARTED: lambda w: w.tr.gettext(
        "Conference no. {n} has already started: nothing can be changed any more.", n=_number(w)),
    AgendaReason.NOTICE_PASSED: lambda w: w.tr.gettext(
        "Too late to send the agenda: the last day was {date} (D-{days}, calendar days). The président may still "
        "send it with !odj envoyer hors-delai; this will be recorded and shown with the agenda.",
        date=w.tr.date(w.p["notice"].effective), days=-w.p["notice"].days),
    AgendaReason.NOT_LATE: _not_late,
    AgendaReason.LOCKED: _locked,
    AgendaReason.NOT_FIXED: lambda w: w.tr.gettext(
        "The agenda of conference no. {n} is not fixed yet: the convocation goes out with the fixed agenda.",
        n=_number(w)),
    AgendaReason.NOT_DRAFT: _not_draft,
    AgendaReason.NOT_PROPOSED: lambda w: w.tr.gettext(
        "The agenda has not been sent: no proposal is waiting for replies."),
    AgendaReason.EMPTY_TITLE: lambda w: w.tr.gettext("Give the title of the point."),
    AgendaReason.EMPTY_TEXT: lambda w: w.tr.gettext("Write your avis after the command."),
    AgendaReason.EMPTY_AGENDA: lambda w: w.tr.gettext(
        "The draft agenda has no point: add one with !odj ajouter <title> first."),
    AgendaReason.NO_SUCH_POINT: _no_such_point,
    AgendaReason.BAD_POSITION: lambda w: w.tr.gettext(
        "Position {position} is not possible: choose a position from 1 to {count}.", position=w.p["position"],
        count=w.p["count"]),
    AgendaReason.WINDOW_CLOSED: lambda w: w.tr.gettext(
        "The reply window closed at the end of {date}: avis are no longer accepted.",
        date=w.tr.date(w.p["window"].effective)),
    AgendaReason.WINDOW_OPEN: lambda w: w.tr.gettext("The reply window is open until {date} inclusive.",
                                                     date=w.tr.date(w.p["window"].effective)),
    AgendaReason.NO_AVIS: _no_avis,
    AgendaReason.AVIS_GIVEN: lambda w: w.tr.gettext("An avis was given: the agenda will not be fixed tacitly."),
    AgendaReason.NO_SUCH_CONFERENCE: lambda w: w.tr.gettext(
        "There is no conference no. {n}: !conferences lists them.", n=w.p["number"]),
    AgendaReason.NO_CONFERENCE_PLANNED: lambda w: w.tr.gettext(
        "No conference is planned. Create one with !conference nouvelle <YYYY-MM-DD> <HH:MM> [place]."),
    AgendaReason.DAY_OFF: _conference_day_off,
    AgendaReason.CONFERENCE_ELSEWHERE: lambda w: w.tr.ngettext(
        "No conference is planned in this room, and {n} elsewhere: give its number (!conferences lists them).",
        "No conference is planned in this room, and {n} elsewhere: give its number (!conferences lists them).",
        w.p["count"]),
}


PARSING: Table = {
    ParseReason.NOT_A_YEAR: lambda w: w.tr.gettext(
        "“{text}” is not a year: write it with four digits, for example 2023.", text=shorten(w.p["text"])),
    ParseReason.NOT_A_NUMBER: lambda w: w.tr.gettext(
        "“{text}” is not a number: write a whole number such as 2.", text=shorten(w.p["text"])),
    ParseReason.NOT_AN_AMOUNT: lambda w: w.tr.gettext(
        "“{text}” is not an amount: write it with digits, for example 1 234,56 or 1234.56.",
        text=shorten(w.p["text"], MAX_AMOUNT_CHARS)),
    ParseReason.NEGATIVE_AMOUNT: lambda w: w.tr.gettext(
        "The amount must be positive (“{text}”).", text=shorten(w.p["text"], MAX_AMOUNT_CHARS)),
    ParseReason.TOO_PRECISE: lambda w: w.tr.gettext(
        "“{text}” has more than two decimals: amounts are in euros and cents.",
        text=shorten(w.p["text"], MAX_AMOUNT_CHARS)),
    ParseReason.ZERO_AMOUNT: lambda w: w.tr.gettext("The amount must be greater than zero."),
    ParseReason.TOO_LARGE: lambda w: w.tr.gettext(
        "“{text}” is too large: at most {limit}.", text=shorten(w.p["text"], MAX_AMOUNT_CHARS),
        limit=w.tr.money(w.p["limit"])),
}

ROLES: Table = {RoleReason.FORBIDDEN: _forbidden}


# --- the séance: attendance and pouvoirs, votes, opening and closing --------------------------------------------


def _already_given(w: Wording) -> str:
    """`sender`: who asks (revoking one's own pouvoir needs no name)."""
    if w.p["mandant"] != w.p.get("sender"):
        return w.tr.gettext(
            "{name} has already given a pouvoir to {mandataire}: revoke it first with !pouvoir retirer {name}.",
            name=w.name("mandant"), mandataire=w.name("mandataire"))
    return w.tr.gettext(
        "{name} has already given a pouvoir to {mandataire}: revoke it first with !pouvoir retirer.",
        name=w.name("mandant"), mandataire=w.name("mandataire"))


def _no_pouvoir(w: Wording) -> str:
    """`before`: the conference whose séance is to come, for a pouvoir revoked before it."""
    if w.p.get("before") is not None:
        return w.tr.gettext(
            "{name} has given no pouvoir for the séance of the {conference}: there is nothing to revoke.",
            name=w.name("mandant"), conference=conference_title(w.p["before"], w.tr))
    return w.tr.gettext("{name} has given no pouvoir in this séance: there is nothing to revoke.",
                        name=w.name("mandant"))


ATTENDANCE: Table = {
    AttendanceReason.NOT_IN_CAST: lambda w: w.tr.gettext(
        "{name} is neither a representative nor a named member of the staff of the conference: their attendance "
        "is not recorded.", name=w.name("person")),
    AttendanceReason.GIVER_NOT_REPRESENTATIVE: lambda w: w.tr.gettext(
        "Only a representative gives a pouvoir; {name} is not one.", name=w.name("mandant")),
    AttendanceReason.GIVER_NOT_TITULAIRE: lambda w: w.tr.gettext(
        "{name} is a suppléant: by the conference's rule, only a titulaire gives a pouvoir, a suppléant having no "
        "seat of their own (config pouvoir_suppleant, by analogy with CGCT L2121-20, “un conseiller empêché”).",
        name=w.name("mandant")),
    AttendanceReason.HOLDER_OTHER_MEMBER: lambda w: w.tr.gettext(
        "{name} represents {other}, not {member}: by the conference's rule, a pouvoir goes to a representative of "
        "the same member (config pouvoir_across_members, by analogy with CGCT L2121-20, “un collègue”).",
        name=w.name("mandataire"), other=w.member("other"), member=w.member()),
    AttendanceReason.GIVER_PRESENT: lambda w: w.tr.gettext(
        "{name} is recorded present: a representative who is present votes in person and gives no pouvoir. "
        "Record the absence first (!absent or !excuse).", name=w.name("mandant")),
    AttendanceReason.ALREADY_GIVEN: _already_given,
    AttendanceReason.SELF_POUVOIR: lambda w: w.tr.gettext(
        "A pouvoir is given to another representative, not to oneself."),
    AttendanceReason.HOLDER_NOT_REPRESENTATIVE: lambda w: w.tr.gettext(
        "{name} is not a representative at the conference: a pouvoir is given to a representative only.",
        name=w.name("mandataire")),
    AttendanceReason.HOLDER_FULL: lambda w: w.tr.ngettext(
        "{name} already holds {n} pouvoir (from {mandants}): that is the limit per representative.",
        "{name} already holds {n} pouvoirs (from {mandants}): that is the limit per representative.",
        w.p["limit"], name=w.name("mandataire"),
        mandants=w.tr.join_and(w.config.display_name(m) for m in w.p["mandants"])),
    AttendanceReason.NO_POUVOIR: _no_pouvoir,
    AttendanceReason.NO_SEANCE_TO_COME: lambda w: w.tr.gettext(
        "No séance is sitting in this room and no conference is to come for it: a pouvoir is given for a séance "
        "(!conferences lists them)."),
    AttendanceReason.NAME_THE_MANDANT: lambda w: w.tr.gettext(
        "{name} is not a representative and gives no pouvoir of their own: for a pouvoir handed in on "
        "paper, name the mandant, then the mandataire.", name=w.name("person")),
}


def _not_on_agenda(w: Wording) -> str:
    agenda = w.p["agenda"]
    if not agenda:
        return w.tr.gettext("The fixed agenda of this séance has no point.")
    return w.tr.ngettext(
        "Point {item} is not on the fixed agenda of this séance: it has {n} point (!seance shows them).",
        "Point {item} is not on the fixed agenda of this séance: it has {n} points (!seance shows them).",
        len(agenda), item=w.p["item"])


def _member_names(w: Wording, members) -> str:
    return w.tr.join_and(w.config.member_name(m) for m in members)


def _mission_name(w, mission: str) -> str:
    found = w.config.mission(mission)
    return found.name if found else mission


VOTE: Table = {
    VoteReason.NOT_ON_AGENDA: _not_on_agenda,
    VoteReason.QUORUM_NOT_REACHED: lambda w: w.tr.gettext(
        "The quorum is not reached: no representative of {members} is present (pouvoirs do not count). "
        "Nothing can be voted until it is.", members=_member_names(w, w.p["missing"])),
    VoteReason.VOTE_CLOSED: lambda w: w.tr.gettext("This vote is closed: its result can no longer change."),
    VoteReason.DUPLICATE_EVENT: lambda w: w.tr.gettext("This message was already counted as a ballot."),
    VoteReason.NOT_IN_CAST: lambda w: w.tr.gettext(
        "{name} is not a representative at the conference: only the representatives vote.", name=w.name("voter")),
    VoteReason.NOT_CONCERNED: lambda w: w.tr.gettext(
        "{name} does not vote on this decision: it concerns the mission “{mission}”, whose members alone decide.",
        name=w.name("voter"), mission=_mission_name(w, w.p["mission"])),
    VoteReason.UNKNOWN_MISSION: lambda w: w.tr.gettext(
        "There is no mission “{mission}”; the missions are: {known}.", mission=w.p["mission"],
        known=w.tr.join_and(list(w.p["known"])) if w.p["known"] else "—"),
    VoteReason.MISSION_NOT_STARTED: lambda w: w.tr.gettext(
        "The mission “{mission}” starts on {since} (config [[missions]] since): the séance of {day} cannot decide "
        "on it. Open the vote without the mission, or at a séance from that day on.",
        mission=_mission_name(w, w.p["mission"]), since=w.tr.date(w.p["since"]), day=w.tr.date(w.p["day"])),
    VoteReason.NOT_PRESENT: lambda w: w.tr.gettext(
        "{name} is not recorded present: record the presence with !present first.", name=w.name("voter")),
    VoteReason.NO_RIGHT_TO_VOTE: lambda w: w.tr.gettext(
        "{name} is present but votes for no seat: the titulaires of the member vote (a suppléant votes only in "
        "place of an absent titulaire who gave no pouvoir).", name=w.name("voter")),
    VoteReason.MANDANT_REQUIRED: lambda w: w.tr.gettext(
        "{name} votes only by pouvoir here: name the mandant, for example !vote pour {mandant}.",
        name=w.name("voter"), mandant=w.config.display_name(w.p["mandants"][0])),
    VoteReason.MANDANT_NOT_REPRESENTED: lambda w: w.tr.gettext(
        "{name} does not vote for the seat of {mandant}: no pouvoir of {mandant} to {name} is in force, or "
        "{mandant} is present.", name=w.name("voter"), mandant=w.name("mandant")),
    VoteReason.NO_VOTE_OPEN: lambda w: w.tr.gettext(
        "No vote is open. The président opens one with !vote ouvrir <point no.>."),
    VoteReason.VOTE_OPEN: lambda w: w.tr.gettext(
        "The vote on point {item} is open: close it first with !vote clore.", item=w.p["item"]),
    VoteReason.ALREADY_VOTED: lambda w: w.tr.gettext(
        "Point {item} was already voted on in this séance (closed at {time}).", item=w.p["item"],
        time=at_time(w.p["closed_at"], w.tr)),
}


def _agenda_not_fixed(w: Wording) -> str:
    tr = w.tr
    if w.p["etat"] is Etat.PROPOSE:
        why = tr.gettext("its agenda is proposed and not fixed yet (tacitly at the end of the reply window, or by "
                         "the président with !odj fixer).")
    else:
        why = tr.gettext("its agenda is still a draft: it must be sent (!odj envoyer) and fixed.")
    return tr.gettext("The séance of conference no. {n} cannot open: {why}", n=w.p["conference"], why=why)


SEANCE: Table = {
    SeanceReason.CANCELLED: lambda w: w.tr.gettext(
        "Conference no. {n} is cancelled: it has no séance.", n=w.p["conference"]),
    SeanceReason.AGENDA_NOT_FIXED: _agenda_not_fixed,
    SeanceReason.CLOSED: lambda w: w.tr.gettext(
        "The séance was closed at {time}: nothing can change any more.", time=at_time(w.p["closed_at"], w.tr)),
    SeanceReason.SUSPENDED: lambda w: w.tr.gettext(
        "The séance is suspended since {time}: resume it first with !seance reprendre.",
        time=at_time(w.p["since"], w.tr)),
    SeanceReason.NOT_SUSPENDED: lambda w: w.tr.gettext("The séance is not suspended."),
    SeanceReason.NOT_SITTING: lambda w: w.tr.gettext(
        "No séance is sitting in this room: the président or the secrétariat opens it with !seance ouvrir."),
    SeanceReason.ALREADY_SITTING: lambda w: w.tr.gettext(
        "The séance of conference no. {n} is already sitting in this room since {time}: close it first with "
        "!seance clore.", n=w.p["conference"], time=at_time(w.p["since"], w.tr)),
    SeanceReason.SITTING_ELSEWHERE: lambda w: w.tr.gettext(
        "The séance of conference no. {n} is already sitting in another room.", n=w.p["conference"]),
    SeanceReason.ALREADY_CLOSED: lambda w: w.tr.gettext(
        "The séance of conference no. {n} was closed on {date} at {time}: a closed séance is not opened again.",
        n=w.p["conference"], date=w.tr.date(local_date(w.p["closed_at"])), time=at_time(w.p["closed_at"], w.tr)),
    SeanceReason.OTHER_DAY: lambda w: w.tr.gettext(
        "Conference no. {n} is convened on {date}: its séance opens that day. To open it on another day, give the "
        "reason after its number; it is written in the compte rendu.", n=w.p["conference"],
        date=w.tr.date(w.p["day"])),
    SeanceReason.NO_CONFERENCE_TODAY: lambda w: w.tr.gettext(
        "No conference is planned today: give the number of the conference to open (!conferences lists them)."),
    SeanceReason.SEVERAL_CONFERENCES_TODAY: lambda w: w.tr.gettext(
        "Several conferences are planned today: give the number of the one to open."),
    SeanceReason.NO_SEANCE: lambda w: w.tr.gettext(
        "Conference no. {n} has no séance: there is no compte rendu.", n=w.p["conference"]),
    SeanceReason.NO_SEANCE_IN_ROOM: lambda w: w.tr.gettext(
        "No séance was held in this room: give a conference number."),
}


# --- ratification -----------------------------------------------------------------------------------------------
# Context: `decision` (its key), `member` (its id), `standing` (the member's ratification, for ALREADY_RECORDED),
# and the commands as spelled in the room: `correct_commands` (kind -> "!deliberation corriger"…) and
# `deliberation_command`.


def _counts_contradict(w: Wording) -> str:
    if w.p["adopted"]:
        return w.tr.gettext(
            "With {pour} for and {contre} against, the deliberation does not approve the decision: add “rejet” if "
            "it rejects it, or check the counts.", pour=w.p["pour"], contre=w.p["contre"])
    return w.tr.gettext(
        "With {pour} for and {contre} against, the deliberation approves the decision: remove “rejet”, or check "
        "the counts.", pour=w.p["pour"], contre=w.p["contre"])


def _already_recorded(w: Wording) -> str:
    tr, kind = w.tr, w.p["kind"]
    return tr.gettext(
        "The {kind} of {member} for {decision} is already recorded ({line}). To change it, use {command}: the "
        "earlier record stays in the history.", kind=tr.gettext(KIND_LABELS[kind]), member=w.member(),
        decision=w.p["decision"], line=member_line(w.p["standing"], w.config, tr),
        command=w.p["correct_commands"][kind])


def _unknown_member(w: Wording) -> str:
    member = w.config.member(w.p["member"])
    if member is not None and "decision" in w.p:  # a member of the entente, not in office on the decision's day
        return w.tr.gettext("{member} does not ratify {decision}: only the members of the entente on the day of the "
                            "decision do ({members}).", member=member.name, decision=w.p["decision"],
                            members=w.tr.join_and(w.config.member(m).name for m in w.p["members"]))
    known = w.tr.join_or([f"{m.name} ({m.id})" for m in w.config.members])
    return w.tr.gettext("Unknown member “{text}”: choose {members}.", text=shorten(w.p["member"]), members=known)


def _not_members_recorder(w: Wording) -> str:
    return w.tr.gettext(
        "Only the secrétariat or a representative of {member} may record the deliberation, publication or "
        "transmission of {member}.", member=w.member())


RATIFICATION: Table = {
    RatificationReason.UNKNOWN_MEMBER: _unknown_member,
    RatificationReason.BEFORE_DECISION: lambda w: w.tr.gettext(
        "The deliberation is dated {date}, before the decision {decision} of the conference of {decided_on}: a "
        "member's body ratifies a decision already taken.", date=day(w.p["date"], w.tr), decision=w.p["decision"],
        decided_on=day(w.p["decided_on"], w.tr)),
    RatificationReason.NOTIFIED_BEFORE_DECISION: lambda w: w.tr.gettext(
        "The notification is dated {date}, before the decision {decision} of the conference of {decided_on}: the "
        "secrétariat notifies a decision already taken.", date=day(w.p["date"], w.tr), decision=w.p["decision"],
        decided_on=day(w.p["decided_on"], w.tr)),
    RatificationReason.IN_THE_FUTURE: lambda w: w.tr.gettext(
        "{date} is in the future: record what has happened, up to today ({today}).", date=day(w.p["date"], w.tr),
        today=day(w.p["today"], w.tr)),
    RatificationReason.INVALID_NUMBER: lambda w: w.tr.gettext(
        "A deliberation number has at most {limit} characters.", limit=w.p["limit"]),
    RatificationReason.NEGATIVE_COUNT: lambda w: w.tr.gettext(
        "“{text}” is not a vote count: write pour=N, contre=N or abstention=N, each once.",
        text="{}={}".format(w.p["count"], w.p["value"])),
    RatificationReason.COUNTS_CONTRADICT_OUTCOME: _counts_contradict,
    RatificationReason.ALREADY_RECORDED: _already_recorded,
    RatificationReason.NOTHING_TO_CORRECT: lambda w: w.tr.gettext(
        "There is no {kind} of {member} for {decision} to correct yet: record it without “corriger”.",
        kind=w.tr.gettext(KIND_LABELS[w.p["kind"]]), member=w.member(), decision=w.p["decision"]),
    RatificationReason.NO_DELIBERATION: lambda w: w.tr.gettext(
        "No deliberation of {member} is recorded for {decision}: record it first with {command}.",
        member=w.member(), decision=w.p["decision"], command=w.p["deliberation_command"]),
    RatificationReason.BEFORE_DELIBERATION: lambda w: w.tr.gettext(
        "{date} is before the deliberation of {member}, dated {deliberation_date}: it is published and "
        "transmitted after it is adopted.", date=day(w.p["date"], w.tr), member=w.member(),
        deliberation_date=day(w.p["deliberation_date"], w.tr)),
    RatificationReason.IDENTIFIER_MALFORMED: lambda w: w.tr.gettext(
        "“{text}” is not a transmission identifier such as 069-256910183-20221209-CS_2022_12_4-DE: {problems}.",
        text=shorten(w.p["error"].text, 60), problems=act_id_problems(w.p["error"], w.tr)),
    RatificationReason.IDENTIFIER_MISMATCH: lambda w: w.tr.gettext(
        "The identifier {identifier} does not match the deliberation of {member} recorded for {decision}: "
        "{differences}.", identifier=w.p["identifier"], member=w.member(), decision=w.p["decision"],
        differences=differences_text(w.p["differences"], w.tr)),
    RatificationReason.NOTHING_TO_ANNUL: lambda w: w.tr.gettext(
        "There is no {kind} of {member} for {decision} to withdraw.", kind=w.tr.gettext(KIND_LABELS[w.p["target"]]),
        member=w.member(), decision=w.p["decision"]),
    RatificationReason.DUPLICATE_EVENT: lambda w: w.tr.gettext("This message was already recorded."),
    RatificationReason.NO_SUCH_DECISION: lambda w: w.tr.gettext(
        "There is no decision {decision}: !decisions lists them.", decision=str(w.p["decision"])),
    RatificationReason.NOT_MEMBERS_RECORDER: _not_members_recorder,
}



def _other_room(w: Wording) -> str:
    """The conference's own room named by its alias or name when the bot knows it (param `room_name`: room id ->
    its name or None, given by the chat)."""
    name_of = w.p.get("room_name")
    name = name_of(w.p["room"]) if name_of and w.p["room"] else None
    if name:
        return w.tr.gettext("Conference no. {n} is dealt with in its own room, {room}: type this command there.",
                            n=w.p["conference"], room=name)
    return w.tr.gettext("Conference no. {n} is dealt with in the room of the conference: type this command there.",
                        n=w.p["conference"])


ROOMS: Table = {
    RoomReason.OTHER_ROOM: _other_room,
}

TABLES: dict[type[Enum], Table] = {}


def register_table(enum: type[Enum], table: Table) -> None:
    """Every reason of `enum` must be worded: checked at import."""
    missing = set(enum) - table.keys()
    if missing:
        raise ValueError(f"{enum.__qualname__}: no wording for {sorted(m.name for m in missing)}")
    TABLES[enum] = table


def sentence(refused: Refused, tr: Translator, config: Config | None = None, **context: Any) -> str:
    """The refusal as a sentence of `tr`'s language; `context` adds to its params."""
    word = TABLES[type(refused.reason)][refused.reason]
    return word(Wording(tr, {**refused.params, **context}, config))


register_table(FundingReason, FUNDING)
register_table(AgendaReason, AGENDA)
register_table(ParseReason, PARSING)
register_table(RoleReason, ROLES)
register_table(AttendanceReason, ATTENDANCE)
register_table(VoteReason, VOTE)
register_table(SeanceReason, SEANCE)
register_table(RatificationReason, RATIFICATION)
register_table(RoomReason, ROOMS)

"""The séance sitting in a room, the conference whose séance comes next, the opening (the pouvoirs given in
advance carried in), suspension and closing, votes and ballots, where a pouvoir is recorded, and what the compte
rendu is made of. Every refusal is a domain `Refused`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlmodel import Session

from tno_bot import storage
from tno_bot.app.conferences import get_conference
from tno_bot.app.rooms import in_its_room
from tno_bot.app.sitting import Sitting, ballot_recorded, cast_of, open_vote_here, sitting_here
from tno_bot.config import Config
from tno_bot.domain.agenda import Conference
from tno_bot.domain.attendance import (
    Attendance,
    AttendanceFact,
    AttendanceRefused,
    FactKind,
    Status,
    carried_into_seance,
    quorum,
)
from tno_bot.domain.attendance import Reason as AttendanceReason
from tno_bot.domain.calendar import local_date
from tno_bot.domain.presidency import substitute
from tno_bot.domain.roles import Action, allowed
from tno_bot.domain.seance import Reason as SeanceReason
from tno_bot.domain.seance import Seance, SeanceRefused, ouvrir_seance
from tno_bot.domain.voting import (
    RULE,
    Ballot,
    Choice,
    Result,
    Vote,
    VoteRefused,
    open_vote,
    require_mission_started,
    result,
)
from tno_bot.domain.voting import Reason as VoteReason


def sitting(session: Session, config: Config, room_id: str) -> Sitting:
    """The séance sitting in `room_id`, with its attendance; SeanceRefused(NOT_SITTING) when none sits."""
    s = sitting_here(session, config, room_id)
    if s is None:
        raise SeanceRefused(SeanceReason.NOT_SITTING)
    return s


def conference_to_come(session: Session, room_id: str, now: datetime) -> Conference | None:
    """The conference whose séance comes next, as !seance ouvrir would choose it: this room's first conference from
    today on that has had no séance, else the only such conference of any room."""
    today = local_date(now)
    candidates = [(c, room) for c, room in storage.all_conferences(session)
                  if not c.cancelled and c.day >= today and storage.seance_of_conference(session, c.id) is None]
    here = [c for c, room in candidates if room == room_id]
    if here:
        return here[0]  # in chronological order
    return candidates[0][0] if len(candidates) == 1 else None


def conference_today(session: Session, room_id: str, now: datetime) -> Conference:
    """The conference of today to open without a number: this room's only one, else the only one of any room."""
    today = local_date(now)
    candidates = [(c, room) for c, room in storage.all_conferences(session) if not c.cancelled and c.day == today]
    here = [c for c, room in candidates if room == room_id]
    if len(here) == 1:
        return here[0]
    if len(candidates) == 1 and not here:
        return candidates[0][0]
    if not candidates:
        raise SeanceRefused(SeanceReason.NO_CONFERENCE_TODAY)
    raise SeanceRefused(SeanceReason.SEVERAL_CONFERENCES_TODAY)


def advance_attendance(session: Session, config: Config, conference: Conference) -> Attendance:
    """The pouvoirs given before the séance of `conference`."""
    return storage.advance_pouvoirs(session, conference.id, cast_of(session, config, conference))


def open_seance(session: Session, config: Config, number: int | None, room_id: str, by: str, at: datetime,
                event_id: str, reason: str = "") -> tuple[Conference, Seance, tuple[AttendanceFact, ...]]:
    """The séance of conference `number` (else of today's conference) opened in `room_id` on its fixed agenda (on
    another day only with a `reason`) and stored, with the pouvoirs given in advance carried into it (the mandant
    excused, the pouvoir as recorded); the conference's reminders end."""
    already = storage.open_seance_in_room(session, room_id)
    if already is not None:
        raise SeanceRefused(SeanceReason.ALREADY_SITTING, conference=already.conference_id, since=already.opened_at)
    conference = get_conference(session, number) if number is not None else conference_today(session, room_id, at)
    in_its_room(session, conference.id, room_id)
    held = storage.seance_of_conference(session, conference.id)
    if held is not None and held.closed:
        raise SeanceRefused(SeanceReason.ALREADY_CLOSED, conference=conference.id, closed_at=held.closed_at)
    if held is not None:
        raise SeanceRefused(SeanceReason.SITTING_ELSEWHERE, conference=conference.id)
    opened = ouvrir_seance(conference, storage.load_agenda(session, conference.id), room_id, by=by, at=at,
                           event_id=event_id, reason=reason)
    opened = storage.add_seance(session, opened)
    storage.replan_reminders(session, conference.id, config.agenda_rules, config.reminders, at)  # none once it sits
    carried = carried_into_seance(advance_attendance(session, config, conference))
    storage.add_attendance_facts(session, opened.id, carried)
    return conference, opened, carried


def change_seance(session: Session, sitting: Sitting, change: Callable[[Seance], Seance], *,
                  not_while_voting: bool = False) -> Seance:
    """The séance changed by the domain (`change`) and stored; with `not_while_voting`, refused while a vote is
    open (a séance is neither suspended nor closed then)."""
    if not_while_voting and (stored := storage.open_vote_of(session, sitting.seance.id)) is not None:
        raise VoteRefused(VoteReason.VOTE_OPEN, item=stored.vote.item)
    changed = change(sitting.seance)
    storage.save_seance(session, changed)
    return changed


def mark(session: Session, sitting: Sitting, people: tuple[str, ...], status: Status, *, by: str, at: datetime,
         event_id: str) -> tuple[Attendance, list[AttendanceFact], list[str]]:
    """`people` recorded with `status` (each checked by the domain) and stored: the attendance after, the facts
    recorded, and the people already recorded so (left unchanged)."""
    attendance, facts, unchanged = sitting.attendance, [], []
    for person in people:
        recorded_before = any(f.person == person and f.kind is FactKind.PRESENCE for f in attendance.facts)
        if recorded_before and attendance.status(person) is status:
            unchanged.append(person)
            continue
        fact = attendance.mark(person, status, by=by, at=at, event_id=event_id)
        facts.append(fact)
        attendance = attendance.apply(fact)
    storage.add_attendance_facts(session, sitting.seance.id, facts)
    return attendance, facts, unchanged


def substitute_of(config: Config, sitting: Sitting) -> str | None:
    """Who presides the séance in place of the président recorded absent or excused (`[rules] presidence_absent`),
    if anyone (domain/presidency.py)."""
    return substitute(sitting.attendance, config.roles.president, config.roles.vice_president,
                      config.rules.presidence_absent, {p.matrix_id: p.born for p in config.people if p.born})


def presides_here(session: Session, config: Config, room_id: str, person: str) -> bool:
    """Whether `person` presides the séance sitting in `room_id` in place of the absent président."""
    s = sitting_here(session, config, room_id)
    return s is not None and substitute_of(config, s) == person


def _record_presidency(session: Session, config: Config, sitting: Sitting, by: str) -> None:
    """The séance records who presided when someone conducts a vote in place of the président."""
    if by not in config.roles.president and sitting.seance.presided_by != by:
        sitting.seance = replace(sitting.seance, presided_by=by)
        storage.save_seance(session, sitting.seance)


def open_vote_of(session: Session, sitting: Sitting) -> storage.StoredVote:
    """The vote open in the séance; VoteRefused(NO_VOTE_OPEN) when none is."""
    stored = open_vote_here(session, sitting)
    if stored is None:
        raise VoteRefused(VoteReason.NO_VOTE_OPEN)
    return stored


def concerned(config: Config, sitting: Sitting, mission: str | None) -> Attendance:
    """The attendance as a vote counts it: when the decision concerns a `mission`, only its members (those in office
    at the séance) sit for the quorum, the ballots and the unanimity; VoteRefused(UNKNOWN_MISSION) for an id not in
    `[[missions]]`."""
    if mission is None:
        return sitting.attendance
    found = config.mission(mission)
    if found is None:
        raise VoteRefused(VoteReason.UNKNOWN_MISSION, mission=mission, known=tuple(m.id for m in config.missions))
    seated = [m for m in config.members if m.id in sitting.attendance.cast.members]
    members = [m.id for m in found.members_on(tuple(seated))]
    return replace(sitting.attendance, cast=sitting.attendance.cast.concerning(members))


def open_vote_on(session: Session, config: Config, sitting: Sitting, item: int, title: str | None, *, by: str,
                 at: datetime, event_id: str, mission: str | None = None) -> Vote:
    """The vote on point `item` opened and stored: the séance sitting, no other vote open, the point not voted on
    yet in this séance, on its fixed agenda, the quorum reached (of the `mission`'s members, when it concerns
    one)."""
    sitting.seance.check_votes_allowed()
    if (stored := storage.open_vote_of(session, sitting.seance.id)) is not None:
        raise VoteRefused(VoteReason.VOTE_OPEN, item=stored.vote.item)
    done = next((v for v in storage.votes_of(session, sitting.seance.id) if v.vote.item == item), None)
    if done is not None:
        raise VoteRefused(VoteReason.ALREADY_VOTED, item=item, closed_at=done.vote.closed_at)
    attendance = concerned(config, sitting, mission)
    if mission is not None:  # known: `concerned` refused an unknown one
        require_mission_started(mission, config.mission(mission).since, sitting.conference.day)
    opened = open_vote(item, sitting.seance.agenda, quorum(attendance), by=by, at=at, event_id=event_id,
                       title=title, mission=mission)
    storage.add_vote(session, sitting.seance.id, opened)
    _record_presidency(session, config, sitting, by)
    return opened


def close_vote(session: Session, config: Config, sitting: Sitting, year: int, *, by: str, at: datetime,
               event_id: str, rule: str = RULE) -> tuple[Vote, storage.StoredVote]:
    """The open vote closed, the quorum checked again, and written with its result under the unanimity reading
    `rule` (an adopted one numbered in `year`); a vote on a mission counts its members only."""
    stored = open_vote_of(session, sitting)
    sitting.seance.check_votes_allowed()
    attendance = concerned(config, sitting, stored.vote.mission)
    closed = stored.vote.close(quorum(attendance), by=by, at=at, event_id=event_id)
    outcome: Result = result(closed, attendance.cast, rule)
    _record_presidency(session, config, sitting, by)
    return closed, storage.close_vote(session, stored, closed, outcome, sitting.conference.id, year)


def cast_ballot(session: Session, config: Config, sitting: Sitting, stored: storage.StoredVote, voter: str,
                choice: Choice, *, at: datetime, event_id: str,
                mandant: str | None = None) -> tuple[Attendance, Ballot, Vote, bool]:
    """The ballot checked by the domain and written with the presence it records; the attendance after it (as the
    vote counts it), the ballot, the vote with it, and whether the voter was recorded present by it. A
    representative of a member the vote's mission does not concern is refused (NOT_CONCERNED)."""
    sitting.seance.check_votes_allowed()
    counted = concerned(config, sitting, stored.vote.mission)
    if sitting.attendance.cast.representative(voter) is not None and counted.cast.representative(voter) is None:
        raise VoteRefused(VoteReason.NOT_CONCERNED, voter=voter, mission=stored.vote.mission)
    facts, attendance, ballot = stored.vote.cast_in_person(counted, voter, choice, at=at,
                                                           event_id=event_id, mandant=mandant)
    storage.add_attendance_facts(session, sitting.seance.id, list(facts))
    storage.add_ballot(session, stored.id, ballot)
    after = stored.vote.with_ballot(ballot)
    ballot_recorded(session, replace(stored, vote=after))
    return attendance, ballot, after, bool(facts)


@dataclass
class PouvoirRegister:
    """Where a pouvoir is recorded now: the séance sitting in the room, or before it (`seance` None) the conference
    to come."""

    conference: Conference
    attendance: Attendance
    seance: Seance | None

    def add(self, session: Session, fact: AttendanceFact) -> None:
        if self.seance is not None:
            storage.add_attendance_facts(session, self.seance.id, [fact])
        else:
            storage.add_advance_pouvoir_fact(session, self.conference.id, fact)


def pouvoir_register(session: Session, config: Config, room_id: str, now: datetime) -> PouvoirRegister:
    s = sitting_here(session, config, room_id)
    if s is not None:
        return PouvoirRegister(s.conference, s.attendance, s.seance)
    conference = conference_to_come(session, room_id, now)
    if conference is None:
        raise AttendanceRefused(AttendanceReason.NO_SEANCE_TO_COME)
    in_its_room(session, conference.id, room_id)
    return PouvoirRegister(conference, advance_attendance(session, config, conference), None)


def _before(register: PouvoirRegister, error: AttendanceRefused) -> AttendanceRefused:
    """The refusal with the conference to come (param `before`) when the pouvoir is given or revoked before its
    séance."""
    if register.seance is not None:
        return error
    return AttendanceRefused(error.reason, **error.params, before=register.conference)


def give_pouvoir(session: Session, config: Config, room_id: str, mandant: str, mandataire: str, *, by: str,
                 at: datetime, event_id: str) -> PouvoirRegister:
    """The pouvoir checked by the domain and recorded where it goes now (the register, as before it)."""
    register = pouvoir_register(session, config, room_id, at)
    try:
        fact = register.attendance.give_pouvoir(mandant, mandataire, by=by, at=at, event_id=event_id)
    except AttendanceRefused as error:
        if error.reason is AttendanceReason.GIVER_NOT_REPRESENTATIVE and mandant == by \
                and allowed(Action.POUVOIR_AUTRUI, config.roles_of(by)):
            raise AttendanceRefused(AttendanceReason.NAME_THE_MANDANT, person=by) from None
        raise _before(register, error) from None
    register.add(session, fact)
    return register


def revoke_pouvoir(session: Session, config: Config, room_id: str, mandant: str, *, by: str, at: datetime,
                   event_id: str) -> PouvoirRegister:
    """The pouvoir of `mandant` revoked where it was given (the register, as before it)."""
    register = pouvoir_register(session, config, room_id, at)
    try:
        fact = register.attendance.revoke_pouvoir(mandant, by=by, at=at, event_id=event_id)
    except AttendanceRefused as error:
        raise _before(register, error) from None
    register.add(session, fact)
    return register


def seance_for_minutes(session: Session, number: int | None, room_id: str | None = None) -> Seance:
    """The séance of conference `number`, else the last one held in `room_id`: the one whose compte rendu is
    asked. Asked in a room (not from the command line), a provisional compte rendu is given only in the conference's
    own room; a closed séance's was published at its closing."""
    if number is not None:
        seance = storage.seance_of_conference(session, number)
        if seance is None:
            raise SeanceRefused(SeanceReason.NO_SEANCE, conference=number)
        if room_id is not None and not seance.closed:
            in_its_room(session, number, room_id)
        return seance
    seance = storage.latest_seance_in_room(session, room_id)
    if seance is None:
        raise SeanceRefused(SeanceReason.NO_SEANCE_IN_ROOM)
    return seance


@dataclass(frozen=True)
class SeanceRecord:
    """What the compte rendu of a séance is made of (`reports.compte_rendu.compte_rendu(**vars(record), config)`)."""

    conference: Conference
    seance: Seance
    attendance: Attendance
    votes: list
    notes: list


def record_of(session: Session, config: Config, seance: Seance) -> SeanceRecord:
    conference = storage.get_conference(session, seance.conference_id)
    return SeanceRecord(conference, seance,
                        storage.load_attendance(session, seance.id, cast_of(session, config, conference)),
                        storage.votes_of(session, seance.id), storage.notes_of(session, seance.id))

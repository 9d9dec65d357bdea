"""A vote of the conference on an agenda item: opening, ballots, tally, closing and the outcome.

A `Vote` is its opening, the list of every `Ballot` in recording order and, once closed, its closing: all plain
fields, storable as rows and rebuilt by constructing `Vote(...)` from them. Decisions (`open_vote`, `Vote.cast`,
`Vote.close`) check the rules and return what to record, or raise `VoteRefused` with a reason code.

Ballots are cast for a titular seat (see `attendance.voting_rights`) and checked against the voting rights at the
time they are cast. For each seat the latest ballot counts, whoever cast it: a changed vote replaces the earlier
one, and a mandant who comes and votes in person replaces the mandataire's ballot. Every ballot stays in the record.

Unanimity, two readings (config `[rules] decision_rule`). Art. 4.3 of the convention (quoted in the seed's SITIV
deliberation) speaks of "décisions adoptées à l'unanimité au sein de la conférence intercommunale" without saying
of whom:
- `unanimite` (default, the reading so far): unanimity of the votes cast. Adopted when at least one vote is cast and
  every vote cast is "pour"; abstentions are not suffrages exprimés (as in CGCT L2121-20 for a majority). A decision
  so adopted that a whole member did not vote for is flagged (`Result.members_without_pour`).
- `unanimite_membres`: unanimity of the members. Every member at the séance has at least one "pour" and no member a
  "contre": an entente acts only with each member's consent. A decision so adopted is also adopted unanimously of
  the votes cast (no vote cast is "contre"): the outcome's wording stays true, and the rule applied is recorded with
  the vote and stated beside it.
A seat with no ballot takes no part in the vote and is not an abstention.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import Enum

from tno_bot.domain.attendance import (
    Attendance,
    AttendanceFact,
    Basis,
    Cast,
    Quorum,
    Status,
    VotingRights,
    voting_rights,
)
from tno_bot.domain.calendar import require_aware
from tno_bot.domain.refusals import Refused

UNANIMITE = "unanimite"  # unanimity of the votes cast
UNANIMITE_MEMBRES = "unanimite_membres"  # unanimity of the members
RULES = (UNANIMITE, UNANIMITE_MEMBRES)
RULE = UNANIMITE  # the default reading


class Choice(str, Enum):
    POUR = "pour"
    CONTRE = "contre"
    ABSTENTION = "abstention"


class Outcome(str, Enum):
    ADOPTEE_UNANIMITE = "adoptee_unanimite"  # every vote cast pour, no abstention
    ADOPTEE_UNANIMITE_SUFFRAGES_EXPRIMES = "adoptee_unanimite_suffrages_exprimes"  # ... with abstentions
    REJETEE = "rejetee"  # any contre, or no vote cast (all abstentions included)

    @property
    def adopted(self) -> bool:
        return self is not Outcome.REJETEE


class Reason(str, Enum):
    NOT_ON_AGENDA = "not_on_agenda"
    QUORUM_NOT_REACHED = "quorum_not_reached"
    VOTE_CLOSED = "vote_closed"
    DUPLICATE_EVENT = "duplicate_event"  # this event was already recorded as a ballot
    NOT_IN_CAST = "not_in_cast"  # the sender is not a representative
    NOT_PRESENT = "not_present"  # a representative not recorded present
    NO_RIGHT_TO_VOTE = "no_right_to_vote"  # present, but votes for no seat
    MANDANT_REQUIRED = "mandant_required"  # votes only by pouvoir: name the mandant
    MANDANT_NOT_REPRESENTED = "mandant_not_represented"  # the voter does not vote for that mandant's seat
    NO_VOTE_OPEN = "no_vote_open"
    VOTE_OPEN = "vote_open"  # a vote is open (none other, no suspension nor closing); params: item
    ALREADY_VOTED = "already_voted"  # the point was voted on in this séance; params: item, closed_at
    NOT_CONCERNED = "not_concerned"  # the voter's member takes no part in the vote's mission; params: voter, mission
    UNKNOWN_MISSION = "unknown_mission"  # params: mission, known
    # the séance's day is before the mission's `since`; params: mission, since, day
    MISSION_NOT_STARTED = "mission_not_started"


class VoteRefused(Refused):
    """A refusal of the voting rules: `reason` is a `Reason` code."""


@dataclass(frozen=True)
class Ballot:
    event_id: str
    voter: str  # the sender
    at: datetime
    choice: Choice
    seat: str  # the titulaire whose seat this ballot votes for
    member: str
    basis: Basis  # the voter's right to that seat when cast: titulaire, pouvoir or suppleance
    mandant: str | None = None  # as named by the voter

    def __post_init__(self) -> None:
        require_aware(self.at)


@dataclass(frozen=True)
class Vote:
    item: int  # agenda item number
    title: str
    opened_by: str
    opened_at: datetime
    opened_event_id: str  # also the vote's natural id
    ballots: tuple[Ballot, ...] = ()  # every ballot, in recording order
    closed_by: str | None = None
    closed_at: datetime | None = None
    closed_event_id: str | None = None
    mission: str | None = None  # the mission the decision concerns: only its members vote and count

    def __post_init__(self) -> None:
        require_aware(self.opened_at)
        if self.closed_at is not None:
            require_aware(self.closed_at)

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    def counted(self) -> dict[str, Ballot]:
        """Seat -> the ballot that counts for it (the latest)."""
        return {b.seat: b for b in self.ballots}

    def cast(self, attendance: Attendance, voter: str, choice: Choice, *, at: datetime, event_id: str,
             mandant: str | None = None) -> Ballot:
        """The ballot `voter` casts now, for their own seat (or suppléance) or, with `mandant`, that seat."""
        if self.closed:
            raise VoteRefused(Reason.VOTE_CLOSED)
        if any(b.event_id == event_id for b in self.ballots):
            raise VoteRefused(Reason.DUPLICATE_EVENT, event_id=event_id)
        if attendance.cast.representative(voter) is None:
            raise VoteRefused(Reason.NOT_IN_CAST, voter=voter)
        if (status := attendance.status(voter)) is not Status.PRESENT:
            raise VoteRefused(Reason.NOT_PRESENT, voter=voter, status=status)
        mine = voting_rights(attendance).by_voter().get(voter, ())
        if mandant is not None:
            right = next((r for r in mine if r.seat == mandant
                          or (r.basis is Basis.POUVOIR_SUPPLEANT and r.pouvoir.mandant == mandant)), None)
            if right is None:
                raise VoteRefused(Reason.MANDANT_NOT_REPRESENTED, voter=voter, mandant=mandant)
        else:
            right = next((r for r in mine if not r.by_pouvoir), None)
            if right is None and mine:
                raise VoteRefused(Reason.MANDANT_REQUIRED, voter=voter, mandants=tuple(r.seat for r in mine))
            if right is None:
                raise VoteRefused(Reason.NO_RIGHT_TO_VOTE, voter=voter)
        return Ballot(event_id, voter, at, choice, right.seat, right.member, right.basis, mandant)

    def cast_in_person(self, attendance: Attendance, voter: str, choice: Choice, *, at: datetime, event_id: str,
                       mandant: str | None = None) -> tuple[tuple[AttendanceFact, ...], Attendance, Ballot]:
        """Voting is taking part: a representative not recorded present is recorded present by the ballot itself,
        which also ends a pouvoir they gave (they now vote in person). The presence facts to record, the attendance
        after them, and the ballot (`cast`)."""
        facts: tuple[AttendanceFact, ...] = ()
        if attendance.cast.representative(voter) is not None and attendance.status(voter) is not Status.PRESENT:
            facts = (attendance.mark(voter, Status.PRESENT, by=voter, at=at, event_id=event_id),)
            attendance = attendance.apply(facts[0])
        return facts, attendance, self.cast(attendance, voter, choice, at=at, event_id=event_id, mandant=mandant)

    def with_ballot(self, ballot: Ballot) -> Vote:
        if self.closed:
            raise VoteRefused(Reason.VOTE_CLOSED)
        return replace(self, ballots=self.ballots + (ballot,))

    def close(self, quorum: Quorum, *, by: str, at: datetime, event_id: str) -> Vote:
        """The closed vote; the quorum is checked again. A closed vote takes no more ballots."""
        if self.closed:
            raise VoteRefused(Reason.VOTE_CLOSED)
        if not quorum.reached:
            raise VoteRefused(Reason.QUORUM_NOT_REACHED, missing=quorum.missing)
        return replace(self, closed_by=by, closed_at=at, closed_event_id=event_id)


def require_mission_started(mission: str, since: date | None, day: date) -> None:
    """A decision concerning a mission is taken at a séance held from the mission's start on (`[[missions]] since`;
    `day`: the séance's, that of its conference, the date its decisions bear); VoteRefused(MISSION_NOT_STARTED)."""
    if since is not None and day < since:
        raise VoteRefused(Reason.MISSION_NOT_STARTED, mission=mission, since=since, day=day)


def open_vote(item: int, agenda: Mapping[int, str], quorum: Quorum, *, by: str, at: datetime, event_id: str,
              title: str | None = None, mission: str | None = None) -> Vote:
    """Open a vote on item `item` of the fixed agenda (number -> title); the quorum must be reached (that of the
    mission's members when the decision concerns a `mission`)."""
    if item not in agenda:
        raise VoteRefused(Reason.NOT_ON_AGENDA, item=item, agenda=tuple(agenda))
    if not quorum.reached:
        raise VoteRefused(Reason.QUORUM_NOT_REACHED, missing=quorum.missing)
    return Vote(item, title or agenda[item], by, at, event_id, mission=mission)


# --- tally and result ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    pour: int = 0
    contre: int = 0
    abstention: int = 0

    @property
    def exprimes(self) -> int:
        """Suffrages exprimés: abstentions excluded."""
        return self.pour + self.contre

    @property
    def votants(self) -> int:
        return self.exprimes + self.abstention

    def add(self, choice: Choice) -> Counts:
        return replace(self, **{choice.value: getattr(self, choice.value) + 1})


@dataclass(frozen=True)
class SeatTally:
    seat: str
    member: str
    ballot: Ballot | None  # the ballot that counts, if any
    holder: str | None = None  # who may vote for this seat now (live tally only)


@dataclass(frozen=True)
class Tally:
    counts: Counts
    by_member: dict[str, Counts]  # member order
    seats: tuple[SeatTally, ...]

    @property
    def voted(self) -> tuple[SeatTally, ...]:
        return tuple(s for s in self.seats if s.ballot is not None)

    @property
    def not_voted(self) -> tuple[SeatTally, ...]:
        return tuple(s for s in self.seats if s.ballot is None)


def _tally(vote: Vote, seats: list[SeatTally], members: list[str]) -> Tally:
    counted = vote.counted()
    listed = {s.seat for s in seats}
    seats = seats + [SeatTally(b.seat, b.member, b) for b in counted.values() if b.seat not in listed]
    by_member = {m: Counts() for m in members + [s.member for s in seats]}
    total = Counts()
    for ballot in counted.values():
        total = total.add(ballot.choice)
        by_member[ballot.member] = by_member[ballot.member].add(ballot.choice)
    return Tally(total, by_member, tuple(seats))


def tally(vote: Vote, rights: VotingRights) -> Tally:
    """The tally so far: every seat of `rights` with its counted ballot and who may vote for it now."""
    counted = vote.counted()
    seats = [SeatTally(r.seat, r.member, counted.get(r.seat), r.voter) for r in rights.seats]
    return _tally(vote, seats, [])


def members_without_pour(by_member: Mapping[str, Counts]) -> tuple[str, ...]:
    """The members none of whose seats voted "pour" (abstaining, or not voting), in member order."""
    return tuple(m for m, c in by_member.items() if not c.pour)


def outcome(counts: Counts, rule: str = RULE, by_member: Mapping[str, Counts] | None = None) -> Outcome:
    """The wording under the unanimity reading `rule` (`unanimite_membres` needs the counts `by_member`)."""
    if rule not in RULES:
        raise ValueError(f"unknown decision rule {rule!r}")
    if counts.contre or not counts.exprimes:
        return Outcome.REJETEE
    if rule == UNANIMITE_MEMBRES and members_without_pour(by_member or {}):
        return Outcome.REJETEE
    return Outcome.ADOPTEE_UNANIMITE if not counts.abstention else Outcome.ADOPTEE_UNANIMITE_SUFFRAGES_EXPRIMES


@dataclass(frozen=True)
class Result:
    tally: Tally
    outcome: Outcome
    rule: str = RULE


def result(vote: Vote, cast: Cast, rule: str = RULE) -> Result:
    """The result of a closed vote under the unanimity reading `rule`: counts overall and by member, seats without
    ballot, outcome."""
    if not vote.closed:
        raise ValueError("the vote is still open")
    counted = vote.counted()
    seats = [SeatTally(t.matrix_id, t.member, counted.get(t.matrix_id)) for t in cast.titulaires()]
    closing = _tally(vote, seats, list(cast.members))
    return Result(closing, outcome(closing.counts, rule, closing.by_member), rule)


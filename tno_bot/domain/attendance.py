"""Attendance of a séance: presence, pouvoirs (proxies), quorum and voting rights.

Event-sourced: an `Attendance` is the fold of the `AttendanceFact`s of one séance, in recording order. Each
decision (`mark`, `give_pouvoir`, `revoke_pouvoir`) checks the rules against the current state and returns the
fact to record, or raises `AttendanceRefused` with a reason code; `apply` folds a recorded fact in. Facts are never
re-validated when replayed: what was recorded is what happened.

Rules (DESIGN §1, CGCT art. L2121-17 and L2121-20 by analogy):
- a person not recorded is absent; the latest record of a person counts;
- a pouvoir is given by an absent or excused titulaire to another representative, at most
  `max_proxies_per_holder` per mandataire, one per mandant, revocable, valid for this séance only; it ends when the
  mandant is recorded present (a representative who comes votes in person). The seed says only "un pouvoir peut
  être attribué par un représentant empêché" (minutes of 7 November 2022); whether it may go to a representative
  of another member is the conference's choice (`pouvoir_across_members`), by default not: CGCT L2121-20, the
  closest legal analogy, lets a councillor give a pouvoir to "un collègue" of the same council, so here to a
  representative of the same member. A suppléant has no seat of their own, so by default gives none (CGCT L2121-20
  speaks of a "conseiller empêché", one with a seat); whether a suppléant may give one is the conference's choice
  too (`pouvoir_suppleant`): its mandataire then stands in for the suppléant, below;
- quorum: at least `quorum_per_member` representatives present per member; a pouvoir makes no one present;
- one vote per titular seat: the titulaire if present; else the mandataire of the pouvoir the titulaire gave, if
  present; else (no pouvoir, or its mandataire absent) a present suppléant of the same member (one seat each,
  seats in cast order): the member's voice is not lost because a mandataire did not come; else the present
  mandataire of a pouvoir given by a suppléant of the member, in that suppléant's place (one seat each).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum
from functools import cached_property
from typing import Any

from tno_bot.domain.refusals import Refused


class Seat(str, Enum):
    TITULAIRE = "titulaire"
    SUPPLEANT = "suppleant"


class Status(str, Enum):
    PRESENT = "present"
    EXCUSE = "excuse"
    ABSENT = "absent"


@dataclass(frozen=True)
class Representative:
    matrix_id: str
    member: str
    seat: Seat


@dataclass(frozen=True)
class Cast:
    """Who sits at the conference and the rules that count them; order = display order."""

    members: tuple[str, ...]
    representatives: tuple[Representative, ...]
    staff: tuple[str, ...] = ()  # named people without a seat: their presence is recorded, never counted
    quorum_per_member: int = 1
    max_proxies_per_holder: int = 1
    pouvoir_across_members: bool = False  # a pouvoir may go to a representative of another member
    pouvoir_suppleant: bool = False  # a suppléant may give a pouvoir

    @classmethod
    def from_config(cls, config: Any, members: Iterable[str] | None = None) -> Cast:
        """From a `tno_bot.config.Config` (read by attribute: members, people, staff, rules); `members`: the ids of
        the members in office on the séance's day (default every member), the only ones seated and counted."""
        wanted = None if members is None else set(members)
        seated = tuple(m.id for m in config.members if wanted is None or m.id in wanted)
        return cls(
            members=seated,
            representatives=tuple(Representative(p.matrix_id, p.member, Seat(p.seat)) for p in config.people
                                  if p.member in seated),
            staff=tuple(s.matrix_id for s in config.staff),
            quorum_per_member=config.rules.quorum_per_member,
            max_proxies_per_holder=config.rules.max_proxies_per_holder,
            pouvoir_across_members=config.rules.pouvoir_across_members,
            pouvoir_suppleant=config.rules.pouvoir_suppleant,
        )

    def representative(self, matrix_id: str) -> Representative | None:
        return next((r for r in self.representatives if r.matrix_id == matrix_id), None)

    def concerning(self, members: Iterable[str]) -> Cast:
        """The cast of a decision concerning only `members` (a mission's): they alone are counted, for the quorum,
        the voting rights and the unanimity ("les membres de l'entente concernés par la mission", art. 7)."""
        kept = set(members)
        return replace(self, members=tuple(m for m in self.members if m in kept),
                       representatives=tuple(r for r in self.representatives if r.member in kept))

    def of_member(self, member: str, seat: Seat) -> tuple[Representative, ...]:
        return tuple(r for r in self.representatives if r.member == member and r.seat is seat)

    def titulaires(self) -> tuple[Representative, ...]:
        """Every titular seat, by member in member order."""
        return tuple(r for m in self.members for r in self.of_member(m, Seat.TITULAIRE))


class FactKind(str, Enum):
    PRESENCE = "presence"  # person's status becomes `status`
    POUVOIR = "pouvoir"  # person (mandant) gives a pouvoir to `mandataire`
    RETRAIT = "retrait"  # person (mandant) revokes the pouvoir given


@dataclass(frozen=True)
class AttendanceFact:
    """One recorded act of a séance, storable as a row."""

    kind: FactKind
    person: str  # the person whose status changes, or the mandant
    recorded_by: str  # sender of the command (the person, or the secrétariat / président for them)
    at: datetime
    event_id: str
    status: Status | None = None  # PRESENCE only
    mandataire: str | None = None  # POUVOIR only

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("fact time must be timezone-aware")
        if (self.kind is FactKind.PRESENCE) != (self.status is not None):
            raise ValueError("a status goes with a presence fact, and only there")
        if (self.kind is FactKind.POUVOIR) != (self.mandataire is not None):
            raise ValueError("a mandataire goes with a pouvoir fact, and only there")


class PouvoirEnd(str, Enum):
    RETIRE = "retire"  # revoked by the mandant
    MANDANT_PRESENT = "mandant_present"  # the mandant came


@dataclass(frozen=True)
class Pouvoir:
    mandant: str
    mandataire: str
    given_at: datetime
    given_by: str  # who recorded it
    event_id: str
    ended_at: datetime | None = None
    end: PouvoirEnd | None = None

    @property
    def active(self) -> bool:
        return self.end is None


class Reason(str, Enum):
    NOT_IN_CAST = "not_in_cast"  # person neither a representative nor staff
    GIVER_NOT_REPRESENTATIVE = "giver_not_representative"
    GIVER_NOT_TITULAIRE = "giver_not_titulaire"  # a suppléant has no seat to delegate (`pouvoir_suppleant` false)
    GIVER_PRESENT = "giver_present"
    ALREADY_GIVEN = "already_given"  # the mandant already has an active pouvoir: revoke it first
    SELF_POUVOIR = "self_pouvoir"
    HOLDER_NOT_REPRESENTATIVE = "holder_not_representative"
    HOLDER_FULL = "holder_full"  # the mandataire already holds max_proxies_per_holder pouvoirs
    HOLDER_OTHER_MEMBER = "holder_other_member"  # the conference's rule keeps pouvoirs within a member
    NO_POUVOIR = "no_pouvoir"  # nothing to revoke
    NO_SEANCE_TO_COME = "no_seance_to_come"  # no séance sitting nor conference to come to give a pouvoir for
    NAME_THE_MANDANT = "name_the_mandant"  # one who is no representative records a pouvoir on paper; params: person


class AttendanceRefused(Refused):
    """A refusal of the attendance rules: `reason` is a `Reason` code."""


@dataclass(frozen=True)
class Attendance:
    """The attendance of one séance: the fold of its facts."""

    cast: Cast
    facts: tuple[AttendanceFact, ...] = ()

    @classmethod
    def replay(cls, cast: Cast, facts: Iterable[AttendanceFact]) -> Attendance:
        return cls(cast, tuple(facts))

    def apply(self, fact: AttendanceFact) -> Attendance:
        return replace(self, facts=self.facts + (fact,))

    @cached_property
    def _state(self) -> tuple[dict[str, Status], tuple[Pouvoir, ...]]:
        statuses: dict[str, Status] = {}
        pouvoirs: list[Pouvoir] = []

        def end_active(mandant: str, at: datetime, end: PouvoirEnd) -> None:
            for i, p in enumerate(pouvoirs):
                if p.mandant == mandant and p.active:
                    pouvoirs[i] = replace(p, ended_at=at, end=end)

        for f in self.facts:
            if f.kind is FactKind.PRESENCE:
                statuses[f.person] = f.status
                if f.status is Status.PRESENT:
                    end_active(f.person, f.at, PouvoirEnd.MANDANT_PRESENT)
            elif f.kind is FactKind.POUVOIR:
                pouvoirs.append(Pouvoir(f.person, f.mandataire, f.at, f.recorded_by, f.event_id))
            else:
                end_active(f.person, f.at, PouvoirEnd.RETIRE)
        return statuses, tuple(pouvoirs)

    # --- reads ---------------------------------------------------------------------------------------------------

    def status(self, person: str) -> Status:
        return self._state[0].get(person, Status.ABSENT)

    def people(self, status: Status) -> tuple[str, ...]:
        """Representatives then staff with that status, in cast order."""
        everyone = [r.matrix_id for r in self.cast.representatives] + list(self.cast.staff)
        return tuple(p for p in everyone if self.status(p) is status)

    def present(self, member: str) -> tuple[str, ...]:
        """The representatives of `member` present, in cast order."""
        return tuple(r.matrix_id for r in self.cast.representatives
                     if r.member == member and self.status(r.matrix_id) is Status.PRESENT)

    @property
    def pouvoirs(self) -> tuple[Pouvoir, ...]:
        """Every pouvoir of the séance, active or ended, in order given."""
        return self._state[1]

    def pouvoir_of(self, mandant: str) -> Pouvoir | None:
        """The active pouvoir given by `mandant`."""
        return next((p for p in self.pouvoirs if p.mandant == mandant and p.active), None)

    def held_by(self, mandataire: str) -> tuple[Pouvoir, ...]:
        """The active pouvoirs held by `mandataire`."""
        return tuple(p for p in self.pouvoirs if p.mandataire == mandataire and p.active)

    # --- decisions -----------------------------------------------------------------------------------------------

    def mark(self, person: str, status: Status, *, by: str, at: datetime, event_id: str) -> AttendanceFact:
        """Record `person` present, excused or absent; marking a mandant present ends the pouvoir given."""
        if self.cast.representative(person) is None and person not in self.cast.staff:
            raise AttendanceRefused(Reason.NOT_IN_CAST, person=person)
        return AttendanceFact(FactKind.PRESENCE, person, by, at, event_id, status=status)

    def give_pouvoir(self, mandant: str, mandataire: str, *, by: str, at: datetime,
                     event_id: str) -> AttendanceFact:
        giver = self.cast.representative(mandant)
        if giver is None:
            raise AttendanceRefused(Reason.GIVER_NOT_REPRESENTATIVE, mandant=mandant)
        if giver.seat is not Seat.TITULAIRE and not self.cast.pouvoir_suppleant:
            raise AttendanceRefused(Reason.GIVER_NOT_TITULAIRE, mandant=mandant)
        if mandataire == mandant:
            raise AttendanceRefused(Reason.SELF_POUVOIR, mandant=mandant)
        holder = self.cast.representative(mandataire)
        if holder is None:
            raise AttendanceRefused(Reason.HOLDER_NOT_REPRESENTATIVE, mandataire=mandataire)
        if holder.member != giver.member and not self.cast.pouvoir_across_members:
            raise AttendanceRefused(Reason.HOLDER_OTHER_MEMBER, mandant=mandant, mandataire=mandataire,
                                    member=giver.member, other=holder.member)
        if self.status(mandant) is Status.PRESENT:
            raise AttendanceRefused(Reason.GIVER_PRESENT, mandant=mandant)
        if (given := self.pouvoir_of(mandant)) is not None:
            raise AttendanceRefused(Reason.ALREADY_GIVEN, mandant=mandant, mandataire=given.mandataire)
        held = self.held_by(mandataire)
        if len(held) >= self.cast.max_proxies_per_holder:
            raise AttendanceRefused(Reason.HOLDER_FULL, mandataire=mandataire,
                                    limit=self.cast.max_proxies_per_holder, mandants=tuple(p.mandant for p in held))
        return AttendanceFact(FactKind.POUVOIR, mandant, by, at, event_id, mandataire=mandataire)

    def revoke_pouvoir(self, mandant: str, *, by: str, at: datetime, event_id: str) -> AttendanceFact:
        if self.pouvoir_of(mandant) is None:
            raise AttendanceRefused(Reason.NO_POUVOIR, mandant=mandant)
        return AttendanceFact(FactKind.RETRAIT, mandant, by, at, event_id)


@dataclass(frozen=True)
class Presence:
    """A person recorded present at least once: first at `since`; `left` when their last record is not present."""

    since: datetime
    left: datetime | None


def presences(attendance: Attendance) -> dict[str, Presence]:
    """Everyone ever recorded present, in the order they first were."""
    facts = [f for f in attendance.facts if f.kind is FactKind.PRESENCE]
    since: dict[str, datetime] = {}
    for fact in facts:
        if fact.status is Status.PRESENT:
            since.setdefault(fact.person, fact.at)
    left: dict[str, datetime | None] = {}
    for fact in facts:
        if fact.person in since:
            left[fact.person] = fact.at if fact.status is not Status.PRESENT else None
    return {person: Presence(at, left.get(person)) for person, at in since.items()}


def carried_into_seance(advance: Attendance) -> tuple[AttendanceFact, ...]:
    """The first facts of a séance from the pouvoirs given before it (`advance`, an attendance of pouvoir facts only):
    for each one still standing, its mandant excused and the pouvoir, both with the pouvoir's author, time and event."""
    facts: list[AttendanceFact] = []
    for p in advance.pouvoirs:
        if p.active:
            facts += [AttendanceFact(FactKind.PRESENCE, p.mandant, p.given_by, p.given_at, p.event_id,
                                     status=Status.EXCUSE),
                      AttendanceFact(FactKind.POUVOIR, p.mandant, p.given_by, p.given_at, p.event_id,
                                     mandataire=p.mandataire)]
    return tuple(facts)


# --- quorum ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quorum:
    required_per_member: int
    present: Mapping[str, tuple[str, ...]]  # member -> representatives present (pouvoirs not counted)
    missing: tuple[str, ...]  # members below the requirement, in member order

    @property
    def reached(self) -> bool:
        return not self.missing


def quorum(attendance: Attendance) -> Quorum:
    cast = attendance.cast
    present = {m: attendance.present(m) for m in cast.members}
    missing = tuple(m for m in cast.members if len(present[m]) < cast.quorum_per_member)
    return Quorum(cast.quorum_per_member, present, missing)


# --- voting rights ---------------------------------------------------------------------------------------------


class Basis(str, Enum):
    """Why a titular seat is (or is not) voted, and by whom: the explanation of the record."""

    TITULAIRE = "titulaire"  # the titulaire is present
    POUVOIR = "pouvoir"  # the titulaire gave a pouvoir, the mandataire is present
    SUPPLEANCE = "suppleance"  # the titulaire is absent without pouvoir, a suppléant of the member replaces them
    POUVOIR_SUPPLEANT = "pouvoir_suppleant"  # as SUPPLEANCE, by the mandataire of an absent suppléant's pouvoir
    MANDATAIRE_ABSENT = "mandataire_absent"  # vacant: the pouvoir's mandataire is not present
    SANS_SUPPLEANT = "sans_suppleant"  # vacant: no pouvoir and no present suppléant left


@dataclass(frozen=True)
class SeatRight:
    seat: str  # the titulaire's matrix id
    member: str
    basis: Basis
    voter: str | None = None  # None when vacant
    pouvoir: Pouvoir | None = None  # POUVOIR, POUVOIR_SUPPLEANT (the suppléant's) and MANDATAIRE_ABSENT

    @property
    def by_pouvoir(self) -> bool:
        """Voted by the mandataire of a pouvoir (the titulaire's or a suppléant's)."""
        return self.basis in (Basis.POUVOIR, Basis.POUVOIR_SUPPLEANT)

    @property
    def vacant(self) -> bool:
        return self.voter is None


@dataclass(frozen=True)
class VotingRights:
    seats: tuple[SeatRight, ...]  # every titular seat, in cast order
    present_without_seat: tuple[str, ...]  # present representatives who vote for no seat (suppléants not needed)

    def by_voter(self) -> dict[str, tuple[SeatRight, ...]]:
        """Voter -> the seats they may vote for (their own or a suppléance first, then pouvoirs)."""
        voters: dict[str, list[SeatRight]] = {}
        for right in sorted((s for s in self.seats if not s.vacant), key=lambda s: s.by_pouvoir):
            voters.setdefault(right.voter, []).append(right)
        return {v: tuple(rights) for v, rights in voters.items()}

    def seat(self, seat: str) -> SeatRight | None:
        return next((s for s in self.seats if s.seat == seat), None)


def voting_rights(attendance: Attendance) -> VotingRights:
    """Who votes for each titular seat now, and why (see the module docstring)."""
    cast = attendance.cast
    is_present = {r.matrix_id: attendance.status(r.matrix_id) is Status.PRESENT for r in cast.representatives}
    seats: list[SeatRight] = []
    filling: set[str] = set()
    for titulaire in cast.titulaires():
        seat, member = titulaire.matrix_id, titulaire.member
        pouvoir = attendance.pouvoir_of(seat)
        if is_present[seat]:
            seats.append(SeatRight(seat, member, Basis.TITULAIRE, seat))
        elif pouvoir is not None and is_present.get(pouvoir.mandataire, False):
            seats.append(SeatRight(seat, member, Basis.POUVOIR, pouvoir.mandataire, pouvoir))
        elif suppleant := next((s.matrix_id for s in cast.of_member(member, Seat.SUPPLEANT)
                                if is_present[s.matrix_id] and s.matrix_id not in filling), None):
            filling.add(suppleant)
            seats.append(SeatRight(seat, member, Basis.SUPPLEANCE, suppleant))
        elif standing_in := next((p for s in cast.of_member(member, Seat.SUPPLEANT)
                                  if (p := attendance.pouvoir_of(s.matrix_id)) is not None
                                  and is_present.get(p.mandataire, False) and s.matrix_id not in filling), None):
            filling.add(standing_in.mandant)
            seats.append(SeatRight(seat, member, Basis.POUVOIR_SUPPLEANT, standing_in.mandataire, standing_in))
        elif pouvoir is not None:
            seats.append(SeatRight(seat, member, Basis.MANDATAIRE_ABSENT, None, pouvoir))
        else:
            seats.append(SeatRight(seat, member, Basis.SANS_SUPPLEANT))
    voters = {s.voter for s in seats}
    idle = tuple(p for p, here in is_present.items() if here and p not in voters)
    return VotingRights(tuple(seats), idle)

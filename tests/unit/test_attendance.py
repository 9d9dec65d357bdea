"""Attendance: presence, pouvoirs and every refusal, quorum, voting rights — on the example config's real cast."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import datetime, timedelta
from enum import Enum

import pytest

from tests.cast import (
    BAUME,
    BOSETTI,
    FAURY,
    KHELIFI,
    LEFORT,
    MAES,
    MILLET,
    SECRETARIAT,
    STRANGER,
    VIERA,
    VIOLLET,
    VIVIEN,
)
from tests.harness import paris
from tno_bot.domain.attendance import (
    Attendance,
    AttendanceFact,
    AttendanceRefused,
    Basis,
    Cast,
    FactKind,
    PouvoirEnd,
    Reason,
    Representative,
    Seat,
    Status,
    carried_into_seance,
    quorum,
    voting_rights,
)

OPENING = paris(2022, 11, 7, 10, 0)


@pytest.fixture(scope="module")
def cast(config) -> Cast:
    """The example's cast, pouvoirs across members allowed: these tests give pouvoirs from one member to another to
    test the other rules; the default (within a member) has its own tests."""
    return replace(Cast.from_config(config), pouvoir_across_members=True)


class Seance:
    """A séance driven like the command layer will: decide, then apply the recorded fact."""

    def __init__(self, cast: Cast):
        self.attendance = Attendance(cast)
        self.clock = OPENING
        self.count = 0

    def _stamp(self) -> dict:
        self.count += 1
        self.clock += timedelta(minutes=1)
        return {"at": self.clock, "event_id": f"$e{self.count}"}

    def mark(self, status: Status, *people: str, by: str = SECRETARIAT) -> Seance:
        for person in people:
            self.attendance = self.attendance.apply(self.attendance.mark(person, status, by=by, **self._stamp()))
        return self

    def present(self, *people: str) -> Seance:
        return self.mark(Status.PRESENT, *people)

    def give(self, mandant: str, mandataire: str, by: str | None = None) -> Seance:
        fact = self.attendance.give_pouvoir(mandant, mandataire, by=by or mandant, **self._stamp())
        self.attendance = self.attendance.apply(fact)
        return self

    def revoke(self, mandant: str) -> Seance:
        self.attendance = self.attendance.apply(self.attendance.revoke_pouvoir(mandant, by=mandant, **self._stamp()))
        return self


def refused(reason: Reason, call, *args, **kwargs) -> AttendanceRefused:
    with pytest.raises(AttendanceRefused) as caught:
        call(*args, **kwargs)
    assert caught.value.reason is reason
    return caught.value


def rights_of(attendance: Attendance) -> dict[str, tuple[tuple[str, Basis], ...]]:
    return {v: tuple((r.seat, r.basis) for r in rights) for v, rights in voting_rights(attendance).by_voter().items()}


# --- the cast ---------------------------------------------------------------------------------------------------


def test_cast_from_config_is_the_signature_sheet(cast):
    assert cast.members == ("metropole", "ville-lyon", "sitiv")
    assert [r.matrix_id for r in cast.titulaires()] == [BAUME, KHELIFI, MAES, BOSETTI, MILLET, VIOLLET]
    assert cast.of_member("sitiv", Seat.SUPPLEANT) == (Representative(LEFORT, "sitiv", Seat.SUPPLEANT),)
    assert (cast.quorum_per_member, cast.max_proxies_per_holder) == (1, 1)
    assert SECRETARIAT in cast.staff and cast.representative(SECRETARIAT) is None


# --- presence ---------------------------------------------------------------------------------------------------


def test_nobody_recorded_is_absent_and_the_latest_record_counts(cast):
    s = Seance(cast)
    assert s.attendance.status(MAES) is Status.ABSENT
    s.present(MAES).mark(Status.EXCUSE, MAES)
    assert s.attendance.status(MAES) is Status.EXCUSE
    s.present(MAES)
    assert s.attendance.status(MAES) is Status.PRESENT


def test_the_fact_records_who_recorded_it_and_when(cast):
    fact = Attendance(cast).mark(MAES, Status.PRESENT, by=SECRETARIAT, at=OPENING, event_id="$x")
    assert fact == AttendanceFact(FactKind.PRESENCE, MAES, SECRETARIAT, OPENING, "$x", status=Status.PRESENT)


def test_people_by_status_in_cast_order_staff_included(cast):
    s = Seance(cast).present(MILLET, BAUME, FAURY).mark(Status.EXCUSE, VIVIEN)
    assert s.attendance.people(Status.PRESENT) == (BAUME, MILLET, FAURY)
    assert s.attendance.people(Status.EXCUSE) == (VIVIEN,)
    assert BAUME not in s.attendance.people(Status.ABSENT) and KHELIFI in s.attendance.people(Status.ABSENT)


def test_someone_outside_the_cast_cannot_be_recorded(cast):
    error = refused(Reason.NOT_IN_CAST, Attendance(cast).mark, STRANGER, Status.PRESENT, by=SECRETARIAT,
                    at=OPENING, event_id="$x")
    assert error.params == {"person": STRANGER}


def test_staff_presence_counts_for_neither_quorum_nor_votes(cast):
    s = Seance(cast).present(FAURY, SECRETARIAT)
    assert quorum(s.attendance).missing == cast.members
    assert voting_rights(s.attendance).by_voter() == {}


def test_a_naive_time_is_refused(cast):
    with pytest.raises(ValueError):
        Attendance(cast).mark(MAES, Status.PRESENT, by=MAES, at=datetime(2022, 11, 7, 10), event_id="$x")


def test_a_malformed_fact_is_refused():
    with pytest.raises(ValueError):
        AttendanceFact(FactKind.PRESENCE, MAES, MAES, OPENING, "$x")
    with pytest.raises(ValueError):
        AttendanceFact(FactKind.RETRAIT, MAES, MAES, OPENING, "$x", mandataire=BOSETTI)


# --- pouvoirs ---------------------------------------------------------------------------------------------------


def test_an_excused_titulaire_gives_a_pouvoir(cast):
    s = Seance(cast).mark(Status.EXCUSE, BAUME).give(BAUME, MILLET)
    (pouvoir,) = s.attendance.pouvoirs
    assert (pouvoir.mandant, pouvoir.mandataire, pouvoir.given_by, pouvoir.active) == (BAUME, MILLET, BAUME, True)
    assert s.attendance.pouvoir_of(BAUME) == pouvoir and s.attendance.held_by(MILLET) == (pouvoir,)


def test_an_unrecorded_titulaire_is_absent_and_may_give_a_pouvoir(cast):
    s = Seance(cast).give(MAES, BOSETTI)
    assert s.attendance.pouvoir_of(MAES).mandataire == BOSETTI


def test_the_secretariat_may_record_a_written_pouvoir(cast):
    s = Seance(cast).give(BAUME, MILLET, by=SECRETARIAT)
    assert s.attendance.pouvoirs[0].given_by == SECRETARIAT


def test_a_suppleant_may_hold_a_pouvoir(cast):
    s = Seance(cast).give(MILLET, VIERA)
    assert s.attendance.held_by(VIERA)[0].mandant == MILLET


def test_refusal_giver_not_a_representative(cast):
    for giver in (STRANGER, FAURY):
        refused(Reason.GIVER_NOT_REPRESENTATIVE, Attendance(cast).give_pouvoir, giver, MAES, by=giver,
                at=OPENING, event_id="$x")


def test_refusal_a_suppleant_has_no_seat_to_delegate(cast):
    refused(Reason.GIVER_NOT_TITULAIRE, Attendance(cast).give_pouvoir, LEFORT, MAES, by=LEFORT, at=OPENING,
            event_id="$x")


def test_when_configured_a_suppleant_gives_a_pouvoir(config):
    """`[rules] pouvoir_suppleant = true`: Laurent Bosetti and Emmanuel Vivien (suppléant, Ville de Lyon) absent,
    Vivien's pouvoir to Bertrand Maes; the absent titulaire Bosetti's seat, with no pouvoir nor suppléant present,
    is voted by Maes in Vivien's place."""
    cast = replace(Cast.from_config(config), pouvoir_suppleant=True)
    s = Seance(cast).present(MAES).give(VIVIEN, MAES)
    assert s.attendance.pouvoir_of(VIVIEN).mandataire == MAES
    assert rights_of(s.attendance) == {MAES: ((MAES, Basis.TITULAIRE), (BOSETTI, Basis.POUVOIR_SUPPLEANT))}
    assert voting_rights(s.attendance).seat(BOSETTI).pouvoir.mandant == VIVIEN
    s.present(VIVIEN)  # the suppléant comes: the pouvoir ends, they vote in person
    assert rights_of(s.attendance)[VIVIEN] == ((BOSETTI, Basis.SUPPLEANCE),) and s.attendance.pouvoir_of(VIVIEN) is None


def test_a_suppleants_pouvoir_comes_after_the_titulaires_own(config):
    cast = replace(Cast.from_config(config), pouvoir_suppleant=True, pouvoir_across_members=True)
    s = Seance(cast).present(MAES, KHELIFI).give(VIVIEN, MAES).give(BOSETTI, KHELIFI, by=SECRETARIAT)
    assert voting_rights(s.attendance).seat(BOSETTI).basis is Basis.POUVOIR  # the titulaire's own pouvoir first
    assert rights_of(s.attendance)[MAES] == ((MAES, Basis.TITULAIRE),)


def test_by_default_a_suppleant_gives_no_pouvoir(config):
    default = Cast.from_config(config)
    assert default.pouvoir_suppleant is False
    refused(Reason.GIVER_NOT_TITULAIRE, Attendance(default).give_pouvoir, VIVIEN, MAES, by=VIVIEN, at=OPENING,
            event_id="$x")


def test_refusal_giving_to_oneself(cast):
    refused(Reason.SELF_POUVOIR, Attendance(cast).give_pouvoir, MAES, MAES, by=MAES, at=OPENING, event_id="$x")


def test_refusal_holder_not_a_representative(cast):
    for holder in (STRANGER, SECRETARIAT):
        error = refused(Reason.HOLDER_NOT_REPRESENTATIVE, Attendance(cast).give_pouvoir, MAES, holder, by=MAES,
                        at=OPENING, event_id="$x")
        assert error.params == {"mandataire": holder}


def test_refusal_giver_present(cast):
    s = Seance(cast).present(MAES)
    refused(Reason.GIVER_PRESENT, s.attendance.give_pouvoir, MAES, BOSETTI, by=MAES, at=OPENING, event_id="$x")


def test_refusal_holder_already_has_one(cast):
    s = Seance(cast).give(BAUME, MILLET)
    error = refused(Reason.HOLDER_FULL, s.attendance.give_pouvoir, MAES, MILLET, by=MAES, at=OPENING, event_id="$x")
    assert error.params == {"mandataire": MILLET, "limit": 1, "mandants": (BAUME,)}


def test_the_limit_per_holder_comes_from_the_rules(cast):
    two = replace(cast, max_proxies_per_holder=2)
    s = Seance(two).give(BAUME, MILLET).give(MAES, MILLET)
    assert [p.mandant for p in s.attendance.held_by(MILLET)] == [BAUME, MAES]
    refused(Reason.HOLDER_FULL, s.attendance.give_pouvoir, BOSETTI, MILLET, by=BOSETTI, at=OPENING, event_id="$x")


def test_refusal_a_second_pouvoir_while_one_is_active(cast):
    s = Seance(cast).give(BAUME, MILLET)
    error = refused(Reason.ALREADY_GIVEN, s.attendance.give_pouvoir, BAUME, MAES, by=BAUME, at=OPENING,
                    event_id="$x")
    assert error.params == {"mandant": BAUME, "mandataire": MILLET}


def test_a_revoked_pouvoir_frees_both_sides(cast):
    s = Seance(cast).give(BAUME, MILLET).revoke(BAUME)
    (pouvoir,) = s.attendance.pouvoirs
    assert (pouvoir.active, pouvoir.end) == (False, PouvoirEnd.RETIRE)
    assert s.attendance.pouvoir_of(BAUME) is None and s.attendance.held_by(MILLET) == ()
    s.give(MAES, MILLET).give(BAUME, VIOLLET)
    assert [(p.mandant, p.mandataire, p.active) for p in s.attendance.pouvoirs] == [
        (BAUME, MILLET, False), (MAES, MILLET, True), (BAUME, VIOLLET, True)]


def test_refusal_nothing_to_revoke(cast):
    refused(Reason.NO_POUVOIR, Attendance(cast).revoke_pouvoir, BAUME, by=BAUME, at=OPENING, event_id="$x")
    s = Seance(cast).give(BAUME, MILLET).revoke(BAUME)
    refused(Reason.NO_POUVOIR, s.attendance.revoke_pouvoir, BAUME, by=BAUME, at=OPENING, event_id="$x")


def test_a_mandant_who_comes_ends_the_pouvoir(cast):
    s = Seance(cast).give(BAUME, MILLET).present(BAUME)
    (pouvoir,) = s.attendance.pouvoirs
    assert (pouvoir.end, pouvoir.ended_at) == (PouvoirEnd.MANDANT_PRESENT, s.clock)
    assert s.attendance.held_by(MILLET) == ()
    s.mark(Status.ABSENT, BAUME)  # leaving again does not revive it: a new pouvoir must be given
    assert s.attendance.pouvoir_of(BAUME) is None
    s.give(BAUME, MILLET)
    assert s.attendance.pouvoir_of(BAUME).active


def test_a_pouvoir_belongs_to_one_seance(cast):
    s = Seance(cast).give(BAUME, MILLET)
    assert Attendance(cast).pouvoirs == () and s.attendance.pouvoirs != ()


def test_replay_from_plain_rows_rebuilds_the_same_state(cast):
    s = Seance(cast).present(MILLET, MAES).give(BAUME, MILLET).mark(Status.EXCUSE, VIVIEN).revoke(BAUME)
    s.give(BAUME, MAES)
    rows = [{k: v.value if isinstance(v, Enum) else v for k, v in asdict(f).items()} for f in s.attendance.facts]
    assert [r["kind"] for r in rows] == ["presence", "presence", "pouvoir", "presence", "retrait", "pouvoir"]
    facts = [AttendanceFact(**{**r, "kind": FactKind(r["kind"]), "status": r["status"] and Status(r["status"])})
             for r in rows]
    rebuilt = Attendance.replay(cast, facts)
    assert rebuilt == s.attendance
    assert rebuilt.pouvoirs == s.attendance.pouvoirs
    assert voting_rights(rebuilt) == voting_rights(s.attendance)


# --- pouvoirs given before the séance ---------------------------------------------------------------------------


def advance(cast: Cast) -> Seance:
    """Pouvoirs given the day before the séance: Baume to Khelifi herself, Maes to Millet on paper (recorded by the
    secrétariat), Viollet to Bosetti then revoked."""
    s = Seance(cast)
    s.clock = OPENING - timedelta(days=1)
    return s.give(BAUME, KHELIFI).give(MAES, MILLET, by=SECRETARIAT).give(VIOLLET, BOSETTI).revoke(VIOLLET)


def test_before_the_seance_the_same_rules_apply(cast):
    s = advance(cast)
    ahead = {"at": s.clock, "event_id": "$x"}
    refused(Reason.HOLDER_FULL, s.attendance.give_pouvoir, BOSETTI, KHELIFI, by=BOSETTI, **ahead)
    refused(Reason.ALREADY_GIVEN, s.attendance.give_pouvoir, BAUME, VIOLLET, by=SECRETARIAT, **ahead)
    refused(Reason.SELF_POUVOIR, s.attendance.give_pouvoir, BOSETTI, BOSETTI, by=BOSETTI, **ahead)
    refused(Reason.GIVER_NOT_TITULAIRE, s.attendance.give_pouvoir, VIERA, BOSETTI, by=VIERA, **ahead)
    refused(Reason.HOLDER_NOT_REPRESENTATIVE, s.attendance.give_pouvoir, BOSETTI, FAURY, by=BOSETTI, **ahead)
    refused(Reason.NO_POUVOIR, s.attendance.revoke_pouvoir, VIOLLET, by=VIOLLET, **ahead)
    assert s.attendance.held_by(BOSETTI) == ()  # the revoked pouvoir freed its mandataire


def test_standing_pouvoirs_are_carried_into_the_seance_as_recorded(cast):
    before = advance(cast).attendance
    facts = carried_into_seance(before)
    assert [(f.kind, f.person, f.status, f.mandataire, f.recorded_by) for f in facts] == [
        (FactKind.PRESENCE, BAUME, Status.EXCUSE, None, BAUME), (FactKind.POUVOIR, BAUME, None, KHELIFI, BAUME),
        (FactKind.PRESENCE, MAES, Status.EXCUSE, None, SECRETARIAT),
        (FactKind.POUVOIR, MAES, None, MILLET, SECRETARIAT)]
    seance = Attendance.replay(cast, facts)
    assert seance.status(BAUME) is Status.EXCUSE and seance.status(VIOLLET) is Status.ABSENT
    assert seance.pouvoir_of(BAUME) == before.pouvoir_of(BAUME)  # same author, time and event id
    assert seance.pouvoir_of(MAES).given_by == SECRETARIAT and seance.pouvoir_of(VIOLLET) is None
    present = Attendance.replay(cast, facts + tuple(
        seance.mark(p, Status.PRESENT, by=SECRETARIAT, at=OPENING, event_id="$p") for p in (KHELIFI, MILLET)))
    assert rights_of(present)[KHELIFI] == ((KHELIFI, Basis.TITULAIRE), (BAUME, Basis.POUVOIR))


def test_a_carried_pouvoir_counts_towards_the_limit_and_ends_when_the_mandant_comes(cast):
    s = Seance(cast)
    s.attendance = Attendance.replay(cast, carried_into_seance(advance(cast).attendance))
    refused(Reason.HOLDER_FULL, s.attendance.give_pouvoir, BOSETTI, KHELIFI, by=BOSETTI, at=OPENING, event_id="$x")
    s.present(BAUME)
    assert s.attendance.pouvoir_of(BAUME) is None
    assert s.attendance.pouvoirs[0].end is PouvoirEnd.MANDANT_PRESENT


def test_nothing_is_carried_without_a_standing_pouvoir(cast):
    assert carried_into_seance(Attendance(cast)) == ()
    assert carried_into_seance(Seance(cast).give(BAUME, MILLET).revoke(BAUME).attendance) == ()


# --- quorum -----------------------------------------------------------------------------------------------------


def test_quorum_of_7_november_2022(cast):
    s = Seance(cast).present(BOSETTI, KHELIFI, MAES, MILLET, VIOLLET).mark(Status.EXCUSE, BAUME)
    q = quorum(s.attendance)
    assert q.reached and q.missing == () and q.required_per_member == 1
    assert q.present == {"metropole": (KHELIFI,), "ville-lyon": (MAES, BOSETTI), "sitiv": (MILLET, VIOLLET)}


def test_quorum_names_the_members_with_no_one_present(cast):
    q = quorum(Seance(cast).present(MAES).attendance)
    assert not q.reached and q.missing == ("metropole", "sitiv")
    assert not quorum(Attendance(cast)).reached


def test_a_suppleant_makes_the_member_present(cast):
    assert quorum(Seance(cast).present(VIERA, MAES, LEFORT).attendance).reached


def test_pouvoirs_do_not_make_a_member_present(cast):
    s = Seance(cast).present(MAES, MILLET).give(BAUME, MILLET).give(KHELIFI, MAES)
    assert quorum(s.attendance).missing == ("metropole",)


def test_quorum_is_lost_when_the_last_one_leaves(cast):
    s = Seance(cast).present(KHELIFI, MAES, MILLET)
    assert quorum(s.attendance).reached
    s.mark(Status.ABSENT, KHELIFI)
    assert quorum(s.attendance).missing == ("metropole",)


def test_quorum_per_member_comes_from_the_rules(cast):
    two = Cast(cast.members, cast.representatives, cast.staff, quorum_per_member=2)
    s = Seance(two).present(KHELIFI, VIERA, MAES, MILLET, VIOLLET)
    assert quorum(s.attendance).missing == ("ville-lyon",)


# --- voting rights ----------------------------------------------------------------------------------------------


def test_rights_of_7_november_2022_baume_excused_without_pouvoir_or_suppleant(cast):
    s = Seance(cast).present(BOSETTI, KHELIFI, MAES, MILLET, VIOLLET).mark(Status.EXCUSE, BAUME)
    rights = voting_rights(s.attendance)
    assert rights_of(s.attendance) == {v: ((v, Basis.TITULAIRE),) for v in (KHELIFI, MAES, BOSETTI, MILLET, VIOLLET)}
    baume = rights.seat(BAUME)
    assert (baume.vacant, baume.basis, baume.member) == (True, Basis.SANS_SUPPLEANT, "metropole")


def test_everyone_present_one_vote_per_titular_seat_suppleants_idle(cast):
    everyone = [r.matrix_id for r in cast.representatives]
    rights = voting_rights(Seance(cast).present(*everyone).attendance)
    assert [(r.seat, r.voter, r.basis) for r in rights.seats] == [
        (t, t, Basis.TITULAIRE) for t in (BAUME, KHELIFI, MAES, BOSETTI, MILLET, VIOLLET)]
    assert rights.present_without_seat == (VIERA, VIVIEN, LEFORT)


def test_a_suppleant_votes_for_an_absent_titulaire_who_gave_no_pouvoir(cast):
    s = Seance(cast).present(KHELIFI, VIERA)
    assert rights_of(s.attendance) == {KHELIFI: ((KHELIFI, Basis.TITULAIRE),), VIERA: ((BAUME, Basis.SUPPLEANCE),)}


def test_a_suppleant_fills_one_seat_only(cast):
    rights = voting_rights(Seance(cast).present(VIERA).attendance)
    assert [(r.seat, r.voter, r.basis) for r in rights.seats[:2]] == [
        (BAUME, VIERA, Basis.SUPPLEANCE), (KHELIFI, None, Basis.SANS_SUPPLEANT)]


def test_a_suppleant_never_replaces_a_titulaire_of_another_member(cast):
    rights = voting_rights(Seance(cast).present(LEFORT, MILLET).attendance)
    assert {r.seat for r in rights.seats if not r.vacant} == {MILLET, VIOLLET}
    assert rights.seat(BAUME).vacant


def test_no_suppleance_for_a_titulaire_who_gave_a_pouvoir(cast):
    s = Seance(cast).present(VIERA, MILLET).give(BAUME, MILLET)
    assert rights_of(s.attendance) == {
        MILLET: ((MILLET, Basis.TITULAIRE), (BAUME, Basis.POUVOIR)),
        VIERA: ((KHELIFI, Basis.SUPPLEANCE),),
    }


def test_a_pouvoir_to_an_absent_mandataire_lets_a_present_suppleant_take_the_seat(cast):
    s = Seance(cast).give(BAUME, MILLET)
    baume = voting_rights(s.attendance).seat(BAUME)
    assert (baume.vacant, baume.basis, baume.pouvoir.mandataire) == (True, Basis.MANDATAIRE_ABSENT, MILLET)
    s.present(VIERA)  # the suppléant of the Métropole: the member's voice is not lost
    baume = voting_rights(s.attendance).seat(BAUME)
    assert (baume.voter, baume.basis) == (VIERA, Basis.SUPPLEANCE)
    s.present(MILLET)  # the mandataire comes: the pouvoir comes first
    assert voting_rights(s.attendance).seat(BAUME).voter == MILLET


def test_by_default_a_pouvoir_stays_within_the_member(config):
    """CGCT L2121-20 by analogy ("un collègue"): Emeline Baume (Métropole) may not give one to Pierre-Alain Millet
    (SITIV), but may to Zemorda Khelifi (Métropole)."""
    default = Cast.from_config(config)
    assert default.pouvoir_across_members is False
    error = refused(Reason.HOLDER_OTHER_MEMBER, Seance(default).attendance.give_pouvoir, BAUME, MILLET, by=BAUME,
                    at=OPENING, event_id="$x")
    assert error.params == {"mandant": BAUME, "mandataire": MILLET, "member": "metropole", "other": "sitiv"}
    assert Seance(default).give(BAUME, KHELIFI).attendance.pouvoir_of(BAUME).mandataire == KHELIFI


def test_the_mandataire_votes_twice_own_seat_first(cast):
    s = Seance(cast).present(MAES).give(KHELIFI, MAES)
    assert rights_of(s.attendance) == {MAES: ((MAES, Basis.TITULAIRE), (KHELIFI, Basis.POUVOIR))}


def test_a_suppleant_with_a_pouvoir_votes_for_two_seats(cast):
    s = Seance(cast).present(VIERA, KHELIFI).give(MILLET, VIERA)
    assert rights_of(s.attendance)[VIERA] == ((BAUME, Basis.SUPPLEANCE), (MILLET, Basis.POUVOIR))


def test_a_revoked_pouvoir_lets_the_suppleant_in_again(cast):
    s = Seance(cast).present(VIERA, MILLET, KHELIFI).give(BAUME, MILLET)
    assert voting_rights(s.attendance).seat(BAUME).basis is Basis.POUVOIR
    s.revoke(BAUME)
    assert (voting_rights(s.attendance).seat(BAUME).voter, voting_rights(s.attendance).seat(BAUME).basis) == (
        VIERA, Basis.SUPPLEANCE)


def test_the_mandant_who_comes_votes_for_their_own_seat(cast):
    s = Seance(cast).present(MILLET).give(BAUME, MILLET).present(BAUME)
    assert rights_of(s.attendance) == {MILLET: ((MILLET, Basis.TITULAIRE),), BAUME: ((BAUME, Basis.TITULAIRE),)}


def test_a_titulaire_who_comes_takes_the_seat_back_from_the_suppleant(cast):
    s = Seance(cast).present(VIERA)
    assert voting_rights(s.attendance).seat(BAUME).voter == VIERA
    s.present(BAUME)
    rights = voting_rights(s.attendance)
    assert rights.seat(BAUME).voter == BAUME and rights.seat(KHELIFI).voter == VIERA

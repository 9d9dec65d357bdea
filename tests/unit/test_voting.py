"""Votes: opening, ballots and every refusal, changes, proxies, tally, closing, every wording — real cast."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import date, datetime, timedelta

import pytest

from tests.cast import (
    BAUME,
    BOSETTI,
    KHELIFI,
    LEFORT,
    MAES,
    MILLET,
    PRESIDENT,
    SECRETARIAT,
    STRANGER,
    VIERA,
    VIOLLET,
    VIVIEN,
)
from tests.harness import paris
from tno_bot.domain.attendance import Attendance, Basis, Cast, Status, quorum, voting_rights
from tno_bot.domain.voting import (
    UNANIMITE,
    UNANIMITE_MEMBRES,
    members_without_pour,
    RULE,
    Ballot,
    Choice,
    Counts,
    Outcome,
    Reason,
    Vote,
    VoteRefused,
    open_vote,
    outcome,
    require_mission_started,
    result,
    tally,
)

OPENING = paris(2022, 11, 7, 10, 0)
AGENDA = {1: "Règlement intérieur de la conférence", 2: "Définition des missions mutualisées",
          3: "Définition de l'appel de fonds", 4: "Questions diverses"}
POUR, CONTRE, ABSTENTION = Choice.POUR, Choice.CONTRE, Choice.ABSTENTION


@pytest.fixture(scope="module")
def cast(config) -> Cast:
    """The example's cast, pouvoirs across members allowed: these tests give pouvoirs from one member to another to
    test the other rules; the default (within a member) has its own tests."""
    return replace(Cast.from_config(config), pouvoir_across_members=True)


class Seance:
    """A séance with one vote, driven like the command layer will: decide, then apply what is recorded."""

    def __init__(self, cast: Cast, *present: str):
        self.cast = cast
        self.attendance = Attendance(cast)
        self.clock = OPENING
        self.count = 0
        self.vote: Vote | None = None
        self.mark(Status.PRESENT, *present)

    def stamp(self) -> dict:
        self.count += 1
        self.clock += timedelta(seconds=30)
        return {"at": self.clock, "event_id": f"$e{self.count}"}

    def mark(self, status: Status, *people: str) -> Seance:
        for p in people:
            self.attendance = self.attendance.apply(self.attendance.mark(p, status, by=SECRETARIAT, **self.stamp()))
        return self

    def give(self, mandant: str, mandataire: str) -> Seance:
        self.attendance = self.attendance.apply(
            self.attendance.give_pouvoir(mandant, mandataire, by=mandant, **self.stamp()))
        return self

    def open(self, item: int = 2, title: str | None = None) -> Seance:
        self.vote = open_vote(item, AGENDA, quorum(self.attendance), by=PRESIDENT, title=title, **self.stamp())
        return self

    def ballot(self, voter: str, choice: Choice, mandant: str | None = None) -> Ballot:
        ballot = self.vote.cast(self.attendance, voter, choice, mandant=mandant, **self.stamp())
        self.vote = self.vote.with_ballot(ballot)
        return ballot

    def votes(self, choices: dict[str, Choice]) -> Seance:
        for voter, choice in choices.items():
            self.ballot(voter, choice)
        return self

    def close(self) -> Seance:
        self.vote = self.vote.close(quorum(self.attendance), by=PRESIDENT, **self.stamp())
        return self

    def result(self):
        return result(self.vote, self.cast)


def refused(reason: Reason, call, *args, **kwargs) -> VoteRefused:
    with pytest.raises(VoteRefused) as caught:
        call(*args, **kwargs)
    assert caught.value.reason is reason
    return caught.value


ALL_TITULAIRES = (BAUME, KHELIFI, MAES, BOSETTI, MILLET, VIOLLET)
SEED_PRESENT = (BOSETTI, KHELIFI, MAES, MILLET, VIOLLET)


# --- opening ----------------------------------------------------------------------------------------------------


def test_open_on_an_item_of_the_fixed_agenda(cast):
    s = Seance(cast, *SEED_PRESENT).open(2)
    v = s.vote
    assert (v.item, v.title, v.opened_by, v.opened_event_id, v.closed, v.ballots) == (
        2, "Définition des missions mutualisées", PRESIDENT, "$e6", False, ())
    assert Seance(cast, *SEED_PRESENT).open(3, "Appel de fonds 2023").vote.title == "Appel de fonds 2023"


def test_refusal_not_on_the_agenda(cast):
    s = Seance(cast, *SEED_PRESENT)
    error = refused(Reason.NOT_ON_AGENDA, open_vote, 7, AGENDA, quorum(s.attendance), by=PRESIDENT, at=OPENING,
                    event_id="$x")
    assert error.params == {"item": 7, "agenda": (1, 2, 3, 4)}


def test_refusal_to_open_without_quorum(cast):
    s = Seance(cast, MAES, MILLET)
    error = refused(Reason.QUORUM_NOT_REACHED, s.open)
    assert error.params == {"missing": ("metropole",)}


def test_a_seance_before_a_missions_start_cannot_decide_on_it():
    """Issue 12: `[[missions]] since`; the séance's day is its conference's."""
    error = refused(Reason.MISSION_NOT_STARTED, require_mission_started, "visio", date(2023, 1, 1), date(2022, 11, 7))
    assert error.params == {"mission": "visio", "since": date(2023, 1, 1), "day": date(2022, 11, 7)}
    require_mission_started("visio", date(2022, 11, 7), date(2022, 11, 7))  # from its first day on
    require_mission_started("visio", None, date(2022, 11, 7))  # no start: any séance


def test_opening_with_quorum_through_suppleants_only(cast):
    s = Seance(cast, VIERA, VIVIEN, LEFORT).open().votes({VIERA: POUR, VIVIEN: POUR, LEFORT: POUR}).close()
    r = s.result()
    assert r.outcome is Outcome.ADOPTEE_UNANIMITE and r.tally.counts == Counts(pour=3)
    assert [b.basis for b in s.vote.ballots] == [Basis.SUPPLEANCE] * 3
    assert [b.seat for b in s.vote.ballots] == [BAUME, MAES, MILLET]


def test_a_naive_time_is_refused(cast):
    with pytest.raises(ValueError):
        open_vote(2, AGENDA, quorum(Seance(cast, *SEED_PRESENT).attendance), by=PRESIDENT,
                  at=datetime(2022, 11, 7, 10), event_id="$x")


# --- ballots and refusals ---------------------------------------------------------------------------------------


def test_a_ballot_records_event_sender_time_seat_and_right(cast):
    s = Seance(cast, *SEED_PRESENT).open()
    ballot = s.ballot(MAES, POUR)
    assert ballot == Ballot(f"$e{s.count}", MAES, s.clock, POUR, MAES, "ville-lyon", Basis.TITULAIRE)


def test_refusal_not_in_the_cast(cast):
    s = Seance(cast, *SEED_PRESENT).open()
    for outsider in (STRANGER, SECRETARIAT, "@fabrice.faury:tno.example"):
        assert refused(Reason.NOT_IN_CAST, s.ballot, outsider, POUR).params == {"voter": outsider}


def test_refusal_a_representative_not_present(cast):
    s = Seance(cast, *SEED_PRESENT).mark(Status.EXCUSE, BAUME).open()
    assert refused(Reason.NOT_PRESENT, s.ballot, BAUME, POUR).params == {"voter": BAUME, "status": Status.EXCUSE}
    refused(Reason.NOT_PRESENT, s.ballot, VIERA, POUR)


def test_refusal_a_present_suppleant_with_no_seat_to_fill(cast):
    s = Seance(cast, *ALL_TITULAIRES, LEFORT).open()
    refused(Reason.NO_RIGHT_TO_VOTE, s.ballot, LEFORT, POUR)


def test_refusal_a_mandataire_with_only_a_pouvoir_must_name_the_mandant(cast):
    s = Seance(cast, KHELIFI, MAES, BOSETTI, VIVIEN, VIOLLET).give(MILLET, VIVIEN).open()
    error = refused(Reason.MANDANT_REQUIRED, s.ballot, VIVIEN, POUR)
    assert error.params == {"voter": VIVIEN, "mandants": (MILLET,)}
    assert s.ballot(VIVIEN, POUR, mandant=MILLET).basis is Basis.POUVOIR


def test_refusal_mandant_not_represented_by_this_holder(cast):
    s = Seance(cast, *SEED_PRESENT).give(BAUME, MILLET).open()
    error = refused(Reason.MANDANT_NOT_REPRESENTED, s.ballot, MAES, POUR, mandant=BAUME)
    assert error.params == {"voter": MAES, "mandant": BAUME}
    refused(Reason.MANDANT_NOT_REPRESENTED, s.ballot, MILLET, POUR, mandant=KHELIFI)
    refused(Reason.MANDANT_NOT_REPRESENTED, s.ballot, MILLET, POUR, mandant=STRANGER)


def test_refusal_the_same_event_twice(cast):
    s = Seance(cast, *SEED_PRESENT).open()
    first = s.ballot(MAES, POUR)
    refused(Reason.DUPLICATE_EVENT, s.vote.cast, s.attendance, MAES, POUR, at=s.clock, event_id=first.event_id)
    assert len(s.vote.ballots) == 1


# --- proxies, suppléants, changes -------------------------------------------------------------------------------


def test_the_mandataire_votes_for_own_seat_and_for_the_mandant(cast):
    s = Seance(cast, *SEED_PRESENT).mark(Status.EXCUSE, BAUME).give(BAUME, MILLET).open()
    own, proxy = s.ballot(MILLET, POUR), s.ballot(MILLET, ABSTENTION, mandant=BAUME)
    assert (own.seat, own.basis, own.mandant) == (MILLET, Basis.TITULAIRE, None)
    assert (proxy.seat, proxy.member, proxy.basis, proxy.mandant) == (BAUME, "metropole", Basis.POUVOIR, BAUME)
    t = tally(s.vote, voting_rights(s.attendance))
    assert t.by_member["metropole"] == Counts(abstention=1) and t.by_member["sitiv"] == Counts(pour=1)


def test_a_titulaire_naming_their_own_seat_is_their_own_vote(cast):
    s = Seance(cast, *SEED_PRESENT).open()
    assert s.ballot(MAES, CONTRE, mandant=MAES).seat == MAES


def test_a_suppleant_votes_in_place_of_the_absent_titulaire(cast):
    s = Seance(cast, *SEED_PRESENT, VIERA).open()
    ballot = s.ballot(VIERA, POUR)
    assert (ballot.seat, ballot.basis) == (BAUME, Basis.SUPPLEANCE)
    assert s.ballot(VIERA, CONTRE, mandant=BAUME).seat == BAUME


def test_a_changed_vote_counts_the_latest_and_keeps_every_ballot(cast):
    s = Seance(cast, *SEED_PRESENT).open().votes({MAES: CONTRE, MILLET: POUR})
    s.ballot(MAES, ABSTENTION)
    s.ballot(MAES, POUR)
    assert [(b.voter, b.choice) for b in s.vote.ballots] == [
        (MAES, CONTRE), (MILLET, POUR), (MAES, ABSTENTION), (MAES, POUR)]
    assert s.vote.counted()[MAES].choice is POUR
    assert tally(s.vote, voting_rights(s.attendance)).counts == Counts(pour=2)


def test_a_mandant_who_comes_and_votes_in_person_replaces_the_proxy_ballot(cast):
    s = Seance(cast, *SEED_PRESENT).give(BAUME, MILLET).open()
    s.ballot(MILLET, CONTRE, mandant=BAUME)
    s.mark(Status.PRESENT, BAUME)
    refused(Reason.MANDANT_NOT_REPRESENTED, s.ballot, MILLET, POUR, mandant=BAUME)
    s.ballot(BAUME, POUR)
    counted = s.vote.counted()[BAUME]
    assert (counted.voter, counted.choice, counted.basis) == (BAUME, POUR, Basis.TITULAIRE)
    assert len(s.vote.ballots) == 2


def test_a_titulaire_who_comes_replaces_the_suppleant_ballot(cast):
    s = Seance(cast, *SEED_PRESENT, VIERA).open()
    s.ballot(VIERA, CONTRE)
    s.mark(Status.PRESENT, BAUME)
    s.ballot(BAUME, POUR)
    assert s.vote.counted()[BAUME].voter == BAUME


def test_a_ballot_cast_by_right_stays_counted_when_the_voter_leaves(cast):
    s = Seance(cast, *SEED_PRESENT).open()
    s.ballot(MAES, POUR)
    s.mark(Status.ABSENT, MAES)
    assert s.close().result().tally.counts == Counts(pour=1)


# --- tally ------------------------------------------------------------------------------------------------------


def test_tally_so_far_who_voted_who_has_not_by_member(cast):
    s = Seance(cast, *SEED_PRESENT, VIERA).mark(Status.ABSENT, VIOLLET).give(VIOLLET, BOSETTI).open()
    s.votes({KHELIFI: POUR, MILLET: ABSTENTION})
    s.ballot(BOSETTI, CONTRE, mandant=VIOLLET)
    t = tally(s.vote, voting_rights(s.attendance))
    assert t.counts == Counts(pour=1, contre=1, abstention=1)
    assert t.by_member == {"metropole": Counts(pour=1), "ville-lyon": Counts(), "sitiv": Counts(contre=1, abstention=1)}
    assert [(x.seat, x.ballot.voter) for x in t.voted] == [(KHELIFI, KHELIFI), (MILLET, MILLET), (VIOLLET, BOSETTI)]
    assert [(x.seat, x.member, x.holder) for x in t.not_voted] == [
        (BAUME, "metropole", VIERA), (MAES, "ville-lyon", MAES), (BOSETTI, "ville-lyon", BOSETTI)]


def test_tally_of_a_vote_without_ballots(cast):
    s = Seance(cast, *SEED_PRESENT).open()
    t = tally(s.vote, voting_rights(s.attendance))
    assert t.counts == Counts() and t.voted == () and len(t.not_voted) == 6
    assert t.seats[0].holder is None  # Baume excused, no pouvoir, no suppléant present


def test_counts_exprimes_and_votants():
    counts = Counts(pour=3, contre=1, abstention=2)
    assert (counts.exprimes, counts.votants) == (4, 6)
    assert counts.add(CONTRE) == Counts(3, 2, 2)


# --- closing ----------------------------------------------------------------------------------------------------


def test_closing_records_who_and_when(cast):
    s = Seance(cast, *SEED_PRESENT).open().votes({MAES: POUR}).close()
    assert (s.vote.closed, s.vote.closed_by, s.vote.closed_at, s.vote.closed_event_id) == (
        True, PRESIDENT, s.clock, f"$e{s.count}")


def test_closing_checks_the_quorum_again(cast):
    s = Seance(cast, *SEED_PRESENT).open().votes({KHELIFI: POUR, MAES: POUR, MILLET: POUR})
    s.mark(Status.ABSENT, KHELIFI)
    assert refused(Reason.QUORUM_NOT_REACHED, s.close).params == {"missing": ("metropole",)}
    assert not s.vote.closed
    s.mark(Status.PRESENT, VIERA)
    assert s.close().result().outcome is Outcome.ADOPTEE_UNANIMITE


def test_a_closed_vote_is_immutable(cast):
    s = Seance(cast, *SEED_PRESENT).open().votes({MAES: POUR}).close()
    closed = s.vote
    refused(Reason.VOTE_CLOSED, s.ballot, MILLET, CONTRE)
    late = Ballot("$late", MILLET, s.clock, CONTRE, MILLET, "sitiv", Basis.TITULAIRE)
    refused(Reason.VOTE_CLOSED, closed.with_ballot, late)
    refused(Reason.VOTE_CLOSED, s.close)
    assert s.vote == closed


def test_no_result_before_closing(cast):
    s = Seance(cast, *SEED_PRESENT).open()
    with pytest.raises(ValueError):
        s.result()


# --- wording ----------------------------------------------------------------------------------------------------


def test_7_november_2022_adoptee_a_l_unanimite(cast):
    s = Seance(cast, *SEED_PRESENT).mark(Status.EXCUSE, BAUME).open(2)
    r = s.votes({p: POUR for p in SEED_PRESENT}).close().result()
    assert (r.outcome, r.rule, r.outcome.adopted) == (Outcome.ADOPTEE_UNANIMITE, RULE, True)
    assert r.tally.counts == Counts(pour=5)
    assert r.tally.by_member == {"metropole": Counts(pour=1), "ville-lyon": Counts(pour=2), "sitiv": Counts(pour=2)}
    assert [x.seat for x in r.tally.not_voted] == [BAUME]


def test_adoptee_a_l_unanimite_des_suffrages_exprimes_with_abstentions(cast):
    s = Seance(cast, *ALL_TITULAIRES).open()
    r = s.votes({BAUME: POUR, KHELIFI: ABSTENTION, MAES: POUR, BOSETTI: POUR, MILLET: ABSTENTION,
                 VIOLLET: POUR}).close().result()
    assert r.outcome is Outcome.ADOPTEE_UNANIMITE_SUFFRAGES_EXPRIMES
    assert (r.tally.counts.pour, r.tally.counts.abstention, r.tally.counts.exprimes) == (4, 2, 4)


def test_rejetee_on_a_single_contre(cast):
    s = Seance(cast, *ALL_TITULAIRES).open()
    r = s.votes({t: POUR for t in ALL_TITULAIRES} | {VIOLLET: CONTRE}).close().result()
    assert r.outcome is Outcome.REJETEE and not r.outcome.adopted
    assert r.tally.counts == Counts(pour=5, contre=1)
    assert r.tally.by_member["sitiv"] == Counts(pour=1, contre=1)


def test_rejetee_when_everyone_abstains(cast):
    s = Seance(cast, *ALL_TITULAIRES).open()
    r = s.votes({t: ABSTENTION for t in ALL_TITULAIRES}).close().result()
    assert r.outcome is Outcome.REJETEE and r.tally.counts == Counts(abstention=6)


def test_rejetee_when_no_one_votes(cast):
    r = Seance(cast, *SEED_PRESENT).open().close().result()
    assert r.outcome is Outcome.REJETEE and r.tally.counts.votants == 0 and len(r.tally.not_voted) == 6


def test_a_change_from_contre_to_pour_turns_a_rejection_into_adoption(cast):
    s = Seance(cast, KHELIFI, MAES, MILLET).open().votes({KHELIFI: POUR, MAES: CONTRE, MILLET: POUR})
    assert outcome(tally(s.vote, voting_rights(s.attendance)).counts) is Outcome.REJETEE
    s.ballot(MAES, POUR)
    assert s.close().result().outcome is Outcome.ADOPTEE_UNANIMITE


def test_a_proxy_vote_counts_once_for_its_seat(cast):
    s = Seance(cast, KHELIFI, MAES, MILLET).give(BAUME, MILLET).open()
    s.votes({KHELIFI: POUR, MAES: POUR, MILLET: POUR})
    s.ballot(MILLET, ABSTENTION, mandant=BAUME)
    r = s.close().result()
    assert r.outcome is Outcome.ADOPTEE_UNANIMITE_SUFFRAGES_EXPRIMES
    assert r.tally.by_member["metropole"] == Counts(pour=1, abstention=1)


@pytest.mark.parametrize(("counts", "expected"), [
    (Counts(pour=6), Outcome.ADOPTEE_UNANIMITE),
    (Counts(pour=1), Outcome.ADOPTEE_UNANIMITE),
    (Counts(pour=1, abstention=5), Outcome.ADOPTEE_UNANIMITE_SUFFRAGES_EXPRIMES),
    (Counts(pour=5, contre=1), Outcome.REJETEE),
    (Counts(contre=1), Outcome.REJETEE),
    (Counts(contre=1, abstention=5), Outcome.REJETEE),
    (Counts(abstention=6), Outcome.REJETEE),
    (Counts(), Outcome.REJETEE),
])
def test_outcome_table(counts, expected):
    assert outcome(counts) is expected


ONE_MEMBER_ABSTAINING = {"metropole": Counts(pour=1), "ville-lyon": Counts(abstention=2), "sitiv": Counts(pour=1)}


@pytest.mark.parametrize(("by_member", "votes_cast", "members"), [
    ({"metropole": Counts(pour=1), "ville-lyon": Counts(pour=1, abstention=1), "sitiv": Counts(pour=2)},
     Outcome.ADOPTEE_UNANIMITE_SUFFRAGES_EXPRIMES, Outcome.ADOPTEE_UNANIMITE_SUFFRAGES_EXPRIMES),
    (ONE_MEMBER_ABSTAINING, Outcome.ADOPTEE_UNANIMITE_SUFFRAGES_EXPRIMES, Outcome.REJETEE),  # a whole member abstains
    ({"metropole": Counts(pour=1), "ville-lyon": Counts(), "sitiv": Counts(pour=1)},  # a member cast no ballot
     Outcome.ADOPTEE_UNANIMITE, Outcome.REJETEE),
    ({"metropole": Counts(pour=2), "ville-lyon": Counts(pour=1, contre=1), "sitiv": Counts(pour=2)},
     Outcome.REJETEE, Outcome.REJETEE),
])
def test_both_unanimity_readings(by_member, votes_cast, members):
    total = Counts(*(sum(getattr(c, f) for c in by_member.values()) for f in ("pour", "contre", "abstention")))
    assert outcome(total, UNANIMITE, by_member) is votes_cast
    assert outcome(total, UNANIMITE_MEMBRES, by_member) is members


def test_members_without_pour_names_a_member_entirely_abstaining():
    assert members_without_pour(ONE_MEMBER_ABSTAINING) == ("ville-lyon",)
    with pytest.raises(ValueError):
        outcome(Counts(pour=1), "majorite", {})


# --- storage shape ----------------------------------------------------------------------------------------------


def test_a_vote_rebuilt_from_plain_rows_gives_the_same_result(cast):
    s = Seance(cast, *SEED_PRESENT, VIERA).mark(Status.ABSENT, VIOLLET).give(VIOLLET, MILLET).open(3)
    s.votes({KHELIFI: POUR, VIERA: ABSTENTION, MAES: CONTRE})
    s.ballot(MILLET, POUR, mandant=VIOLLET)
    s.ballot(MAES, POUR)
    s.close()
    header = {k: v for k, v in asdict(s.vote).items() if k != "ballots"}
    rows = [{k: getattr(v, "value", v) for k, v in asdict(b).items()} for b in s.vote.ballots]
    assert all(isinstance(v, str | datetime | type(None)) for row in rows for v in row.values())
    ballots = tuple(Ballot(**{**r, "choice": Choice(r["choice"]), "basis": Basis(r["basis"])}) for r in rows)
    rebuilt = Vote(**header, ballots=ballots)
    assert rebuilt == s.vote and result(rebuilt, cast) == s.result()
    assert s.result().outcome is Outcome.ADOPTEE_UNANIMITE_SUFFRAGES_EXPRIMES


def test_a_ballot_for_a_seat_no_longer_in_the_cast_still_counts(cast):
    s = Seance(cast, *SEED_PRESENT).open().votes({MAES: POUR}).close()
    gone = Ballot("$old", "@ancien:tno.example", s.clock, CONTRE, "@ancien:tno.example", "villeurbanne",
                  Basis.TITULAIRE)
    r = result(replace(s.vote, ballots=s.vote.ballots + (gone,)), cast)
    assert r.tally.counts == Counts(pour=1, contre=1) and r.tally.by_member["villeurbanne"] == Counts(contre=1)

"""Ratification: deliberations, publication, transmission, executory dates, rejection, corrections, reminders."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest

from tests.cast import MILLET, SECRETARIAT
from tno_bot.domain.acts import ActIdError, ActIdReason, Difference, Field, Nature, parse_act_id
from tno_bot.domain.calendar import PARIS
from tno_bot.domain.decisions import DecisionId
from tno_bot.domain.ratification import (
    DecisionStatus,
    FactKind,
    Inconsistency,
    MemberStatus,
    Missing,
    Need,
    Ratification,
    RatificationFact,
    RatificationRefused,
    Reason,
    newly_executory,
    next_reminder,
    reminder_due,
)

MEMBERS = ("metropole", "ville-lyon", "sitiv")
SIRENS = {"metropole": "200046977", "ville-lyon": "216901231", "sitiv": "256910183"}
TNO_2022_01 = DecisionId(2022, 1)
CONFERENCE = date(2022, 11, 7)
SEED_ID = "069-256910183-20221209-CS_2022_12_4-DE"


class Register:
    """Drives a ratification like the command layer will: decide, then apply the recorded fact."""

    def __init__(self, sirens=None, now: datetime = datetime(2023, 3, 1, 10, tzinfo=PARIS)):
        self.ratification = Ratification(TNO_2022_01, CONFERENCE, MEMBERS, sirens=dict(sirens or {}))
        self.now = now
        self.count = 0

    def _stamp(self, by: str) -> dict:
        self.count += 1
        self.now += timedelta(minutes=1)
        return {"by": by, "at": self.now, "event_id": f"$e{self.count}"}

    def _do(self, method: str, *args, by: str = SECRETARIAT, **kwargs) -> RatificationFact:
        fact = getattr(self.ratification, method)(*args, **kwargs, **self._stamp(by))
        self.ratification = self.ratification.apply(fact)
        return fact

    def deliberation(self, *args, **kwargs):
        return self._do("record_deliberation", *args, **kwargs)

    def publication(self, *args, **kwargs):
        return self._do("record_publication", *args, **kwargs)

    def transmission(self, *args, **kwargs):
        return self._do("record_transmission", *args, **kwargs)

    def annul(self, *args, **kwargs):
        return self._do("annul", *args, **kwargs)

    def refused(self, method: str, *args, **kwargs) -> RatificationRefused:
        with pytest.raises(RatificationRefused) as caught:
            getattr(self.ratification, method)(*args, **kwargs, **self._stamp(SECRETARIAT))
        return caught.value


def complete(reg: Register, member: str, on: date, published: date, transmitted: date, number: str = "N_1"):
    reg.deliberation(member, number, on)
    reg.publication(member, published)
    reg.transmission(member, transmitted)


# --- statuses and executory dates ---------------------------------------------------------------------------------


def test_a_new_decision_awaits_every_member():
    r = Ratification(TNO_2022_01, CONFERENCE, MEMBERS)
    assert r.status is DecisionStatus.EN_ATTENTE and r.executory_on is None
    assert [m.status for m in r.by_member] == [MemberStatus.ATTENDUE] * 3
    assert r.awaited() == MEMBERS
    assert r.missing() == tuple(Missing(m, need) for m in MEMBERS for need in Need)


def test_member_statuses_step_by_step():
    reg = Register()
    reg.deliberation("sitiv", "CS_2022_12_4", date(2022, 12, 9), pour=7, contre=1)
    assert reg.ratification.member("sitiv").status is MemberStatus.ADOPTEE
    reg.transmission("sitiv", date(2022, 12, 9), SEED_ID)
    assert reg.ratification.member("sitiv").status is MemberStatus.TRANSMISE
    reg.deliberation("metropole", "2023-0001", date(2023, 1, 30))
    reg.publication("metropole", date(2023, 2, 2))
    assert reg.ratification.member("metropole").status is MemberStatus.PUBLIEE
    reg.transmission("metropole", date(2023, 2, 1))
    metropole = reg.ratification.member("metropole")
    assert metropole.status is MemberStatus.EXECUTOIRE
    assert metropole.executory_on == date(2023, 2, 2)  # published after its transmission


def test_member_executory_at_the_later_of_publication_and_transmission():
    reg = Register()
    complete(reg, "metropole", date(2023, 1, 30), published=date(2023, 2, 6), transmitted=date(2023, 2, 1))
    complete(reg, "ville-lyon", date(2023, 1, 26), published=date(2023, 1, 27), transmitted=date(2023, 2, 3))
    assert reg.ratification.member("metropole").executory_on == date(2023, 2, 6)  # publication later
    assert reg.ratification.member("ville-lyon").executory_on == date(2023, 2, 3)  # transmission later


def test_decision_executory_at_the_latest_member_date():
    reg = Register()
    complete(reg, "metropole", date(2023, 1, 30), published=date(2023, 2, 6), transmitted=date(2023, 2, 1))
    complete(reg, "sitiv", date(2022, 12, 9), published=date(2022, 12, 16), transmitted=date(2022, 12, 9))
    assert reg.ratification.status is DecisionStatus.EN_ATTENTE
    assert reg.ratification.executory_on is None
    assert reg.ratification.missing() == tuple(Missing("ville-lyon", need) for need in Need)
    complete(reg, "ville-lyon", date(2023, 1, 26), published=date(2023, 1, 27), transmitted=date(2023, 2, 3))
    assert reg.ratification.status is DecisionStatus.EXECUTOIRE
    assert reg.ratification.executory_on == date(2023, 2, 6)  # the Métropole's publication, the latest of all
    assert reg.ratification.missing() == () and reg.ratification.awaited() == ()


def test_same_day_publication_and_transmission():
    reg = Register()
    for member in MEMBERS:
        complete(reg, member, date(2022, 12, 9), published=date(2022, 12, 9), transmitted=date(2022, 12, 9))
    assert reg.ratification.executory_on == date(2022, 12, 9)


def test_newly_executory_only_on_the_fact_that_completes_it():
    reg = Register()
    complete(reg, "metropole", date(2023, 1, 30), date(2023, 2, 6), date(2023, 2, 1))
    complete(reg, "ville-lyon", date(2023, 1, 26), date(2023, 1, 27), date(2023, 2, 3))
    reg.deliberation("sitiv", "CS_2022_12_4", date(2022, 12, 9))
    reg.transmission("sitiv", date(2022, 12, 9), SEED_ID)
    before = reg.ratification
    reg.publication("sitiv", date(2022, 12, 16))
    assert newly_executory(before, reg.ratification)
    assert not newly_executory(reg.ratification, reg.ratification)
    assert not newly_executory(Ratification(TNO_2022_01, CONFERENCE, MEMBERS), before)


# --- rejection ----------------------------------------------------------------------------------------------------


def test_a_rejecting_deliberation_makes_the_decision_non_ratifiee():
    reg = Register()
    complete(reg, "metropole", date(2023, 1, 30), date(2023, 2, 6), date(2023, 2, 1))
    reg.deliberation("ville-lyon", "2023-42", date(2023, 1, 26), adopted=False, pour=20, contre=40, abstention=3)
    r = reg.ratification
    assert r.member("ville-lyon").status is MemberStatus.REJETEE
    assert r.member("ville-lyon").executory_on is None
    assert r.status is DecisionStatus.NON_RATIFIEE and r.rejected_by == ("ville-lyon",)
    assert r.executory_on is None
    assert r.missing() == () and r.awaited() == ()  # nothing more can make it executory


def test_a_rejection_stays_even_when_everyone_else_is_executory():
    reg = Register()
    complete(reg, "metropole", date(2023, 1, 30), date(2023, 2, 6), date(2023, 2, 1))
    complete(reg, "sitiv", date(2022, 12, 9), date(2022, 12, 16), date(2022, 12, 9))
    reg.deliberation("ville-lyon", "2023-42", date(2023, 1, 26), adopted=False)
    reg.publication("ville-lyon", date(2023, 1, 27))
    reg.transmission("ville-lyon", date(2023, 1, 27))
    assert reg.ratification.status is DecisionStatus.NON_RATIFIEE
    assert reg.ratification.member("ville-lyon").missing() == ()


def test_a_later_approving_deliberation_replaces_the_rejection():
    reg = Register()
    reg.deliberation("ville-lyon", "2023-42", date(2023, 1, 26), adopted=False)
    reg.deliberation("ville-lyon", "2023-77", date(2023, 2, 20), correction=True)
    assert reg.ratification.status is DecisionStatus.EN_ATTENTE
    assert reg.ratification.member("ville-lyon").status is MemberStatus.ADOPTEE


# --- refusals -----------------------------------------------------------------------------------------------------


def test_a_deliberation_before_the_conference_decision_is_refused():
    refused = Register().refused("record_deliberation", "metropole", "2022-1518", date(2022, 7, 11))
    assert refused.reason is Reason.BEFORE_DECISION
    assert refused.params == {"date": date(2022, 7, 11), "decided_on": CONFERENCE}


def test_a_deliberation_on_the_day_of_the_conference_is_accepted():
    reg = Register()
    reg.deliberation("metropole", "2022-2000", CONFERENCE)
    assert reg.ratification.member("metropole").deliberation.date == CONFERENCE


def test_a_date_after_the_day_it_is_recorded_is_refused():
    reg = Register(now=datetime(2022, 12, 9, 23, 30, tzinfo=timezone.utc))  # 10 December in Paris already
    reg.deliberation("sitiv", "CS_2022_12_4", date(2022, 12, 10))
    refused = reg.refused("record_publication", "sitiv", date(2022, 12, 11))
    assert refused.reason is Reason.IN_THE_FUTURE and refused.params["today"] == date(2022, 12, 10)


@pytest.mark.parametrize("kwargs, reason", [
    ({"member": "villeurbanne"}, Reason.UNKNOWN_MEMBER),
    ({"number": "   "}, Reason.INVALID_NUMBER),
    ({"number": "N" * 51}, Reason.INVALID_NUMBER),
    ({"pour": -1}, Reason.NEGATIVE_COUNT),
    ({"abstention": True}, Reason.NEGATIVE_COUNT),
    ({"pour": 3, "contre": 5}, Reason.COUNTS_CONTRADICT_OUTCOME),
    ({"pour": 5, "contre": 3, "adopted": False}, Reason.COUNTS_CONTRADICT_OUTCOME),
])
def test_deliberation_refusals(kwargs, reason):
    args = {"member": "sitiv", "number": "CS_2022_12_4", "on": date(2022, 12, 9)} | kwargs
    refused = Register().refused("record_deliberation", args.pop("member"), args.pop("number"), args.pop("on"),
                                 **args)
    assert refused.reason is reason


def test_equal_counts_may_go_either_way():
    reg = Register()
    reg.deliberation("sitiv", "CS_1", date(2022, 12, 9), pour=4, contre=4)  # casting vote of the président
    reg.deliberation("metropole", "M_1", date(2022, 12, 9), pour=4, contre=4, adopted=False)
    assert reg.ratification.status is DecisionStatus.NON_RATIFIEE


def test_the_same_event_is_recorded_once():
    reg = Register()
    fact = reg.deliberation("sitiv", "CS_2022_12_4", date(2022, 12, 9))
    with pytest.raises(RatificationRefused) as caught:
        reg.ratification.record_publication("sitiv", date(2022, 12, 16), by=SECRETARIAT, at=reg.now,
                                            event_id=fact.event_id)
    assert caught.value.reason is Reason.DUPLICATE_EVENT


def test_publication_and_transmission_need_the_deliberation_first():
    reg = Register()
    assert reg.refused("record_publication", "sitiv", date(2022, 12, 16)).reason is Reason.NO_DELIBERATION
    assert reg.refused("record_transmission", "sitiv", date(2022, 12, 9)).reason is Reason.NO_DELIBERATION
    reg.deliberation("sitiv", "CS_2022_12_4", date(2022, 12, 9))
    refused = reg.refused("record_publication", "sitiv", date(2022, 12, 8))
    assert refused.reason is Reason.BEFORE_DELIBERATION
    assert refused.params == {"date": date(2022, 12, 8), "deliberation_date": date(2022, 12, 9)}
    assert reg.refused("record_transmission", "sitiv", date(2022, 12, 1)).reason is Reason.BEFORE_DELIBERATION


def test_naive_times_are_refused():
    r = Ratification(TNO_2022_01, CONFERENCE, MEMBERS)
    with pytest.raises(ValueError):
        r.record_deliberation("sitiv", "CS", date(2022, 12, 9), by=SECRETARIAT, at=datetime(2023, 1, 1),
                              event_id="$x")


# --- the transmission identifier ------------------------------------------------------------------------------------


def test_the_seed_identifier_is_accepted_and_kept():
    reg = Register(SIRENS)
    reg.deliberation("sitiv", "CS_2022_12_4", date(2022, 12, 9), pour=7, contre=1)
    fact = reg.transmission("sitiv", date(2022, 12, 9), "ID : 069-256910183-20221209-cs_2022_12_4-DE")
    assert fact.identifier == SEED_ID
    assert reg.ratification.member("sitiv").transmission.identifier == parse_act_id(SEED_ID)


def test_an_act_id_object_is_accepted_too():
    reg = Register(SIRENS)
    reg.deliberation("sitiv", "CS_2022_12_4", date(2022, 12, 9))
    assert reg.transmission("sitiv", date(2022, 12, 9), parse_act_id(SEED_ID)).identifier == SEED_ID


def test_a_malformed_identifier_is_refused_with_its_problems():
    reg = Register(SIRENS)
    reg.deliberation("sitiv", "CS_2022_12_4", date(2022, 12, 9))
    refused = reg.refused("record_transmission", "sitiv", date(2022, 12, 9), "069-256910184-20221209-CS_2022_12_4")
    assert refused.reason is Reason.IDENTIFIER_MALFORMED
    assert isinstance(refused.params["error"], ActIdError)
    assert refused.params["error"].reason is ActIdReason.STRUCTURE
    refused = reg.refused("record_transmission", "sitiv", date(2022, 12, 9), "069-256910184-20221209-CS_2022_12_4-DE")
    assert refused.params["error"].reason is ActIdReason.SIREN_KEY


def test_a_mismatching_identifier_is_refused_with_what_differs():
    reg = Register(SIRENS)
    reg.deliberation("sitiv", "CS_2022_12_4", date(2022, 12, 9))
    refused = reg.refused("record_transmission", "sitiv", date(2022, 12, 9),
                          "069-200046977-20221208-CS_2022_12_5-AR")
    assert refused.reason is Reason.IDENTIFIER_MISMATCH
    assert refused.params["differences"] == (
        Difference(Field.DATE, date(2022, 12, 9), date(2022, 12, 8)),
        Difference(Field.NUMBER, "CS_2022_12_4", "CS_2022_12_5"),
        Difference(Field.NATURE, Nature.DE, Nature.AR),
        Difference(Field.SIREN, "256910183", "200046977"),
    )
    assert reg.ratification.member("sitiv").transmission is None


def test_another_members_siren_is_only_caught_when_sirens_are_known():
    reg = Register()  # no SIREN known
    reg.deliberation("metropole", "CS_2022_12_4", date(2022, 12, 9))
    reg.transmission("metropole", date(2022, 12, 9), SEED_ID)  # the SITIV's SIREN, not detectable here
    reg = Register(SIRENS)
    reg.deliberation("metropole", "CS_2022_12_4", date(2022, 12, 9))
    refused = reg.refused("record_transmission", "metropole", date(2022, 12, 9), SEED_ID)
    assert refused.params["differences"] == (Difference(Field.SIREN, "200046977", "256910183"),)


def test_a_number_with_dashes_matches_its_actes_form():
    reg = Register(SIRENS)
    reg.deliberation("metropole", "2023-1518", date(2023, 1, 30))
    reg.transmission("metropole", date(2023, 2, 1), "069-200046977-20230130-2023_1518-DE")
    assert reg.ratification.member("metropole").status is MemberStatus.TRANSMISE


# --- corrections and history ----------------------------------------------------------------------------------------


def test_a_second_record_must_be_a_correction():
    reg = Register()
    reg.deliberation("sitiv", "CS_2022_12_4", date(2022, 12, 9))
    refused = reg.refused("record_deliberation", "sitiv", "CS_2022_12_5", date(2022, 12, 9))
    assert refused.reason is Reason.ALREADY_RECORDED and refused.params["kind"] is FactKind.DELIBERATION
    reg.publication("sitiv", date(2022, 12, 16))
    assert reg.refused("record_publication", "sitiv", date(2022, 12, 17)).reason is Reason.ALREADY_RECORDED


def test_nothing_to_correct():
    reg = Register()
    refused = reg.refused("record_deliberation", "sitiv", "CS", date(2022, 12, 9), correction=True)
    assert refused.reason is Reason.NOTHING_TO_CORRECT
    reg.deliberation("sitiv", "CS_2022_12_4", date(2022, 12, 9))
    assert reg.refused("record_publication", "sitiv", date(2022, 12, 9), correction=True).reason is \
        Reason.NOTHING_TO_CORRECT


def test_corrections_keep_the_history_and_the_latest_wins():
    reg = Register()
    first = reg.deliberation("sitiv", "CS_2022_12_3", date(2022, 12, 9), pour=8, contre=0)
    second = reg.deliberation("sitiv", "CS_2022_12_4", date(2022, 12, 9), pour=7, contre=1, correction=True,
                              by=MILLET)
    reg.publication("sitiv", date(2022, 12, 15))
    third = reg.publication("sitiv", date(2022, 12, 16), correction=True)
    sitiv = reg.ratification.member("sitiv")
    assert (sitiv.deliberation.number, sitiv.deliberation.pour, sitiv.deliberation.contre) == ("CS_2022_12_4", 7, 1)
    assert sitiv.deliberation.recorded_by == MILLET and sitiv.deliberation.recorded_at == second.at
    assert sitiv.published_on == date(2022, 12, 16) and sitiv.publication.recorded_at == third.at
    assert [f.kind for f in sitiv.history] == [FactKind.DELIBERATION, FactKind.DELIBERATION,
                                              FactKind.PUBLICATION, FactKind.PUBLICATION]
    assert sitiv.history[0] == first and [f.correction for f in sitiv.history] == [False, True, False, True]
    assert [f.recorded_by for f in sitiv.history] == [SECRETARIAT, MILLET, SECRETARIAT, SECRETARIAT]


def test_a_corrected_deliberation_can_leave_the_transmission_inconsistent():
    reg = Register(SIRENS)
    reg.deliberation("sitiv", "CS_2022_12_4", date(2022, 12, 9))
    reg.transmission("sitiv", date(2022, 12, 9), SEED_ID)
    reg.publication("sitiv", date(2022, 12, 9))
    assert reg.ratification.member("sitiv").status is MemberStatus.EXECUTOIRE
    reg.deliberation("sitiv", "CS_2022_12_5", date(2022, 12, 12), correction=True)  # another act, later
    sitiv = reg.ratification.member("sitiv")
    assert sitiv.status is MemberStatus.ADOPTEE and sitiv.executory_on is None
    publication, transmission = sitiv.missing()
    assert publication == Missing("sitiv", Need.PUBLICATION, Inconsistency.BEFORE_DELIBERATION)
    assert transmission.need is Need.TRANSMISSION
    assert transmission.inconsistency is Inconsistency.IDENTIFIER_MISMATCH
    assert [d.field for d in transmission.differences] == [Field.DATE, Field.NUMBER]
    # correcting the transmission and the publication puts it right
    reg.transmission("sitiv", date(2022, 12, 12), "069-256910183-20221212-CS_2022_12_5-DE", correction=True)
    reg.publication("sitiv", date(2022, 12, 13), correction=True)
    assert reg.ratification.member("sitiv").executory_on == date(2022, 12, 13)


def test_a_transmission_without_identifier_dated_before_a_corrected_deliberation_does_not_count():
    reg = Register()
    reg.deliberation("sitiv", "CS_2022_12_4", date(2022, 12, 9))
    reg.transmission("sitiv", date(2022, 12, 9))
    reg.deliberation("sitiv", "CS_2022_12_4", date(2022, 12, 10), correction=True)
    assert reg.ratification.member("sitiv").transmitted_on is None
    assert reg.ratification.member("sitiv").missing()[-1] == Missing(
        "sitiv", Need.TRANSMISSION, Inconsistency.BEFORE_DELIBERATION)


def test_annul_a_record_made_by_mistake():
    reg = Register()
    reg.deliberation("sitiv", "CS_2022_12_4", date(2022, 12, 9))
    reg.publication("sitiv", date(2022, 12, 16))
    reg.annul("sitiv", FactKind.PUBLICATION)
    assert reg.ratification.member("sitiv").publication is None
    assert reg.refused("annul", "sitiv", FactKind.PUBLICATION).reason is Reason.NOTHING_TO_ANNUL
    reg.publication("sitiv", date(2022, 12, 17))  # a first record again, not a correction
    assert len(reg.ratification.member("sitiv").history) == 4


def test_annulling_the_deliberation_takes_its_publication_and_transmission_along():
    reg = Register()
    complete(reg, "metropole", date(2023, 1, 30), date(2023, 2, 6), date(2023, 2, 1))
    reg.annul("metropole", FactKind.DELIBERATION)
    metropole = reg.ratification.member("metropole")
    assert metropole.status is MemberStatus.ATTENDUE
    assert (metropole.deliberation, metropole.publication, metropole.transmission) == (None, None, None)
    assert len(metropole.history) == 4
    with pytest.raises(ValueError):
        reg.ratification.annul("metropole", FactKind.ANNULATION, by=SECRETARIAT, at=reg.now, event_id="$z")


def test_replay_gives_the_same_state():
    reg = Register(SIRENS)
    complete(reg, "metropole", date(2023, 1, 30), date(2023, 2, 6), date(2023, 2, 1))
    reg.deliberation("sitiv", "CS_2022_12_4", date(2022, 12, 9), pour=7, contre=1)
    reg.transmission("sitiv", date(2022, 12, 9), SEED_ID)
    replayed = Ratification.replay(TNO_2022_01, CONFERENCE, MEMBERS, reg.ratification.facts, SIRENS)
    assert replayed.by_member == reg.ratification.by_member
    assert replayed.missing() == reg.ratification.missing()


def test_unknown_member_lookup():
    with pytest.raises(KeyError):
        Ratification(TNO_2022_01, CONFERENCE, MEMBERS).member("villeurbanne")


@pytest.mark.parametrize("kwargs", [
    {"kind": FactKind.DELIBERATION, "on": date(2022, 12, 9)},  # no number
    {"kind": FactKind.PUBLICATION},  # no date
    {"kind": FactKind.PUBLICATION, "on": date(2022, 12, 9), "pour": 3},
    {"kind": FactKind.PUBLICATION, "on": date(2022, 12, 9), "identifier": SEED_ID},
    {"kind": FactKind.ANNULATION},  # no target
    {"kind": FactKind.ANNULATION, "target": FactKind.ANNULATION},
    {"kind": FactKind.PUBLICATION, "on": date(2022, 12, 9), "at": datetime(2023, 1, 1)},  # naive
])
def test_fact_invariants(kwargs):
    base = {"member": "sitiv", "recorded_by": SECRETARIAT, "at": datetime(2023, 1, 1, tzinfo=PARIS),
            "event_id": "$f"}
    with pytest.raises(ValueError):
        RatificationFact(**(base | kwargs))


# --- reminders of awaited members -----------------------------------------------------------------------------------


def test_the_first_reminder_comes_an_interval_after_the_decision():
    due = next_reminder(CONFERENCE, None, 14)
    assert due == datetime(2022, 11, 21, 9, tzinfo=PARIS)
    assert due.tzinfo is timezone.utc


def test_the_next_reminder_counts_from_the_last_one_in_paris_time():
    last = datetime(2022, 11, 21, 23, 30, tzinfo=timezone.utc)  # 22 November, 00:30 in Paris
    assert next_reminder(CONFERENCE, last, 14) == datetime(2022, 12, 6, 9, tzinfo=PARIS)
    assert next_reminder(CONFERENCE, last, 14, time(17, 30)) == datetime(2022, 12, 6, 17, 30, tzinfo=PARIS)


def test_reminders_keep_their_wall_clock_hour_across_daylight_saving():
    last = datetime(2023, 3, 20, 9, tzinfo=PARIS)  # winter time; the clocks change on 26 March
    due = next_reminder(CONFERENCE, last, 14)
    assert due.astimezone(PARIS) == datetime(2023, 4, 3, 9, tzinfo=PARIS)
    assert due == datetime(2023, 4, 3, 7, tzinfo=timezone.utc)


def test_an_overdue_reminder_is_due_at_once_then_counts_from_when_it_was_sent():
    now = datetime(2023, 3, 1, 10, tzinfo=PARIS)  # the bot was down for months
    assert reminder_due(now, CONFERENCE, datetime(2022, 11, 21, 9, tzinfo=PARIS), 14)
    assert not reminder_due(now, CONFERENCE, now, 14)
    assert reminder_due(datetime(2023, 3, 15, 9, tzinfo=PARIS), CONFERENCE, now, 14)
    assert not reminder_due(datetime(2023, 3, 15, 8, 59, tzinfo=PARIS), CONFERENCE, now, 14)


@pytest.mark.parametrize("interval", [0, -7, True, 1.5])
def test_a_reminder_interval_is_a_positive_whole_number_of_days(interval):
    with pytest.raises(ValueError):
        next_reminder(CONFERENCE, None, interval)


def test_only_awaited_members_are_reminded():
    reg = Register()
    reg.deliberation("sitiv", "CS_2022_12_4", date(2022, 12, 9))
    assert reg.ratification.awaited() == ("metropole", "ville-lyon")

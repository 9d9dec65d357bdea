"""The ratification records of a member: its deliberation, publication and transmission of a decision, recorded,
corrected or withdrawn (a correction or a withdrawal is a new fact: the history is kept), and the announcement of a
decision made executory by a record.

Who records: the secrétariat, or a representative of that member for its own member. Every record is checked by
the domain (`Ratification.record_*`, `annul`); a refusal is a `RatificationRefused` carrying what its wording needs:
the decision's key (`decision`), the member's id (`member`) and where the member stands (`standing`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from tno_bot import storage
from tno_bot.app.decisions import KnownDecision, find_decision, ratification_of, register
from tno_bot.config import Config
from tno_bot.domain.decisions import DecisionId
from tno_bot.domain.ratification import (
    FactKind,
    Ratification,
    RatificationFact,
    RatificationRefused,
    Reason,
    newly_executory,
)
from tno_bot.domain.roles import SECRETARIAT


@dataclass(frozen=True)
class Recorded:
    """A record (or a withdrawal) stored: the decision, its ratification before and after, and the room where its
    becoming executory is to be announced (None: it did not become executory now, or was announced already)."""

    decision: KnownDecision
    before: Ratification
    after: Ratification
    announce_in: str | None = None


def known_decision(session: Session, config: Config, decision_id: DecisionId) -> KnownDecision:
    decision = find_decision(session, config, decision_id)
    if decision is None:
        raise RatificationRefused(Reason.NO_SUCH_DECISION, decision=decision_id)
    return decision


def check_may_record(config: Config, by: str, member: str) -> None:
    """The secrétariat records for every member, a representative for their own member."""
    if SECRETARIAT in config.roles_of(by):
        return
    person = config.person(by)
    if person is None or person.member != member:
        raise RatificationRefused(Reason.NOT_MEMBERS_RECORDER, member=member)


def _deliberation(ratification: Ratification, member: str, stamp: dict, number: str, on: date,
                  counts: dict[str, int] | None = None, rejected: bool = False) -> RatificationFact:
    return ratification.record_deliberation(member, number, on, adopted=not rejected, **(counts or {}), **stamp)


def _transmission(ratification: Ratification, member: str, stamp: dict, on: date,
                  identifier: str | None = None) -> RatificationFact:
    return ratification.record_transmission(member, on, identifier, **stamp)


def _publication(ratification: Ratification, member: str, stamp: dict, on: date) -> RatificationFact:
    return ratification.record_publication(member, on, **stamp)


MAKERS: dict[FactKind, Callable[..., RatificationFact]] = {
    FactKind.DELIBERATION: _deliberation, FactKind.TRANSMISSION: _transmission, FactKind.PUBLICATION: _publication,
}


def _prepared(session: Session, config: Config, decision: KnownDecision, member: str,
              make: Callable[[Ratification], RatificationFact]) -> tuple[Ratification, RatificationFact]:
    """The decision's ratification and the fact `make` returns (not stored yet); a refusal with its context."""
    before = ratification_of(session, config, decision)
    try:
        return before, make(before)
    except RatificationRefused as refused:
        standing = before.member(member) if member in before.members else None
        raise RatificationRefused(refused.reason, **{**refused.params, "decision": decision.key, "member": member,
                                                     "standing": standing}) from None


def same_act(session: Session, config: Config, decision: KnownDecision, member: str) -> list[KnownDecision]:
    """The other decisions that the member's deliberation on `decision` approves too: one act (same number, same
    date) may approve several decisions, as the SITIV's CS_2022_12_4 approves TNO 2022-01 and 2022-02 (seed)."""
    own = ratification_of(session, config, decision)
    act = own.member(member).deliberation if member in own.members else None
    if act is None:
        return []
    return [d for d, r in register(session, config)
            if d.id != decision.id and member in r.members and (other := r.member(member).deliberation) is not None
            and (other.number, other.date) == (act.number, act.date)]


def _apply(session: Session, config: Config, decision_ids: Sequence[DecisionId], member: str, by: str,
           make: Callable[[Ratification], RatificationFact], *, whole_act: bool, at: datetime, event_id: str,
           room_id: str) -> list[Recorded]:
    """`make` applied to each decision named and, with `whole_act`, to the other decisions the member's same
    deliberation approves, where it applies (a refusal there leaves that decision as it is); every check before
    any write. A decision made executory is announced once, in the room of its conference (`room_id`, the
    command's, for a decision of the history files)."""
    check_may_record(config, by, member)
    named = [known_decision(session, config, d) for d in decision_ids]
    prepared = [(d, *_prepared(session, config, d, member, make)) for d in named]
    if whole_act:
        seen = {d.id for d in named}
        for decision in named:
            for other in same_act(session, config, decision, member):
                if other.id in seen:
                    continue
                seen.add(other.id)
                try:
                    prepared.append((other, *_prepared(session, config, other, member, make)))
                except RatificationRefused:
                    continue  # already so for that decision, or not applicable: left as it is
    done = []
    for decision, before, fact in prepared:
        storage.add_ratification_fact(session, decision.key, fact)
        after = before.apply(fact)
        announce_in = None
        if newly_executory(before, after) and storage.announcement_of(session, decision.key) is None:
            announce_in = decision.room_id or room_id
            storage.add_announcement(session, decision.key, after.executory_on, announce_in, at, event_id)
        done.append(Recorded(decision, before, after, announce_in))
    return done


def record(session: Session, config: Config, kind: FactKind, decision_ids: Sequence[DecisionId], member: str, *,
           by: str, at: datetime, event_id: str, room_id: str, correction: bool = False,
           **values) -> list[Recorded]:
    """Record (or correct) the member's `kind` of fact with `values` (a deliberation: number, on, counts, rejected;
    a transmission: on, identifier; a publication: on) for each decision named: one deliberation may approve
    several decisions. A publication or transmission is that of the deliberation: it is recorded for every decision
    the same deliberation approves."""
    stamp = {"by": by, "at": at, "event_id": event_id, "correction": correction}
    return _apply(session, config, decision_ids, member, by,
                  lambda ratification: MAKERS[kind](ratification, member, stamp, **values),
                  whole_act=kind is not FactKind.DELIBERATION or correction, at=at, event_id=event_id,
                  room_id=room_id)


def withdraw(session: Session, config: Config, target: FactKind, decision_ids: Sequence[DecisionId], member: str,
             *, by: str, at: datetime, event_id: str, room_id: str) -> list[Recorded]:
    """Withdraw the member's `target` record made by mistake, for each decision named (a publication or a
    transmission: for the others of the same deliberation too); the withdrawal is a fact of the history."""
    return _apply(session, config, decision_ids, member, by,
                  lambda ratification: ratification.annul(member, target, by=by, at=at, event_id=event_id),
                  whole_act=target is not FactKind.DELIBERATION, at=at, event_id=event_id, room_id=room_id)


def notify(session: Session, config: Config, decision_ids: Sequence[DecisionId], on: date, *, by: str,
           at: datetime, event_id: str) -> list[KnownDecision]:
    """Record that the secrétariat notified each decision to the members on `on` (a correction: recorded again, the
    latest counts); every check before any write."""
    decisions = [known_decision(session, config, d) for d in decision_ids]
    for decision in decisions:
        try:
            ratification_of(session, config, decision).check_notification(on, at)
        except RatificationRefused as refused:
            raise RatificationRefused(refused.reason, **{**refused.params, "decision": decision.key}) from None
    for decision in decisions:
        storage.add_notification(session, decision.key, on, by, at, event_id)
    return decisions

"""The ratification records of a member: its deliberation, publication and transmission of a decision, recorded,
corrected or withdrawn (a correction or a withdrawal is a new fact: the history is kept), and the announcement of a
decision made executory by a record.

Who records: the secrétariat, or a representative of that member for its own member. Every record is checked by
the domain (`Ratification.record_*`, `annul`); a refusal is a `RatificationRefused` carrying what its wording needs:
the decision's key (`decision`), the member's id (`member`) and where the member stands (`standing`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from tno_bot import storage
from tno_bot.app.decisions import KnownDecision, find_decision, ratification_of
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


def _checked(session: Session, config: Config, decision_id: DecisionId, member: str, by: str,
             make: Callable[[Ratification], RatificationFact]) -> tuple[KnownDecision, Ratification, RatificationFact]:
    """The decision, its ratification and the fact `make` returns, stored; a refusal with its context."""
    decision = known_decision(session, config, decision_id)
    check_may_record(config, by, member)
    before = ratification_of(session, config, decision)
    try:
        fact = make(before)
    except RatificationRefused as refused:
        standing = before.member(member) if member in before.members else None
        raise RatificationRefused(refused.reason, **{**refused.params, "decision": decision.key, "member": member,
                                                     "standing": standing}) from None
    storage.add_ratification_fact(session, decision.key, fact)
    return decision, before, fact


def record(session: Session, config: Config, kind: FactKind, decision_id: DecisionId, member: str, *, by: str,
           at: datetime, event_id: str, room_id: str, correction: bool = False, **values) -> Recorded:
    """Record (or correct) the member's `kind` of fact with `values` (a deliberation: number, on, counts, rejected;
    a transmission: on, identifier; a publication: on). A decision made executory is announced once, in the room of
    its conference (`room_id`, the command's, for a decision of the history files)."""
    stamp = {"by": by, "at": at, "event_id": event_id, "correction": correction}
    decision, before, fact = _checked(session, config, decision_id, member, by,
                                      lambda ratification: MAKERS[kind](ratification, member, stamp, **values))
    after = before.apply(fact)
    announce_in = None
    if newly_executory(before, after) and storage.announcement_of(session, decision.key) is None:
        announce_in = decision.room_id or room_id
        storage.add_announcement(session, decision.key, after.executory_on, announce_in, at, event_id)
    return Recorded(decision, before, after, announce_in)


def withdraw(session: Session, config: Config, target: FactKind, decision_id: DecisionId, member: str, *, by: str,
             at: datetime, event_id: str) -> Recorded:
    """Withdraw the member's `target` record made by mistake; the withdrawal is a fact of the history."""
    decision, before, fact = _checked(session, config, decision_id, member, by,
                                      lambda ratification: ratification.annul(member, target, by=by, at=at,
                                                                              event_id=event_id))
    return Recorded(decision, before, before.apply(fact))

"""Ratification of a conference decision by the members' deliberative bodies, up to its executory force.

DESIGN §1 and art. 4.3 of the convention: a decision of the conference is executory only once each member's body
has adopted a concordant deliberation and that deliberation has been published and transmitted to the prefect
(contrôle de légalité). A member's deliberation is executory at the later of its publication and transmission
dates; the decision at the latest of the members' executory dates. A deliberation that does not approve the
decision (rejected) makes the decision "non ratifiée".

Event-sourced like `attendance`: a `Ratification` is the fold of the `RatificationFact`s of one decision, in
recording order; for each member the latest record of each kind wins, and every record stays in the history with
who recorded it and when. Decisions (`record_deliberation`, `record_publication`, `record_transmission`, `annul`)
check the rules against the current state and return the fact to record, or raise `RatificationRefused` with a
reason code; `apply` folds a recorded fact in. Replayed facts are not re-validated.

A correction (``correction=True``) replaces the member's record of that kind; it is refused when there is nothing
to correct, and a first record is refused when one exists (so a mistake is corrected, never silently
overwritten). A corrected deliberation can leave an earlier publication or transmission inconsistent with it
(dated before it, or an identifier naming another act): such a record does not count, and `missing()` says why.

Dates of deliberations, publications and transmissions are calendar days (`datetime.date`). The transmission date
is the day the prefecture received the act (the @ctes acknowledgement, "Reçu en préfecture le").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import Enum
from functools import cached_property
from typing import Any

from tno_bot.domain.acts import ActId, ActIdError, Difference, check_against, parse_act_id
from tno_bot.domain.calendar import at_local, local_date, require_aware
from tno_bot.domain.decisions import DecisionId
from tno_bot.domain.refusals import Refused

NUMBER_MAX_LENGTH = 50  # a body's own deliberation number, as written by it ("CS_2022_12_4", "2022-1518")


class FactKind(str, Enum):
    DELIBERATION = "deliberation"
    PUBLICATION = "publication"
    TRANSMISSION = "transmission"
    ANNULATION = "annulation"  # withdraws the member's record of `target` (a deliberation takes the others along)


@dataclass(frozen=True)
class RatificationFact:
    """One recorded fact about a member's ratification of one decision, storable as a row."""

    kind: FactKind
    member: str
    recorded_by: str  # sender of the command (secrétariat, a representative of the member, or "history")
    at: dt.datetime  # when it was recorded (aware)
    event_id: str
    on: dt.date | None = None  # the deliberation's, publication's or transmission's date
    correction: bool = False  # replaces the member's earlier record of this kind
    # DELIBERATION
    number: str | None = None
    adopted: bool | None = None  # False: the deliberation does not approve the decision
    pour: int | None = None
    contre: int | None = None
    abstention: int | None = None
    # TRANSMISSION
    identifier: str | None = None  # the @ctes identifier, as parsed and formatted
    # ANNULATION
    target: FactKind | None = None

    def __post_init__(self) -> None:
        require_aware(self.at)
        deliberation = self.kind is FactKind.DELIBERATION
        if (self.kind is FactKind.ANNULATION) != (self.target is not None) or self.target is FactKind.ANNULATION:
            raise ValueError("a target goes with an annulation, and only there")
        if (self.kind is not FactKind.ANNULATION) != (self.on is not None):
            raise ValueError("a date goes with a deliberation, publication or transmission")
        if deliberation != (self.number is not None and self.adopted is not None):
            raise ValueError("a number and an outcome go with a deliberation, and only there")
        if not deliberation and (self.pour, self.contre, self.abstention) != (None, None, None):
            raise ValueError("vote counts go with a deliberation")
        if self.identifier is not None and self.kind is not FactKind.TRANSMISSION:
            raise ValueError("an identifier goes with a transmission")


# --- the state, member by member --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deliberation:
    """A member's deliberation on the decision (the latest record)."""

    member: str
    number: str
    date: dt.date
    adopted: bool
    pour: int | None = None
    contre: int | None = None
    abstention: int | None = None
    recorded_by: str = ""
    recorded_at: dt.datetime | None = None


@dataclass(frozen=True)
class Publication:
    date: dt.date
    recorded_by: str
    recorded_at: dt.datetime


@dataclass(frozen=True)
class Transmission:
    date: dt.date
    identifier: ActId | None
    recorded_by: str
    recorded_at: dt.datetime


class MemberStatus(str, Enum):
    ATTENDUE = "attendue"  # no deliberation yet
    ADOPTEE = "adoptee"  # adopted, neither published nor transmitted
    PUBLIEE = "publiee"  # adopted and published, not transmitted
    TRANSMISE = "transmise"  # adopted and transmitted, not published
    EXECUTOIRE = "executoire"  # adopted, published and transmitted
    REJETEE = "rejetee"  # the deliberation does not approve the decision


class Need(str, Enum):
    DELIBERATION = "deliberation"
    PUBLICATION = "publication"
    TRANSMISSION = "transmission"


class Inconsistency(str, Enum):
    """Why a recorded publication or transmission does not count (after a correction of the deliberation)."""

    BEFORE_DELIBERATION = "before_deliberation"  # dated before the deliberation
    IDENTIFIER_MISMATCH = "identifier_mismatch"  # the identifier names another act (see `differences`)


@dataclass(frozen=True)
class Missing:
    """Something still missing from one member before the decision can be executory."""

    member: str
    need: Need
    inconsistency: Inconsistency | None = None  # a record exists but does not count, and why
    differences: tuple[Difference, ...] = ()  # IDENTIFIER_MISMATCH: what differs


@dataclass(frozen=True)
class MemberRatification:
    member: str
    deliberation: Deliberation | None
    publication: Publication | None
    transmission: Transmission | None
    history: tuple[RatificationFact, ...]  # this member's facts, in recording order
    siren: str | None = None

    @cached_property
    def _checks(self) -> dict[Need, Missing]:
        """The recorded publication / transmission that do not count, with the reason."""
        bad: dict[Need, Missing] = {}
        d = self.deliberation
        if d is None:
            return bad
        if self.publication is not None and self.publication.date < d.date:
            bad[Need.PUBLICATION] = Missing(self.member, Need.PUBLICATION, Inconsistency.BEFORE_DELIBERATION)
        t = self.transmission
        if t is not None:
            differences = check_against(t.identifier, d, siren=self.siren) if t.identifier else ()
            if differences:
                bad[Need.TRANSMISSION] = Missing(self.member, Need.TRANSMISSION, Inconsistency.IDENTIFIER_MISMATCH,
                                                 differences)
            elif t.date < d.date:
                bad[Need.TRANSMISSION] = Missing(self.member, Need.TRANSMISSION, Inconsistency.BEFORE_DELIBERATION)
        return bad

    @property
    def published_on(self) -> dt.date | None:
        """The publication date, if recorded and consistent with the deliberation."""
        return None if self.publication is None or Need.PUBLICATION in self._checks else self.publication.date

    @property
    def transmitted_on(self) -> dt.date | None:
        """The transmission date, if recorded and consistent with the deliberation."""
        return None if self.transmission is None or Need.TRANSMISSION in self._checks else self.transmission.date

    @property
    def status(self) -> MemberStatus:
        if self.deliberation is None:
            return MemberStatus.ATTENDUE
        if not self.deliberation.adopted:
            return MemberStatus.REJETEE
        published, transmitted = self.published_on is not None, self.transmitted_on is not None
        if published and transmitted:
            return MemberStatus.EXECUTOIRE
        if transmitted:
            return MemberStatus.TRANSMISE
        return MemberStatus.PUBLIEE if published else MemberStatus.ADOPTEE

    @property
    def executory_on(self) -> dt.date | None:
        """The later of the publication and transmission dates, once the adopted deliberation has both."""
        if self.status is not MemberStatus.EXECUTOIRE:
            return None
        return max(self.published_on, self.transmitted_on)

    def missing(self) -> tuple[Missing, ...]:
        """What this member still lacks, in the order deliberation, publication, transmission (nothing once
        executory, nor after a rejection: a rejection is not completed, it is replaced)."""
        if self.deliberation is None:
            return tuple(Missing(self.member, need) for need in Need)
        if not self.deliberation.adopted:
            return ()
        lacking = []
        for need, recorded in ((Need.PUBLICATION, self.published_on), (Need.TRANSMISSION, self.transmitted_on)):
            if recorded is None:
                lacking.append(self._checks.get(need, Missing(self.member, need)))
        return tuple(lacking)


# --- the decision -----------------------------------------------------------------------------------------------


class DecisionStatus(str, Enum):
    EN_ATTENTE = "en_attente"
    EXECUTOIRE = "executoire"  # on `Ratification.executory_on`
    NON_RATIFIEE = "non_ratifiee"  # a member's deliberation does not approve it


class Reason(str, Enum):
    UNKNOWN_MEMBER = "unknown_member"
    DUPLICATE_EVENT = "duplicate_event"  # this event was already recorded
    INVALID_NUMBER = "invalid_number"  # empty, or longer than NUMBER_MAX_LENGTH
    NEGATIVE_COUNT = "negative_count"
    COUNTS_CONTRADICT_OUTCOME = "counts_contradict_outcome"  # adopted with more contre than pour, or the reverse
    BEFORE_DECISION = "before_decision"  # a deliberation dated before the conference's decision
    IN_THE_FUTURE = "in_the_future"  # dated after the day it is recorded (Europe/Paris)
    ALREADY_RECORDED = "already_recorded"  # a first record when one exists: correct it instead
    NOTHING_TO_CORRECT = "nothing_to_correct"
    NO_DELIBERATION = "no_deliberation"  # publication or transmission before the deliberation is recorded
    BEFORE_DELIBERATION = "before_deliberation"  # publication or transmission dated before the deliberation
    IDENTIFIER_MALFORMED = "identifier_malformed"  # params: error (an ActIdError with every problem)
    IDENTIFIER_MISMATCH = "identifier_mismatch"  # params: differences
    NOTHING_TO_ANNUL = "nothing_to_annul"
    NO_SUCH_DECISION = "no_such_decision"  # params: decision
    NOT_MEMBERS_RECORDER = "not_members_recorder"  # neither the secrétariat nor a representative of the member
    NOTIFIED_BEFORE_DECISION = "notified_before_decision"  # a notification dated before the decision


class RatificationRefused(Refused):
    """A refusal of the ratification rules: `reason` is a `Reason` code."""


@dataclass(frozen=True)
class Ratification:
    """Where the ratification of one decision stands: the fold of its facts."""

    decision: DecisionId
    decided_on: dt.date  # the day of the conference that adopted the decision
    members: tuple[str, ...]  # every member whose body must deliberate, in display order
    facts: tuple[RatificationFact, ...] = ()
    sirens: Mapping[str, str] = field(default_factory=dict, hash=False)  # member -> SIREN, when known

    @classmethod
    def replay(cls, decision: DecisionId, decided_on: dt.date, members: Iterable[str],
               facts: Iterable[RatificationFact], sirens: Mapping[str, str] | None = None) -> Ratification:
        return cls(decision, decided_on, tuple(members), tuple(facts), dict(sirens or {}))

    def apply(self, fact: RatificationFact) -> Ratification:
        return replace(self, facts=self.facts + (fact,))

    @cached_property
    def _state(self) -> dict[str, MemberRatification]:
        state: dict[str, dict[str, Any]] = {m: {"deliberation": None, "publication": None, "transmission": None}
                                            for m in self.members}
        for f in self.facts:
            s = state.setdefault(f.member, {"deliberation": None, "publication": None, "transmission": None})
            if f.kind is FactKind.DELIBERATION:
                s["deliberation"] = Deliberation(f.member, f.number, f.on, f.adopted, f.pour, f.contre,
                                                 f.abstention, f.recorded_by, f.at)
            elif f.kind is FactKind.PUBLICATION:
                s["publication"] = Publication(f.on, f.recorded_by, f.at)
            elif f.kind is FactKind.TRANSMISSION:
                identifier = parse_act_id(f.identifier) if f.identifier else None
                s["transmission"] = Transmission(f.on, identifier, f.recorded_by, f.at)
            else:
                targets = list(Need) if f.target is FactKind.DELIBERATION else [Need(f.target.value)]
                for target in targets:
                    s[target.value] = None
        return {m: MemberRatification(m, s["deliberation"], s["publication"], s["transmission"],
                                      tuple(f for f in self.facts if f.member == m), self.sirens.get(m))
                for m, s in state.items()}

    # --- reads ---------------------------------------------------------------------------------------------------

    def member(self, member: str) -> MemberRatification:
        if member not in self._state:
            raise KeyError(member)
        return self._state[member]

    @property
    def by_member(self) -> tuple[MemberRatification, ...]:
        """Every member, in member order."""
        return tuple(self._state[m] for m in self.members)

    @property
    def rejected_by(self) -> tuple[str, ...]:
        return tuple(m.member for m in self.by_member if m.status is MemberStatus.REJETEE)

    @property
    def status(self) -> DecisionStatus:
        if self.rejected_by:
            return DecisionStatus.NON_RATIFIEE
        if all(m.status is MemberStatus.EXECUTOIRE for m in self.by_member):
            return DecisionStatus.EXECUTOIRE
        return DecisionStatus.EN_ATTENTE

    @property
    def executory_on(self) -> dt.date | None:
        """The latest of the members' executory dates, once every member's deliberation is executory."""
        if self.status is not DecisionStatus.EXECUTOIRE:
            return None
        return max(m.executory_on for m in self.by_member)

    def missing(self) -> tuple[Missing, ...]:
        """Exactly what is still missing and from whom, member by member (empty once executory or when the
        decision is not ratified)."""
        if self.status is not DecisionStatus.EN_ATTENTE:
            return ()
        return tuple(item for m in self.by_member for item in m.missing())

    def awaited(self) -> tuple[str, ...]:
        """The members whose deliberation is still awaited (those to remind), while the decision is pending."""
        if self.status is not DecisionStatus.EN_ATTENTE:
            return ()
        return tuple(m.member for m in self.by_member if m.status is MemberStatus.ATTENDUE)

    # --- decisions -----------------------------------------------------------------------------------------------

    def _common(self, member: str, on: dt.date | None, at: dt.datetime, event_id: str) -> None:
        require_aware(at)
        if member not in self.members:
            raise RatificationRefused(Reason.UNKNOWN_MEMBER, member=member, members=self.members)
        if any(f.event_id == event_id for f in self.facts):
            raise RatificationRefused(Reason.DUPLICATE_EVENT, event_id=event_id)
        if on is not None and on > (today := local_date(at)):
            raise RatificationRefused(Reason.IN_THE_FUTURE, date=on, today=today)

    @staticmethod
    def _correction(kind: FactKind, existing: Any, correction: bool) -> None:
        if existing is not None and not correction:
            raise RatificationRefused(Reason.ALREADY_RECORDED, kind=kind, existing=existing)
        if existing is None and correction:
            raise RatificationRefused(Reason.NOTHING_TO_CORRECT, kind=kind)

    def record_deliberation(self, member: str, number: str, on: dt.date, *, adopted: bool = True,
                            pour: int | None = None, contre: int | None = None, abstention: int | None = None,
                            by: str, at: dt.datetime, event_id: str, correction: bool = False) -> RatificationFact:
        """The member's body deliberated on `on` (number as the body writes it); `adopted=False`: it did not
        approve the decision. Refused before the conference's decision."""
        self._common(member, on, at, event_id)
        number = number.strip()
        if not number or len(number) > NUMBER_MAX_LENGTH:
            raise RatificationRefused(Reason.INVALID_NUMBER, number=number, limit=NUMBER_MAX_LENGTH)
        counts = {"pour": pour, "contre": contre, "abstention": abstention}
        for name, value in counts.items():
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise RatificationRefused(Reason.NEGATIVE_COUNT, count=name, value=value)
        if pour is not None and contre is not None and (pour < contre if adopted else pour > contre):
            # equal counts: the président's casting vote (art. L2121-20 CGCT) may go either way
            raise RatificationRefused(Reason.COUNTS_CONTRADICT_OUTCOME, adopted=adopted, pour=pour, contre=contre)
        if on < self.decided_on:
            raise RatificationRefused(Reason.BEFORE_DECISION, date=on, decided_on=self.decided_on)
        self._correction(FactKind.DELIBERATION, self.member(member).deliberation, correction)
        return RatificationFact(FactKind.DELIBERATION, member, by, at, event_id, on=on, correction=correction,
                                number=number, adopted=adopted, pour=pour, contre=contre, abstention=abstention)

    def check_notification(self, on: dt.date, at: dt.datetime) -> None:
        """The secrétariat notified the decision to the members on `on` ("Les décisions adoptées par la conférence
        intercommunale sont notifiées par le secrétariat de celle-ci aux parties membres de l'entente", art. 5 of
        the convention as quoted in the seed): not before the decision, not after today. The members' reminders
        then count from it (`next_reminder`)."""
        if on > (today := local_date(require_aware(at))):
            raise RatificationRefused(Reason.IN_THE_FUTURE, date=on, today=today)
        if on < self.decided_on:
            raise RatificationRefused(Reason.NOTIFIED_BEFORE_DECISION, date=on, decided_on=self.decided_on)

    def _after_deliberation(self, member: str, on: dt.date) -> Deliberation:
        deliberation = self.member(member).deliberation
        if deliberation is None:
            raise RatificationRefused(Reason.NO_DELIBERATION, member=member)
        if on < deliberation.date:
            raise RatificationRefused(Reason.BEFORE_DELIBERATION, date=on, deliberation_date=deliberation.date)
        return deliberation

    def record_publication(self, member: str, on: dt.date, *, by: str, at: dt.datetime, event_id: str,
                           correction: bool = False) -> RatificationFact:
        """The member's deliberation was published on `on`."""
        self._common(member, on, at, event_id)
        self._after_deliberation(member, on)
        self._correction(FactKind.PUBLICATION, self.member(member).publication, correction)
        return RatificationFact(FactKind.PUBLICATION, member, by, at, event_id, on=on, correction=correction)

    def record_transmission(self, member: str, on: dt.date, identifier: str | ActId | None = None, *, by: str,
                            at: dt.datetime, event_id: str, correction: bool = False) -> RatificationFact:
        """The member's deliberation was received by the prefecture on `on`, with its @ctes identifier if given:
        parsed (IDENTIFIER_MALFORMED) and checked against the deliberation and the member's SIREN
        (IDENTIFIER_MISMATCH, with every difference)."""
        self._common(member, on, at, event_id)
        deliberation = self._after_deliberation(member, on)
        act = None
        if identifier is not None:
            try:
                act = identifier if isinstance(identifier, ActId) else parse_act_id(identifier)
            except ActIdError as error:
                raise RatificationRefused(Reason.IDENTIFIER_MALFORMED, error=error) from error
            differences = check_against(act, deliberation, siren=self.sirens.get(member))
            if differences:
                raise RatificationRefused(Reason.IDENTIFIER_MISMATCH, identifier=act, differences=differences)
        self._correction(FactKind.TRANSMISSION, self.member(member).transmission, correction)
        return RatificationFact(FactKind.TRANSMISSION, member, by, at, event_id, on=on, correction=correction,
                                identifier=None if act is None else str(act))

    def annul(self, member: str, target: FactKind, *, by: str, at: dt.datetime, event_id: str) -> RatificationFact:
        """Withdraw a record made by mistake (its fact stays in the history); withdrawing the deliberation also
        withdraws its publication and transmission."""
        self._common(member, None, at, event_id)
        if target is FactKind.ANNULATION:
            raise ValueError("an annulation cannot be annulled: record the fact again")
        if getattr(self.member(member), target.value) is None:
            raise RatificationRefused(Reason.NOTHING_TO_ANNUL, member=member, target=target)
        return RatificationFact(FactKind.ANNULATION, member, by, at, event_id, target=target)


def newly_executory(before: Ratification, after: Ratification) -> bool:
    """True when `after` (one more fact) made the decision executory: the moment to announce it."""
    return before.status is not DecisionStatus.EXECUTOIRE and after.status is DecisionStatus.EXECUTOIRE


# --- reminders of the awaited members ---------------------------------------------------------------------------


def next_reminder(since: dt.date, last_reminder: dt.datetime | None, interval_days: int,
                  hour: dt.time = dt.time(9, 0)) -> dt.datetime:
    """When the next reminder of an awaited member is due (UTC instant): `interval_days` after the last reminder's
    day (Europe/Paris), or after `since` (the decision, or its notification) when none was sent yet, at the
    wall-clock `hour`. After an outage the overdue reminder is due at once; the next one counts from it."""
    if isinstance(interval_days, bool) or not isinstance(interval_days, int) or interval_days < 1:
        raise ValueError(f"a reminder interval is a whole number of days >= 1 (got {interval_days!r})")
    base = since if last_reminder is None else local_date(last_reminder)
    return at_local(base + dt.timedelta(days=interval_days), hour)


def reminder_due(now: dt.datetime, since: dt.date, last_reminder: dt.datetime | None, interval_days: int,
                 hour: dt.time = dt.time(9, 0)) -> bool:
    return require_aware(now) >= next_reminder(since, last_reminder, interval_days, hour)

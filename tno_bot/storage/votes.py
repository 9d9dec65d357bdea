"""Votes, ballots and decisions: rows <-> the domain's `Vote` and `Ballot`, and the frozen results.

Ballots are append-only (row id = recording order). At closing, the vote row gets its result (wording code,
counts overall and by member) and, when adopted, a `decision` row gets the next number of its year.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from tno_bot.domain.attendance import Basis
from tno_bot.domain.decisions import DecisionId, next_decision_id
from tno_bot.domain.voting import Ballot, Choice, Counts, Outcome, Result, Vote

from .tables import BallotRow, DecisionRow, SeanceRow, VoteRow


@dataclass(frozen=True)
class ClosedResult:
    """The result frozen at closing, as recorded (independent of later config changes)."""

    rule: str
    outcome: Outcome
    counts: Counts
    by_member: dict[str, Counts]


@dataclass(frozen=True)
class StoredVote:
    id: int
    seance_id: int
    vote: Vote
    result: ClosedResult | None  # None while open
    decision: DecisionId | None  # adopted: its number


def _ballots(session: Session, vote_id: int) -> tuple[Ballot, ...]:
    # the columns, not the rows as objects: read at every ballot of a vote
    rows = session.exec(select(BallotRow.event_id, BallotRow.voter, BallotRow.at, BallotRow.choice, BallotRow.seat,
                               BallotRow.member, BallotRow.basis, BallotRow.mandant)
                        .where(BallotRow.vote_id == vote_id).order_by(BallotRow.id)).all()
    return tuple(Ballot(event_id, voter, at, Choice(choice), seat, member, Basis(basis), mandant)
                 for event_id, voter, at, choice, seat, member, basis, mandant in rows)


def _stored(session: Session, row: VoteRow) -> StoredVote:
    vote = Vote(row.item, row.title, row.opened_by, row.opened_at, row.opened_event_id, _ballots(session, row.id),
                row.closed_by, row.closed_at, row.closed_event_id, row.mission)
    result = decision = None
    if row.outcome is not None:  # closed: a decision only then, written with the result
        by_member = {m: Counts(**c) for m, c in json.loads(row.by_member or "{}").items()}
        result = ClosedResult(row.rule, Outcome(row.outcome), Counts(row.pour, row.contre, row.abstention), by_member)
        numbered = session.exec(select(DecisionRow.year, DecisionRow.number)
                                 .where(DecisionRow.vote_id == row.id)).first()
        decision = DecisionId(*numbered) if numbered else None
    return StoredVote(row.id, row.seance_id, vote, result, decision)


def add_vote(session: Session, seance_id: int, vote: Vote) -> StoredVote:
    row = VoteRow(seance_id=seance_id, item=vote.item, title=vote.title, opened_by=vote.opened_by,
                  opened_at=vote.opened_at, opened_event_id=vote.opened_event_id, mission=vote.mission)
    session.add(row)
    session.flush()
    return _stored(session, row)


def votes_of(session: Session, seance_id: int) -> list[StoredVote]:
    """Every vote of a séance, in opening order."""
    rows = session.exec(select(VoteRow).where(VoteRow.seance_id == seance_id).order_by(VoteRow.id)).all()
    return [_stored(session, row) for row in rows]


def open_vote_of(session: Session, seance_id: int) -> StoredVote | None:
    """The vote of the séance still open, if any."""
    row = session.exec(select(VoteRow).where(VoteRow.seance_id == seance_id, col(VoteRow.closed_at).is_(None))
                       .order_by(VoteRow.id)).first()
    return _stored(session, row) if row else None


def add_ballot(session: Session, vote_id: int, ballot: Ballot) -> None:
    session.add(BallotRow(vote_id=vote_id, event_id=ballot.event_id, voter=ballot.voter, at=ballot.at,
                          choice=ballot.choice.value, seat=ballot.seat, member=ballot.member,
                          basis=ballot.basis.value, mandant=ballot.mandant))
    session.flush()


def close_vote(session: Session, stored: StoredVote, closed: Vote, result: Result, conference_id: int,
               year: int) -> StoredVote:
    """Write the closing and the result of a vote; an adopted one gets the next decision number of `year`."""
    row = session.get(VoteRow, stored.id)
    if row is None or row.closed_at is not None:
        raise LookupError(f"no open vote with id {stored.id}")
    counts = result.tally.counts
    row.closed_by, row.closed_at, row.closed_event_id = closed.closed_by, closed.closed_at, closed.closed_event_id
    row.rule, row.outcome = result.rule, result.outcome.value
    row.pour, row.contre, row.abstention = counts.pour, counts.contre, counts.abstention
    row.by_member = json.dumps({m: {"pour": c.pour, "contre": c.contre, "abstention": c.abstention}
                                for m, c in result.tally.by_member.items()})
    session.add(row)
    if result.outcome.adopted:
        highest = session.exec(select(func.max(DecisionRow.number)).where(DecisionRow.year == year)).one()
        number = next_decision_id(year, [DecisionId(year, highest)] if highest else [])
        session.add(DecisionRow(id=str(number), year=number.year, number=number.number, vote_id=row.id,
                                conference_id=conference_id, item=row.item, title=row.title,
                                outcome=result.outcome.value, pour=counts.pour, contre=counts.contre,
                                abstention=counts.abstention, adopted_at=closed.closed_at, mission=row.mission))
    session.flush()
    return _stored(session, row)


@dataclass(frozen=True)
class ExportedBallot:
    conference_id: int
    vote_id: int
    item: int
    title: str
    outcome: str
    decision: str | None
    ballot: Ballot
    counted: bool  # the latest ballot of its seat


def closed_ballots(session: Session) -> list[ExportedBallot]:
    """Every ballot of every closed vote, by vote then recording order."""
    query = (select(VoteRow, SeanceRow.conference_id).join(SeanceRow, SeanceRow.id == VoteRow.seance_id)
             .where(col(VoteRow.closed_at).is_not(None)).order_by(VoteRow.id))
    exported: list[ExportedBallot] = []
    for row, conference_id in session.exec(query).all():
        stored = _stored(session, row)
        counted = {id(b) for b in stored.vote.counted().values()}
        exported += [ExportedBallot(conference_id, row.id, row.item, row.title, row.outcome,
                                    str(stored.decision) if stored.decision else None, b, id(b) in counted)
                     for b in stored.vote.ballots]
    return exported


def decisions(session: Session, year: int | None = None,
              ids: Collection[str] | None = None) -> list[DecisionRow]:
    """The decisions of the conference (of `year`, among `ids`), in number order: for the ratification."""
    query = select(DecisionRow)
    if year is not None:
        query = query.where(DecisionRow.year == year)
    if ids is not None:
        query = query.where(col(DecisionRow.id).in_(ids))
    return list(session.exec(query.order_by(DecisionRow.year, DecisionRow.number)).all())

"""The séance sitting in a room, with its conference and attendance, and `Sittings`, which keeps it, and the séance's
open vote with its ballots, from one command to the next until a commit changes what they are read from: a ballot
among fifty does not read the séance, its conference, the cast, the attendance, the vote and its ballots again."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlmodel import Session

from tno_bot import storage
from tno_bot.app.decisions import admissions, history_stamp
from tno_bot.app.members import in_office
from tno_bot.config import Config
from tno_bot.domain.agenda import Conference
from tno_bot.domain.attendance import Attendance, Cast
from tno_bot.domain.seance import Seance

# The tables a sitting is not read from: a commit that wrote only these keeps the sittings read before it (a ballot,
# a reply recorded sent). Any other table written, even one added later, makes them read again.
NOT_READ = frozenset({storage.ProcessedEvent.__tablename__, storage.OutboxMessage.__tablename__,
                      storage.BallotRow.__tablename__, storage.SyncState.__tablename__,
                      storage.UndecryptedEvent.__tablename__, storage.UndecryptedNotice.__tablename__})
# A commit that wrote only these keeps the open votes read before it; a ballot's own commit puts it in its vote.
VOTES_NOT_READ = NOT_READ - {storage.BallotRow.__tablename__}
_SITTINGS = "tno_sittings"  # key in Session.info


@dataclass
class Sitting:
    seance: Seance
    conference: Conference
    attendance: Attendance


def cast_of(session: Session, config: Config, conference: Conference) -> Cast:
    """Who sits at `conference`: the members in office on its day (`app/members.py`) and their representatives."""
    seated = in_office(config, conference.day, admissions(session, config))
    return Cast.from_config(config, [m.id for m in seated])


def sitting_here(session: Session, config: Config, room_id: str) -> Sitting | None:
    """The séance sitting in `room_id`, with its attendance, if any (kept by the `Sittings` serving `session`)."""
    kept = session.info.get(_SITTINGS)
    return _read(session, config, room_id) if kept is None else kept.here(session, config, room_id)


def open_vote_here(session: Session, sitting: Sitting) -> storage.StoredVote | None:
    """The vote open in `sitting`'s séance, with its ballots, if any (kept by the `Sittings` serving `session`)."""
    kept = session.info.get(_SITTINGS)
    if kept is None:
        return storage.open_vote_of(session, sitting.seance.id)
    return kept.open_vote(session, sitting.seance.id)


def ballot_recorded(session: Session, vote: storage.StoredVote) -> None:
    """`vote` is the open vote as `session`'s transaction leaves it, its new ballot in it: kept once committed."""
    kept = session.info.get(_SITTINGS)
    if kept is not None:
        storage.on_commit(session, lambda: kept.keep_vote(vote))


def _read(session: Session, config: Config, room_id: str) -> Sitting | None:
    seance = storage.open_seance_in_room(session, room_id)
    if seance is None:
        return None
    conference = storage.get_conference(session, seance.conference_id)
    return Sitting(seance, conference, storage.load_attendance(session, seance.id, cast_of(session, config, conference)))


class Sittings:
    """The sittings of the rooms as committed, for the transactions it `serve`s; forgotten when a commit on the
    engine writes a table other than NOT_READ, or when the config or the history files change (they say who is in
    office: `cast_of`). A transaction that already wrote such a table reads its own sitting. Each caller gets its own
    `Sitting` (a handler may set its `seance`); the séance, conference and attendance in it are frozen values.

    The open votes are kept the same way, and forgotten too when a commit writes ballots, unless the commit tells
    (`ballot_recorded`) the vote it leaves: a ballot reads no vote when the one before it was recorded."""

    def __init__(self, engine) -> None:
        self._kept: dict[str, Sitting | None] = {}  # room -> its sitting (None: no séance sits there)
        self._votes: dict[int, storage.StoredVote | None] = {}  # séance -> its open vote (None: none is open)
        self._basis: tuple | None = None  # the config and the history files' stamp they were read with
        storage.watch_commits(engine, self._note_commit)

    def serve(self, session: Session) -> None:
        """`sitting_here` reads through this cache in `session`."""
        session.info[_SITTINGS] = self

    def here(self, session: Session, config: Config, room_id: str) -> Sitting | None:
        basis = (config, history_stamp(config))
        if basis != self._basis:
            self._kept, self._basis = {}, basis
        session.flush()
        if storage.tables_written(session) - NOT_READ:  # this transaction changed what a sitting is read from
            return _read(session, config, room_id)
        kept = self._kept
        if room_id not in kept:
            kept[room_id] = _read(session, config, room_id)
        sitting = kept[room_id]
        return None if sitting is None else replace(sitting)

    def open_vote(self, session: Session, seance_id: int) -> storage.StoredVote | None:
        session.flush()
        if storage.tables_written(session) - VOTES_NOT_READ:  # this transaction changed what a vote is read from
            return storage.open_vote_of(session, seance_id)
        if seance_id not in self._votes:
            self._votes[seance_id] = storage.open_vote_of(session, seance_id)
        return self._votes[seance_id]

    def keep_vote(self, vote: storage.StoredVote) -> None:
        self._votes[vote.seance_id] = vote

    def _note_commit(self, written: storage.Written) -> None:
        if written.tables - NOT_READ:
            self._kept = {}
        if written.tables - VOTES_NOT_READ:
            self._votes = {}

"""A séance of the conference: its opening on the fixed agenda, suspensions, resumptions and closing.

A `Seance` is plain fields, storable as rows. Decisions (`ouvrir_seance`, `Seance.suspendre`, `reprendre`,
`clore`) check the rules and return the new state, or raise `SeanceRefused` with a reason code; `reports.refusals`
words them. The agenda is frozen at opening: a vote is only ever on a point of that snapshot.

A séance opens on the day of its conference (the day its members were convened to, and the date of its decisions);
the président may open it on another day only with a stated reason, recorded and written in the compte rendu.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum

from tno_bot.domain.agenda import Conference, Etat, OrdreDuJour
from tno_bot.domain.calendar import local_date, require_aware
from tno_bot.domain.refusals import Refused


class Reason(str, Enum):
    CANCELLED = "cancelled"  # the conference is cancelled
    AGENDA_NOT_FIXED = "agenda_not_fixed"  # no fixed agenda to open the séance on
    CLOSED = "closed"  # the séance is closed: nothing changes any more
    SUSPENDED = "suspended"  # the séance is suspended (already, or: no vote while suspended)
    NOT_SUSPENDED = "not_suspended"  # nothing to resume
    NOT_SITTING = "not_sitting"  # no séance sits in the room
    ALREADY_SITTING = "already_sitting"  # a séance already sits in the room; params: conference, since
    SITTING_ELSEWHERE = "sitting_elsewhere"  # the conference's séance sits in another room; params: conference
    ALREADY_CLOSED = "already_closed"  # a closed séance is not opened again; params: conference, closed_at
    NO_CONFERENCE_TODAY = "no_conference_today"  # none to open today: name it
    SEVERAL_CONFERENCES_TODAY = "several_conferences_today"  # several today: name the one to open
    NO_SEANCE = "no_seance"  # the conference had no séance (no compte rendu); params: conference
    NO_SEANCE_IN_ROOM = "no_seance_in_room"  # no séance was ever held in the room
    OTHER_DAY = "other_day"  # opened on another day than the conference's without a reason; params: conference, day


class SeanceRefused(Refused):
    """A refusal of the seance rules: `reason` is a `Reason` code."""


@dataclass(frozen=True)
class Pause:
    suspended_at: datetime
    suspended_by: str
    suspended_event_id: str
    resumed_at: datetime | None = None
    resumed_by: str | None = None
    resumed_event_id: str | None = None

    @property
    def ongoing(self) -> bool:
        return self.resumed_at is None


@dataclass(frozen=True)
class Seance:
    conference_id: int
    room_id: str
    points: tuple[str, ...]  # the fixed agenda at opening; point n is points[n - 1]
    agenda_version: int
    opened_at: datetime
    opened_by: str
    opened_event_id: str
    pauses: tuple[Pause, ...] = ()
    closed_at: datetime | None = None
    closed_by: str | None = None
    closed_event_id: str | None = None
    id: int | None = None
    secretaire: str | None = None  # the secrétaire de séance, once designated
    other_day_reason: str | None = None  # why it was opened on another day than its conference's
    presided_by: str | None = None  # who presided in the président's absence (domain/presidency.py)

    def __post_init__(self) -> None:
        require_aware(self.opened_at)
        if self.closed_at is not None:
            require_aware(self.closed_at)

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    @property
    def suspended(self) -> bool:
        return bool(self.pauses) and self.pauses[-1].ongoing

    @property
    def agenda(self) -> dict[int, str]:
        """Point number -> title."""
        return {i: title for i, title in enumerate(self.points, 1)}

    def _check_open(self) -> None:
        if self.closed:
            raise SeanceRefused(Reason.CLOSED, closed_at=self.closed_at)

    def suspendre(self, *, by: str, at: datetime, event_id: str) -> Seance:
        require_aware(at)
        self._check_open()
        if self.suspended:
            raise SeanceRefused(Reason.SUSPENDED, since=self.pauses[-1].suspended_at)
        return replace(self, pauses=self.pauses + (Pause(at, by, event_id),))

    def reprendre(self, *, by: str, at: datetime, event_id: str) -> Seance:
        require_aware(at)
        self._check_open()
        if not self.suspended:
            raise SeanceRefused(Reason.NOT_SUSPENDED)
        last = replace(self.pauses[-1], resumed_at=at, resumed_by=by, resumed_event_id=event_id)
        return replace(self, pauses=self.pauses[:-1] + (last,))

    def clore(self, *, by: str, at: datetime, event_id: str) -> Seance:
        """The closed séance; a suspension still going on ends at the closing."""
        require_aware(at)
        self._check_open()
        seance = self.reprendre(by=by, at=at, event_id=event_id) if self.suspended else self
        return replace(seance, closed_at=at, closed_by=by, closed_event_id=event_id)

    def designer_secretaire(self, person: str) -> Seance:
        """The séance with `person` as its secrétaire de séance (named in the compte rendu), while it sits."""
        self._check_open()
        return replace(self, secretaire=person)

    def check_votes_allowed(self) -> None:
        """Votes are opened, cast and closed only while the séance sits (open, not suspended)."""
        self._check_open()
        if self.suspended:
            raise SeanceRefused(Reason.SUSPENDED, since=self.pauses[-1].suspended_at)


def ouvrir_seance(conference: Conference, odj: OrdreDuJour, room_id: str, *, by: str, at: datetime,
                  event_id: str, reason: str = "") -> Seance:
    """Open the séance of `conference` on its fixed agenda; on another day than the conference's only with a
    `reason` (OTHER_DAY otherwise), recorded with it."""
    require_aware(at)
    if conference.cancelled:
        raise SeanceRefused(Reason.CANCELLED, conference=conference.id)
    if odj.etat is not Etat.FIXE or odj.fixation is None:
        raise SeanceRefused(Reason.AGENDA_NOT_FIXED, conference=conference.id, etat=odj.etat)
    other_day = local_date(at) != conference.day
    if other_day and not reason.strip():
        raise SeanceRefused(Reason.OTHER_DAY, conference=conference.id, day=conference.day)
    version = odj.versions[odj.fixation.version - 1]
    return Seance(conference.id, room_id, version.points, version.numero, at, by, event_id,
                  other_day_reason=reason.strip() if other_day else None)

"""Conferences, their timeline and the ordre du jour: brouillon -> proposé (numbered versions) -> fixé.

The conference's rules (minutes of the conférence intercommunale of 7 November 2022, seed): "L'ordre du jour est
fixé sur proposition du comité technique aux représentants des membres de l'entente dans un délai de 30 jours
précédant la date de la conférence. Sans avis en retour dans un délai de 15 jours, l'ordre du jour est ainsi fixé."
So the comité technique sends the agenda at the latest `notice_days` before the conference; without any avis within
`reply_window_days` of the sending it is fixed as proposed (tacitly, dated at the end of the window); an avis stops
the tacit fixing, then the comité amends and sends a new version
(new window) or the président fixes it. A fixed agenda is locked.

Whether an avis that is explicitly favourable ("avis favorable") stops the tacit fixing too is a config choice
(`avis_favorable_bloque`): the seed's "sans avis en retour" reads as any avis (the default, true); false lets the
window's end fix an agenda that received only favourable avis. The choice is frozen with each version sent, as its
window's rules are, and each avis records whether it was favourable: changing the config changes no past fixing.

Readings of that text, each a config choice (`AgendaRules`): whether the 30 days are "francs" (neither the sending
day nor the conference day counted, as in CGCT L2121-12's "jours francs"; default: not, the agenda may be sent on
D-30); whether a D-30 falling on a day off moves to the previous working day (never later: art. 642 CPC extends
deadlines counted forward, not those counted backward). The reply window ends at the latest on the eve of the
conference (a short-notice conference cannot fix its agenda after it sat).

Everything is a frozen value built from plain fields (ids, version numbers, texts, aware datetimes), so it can be
stored as rows and rebuilt. Every transition takes `now` and the actor's roles, returns a new value, and refuses
with an `AgendaError` carrying a `Reason` code (never a sentence: `reports.refusals` words it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from enum import Enum

from tno_bot.domain.calendar import ONE_DAY, Deadline, at_local, day_off, deadline, local_date, require_aware
from tno_bot.domain.refusals import Refused
from tno_bot.domain.roles import AGENDA_PERMISSIONS as PERMISSIONS  # noqa: F401  (also read from here)
from tno_bot.domain.roles import (  # noqa: F401  (the agenda's roles, read from here too)
    ADMIN,
    COMITE_TECHNIQUE,
    PRESIDENT,
    REPRESENTANT,
    SECRETARIAT,
    allowed,
)
from tno_bot.domain.roles import AgendaAction as Action


class Reason(str, Enum):
    """Why a change is refused (or, for NOTICE_PASSED on a conference, what to warn about)."""

    FORBIDDEN = "forbidden"  # details: action, allowed (role names)
    IN_PAST = "in_past"  # the conference would start before now
    CANCELLED = "cancelled"  # the conference is cancelled
    CONFERENCE_STARTED = "conference_started"  # the conference has already started
    NOTICE_PASSED = "notice_passed"  # details: notice (Deadline); hors-délai sending by the président possible
    NOT_LATE = "not_late"  # hors-délai asked while the agenda can be sent normally; details: notice, resend
    TOO_FAR = "too_far"  # the conference would be more than MAX_YEARS_AHEAD ahead; details: day, limit
    LOCKED = "locked"  # the agenda is fixed
    NOT_FIXED = "not_fixed"  # no convocation before the agenda is fixed
    NOT_DRAFT = "not_draft"  # the agenda is proposed: amend it first
    NOT_PROPOSED = "not_proposed"  # no proposal is waiting for replies
    EMPTY_TITLE = "empty_title"
    EMPTY_TEXT = "empty_text"
    EMPTY_AGENDA = "empty_agenda"
    NO_SUCH_POINT = "no_such_point"  # details: numero, count
    BAD_POSITION = "bad_position"  # details: position, count
    WINDOW_CLOSED = "window_closed"  # details: window (Deadline)
    WINDOW_OPEN = "window_open"  # details: window (Deadline)
    NO_AVIS = "no_avis"  # nothing to amend (no avis on the current version) or to fix explicitly (none blocking)
    AVIS_GIVEN = "avis_given"  # an avis blocks the tacit fixing
    NO_SUCH_CONFERENCE = "no_such_conference"  # details: number
    NO_CONFERENCE_PLANNED = "no_conference_planned"  # none to come, in any room
    CONFERENCE_ELSEWHERE = "conference_elsewhere"  # none in this room, several elsewhere; details: count
    DAY_OFF = "day_off"  # warning: the conference is set on a weekend or a public holiday


class AgendaError(Refused):
    """A refused change of a conference or its agenda (`code` and `details` are `reason` and `params`)."""

    @property
    def code(self) -> Reason:
        return self.reason

    @property
    def details(self) -> dict:
        return self.params


def check_allowed(action: Action, roles: Iterable[str]) -> None:
    """AgendaError(FORBIDDEN) unless `roles` may perform `action`."""
    if not allowed(action, roles):
        raise AgendaError(Reason.FORBIDDEN, action=action, allowed=PERMISSIONS[action])


@dataclass(frozen=True)
class AgendaRules:
    """The conference's numbers and readings (config `[rules]`), see the module's docstring."""

    notice_days: int = 30
    reply_window_days: int = 15
    extend_to_working_day: bool = False
    notice_franc: bool = False  # the notice counts `notice_days` full days: last day D-(notice_days + 1)
    avis_favorable_bloque: bool = True  # a favourable avis stops the tacit fixing, as any avis does


# --- conferences -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Conference:
    """A conférence intercommunale on `day` at `start_time`, Europe/Paris; `id` is the storage id."""

    id: int | None
    day: date
    start_time: time
    lieu: str = ""
    cancelled: bool = False
    sequence: int = 0  # how many times it was moved, re-placed or cancelled (the calendar's SEQUENCE)

    @property
    def starts_at(self) -> datetime:
        return at_local(self.day, self.start_time)

    def deplacer(self, day: date, start_time: time, *, roles: Iterable[str], now: datetime,
                 rules: AgendaRules) -> tuple[Conference, tuple[Reason, ...]]:
        """The conference moved, with its warnings (NOTICE_PASSED); deadlines follow from the new date."""
        check_allowed(Action.CONFERENCE_DEPLACER, roles)
        self._check_changeable(now)
        moved = replace(self, day=day, start_time=start_time)
        return moved, _schedule_warnings(moved, now, rules)

    def annuler(self, *, roles: Iterable[str], now: datetime) -> Conference:
        check_allowed(Action.CONFERENCE_ANNULER, roles)
        self._check_changeable(now)
        return replace(self, cancelled=True)

    def _check_changeable(self, now: datetime) -> None:
        if self.cancelled:
            raise AgendaError(Reason.CANCELLED)
        if require_aware(now) >= self.starts_at:
            raise AgendaError(Reason.CONFERENCE_STARTED)


def nouvelle_conference(day: date, start_time: time, lieu: str = "", *, roles: Iterable[str], now: datetime,
                        rules: AgendaRules, id: int | None = None) -> tuple[Conference, tuple[Reason, ...]]:
    """A new conference and its warnings: NOTICE_PASSED when its notice deadline is already past.
    Refused (IN_PAST) when it would start before `now`."""
    check_allowed(Action.CONFERENCE_NOUVELLE, roles)
    conference = Conference(id, day, start_time, lieu.strip())
    return conference, _schedule_warnings(conference, now, rules)


MAX_YEARS_AHEAD = 10  # a conference is planned at most this many years ahead (its deadlines stay computable)


def _schedule_warnings(conference: Conference, now: datetime, rules: AgendaRules) -> tuple[Reason, ...]:
    today = local_date(require_aware(now))
    if conference.day < today:  # also a day whose instant cannot be computed (0001-01-01 in Paris is before UTC's 1)
        raise AgendaError(Reason.IN_PAST, day=conference.day, start_time=conference.start_time)
    limit = _years_after(today, MAX_YEARS_AHEAD)
    if conference.day > limit:
        raise AgendaError(Reason.TOO_FAR, day=conference.day, limit=limit)
    if now >= conference.starts_at:
        raise AgendaError(Reason.IN_PAST, day=conference.day, start_time=conference.start_time)
    warnings = () if notice_deadline(conference, rules).is_open(now) else (Reason.NOTICE_PASSED,)
    return warnings + ((Reason.DAY_OFF,) if day_off(conference.day) else ())


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def notice_deadline(conference: Conference, rules: AgendaRules) -> Deadline:
    """Last day to send the agenda proposal: D - notice_days calendar days, or D - (notice_days + 1) when the days
    are francs; on a day off it moves to the previous working day with `extend_to_working_day`, never later."""
    days = rules.notice_days + (1 if rules.notice_franc else 0)
    return deadline(conference.day, -days, rules.extend_to_working_day)


def reply_window(sent_on: date, days: int, extend_to_working_day: bool, conference_day: date | None = None) -> Deadline:
    """Last day of the reply window of a proposal sent on `sent_on`: sending day + `days`, at the latest the eve of
    the conference (its sending day when it is sent on the conference's day)."""
    latest = None if conference_day is None else max(conference_day - ONE_DAY, sent_on)
    return deadline(sent_on, days, extend_to_working_day, latest)


@dataclass(frozen=True)
class Timeline:
    """The conference's deadlines. Before any sending, `reply_window` is that of a proposal sent on the last
    day of the notice (the latest the window can close), or today once the notice is past, and
    `reply_window_version` is None."""

    starts_at: datetime
    notice: Deadline
    reply_window: Deadline
    reply_window_version: int | None


def timeline(conference: Conference, rules: AgendaRules, odj: OrdreDuJour | None = None,
             now: datetime | None = None) -> Timeline:
    notice = notice_deadline(conference, rules)
    current = odj.current if odj is not None else None
    if current is None:
        sent_on = notice.effective if now is None or notice.is_open(now) else local_date(now)
        window = reply_window(sent_on, rules.reply_window_days, rules.extend_to_working_day, conference.day)
        return Timeline(conference.starts_at, notice, window, None)
    return Timeline(conference.starts_at, notice, current.window, current.numero)


# --- ordre du jour ---------------------------------------------------------------------------------------------


class Etat(str, Enum):
    BROUILLON = "brouillon"
    PROPOSE = "propose"
    FIXE = "fixe"


class ModeFixation(str, Enum):
    TACITE = "tacite"  # the window closed with no avis (or only favourable ones, when they do not block)
    PRESIDENT = "president"  # fixed by the président after an avis (or a hors-délai proposal)


@dataclass(frozen=True)
class Version:
    """A proposal as sent: frozen points and the reply window opened by the sending (rules frozen with it)."""

    numero: int
    points: tuple[str, ...]
    sent_at: datetime
    sent_by: str
    hors_delai: bool  # sent after the notice deadline, by the président
    window_days: int
    extend_to_working_day: bool
    conference_day: date | None = None  # the window ends at the latest on its eve (filled from the conference)
    avis_favorable_bloque: bool = True  # whether a favourable avis on this version stops its tacit fixing

    @property
    def window(self) -> Deadline:
        return reply_window(local_date(self.sent_at), self.window_days, self.extend_to_working_day,
                            self.conference_day)


@dataclass(frozen=True)
class Avis:
    version: int
    auteur: str  # matrix id
    texte: str  # may be empty for a favourable avis
    at: datetime
    favorable: bool = False  # an "avis favorable"; otherwise an avis with remarks or reservations


@dataclass(frozen=True)
class Fixation:
    """How and when a version was fixed; tacit: `at` is the end of the window and `day` its last day."""

    version: int
    mode: ModeFixation
    at: datetime
    day: date
    by: str | None  # the président's matrix id; None when tacit


@dataclass(frozen=True)
class OrdreDuJour:
    """The agenda of one conference. `brouillon` holds the draft's points (state BROUILLON, possibly derived from
    the last version after an avis); `versions` every proposal sent, numbered from 1."""

    etat: Etat = Etat.BROUILLON
    brouillon: tuple[str, ...] = ()
    versions: tuple[Version, ...] = ()
    avis: tuple[Avis, ...] = ()
    fixation: Fixation | None = None

    @property
    def current(self) -> Version | None:
        """The last version sent."""
        return self.versions[-1] if self.versions else None

    @property
    def points(self) -> tuple[str, ...]:
        """The points to show: the draft's, else those of the last version."""
        return self.brouillon if self.etat is Etat.BROUILLON else self.current.points

    @property
    def avis_en_cours(self) -> tuple[Avis, ...]:
        """The avis given on the last version."""
        current = self.current
        return tuple(a for a in self.avis if current is not None and a.version == current.numero)

    @property
    def avis_bloquants(self) -> tuple[Avis, ...]:
        """The avis on the last version that stop its tacit fixing: all of them, or only those not favourable when
        the version was sent under `avis_favorable_bloque = false`."""
        current = self.current
        if current is not None and not current.avis_favorable_bloque:
            return tuple(a for a in self.avis_en_cours if not a.favorable)
        return self.avis_en_cours

    @property
    def tacit_fixing_at(self) -> datetime | None:
        """When the agenda will fix itself (end of the window), or None (not proposed, or a blocking avis)."""
        if self.etat is not Etat.PROPOSE or self.avis_bloquants:
            return None
        return self.current.window.closes_at()

    # draft editing

    def ajouter(self, titre: str, *, roles: Iterable[str]) -> OrdreDuJour:
        """Append a point to the draft."""
        self._check_draft(roles)
        titre = titre.strip()
        if not titre:
            raise AgendaError(Reason.EMPTY_TITLE)
        return replace(self, brouillon=self.brouillon + (titre,))

    def retirer(self, numero: int, *, roles: Iterable[str]) -> OrdreDuJour:
        """Remove point `numero` (from 1) of the draft."""
        self._check_draft(roles)
        index = self._index(numero)
        return replace(self, brouillon=self.brouillon[:index] + self.brouillon[index + 1:])

    def deplacer(self, numero: int, position: int, *, roles: Iterable[str]) -> OrdreDuJour:
        """Move point `numero` so that it becomes point `position` (both from 1)."""
        self._check_draft(roles)
        index = self._index(numero)
        count = len(self.brouillon)
        if not 1 <= position <= count:
            raise AgendaError(Reason.BAD_POSITION, position=position, count=count)
        points = list(self.brouillon)
        points.insert(position - 1, points.pop(index))
        return replace(self, brouillon=tuple(points))

    def _check_draft(self, roles: Iterable[str]) -> None:
        check_allowed(Action.ODJ_MODIFIER, roles)
        self._check_state(Etat.BROUILLON)

    def _check_state(self, wanted: Etat) -> None:
        if self.etat is Etat.FIXE:
            raise AgendaError(Reason.LOCKED)
        if self.etat is not wanted:
            raise AgendaError(Reason.NOT_DRAFT if wanted is Etat.BROUILLON else Reason.NOT_PROPOSED)

    def _index(self, numero: int) -> int:
        if not 1 <= numero <= len(self.brouillon):
            raise AgendaError(Reason.NO_SUCH_POINT, numero=numero, count=len(self.brouillon))
        return numero - 1

    # proposal, replies, fixing

    def envoyer(self, *, by: str, roles: Iterable[str], now: datetime, conference: Conference, rules: AgendaRules,
                hors_delai: bool = False) -> OrdreDuJour:
        """Freeze the draft as the next version and open its reply window.

        The first sending after the notice deadline is refused (NOTICE_PASSED) unless `hors_delai` is asked, which
        only the président may do; the version then records it. A new version after an avis is not late: the
        notice was met by the first one. `hors_delai` asked while the agenda can be sent normally (before the
        deadline, or a new version) is refused (NOT_LATE): the comité technique sends it.
        """
        check_allowed(Action.ODJ_ENVOYER_HORS_DELAI if hors_delai else Action.ODJ_ENVOYER, roles)
        self._check_state(Etat.BROUILLON)
        if conference.cancelled:
            raise AgendaError(Reason.CANCELLED)
        if require_aware(now) >= conference.starts_at:
            raise AgendaError(Reason.CONFERENCE_STARTED)
        if not self.brouillon:
            raise AgendaError(Reason.EMPTY_AGENDA)
        notice = notice_deadline(conference, rules)
        late = not self.versions and not notice.is_open(now)
        if late and not hors_delai:
            raise AgendaError(Reason.NOTICE_PASSED, notice=notice)
        if hors_delai and not late:  # README: hors délai is the président's sending after J-30, and is recorded
            raise AgendaError(Reason.NOT_LATE, notice=notice, resend=bool(self.versions))
        version = Version(
            numero=len(self.versions) + 1,
            points=self.brouillon,
            sent_at=now,
            sent_by=by,
            hors_delai=late,
            window_days=rules.reply_window_days,
            extend_to_working_day=rules.extend_to_working_day,
            conference_day=conference.day,
            avis_favorable_bloque=rules.avis_favorable_bloque,
        )
        return replace(self, etat=Etat.PROPOSE, brouillon=(), versions=self.versions + (version,))

    def donner_avis(self, texte: str, *, by: str, roles: Iterable[str], now: datetime,
                    favorable: bool = False) -> OrdreDuJour:
        """Record a representative's avis on the current version while its window is open; a favourable one may
        have no text."""
        check_allowed(Action.ODJ_AVIS, roles)
        self._check_state(Etat.PROPOSE)
        window = self.current.window
        if not window.is_open(now):
            raise AgendaError(Reason.WINDOW_CLOSED, window=window)
        texte = texte.strip()
        if not texte and not favorable:
            raise AgendaError(Reason.EMPTY_TEXT)
        return replace(self, avis=self.avis + (Avis(self.current.numero, by, texte, now, favorable),))

    def amender(self, *, roles: Iterable[str]) -> OrdreDuJour:
        """Back to a draft holding the current version's points, after an avis on it."""
        check_allowed(Action.ODJ_AMENDER, roles)
        self._check_state(Etat.PROPOSE)
        if not self.avis_en_cours:
            raise AgendaError(Reason.NO_AVIS)
        return replace(self, etat=Etat.BROUILLON, brouillon=self.current.points)

    def fixer(self, *, by: str, roles: Iterable[str], now: datetime) -> OrdreDuJour:
        """Fix the current version by the président: after an avis on it that stops its tacit fixing, or when it was
        sent hors délai."""
        check_allowed(Action.ODJ_FIXER, roles)
        self._check_state(Etat.PROPOSE)
        if not self.avis_bloquants and not self.current.hors_delai:
            raise AgendaError(Reason.NO_AVIS)
        fixation = Fixation(self.current.numero, ModeFixation.PRESIDENT, now, local_date(now), by)
        return replace(self, etat=Etat.FIXE, fixation=fixation)

    def fixer_tacitement(self, now: datetime) -> OrdreDuJour:
        """Fix the current version once its window has closed with no avis that stops it, dated at the end of the
        window (also right for a fixing that fell due while the bot was down)."""
        self._check_state(Etat.PROPOSE)
        if self.avis_bloquants:
            raise AgendaError(Reason.AVIS_GIVEN)
        window = self.current.window
        if window.is_open(now):
            raise AgendaError(Reason.WINDOW_OPEN, window=window)
        fixation = Fixation(self.current.numero, ModeFixation.TACITE, window.closes_at(), window.effective, None)
        return replace(self, etat=Etat.FIXE, fixation=fixation)

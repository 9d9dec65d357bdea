"""The model of the minutes (procès-verbal) of a séance: every fact the compte rendu as a document states, taken
from what the séance recorded, names resolved from the config. `minutes_document.py` lays it out for the PDF and
ODT renderers.

Counts, as the minutes of a council state them: members in office (en exercice) are the titular seats of the
conference (two per member, convention art. 4-2); présents are the representatives who came to sit at some point
(titulaires and suppléants); représentés and votants are the titular seats voted by pouvoir, and voted at all, at
the closing (or now, while the séance sits). Each vote also carries its own counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from tno_bot.config import Config
from tno_bot.domain.attendance import Basis, PouvoirEnd, Status, presences, voting_rights
from tno_bot.domain.calendar import PARIS
from tno_bot.domain.voting import Counts, Outcome
from tno_bot.i18n import french_text


@dataclass(frozen=True)
class PouvoirFact:
    mandant: str
    mandataire: str
    given_at: datetime
    before_seance: bool  # given before the séance opened (carried into it)
    recorded_by: str | None  # who recorded a pouvoir handed in on paper; None when given by the mandant
    end: PouvoirEnd | None = None
    ended_at: datetime | None = None


@dataclass(frozen=True)
class ItemMinutes:
    """A point of the fixed agenda and, when it was put to the vote, how the vote went."""

    numero: int
    title: str
    vote_title: str | None = None  # when the vote's wording differs from the point's
    decision: str | None = None  # "TNO 2025-01" when adopted
    opened_at: datetime | None = None
    closed_at: datetime | None = None  # None while the vote is open
    rule: str | None = None  # the rule applied, as recorded ("unanimite")
    outcome: Outcome | None = None
    counts: Counts | None = None
    by_member: tuple[tuple[str, Counts], ...] = ()  # member's name, its counts
    by_pouvoir: tuple[tuple[str, str], ...] = ()  # voter, seat (titulaire) voted by pouvoir
    by_suppleance: tuple[tuple[str, str], ...] = ()  # suppléant, titulaire replaced

    @property
    def voted(self) -> bool:
        return self.opened_at is not None


@dataclass(frozen=True)
class MinutesModel:
    entente: str
    conference: int
    day: date  # of the séance, Paris
    lieu: str
    opened_at: datetime
    closed_at: datetime | None
    president: tuple[str, ...]
    secretaire: str | None
    en_exercice: int
    presents: int
    representes: int
    votants: int
    presents_names: tuple[tuple[str, datetime | None], ...]  # name, left at (None: stayed)
    excuses: tuple[str, ...]
    absents: tuple[str, ...]
    staff: tuple[str, ...]
    pouvoirs: tuple[PouvoirFact, ...]
    quorum_per_member: int
    present_by_member: tuple[tuple[str, int], ...]  # member's name, representatives who came
    pauses: tuple[tuple[datetime, datetime | None], ...]
    agenda_version: int
    decision_rule: str  # the reading of unanimity the config applies (`[rules] decision_rule`)
    items: tuple[ItemMinutes, ...]
    notes: tuple[tuple[str, datetime, str], ...]  # author, time, text
    president_absent: tuple[str, ...] = ()  # the président in whose absence `president` presided
    presidence_absent: str = ""  # the config's choice of who presides then (`[rules] presidence_absent`)

    @property
    def quorum_reached(self) -> bool:
        return all(n >= self.quorum_per_member for _, n in self.present_by_member)


PRESIDENCE_WORDS = {  # `[rules] presidence_absent`, in the words of the minutes
    "vice_president": "présidence par le vice-président, règle de la conférence",
    "doyen": "présidence par le doyen d'âge des représentants présents, règle de la conférence",
}


def presidency_note(absent: Sequence[str], rule: str) -> str:
    """", en l'absence de … (…)" when someone presided in place of the président (`absent`: the président's
    names), with the conference's rule; "" otherwise."""
    if not absent:
        return ""
    return french_text(", en l'absence de {names} ({rule})", names=", ".join(absent),
                       rule=french_text(PRESIDENCE_WORDS[rule]) if rule in PRESIDENCE_WORDS else rule)


ENTENTE = "Entente intercommunale Territoire Numérique Ouvert"


def minutes_model(record, config: Config) -> MinutesModel:
    """The model of the minutes of a stored séance (`app.seance.SeanceRecord`)."""
    conference, seance, attendance = record.conference, record.seance, record.attendance
    name = config.display_name
    cast = attendance.cast
    representatives = [r.matrix_id for r in cast.representatives]
    came = presences(attendance)
    rights = voting_rights(attendance)
    member_name = {m.id: m.name for m in config.members}
    return MinutesModel(
        entente=ENTENTE,
        conference=conference.id,
        day=seance.opened_at.astimezone(PARIS).date(),
        lieu=conference.lieu,
        opened_at=seance.opened_at,
        closed_at=seance.closed_at,
        president=(name(seance.presided_by),) if seance.presided_by else tuple(name(p) for p in config.roles.president),
        president_absent=tuple(name(p) for p in config.roles.president) if seance.presided_by else (),
        presidence_absent=config.rules.presidence_absent if seance.presided_by else "",
        secretaire=name(seance.secretaire) if seance.secretaire else None,
        en_exercice=len(cast.titulaires()),
        presents=sum(1 for p in representatives if p in came),
        representes=sum(1 for s in rights.seats if s.by_pouvoir),
        votants=sum(1 for s in rights.seats if not s.vacant),
        presents_names=tuple((name(p), came[p].left) for p in representatives if p in came),
        excuses=tuple(name(p) for p in representatives if p not in came and attendance.status(p) is Status.EXCUSE),
        absents=tuple(name(p) for p in representatives if p not in came and attendance.status(p) is Status.ABSENT),
        staff=tuple(name(s) for s in cast.staff if s in came),
        pouvoirs=tuple(PouvoirFact(name(p.mandant), name(p.mandataire), p.given_at, p.given_at < seance.opened_at,
                                   None if p.given_by == p.mandant else name(p.given_by), p.end, p.ended_at)
                       for p in attendance.pouvoirs),
        quorum_per_member=cast.quorum_per_member,
        present_by_member=tuple((member_name.get(m, m), sum(1 for r in cast.representatives
                                                            if r.member == m and r.matrix_id in came))
                                for m in cast.members),
        pauses=tuple((p.suspended_at, p.resumed_at) for p in seance.pauses),
        agenda_version=seance.agenda_version,
        decision_rule=config.rules.decision_rule,
        items=_items(seance.points, record.votes, config),
        notes=tuple((name(n.author), n.at, n.text) for n in record.notes),
    )


def _items(points: Sequence[str], votes: Sequence, config: Config) -> tuple[ItemMinutes, ...]:
    by_item = {v.vote.item: v for v in votes}
    items = []
    for numero, title in enumerate(points, 1):
        stored = by_item.get(numero)
        if stored is None:
            items.append(ItemMinutes(numero, title))
            continue
        vote, result = stored.vote, stored.result
        counted = vote.counted().values()
        pairs = {basis: tuple((config.display_name(b.voter), config.display_name(b.seat))
                              for b in counted if b.basis is basis) for basis in (Basis.POUVOIR, Basis.SUPPLEANCE)}
        pairs[Basis.SUPPLEANCE] += tuple((config.display_name(b.voter),
                                          french_text("{seat} (par pouvoir d'un suppléant)",
                                                      seat=config.display_name(b.seat)))
                                         for b in counted if b.basis is Basis.POUVOIR_SUPPLEANT)
        items.append(ItemMinutes(
            numero, title,
            vote_title=vote.title if vote.title != title else None,
            decision=str(stored.decision) if stored.decision is not None else None,
            opened_at=vote.opened_at,
            closed_at=vote.closed_at,
            rule=result.rule if result else None,
            outcome=result.outcome if result else None,
            counts=result.counts if result else None,
            by_member=tuple((m.name if (m := config.member(mid)) else mid, c)
                            for mid, c in result.by_member.items()) if result else (),
            by_pouvoir=pairs[Basis.POUVOIR],
            by_suppleance=pairs[Basis.SUPPLEANCE],
        ))
    return tuple(items)

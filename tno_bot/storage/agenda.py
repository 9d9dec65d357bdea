"""The ordre du jour of a conference: rows <-> the domain's `OrdreDuJour`.

Versions and avis are append-only (a version sent is frozen with its points); the draft's points are rewritten;
the state and the fixation live in the `agenda` row.
"""

from __future__ import annotations

from sqlmodel import Session, col, delete, select

from tno_bot.domain.agenda import Avis, Etat, Fixation, ModeFixation, OrdreDuJour, Version

from .tables import PROPOSE, AgendaAvis, AgendaPoint, AgendaRow, AgendaVersion, ConferenceRow


def _agenda_row(session: Session, conference_id: int) -> AgendaRow:
    row = session.get(AgendaRow, conference_id)
    if row is None:
        raise LookupError(f"no agenda for conference {conference_id}")
    return row


def load_agenda(session: Session, conference_id: int) -> OrdreDuJour:
    """The agenda of a stored conference, rebuilt from its rows; LookupError when the conference is unknown."""
    row = _agenda_row(session, conference_id)
    points = session.exec(select(AgendaPoint).where(AgendaPoint.conference_id == conference_id)
                          .order_by(AgendaPoint.version, AgendaPoint.position)).all()
    by_version: dict[int | None, list[str]] = {}
    for point in points:
        by_version.setdefault(point.version, []).append(point.title)
    conference_day = session.get(ConferenceRow, conference_id).day  # a window ends at the latest on its eve
    versions = tuple(
        Version(v.numero, tuple(by_version.get(v.numero, ())), v.sent_at, v.sent_by, v.hors_delai, v.window_days,
                v.extend_to_working_day, conference_day, v.avis_favorable_bloque)
        for v in session.exec(select(AgendaVersion).where(AgendaVersion.conference_id == conference_id)
                              .order_by(AgendaVersion.numero))
    )
    avis = tuple(
        Avis(a.version, a.author, a.text, a.at, a.favorable)
        for a in session.exec(select(AgendaAvis).where(AgendaAvis.conference_id == conference_id)
                              .order_by(AgendaAvis.at, AgendaAvis.id))
    )
    fixation = None
    if row.fixed_version is not None:
        fixation = Fixation(row.fixed_version, ModeFixation(row.fixed_mode), row.fixed_at, row.fixed_day,
                            row.fixed_by)
    return OrdreDuJour(Etat(row.etat), tuple(by_version.get(None, ())), versions, avis, fixation)


def save_agenda(session: Session, conference_id: int, odj: OrdreDuJour) -> None:
    """Write `odj` over the stored agenda: new versions and avis appended, the draft rewritten, state and fixation
    updated. A stored version or avis is never changed."""
    row = _agenda_row(session, conference_id)
    stored = load_agenda(session, conference_id)
    if odj.versions[:len(stored.versions)] != stored.versions or odj.avis[:len(stored.avis)] != stored.avis:
        raise ValueError(f"agenda of conference {conference_id}: a version or an avis already stored would change")
    for version in odj.versions[len(stored.versions):]:
        session.add(AgendaVersion(conference_id=conference_id, numero=version.numero, sent_at=version.sent_at,
                                  sent_by=version.sent_by, hors_delai=version.hors_delai,
                                  window_days=version.window_days,
                                  extend_to_working_day=version.extend_to_working_day,
                                  avis_favorable_bloque=version.avis_favorable_bloque))
        session.add_all(AgendaPoint(conference_id=conference_id, version=version.numero, position=i, title=title)
                        for i, title in enumerate(version.points, 1))
    for avis in odj.avis[len(stored.avis):]:
        session.add(AgendaAvis(conference_id=conference_id, version=avis.version, author=avis.auteur, text=avis.texte,
                               at=avis.at, favorable=avis.favorable))
    if odj.brouillon != stored.brouillon:
        session.exec(delete(AgendaPoint).where(AgendaPoint.conference_id == conference_id,
                                               col(AgendaPoint.version).is_(None)))
        session.add_all(AgendaPoint(conference_id=conference_id, version=None, position=i, title=title)
                        for i, title in enumerate(odj.brouillon, 1))
    row.etat = odj.etat.value
    fixation = odj.fixation
    row.fixed_version = fixation.version if fixation else None
    row.fixed_mode = fixation.mode.value if fixation else None
    row.fixed_at = fixation.at if fixation else None
    row.fixed_day = fixation.day if fixation else None
    row.fixed_by = fixation.by if fixation else None
    session.add(row)
    session.flush()


def proposed_agendas(session: Session) -> list[int]:
    """The conferences, not cancelled, whose agenda is proposed (waiting for replies)."""
    query = (select(AgendaRow.conference_id).join(ConferenceRow, ConferenceRow.id == AgendaRow.conference_id)
             .where(AgendaRow.etat == PROPOSE, ConferenceRow.cancelled == False)  # noqa: E712
             .order_by(AgendaRow.conference_id))
    return list(session.exec(query))

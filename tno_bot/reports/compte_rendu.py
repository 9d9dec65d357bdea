"""The compte rendu (minutes) of a séance, in French, modelled on the minutes of the conference of 7 November 2022.

One structure (`Block`s) rendered three ways: Markdown (the file posted and written by `tno-bot cr`), a plain body
and the HTML of the message. The minutes are an official French document: they are in French whatever the room's
language. User texts (titles, notes) are escaped in the Markdown and the HTML.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from tno_bot.config import Config
from tno_bot.domain.agenda import Conference
from tno_bot.domain.attendance import Attendance, Basis, PouvoirEnd, Status, presences
from tno_bot.domain.calendar import PARIS
from tno_bot.domain.seance import Seance
from tno_bot.i18n import french_text as _fr
from tno_bot.i18n import translator
from tno_bot.reports.message import Attachment
from tno_bot.reports.minutes_model import presidency_note
from tno_bot.reports.seance import counts_text, outcome_label, rule_text, without_pour_warning
from tno_bot.reports.text import Block, Text

MARKDOWN_MIMETYPE = "text/markdown"


def heure(instant: datetime) -> str:
    """"10 h 05", Paris time."""
    return translator("fr").time(instant.astimezone(PARIS).time())


def _jour(instant: datetime) -> str:
    """"6 novembre 2025", Paris time."""
    return translator("fr").date(instant.astimezone(PARIS).date(), format="long")


@dataclass(frozen=True)
class Minutes:
    """The compte rendu as a document: Markdown for the file, `plain` and `html` for the message."""

    text: Text
    filename: str

    @property
    def markdown(self) -> str:
        return self.text.markdown

    @property
    def plain(self) -> str:
        return self.text.document

    @property
    def html(self) -> str:
        return self.text.html

    @property
    def data(self) -> bytes:
        return self.markdown.encode("utf-8")

    @property
    def attachment(self) -> Attachment:
        return Attachment(self.filename, MARKDOWN_MIMETYPE, self.data)


def _names(ids: Sequence[str], config: Config) -> str:
    return ", ".join(config.display_name(i) for i in ids)


def _attendance_lines(attendance: Attendance, seance: Seance, config: Config) -> list[Block]:
    cast = attendance.cast
    representatives = [r.matrix_id for r in cast.representatives]
    ever_present = presences(attendance)

    def present_name(person: str) -> str:
        name = config.display_name(person)
        if ever_present[person].left is not None:
            name += _fr(" (jusqu'à {heure})", heure=heure(ever_present[person].left))
        return name

    presents = [present_name(p) for p in representatives if p in ever_present]
    excuses = [p for p in representatives if p not in ever_present and attendance.status(p) is Status.EXCUSE]
    absents = [p for p in representatives if p not in ever_present and attendance.status(p) is Status.ABSENT]
    staff = [present_name(s) for s in cast.staff if s in ever_present]
    blocks = [Block("p", _fr("Présents : {names}", names=", ".join(presents) or "aucun"))]
    if excuses:
        blocks.append(Block("p", _fr("Absences excusées : {names}", names=_names(excuses, config))))
    if absents:
        blocks.append(Block("p", _fr("Absences non excusées : {names}", names=_names(absents, config))))
    pouvoirs = []
    for p in attendance.pouvoirs:
        given = _fr("à {heure}", heure=heure(p.given_at))
        if p.given_at < seance.opened_at:
            given = _fr("le {jour} {given}, avant la séance", jour=_jour(p.given_at), given=given)
        given = _fr("donné {given}", given=given) if p.given_by == p.mandant else _fr(
            "pouvoir écrit remis au secrétariat, enregistré par {name} {given}", name=config.display_name(p.given_by),
            given=given)
        line = _fr("{mandant} à {mandataire} ({given})", mandant=config.display_name(p.mandant),
                   mandataire=config.display_name(p.mandataire), given=given)
        if p.end is PouvoirEnd.RETIRE:
            line += f", retiré à {heure(p.ended_at)}"
        elif p.end is PouvoirEnd.MANDANT_PRESENT:
            line += _fr(", caduc à {heure} : {mandant} siège en personne", heure=heure(p.ended_at),
                        mandant=config.display_name(p.mandant))
        pouvoirs.append(line)
    if pouvoirs:
        blocks.append(Block("p", _fr("Pouvoirs :")))
        blocks.append(Block("ul", items=tuple(pouvoirs)))
    else:
        blocks.append(Block("p", _fr("Pouvoirs : aucun")))
    if staff:
        blocks.append(Block("p", _fr("Représentant l'administration : {names}", names=", ".join(staff))))
    return blocks


def compte_rendu(conference: Conference, seance: Seance, attendance: Attendance, votes: Sequence, notes: Sequence,
                 config: Config) -> Minutes:
    """The minutes of `seance` from what was recorded: `votes` are `storage.StoredVote`s, `notes` `storage.Note`s."""
    fr = translator("fr")
    day = conference.day  # the conference's date, the date of its decisions, even for a séance opened another day
    blocks: list[Block] = [
        Block("h1", "Entente intercommunale Territoire Numérique Ouvert"),
        Block("h2", f"Compte rendu de la conférence intercommunale du {fr.date(day, format='long')}"),
        Block("hr"),
    ]
    blocks.append(Block("p", _fr("Conférence n°\u00a0{id}{lieu}.", id=conference.id,
                                 lieu=f", {conference.lieu}" if conference.lieu else "")))
    if not seance.closed:
        blocks.append(Block("p", _fr("Compte rendu provisoire : la séance n'est pas close.")))
    opened_on = seance.opened_at.astimezone(PARIS).date()
    if opened_on != day:
        blocks.append(Block("p", _fr("Séance ouverte le {jour} et non le jour de la conférence, pour le motif suivant : "
                                     "{motif}.", jour=fr.date(opened_on, format="full"),
                                     motif=seance.other_day_reason or "non consigné")))
    blocks.append(Block("p", _fr("Ouverture de séance : {heure}", heure=heure(seance.opened_at))))
    if seance.presided_by:
        blocks.append(Block("p", _fr("Présidence de séance : {names}", names=_names((seance.presided_by,), config))
                            + presidency_note([config.display_name(p) for p in config.roles.president],
                                              config.rules.presidence_absent)))
    elif config.roles.president:
        blocks.append(Block("p", _fr("Présidence de séance : {names}", names=_names(config.roles.president, config))))
    blocks += _attendance_lines(attendance, seance, config)
    for pause in seance.pauses:
        end = f" à {heure(pause.resumed_at)}" if pause.resumed_at else " (non reprise)"
        blocks.append(Block("p", f"Séance suspendue de {heure(pause.suspended_at)}{end}."))
    blocks.append(Block("p", f"Ordre du jour fixé (version {seance.agenda_version}), {len(seance.points)} point"
                             f"{'s' if len(seance.points) > 1 else ''}."))
    by_item = {v.vote.item: v for v in votes}
    numero = 0
    for numero, title in enumerate(seance.points, 1):
        stored = by_item.get(numero)
        heading = f"{numero}/ {title}"
        if stored is not None and stored.decision is not None:
            heading = _fr("{numero}/ Décision {decision} : {title}", numero=numero, decision=stored.decision,
                          title=title)
        blocks.append(Block("h3", heading))
        blocks += _item_blocks(stored, title, config)
    blocks.append(Block("h3", f"{numero + 1}/ Questions diverses"))
    if notes:
        blocks.append(Block("ul", items=tuple(f"{n.text} ({config.display_name(n.author)}, {heure(n.at)})"
                                              for n in notes)))
    else:
        blocks.append(Block("p", _fr("Aucune question diverse n'a été consignée.")))
    if seance.closed:
        blocks.append(Block("p", _fr("Fin de séance : {heure}", heure=heure(seance.closed_at))))
    return Minutes(Text(blocks), f"compte-rendu-{day.isoformat()}.md")


def _item_blocks(stored, title: str, config: Config) -> list[Block]:
    fr = translator("fr")
    if stored is None:
        return [Block("p", "Point non soumis au vote.")]
    vote = stored.vote
    blocks = []
    if vote.title != title:
        blocks.append(Block("p", _fr("Intitulé du vote : {title}", title=vote.title)))
    if vote.mission is not None and (mission := config.mission(vote.mission)) is not None:
        blocks.append(Block("p", _fr("Décision concernant la mission « {mission} » : seuls ses membres la votent et "
                                     "la ratifient.", mission=mission.name)))
    if stored.result is None:
        blocks.append(Block("p", f"Vote ouvert à {heure(vote.opened_at)}, en cours."))
        return blocks
    result = stored.result
    blocks.append(Block("p", f"Vote ouvert à {heure(vote.opened_at)}, clos à {heure(vote.closed_at)}."))
    subject = f"La décision {stored.decision}" if stored.decision is not None else "La proposition"
    wording = f"{subject} est {outcome_label(result.outcome, fr)} ({counts_text(result.counts, fr)})."
    blocks.append(Block("p", wording))
    if warning := without_pour_warning(result.outcome, result.by_member, config, fr):
        blocks.append(Block("p", warning))
    blocks.append(Block("p", rule_text(result.rule, fr)))
    blocks.append(Block("ul", items=tuple(
        _fr("{member} : {counts}", member=config.member_name(m), counts=counts_text(c, fr))
        for m, c in result.by_member.items())))
    counted = vote.counted().values()
    proxies = [f"{config.display_name(b.voter)} pour {config.display_name(b.seat)}"
               for b in counted if b.basis is Basis.POUVOIR]
    if proxies:
        blocks.append(Block("p", _fr("Votes par pouvoir : {names}.", names=", ".join(proxies))))
    replacing = [f"{config.display_name(b.voter)} pour {config.display_name(b.seat)}"
                 + (" " + _fr("(par pouvoir d'un suppléant)") if b.basis is Basis.POUVOIR_SUPPLEANT else "")
                 for b in counted if b.basis in (Basis.SUPPLEANCE, Basis.POUVOIR_SUPPLEANT)]
    if replacing:
        blocks.append(Block("p", _fr("Suppléances : {names}.", names=", ".join(replacing))))
    return blocks


def minutes(record, config: Config) -> Minutes:
    """The minutes of a stored séance; `record` holds its conference, seance, attendance, votes and notes
    (`app.seance.SeanceRecord`)."""
    return compte_rendu(record.conference, record.seance, record.attendance, record.votes, record.notes, config)

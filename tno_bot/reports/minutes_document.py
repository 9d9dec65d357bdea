"""The compte rendu as a document to file and sign (PDF, ODT): the model of the minutes laid out as the public
minutes of a council are, in French whatever the room's language (an official document). Every template goes through
`french_text` (French typography and grammar) before the values, user text among them, are put in unchanged."""

from __future__ import annotations

from tno_bot.domain.attendance import PouvoirEnd
from tno_bot.domain.calendar import PARIS
from tno_bot.i18n import french_text as _fr
from tno_bot.i18n import translator
from tno_bot.reports.compte_rendu import heure
from tno_bot.reports.document import Document
from tno_bot.reports.message import Attachment
from tno_bot.reports.minutes_model import ItemMinutes, MinutesModel, PouvoirFact, minutes_model, presidency_note
from tno_bot.reports.rendering import FORMATS, document_files
from tno_bot.reports.seance import counts_text, outcome_label, rule_text
from tno_bot.reports.text import Block

FR = translator("fr")
RULE_WORDS = {"unanimite": "unanimité des suffrages exprimés", "unanimite_membres": "unanimité des membres"}


def _names(names) -> str:
    return ", ".join(names) or "aucun"


def _pouvoir(p: PouvoirFact) -> str:
    given = _fr("à {heure}", heure=heure(p.given_at))
    if p.before_seance:
        jour = FR.date(p.given_at.astimezone(PARIS).date(), format="long")
        given = _fr("le {jour} {given}, avant la séance", jour=jour, given=given)
    how = (_fr("remis par écrit, enregistré par {by}", by=p.recorded_by) if p.recorded_by
           else _fr("donné par le mandant"))
    line = _fr("{mandant} à {mandataire} ({how} {given})", mandant=p.mandant, mandataire=p.mandataire, how=how,
               given=given)
    if p.end is PouvoirEnd.RETIRE:
        line += _fr(", retiré à {heure}", heure=heure(p.ended_at))
    elif p.end is PouvoirEnd.MANDANT_PRESENT:
        line += _fr(", caduc à {heure} : {mandant} est venu(e) siéger", heure=heure(p.ended_at), mandant=p.mandant)
    return line


def _item(item: ItemMinutes) -> list[Block]:
    heading = (_fr("{numero}/ Décision {decision} : {title}", numero=item.numero, decision=item.decision,
                   title=item.title) if item.decision
               else _fr("{numero}/ {title}", numero=item.numero, title=item.title))
    blocks = [Block("h3", heading)]
    if not item.voted:
        return blocks + [Block("p", _fr("Point non soumis au vote."))]
    if item.vote_title:
        blocks.append(Block("p", _fr("Intitulé du vote : {title}", title=item.vote_title)))
    if item.closed_at is None:
        return blocks + [Block("p", _fr("Vote ouvert à {heure}, en cours.", heure=heure(item.opened_at)))]
    blocks.append(Block("p", _fr("Vote ouvert à {opened}, clos à {closed}.", opened=heure(item.opened_at),
                                 closed=heure(item.closed_at))))
    counts = item.counts
    blocks.append(Block("p", _fr("Votants : {votants} — suffrages exprimés : {exprimes} — {counts}.",
                                 votants=counts.votants, exprimes=counts.exprimes, counts=counts_text(counts, FR))))
    blocks.append(Block("ul", items=tuple(_fr("{member} : {counts}", member=member, counts=counts_text(c, FR))
                                          for member, c in item.by_member)))
    for label, ballots in (("Votes par pouvoir : {ballots}.", item.by_pouvoir),
                           ("Suppléances : {ballots}.", item.by_suppleance)):
        if ballots:
            blocks.append(Block("p", _fr(label, ballots=", ".join(_fr("{voter} pour {seat}", voter=v, seat=s)
                                                                  for v, s in ballots))))
    rule = RULE_WORDS.get(item.rule, item.rule)
    subject = _fr("La décision {decision}", decision=item.decision) if item.decision else _fr("La proposition")
    blocks.append(Block("p", _fr("Règle appliquée : {rule}. {subject} est {outcome} ({counts}).", rule=rule,
                                 subject=subject, outcome=outcome_label(item.outcome, FR),
                                 counts=counts_text(counts, FR))))
    return blocks


def minutes_document(model: MinutesModel) -> Document:
    """The compte rendu of `model`, with its signature block (président and secrétaire de séance)."""
    day = FR.date(model.day, format="full")
    title = _fr("Compte rendu de la conférence intercommunale du {day}", day=day)
    blocks = [Block("h1", model.entente), Block("h2", title), Block("hr")]
    if model.closed_at is None:
        blocks.append(Block("p", _fr("Compte rendu provisoire : la séance n'est pas close.")))
    where = _fr(", {lieu}", lieu=model.lieu) if model.lieu else ""
    closing = _fr(" — clôture : {heure}", heure=heure(model.closed_at)) if model.closed_at else ""
    blocks += [
        Block("p", _fr("Conférence n° {conference}, le {day}{where}, sur convocation de son président.",
                       conference=model.conference, day=day, where=where)),
        Block("p", _fr("Ouverture de séance : {heure}{closing}", heure=heure(model.opened_at), closing=closing)),
        Block("p", _fr("Président de séance : {names}", names=_names(model.president))
                   + presidency_note(model.president_absent, model.presidence_absent)),
        Block("p", _fr("Secrétaire de séance : {name}", name=model.secretaire or _fr("non désigné(e)"))),
        Block("p", _fr("Membres en exercice : {en_exercice} — présents : {presents} — représentés : {representes} — "
                       "votants : {votants}", en_exercice=model.en_exercice, presents=model.presents,
                       representes=model.representes, votants=model.votants)),
        Block("p", _fr("Présents : {names}", names=_names(
            n + (_fr(" (jusqu'à {heure})", heure=heure(left)) if left else "") for n, left in model.presents_names))),
        Block("p", _fr("Excusé(e)s : {names}", names=_names(model.excuses))),
        Block("p", _fr("Absent(e)s : {names}", names=_names(model.absents))),
    ]
    if model.pouvoirs:
        blocks += [Block("p", _fr("Pouvoirs :")), Block("ul", items=tuple(_pouvoir(p) for p in model.pouvoirs))]
    else:
        blocks.append(Block("p", _fr("Pouvoirs : aucun")))
    if model.staff:
        blocks.append(Block("p", _fr("Représentant l'administration : {names}", names=_names(model.staff))))
    per_member = (_fr("un représentant") if model.quorum_per_member == 1
                  else _fr("{n} représentants", n=model.quorum_per_member))
    present = ", ".join(_fr("{member} : {n}", member=member, n=n) for member, n in model.present_by_member)
    reached = _fr("Le quorum est atteint") if model.quorum_reached else _fr("Le quorum n'est pas atteint")
    blocks.append(Block("p", _fr("Quorum : au moins {per_member} de chaque membre présent, les pouvoirs ne comptant "
                                 "pas. {reached} (représentants venus siéger — {present}) ; il est vérifié à "
                                 "l'ouverture et à la clôture de chaque vote.", per_member=per_member,
                                 reached=reached, present=present)))
    for suspended, resumed in model.pauses:
        end = _fr(" à {heure}", heure=heure(resumed)) if resumed else _fr(" (non reprise)")
        blocks.append(Block("p", _fr("Séance suspendue de {heure}{end}.", heure=heure(suspended), end=end)))
    points = len(model.items)
    blocks.append(Block("p", _fr("Ordre du jour fixé (version {version}), {points} point{s}. {rule}",
                                 version=model.agenda_version, points=points, s="s" if points > 1 else "",
                                 rule=rule_text(model.decision_rule, FR))))
    for item in model.items:
        blocks += _item(item)
    blocks.append(Block("h3", _fr("{numero}/ Questions diverses", numero=points + 1)))
    if model.notes:
        blocks.append(Block("ul", items=tuple(_fr("{text} ({author}, {heure})", text=text, author=author,
                                                  heure=heure(at)) for author, at, text in model.notes)))
    else:
        blocks.append(Block("p", _fr("Aucune question diverse n'a été consignée.")))
    if model.closed_at:
        blocks.append(Block("p", _fr("La séance est levée à {heure}.", heure=heure(model.closed_at))))
    signature = (_fr("Fait le {day}.", day=FR.date(model.day, format="long")), "",
                 _fr("Le président de séance"), _names(model.president), "", _fr("Le secrétaire de séance"),
                 model.secretaire or "")
    return Document(title, tuple(blocks), signature, f"compte-rendu-{model.day.isoformat()}")


def minutes_files(record, config, formats: tuple[str, ...] = FORMATS) -> tuple[Attachment, ...]:
    """The compte rendu of a stored séance (`app.seance.SeanceRecord`) as files: PDF and ODT by default."""
    return document_files(minutes_document(minutes_model(record, config)), formats)

"""The compte rendu as a document to file and sign (PDF, ODT): the model of the minutes laid out as the public
minutes of a council are, in French whatever the room's language (an official document)."""

from __future__ import annotations

from tno_bot.domain.attendance import PouvoirEnd
from tno_bot.domain.calendar import PARIS
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
    given = f"à {heure(p.given_at)}"
    if p.before_seance:
        given = f"le {FR.date(p.given_at.astimezone(PARIS).date(), format='long')} {given}"
    how = f"remis par écrit, enregistré par {p.recorded_by}" if p.recorded_by else "donné par le mandant"
    line = f"{p.mandant} à {p.mandataire} ({how} {given}{', avant la séance' if p.before_seance else ''})"
    if p.end is PouvoirEnd.RETIRE:
        line += f", retiré à {heure(p.ended_at)}"
    elif p.end is PouvoirEnd.MANDANT_PRESENT:
        line += f", caduc à {heure(p.ended_at)} : {p.mandant} est venu(e) siéger"
    return line


def _item(item: ItemMinutes) -> list[Block]:
    heading = f"{item.numero}/ " + (f"Décision {item.decision} : " if item.decision else "") + item.title
    blocks = [Block("h3", heading)]
    if not item.voted:
        return blocks + [Block("p", "Point non soumis au vote.")]
    if item.vote_title:
        blocks.append(Block("p", f"Intitulé du vote : {item.vote_title}"))
    if item.closed_at is None:
        return blocks + [Block("p", f"Vote ouvert à {heure(item.opened_at)}, en cours.")]
    blocks.append(Block("p", f"Vote ouvert à {heure(item.opened_at)}, clos à {heure(item.closed_at)}."))
    counts = item.counts
    blocks.append(Block("p", f"Votants : {counts.votants} — suffrages exprimés : {counts.exprimes} — "
                             f"{counts_text(counts, FR)}."))
    blocks.append(Block("ul", items=tuple(f"{member} : {counts_text(c, FR)}" for member, c in item.by_member)))
    if item.by_pouvoir:
        blocks.append(Block("p", "Votes par pouvoir : " + ", ".join(f"{v} pour {s}" for v, s in item.by_pouvoir)
                                 + "."))
    if item.by_suppleance:
        blocks.append(Block("p", "Suppléances : " + ", ".join(f"{v} pour {s}" for v, s in item.by_suppleance)
                                 + "."))
    rule = RULE_WORDS.get(item.rule, item.rule)
    subject = f"La décision {item.decision}" if item.decision else "La proposition"
    blocks.append(Block("p", f"Règle appliquée : {rule}. {subject} est {outcome_label(item.outcome, FR)} "
                             f"({counts_text(counts, FR)})."))
    return blocks


def minutes_document(model: MinutesModel) -> Document:
    """The compte rendu of `model`, with its signature block (président and secrétaire de séance)."""
    day = FR.date(model.day, format="full")
    blocks = [
        Block("h1", model.entente),
        Block("h2", f"Compte rendu de la conférence intercommunale du {day}"),
        Block("hr"),
    ]
    if model.closed_at is None:
        blocks.append(Block("p", "Compte rendu provisoire : la séance n'est pas close."))
    blocks += [
        Block("p", f"Conférence n°\u00a0{model.conference}, le {day}" + (f", {model.lieu}" if model.lieu else "")
                   + ", sur convocation de son président."),
        Block("p", f"Ouverture de séance : {heure(model.opened_at)}"
                   + (f" — clôture : {heure(model.closed_at)}" if model.closed_at else "")),
        Block("p", "Président de séance : " + _names(model.president)
                   + presidency_note(model.president_absent, model.presidence_absent)),
        Block("p", "Secrétaire de séance : " + (model.secretaire or "non désigné(e)")),
        Block("p", f"Membres en exercice : {model.en_exercice} — présents : {model.presents} — "
                   f"représentés : {model.representes} — votants : {model.votants}"),
        Block("p", "Présents : " + _names(n + (f" (jusqu'à {heure(left)})" if left else "")
                                          for n, left in model.presents_names)),
        Block("p", "Excusé(e)s : " + _names(model.excuses)),
        Block("p", "Absent(e)s : " + _names(model.absents)),
    ]
    if model.pouvoirs:
        blocks += [Block("p", "Pouvoirs :"), Block("ul", items=tuple(_pouvoir(p) for p in model.pouvoirs))]
    else:
        blocks.append(Block("p", "Pouvoirs : aucun"))
    if model.staff:
        blocks.append(Block("p", "Représentant l'administration : " + _names(model.staff)))
    per_member = "un représentant" if model.quorum_per_member == 1 else f"{model.quorum_per_member} représentants"
    present = ", ".join(f"{member} : {n}" for member, n in model.present_by_member)
    blocks.append(Block("p", f"Quorum : au moins {per_member} de chaque membre présent, les pouvoirs ne comptant pas. "
                             + ("Le quorum est atteint" if model.quorum_reached else "Le quorum n'est pas atteint")
                             + f" (représentants venus siéger — {present}) ; il est vérifié à l'ouverture et à la "
                               "clôture de chaque vote."))
    for suspended, resumed in model.pauses:
        end = f" à {heure(resumed)}" if resumed else " (non reprise)"
        blocks.append(Block("p", f"Séance suspendue de {heure(suspended)}{end}."))
    points = len(model.items)
    blocks.append(Block("p", f"Ordre du jour fixé (version {model.agenda_version}), {points} point"
                             f"{'s' if points > 1 else ''}. {rule_text(model.decision_rule, FR)}"))
    for item in model.items:
        blocks += _item(item)
    blocks.append(Block("h3", f"{points + 1}/ Questions diverses"))
    if model.notes:
        blocks.append(Block("ul", items=tuple(f"{text} ({author}, {heure(at)})" for author, at, text in model.notes)))
    else:
        blocks.append(Block("p", "Aucune question diverse n'a été consignée."))
    if model.closed_at:
        blocks.append(Block("p", f"La séance est levée à {heure(model.closed_at)}."))
    signature = (f"Fait le {FR.date(model.day, format='long')}.", "",
                 "Le président de séance", _names(model.president), "", "Le secrétaire de séance",
                 model.secretaire or "")
    return Document(f"Compte rendu de la conférence intercommunale du {day}", tuple(blocks), signature,
                    f"compte-rendu-{model.day.isoformat()}")


def minutes_files(record, config, formats: tuple[str, ...] = FORMATS) -> tuple[Attachment, ...]:
    """The compte rendu of a stored séance (`app.seance.SeanceRecord`) as files: PDF and ODT by default."""
    return document_files(minutes_document(minutes_model(record, config)), formats)

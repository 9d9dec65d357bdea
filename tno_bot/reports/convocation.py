"""The convocation to a conference (« la conférence intercommunale se réunit sur convocation de son président »,
convention art. 4-2): a document in French, PDF and ODT, signed in the président's name — the conference, its date,
time and place, the fixed ordre du jour, how to give a pouvoir — and the message that posts it in the conference
room with the representatives mentioned (in the room's language)."""

from __future__ import annotations

from datetime import datetime

from tno_bot.config import Config
from tno_bot.domain.agenda import Conference, ModeFixation, OrdreDuJour
from tno_bot.domain.calendar import PARIS
from tno_bot.i18n import Translator, translator
from tno_bot.i18n import french_text as _fr
from tno_bot.reports.agenda import conference_title, people_line
from tno_bot.reports.compte_rendu import heure
from tno_bot.reports.document import Document
from tno_bot.reports.message import Reply
from tno_bot.reports.minutes_model import ENTENTE
from tno_bot.reports.rendering import document_files
from tno_bot.reports.text import Block, Text

FR = translator("fr")


def _names(config: Config, ids) -> str:
    return FR.join_and(config.display_name(i) for i in ids)


def _quorum(per_member: int) -> str:
    if per_member == 1:
        return _fr("au moins un représentant de chaque membre doit être présent.")
    return _fr("au moins {n} représentants de chaque membre doivent être présents.", n=per_member)


def _recipient(person, config: Config) -> str:
    member = config.member(person.member)
    return _fr("{name} ({seat}, {member})", name=person.name, member=member.name if member else person.member,
               seat=_fr("titulaire") if person.seat == "titulaire" else _fr("suppléant(e)"))


def convocation_document(conference: Conference, odj: OrdreDuJour, config: Config, issued: datetime) -> Document:
    """The convocation of `conference` on its fixed agenda `odj`, issued at `issued`."""
    fixation = odj.fixation
    points = odj.versions[fixation.version - 1].points
    start = conference.starts_at.astimezone(PARIS)
    day = FR.date(start.date(), format="full")
    president = _names(config, config.roles.president) or _fr("le président")
    if fixation.mode is not ModeFixation.TACITE:
        fixed = _fr("par le président")
    elif odj.avis_en_cours:  # only favourable avis, which the version's rule let through
        fixed = _fr("tacitement, seuls des avis favorables ayant été rendus dans le délai de réponse (règle de la "
                    "conférence)")
    else:
        fixed = _fr("tacitement, sans avis en retour dans le délai de réponse")
    per_holder = config.rules.max_proxies_per_holder
    title = _fr("Convocation à la conférence intercommunale du {day}", day=day)
    blocks = (
        Block("h1", ENTENTE),
        Block("h2", title),
        Block("hr"),
        Block("p", _fr("Destinataires : les représentants des membres de l'entente — {recipients}.",
                       recipients=", ".join(_recipient(p, config) for p in config.people))),
        Block("p", _fr("Madame, Monsieur,")),
        Block("p", _fr("J'ai l'honneur de vous convoquer à la conférence intercommunale de l'entente (conférence "
                       "n° {conference}), qui se tiendra le {day} à {heure}{where}.", conference=conference.id,
                       day=day, heure=heure(start),
                       where=_fr(", {lieu}", lieu=conference.lieu) if conference.lieu else "")),
        Block("p", _fr("L'ordre du jour, fixé le {day} {fixed} (version {version}), est le suivant :",
                       day=FR.date(fixation.day, format="long"), fixed=fixed, version=fixation.version)),
        Block("ol", items=points),
        Block("h3", _fr("Pouvoirs")),
        Block("p", _fr("Un représentant {who} empêché peut donner pouvoir à un autre représentant de la "
                       "conférence, par écrit : dans le salon de la conférence, en écrivant « !pouvoir » suivi du nom "
                       "du mandataire, dès maintenant ou pendant la séance, ou en remettant un pouvoir écrit au "
                       "secrétariat, qui l'enregistre. Le pouvoir vaut pour cette séance seulement ; il est révocable "
                       "à tout moment (« !pouvoir retirer ») et prend fin si son auteur vient siéger.",
                       who=_fr("titulaire ou suppléant (règle de la conférence)") if config.rules.pouvoir_suppleant
                       else _fr("titulaire"))),
        Block("p", _fr("Un représentant ne peut porter plus de {n} pouvoir{s}. À défaut de pouvoir, un suppléant "
                       "présent du même membre siège à la place du titulaire absent. Les pouvoirs ne comptent pas "
                       "pour le quorum : {quorum}", n=per_holder, s="s" if per_holder > 1 else "",
                       quorum=_quorum(config.rules.quorum_per_member))),
        Block("p", _fr("Je vous prie d'agréer, Madame, Monsieur, l'expression de mes salutations distinguées.")),
    )
    signature = (_fr("Fait le {day}.", day=FR.date(issued.astimezone(PARIS).date(), format="long")), "",
                 _fr("Le président de la conférence intercommunale"), president)
    return Document(title, blocks, signature, f"convocation-{start.date().isoformat()}")


def convocation_reply(conference: Conference, odj: OrdreDuJour, config: Config, tr: Translator,
                      issued: datetime) -> Reply:
    """The convocation posted in the room: a message mentioning the representatives, then the PDF and the ODT."""
    files = document_files(convocation_document(conference, odj, config, issued))
    ids = tuple(p.matrix_id for p in config.people)
    text = Text.empty().para(tr.gettext(
        "Convocation to the {conference}, in the name of the président, with the fixed agenda and how to give a "
        "pouvoir: {files}.", conference=conference_title(conference, tr),
        files=tr.join_and(f.filename for f in files)))
    text.para(*people_line(tr.gettext("Representatives"), ids, config, tr))
    return Reply(*text.done(), mentions=ids, attachments=files)

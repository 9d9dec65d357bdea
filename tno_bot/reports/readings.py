"""The readings of the conference's rules that the config chooses, stated in words with their source.

The seed's texts leave some points open (are the 30 days "francs"? may a D-30 on a holiday move?): the bot applies
the config's reading and says which one, in `!conference`, in `!aide` and in the refusals, so that nobody takes
a reading for the law.
"""

from __future__ import annotations

from tno_bot.config import Config
from tno_bot.domain.agenda import Version
from tno_bot.domain.presidency import DOYEN
from tno_bot.i18n import Translator


def rules_source(tr: Translator) -> str:
    """Where the 30/15-day rule comes from."""
    return tr.gettext("the conference's rules (minutes of the conference of 7 November 2022)")


def notice_reading(config: Config, tr: Translator) -> str:
    """The notice rule, its source and the readings applied (franc or not, a day off)."""
    rules = config.agenda_rules
    rule = tr.gettext("Rule of {source}: the agenda is proposed to the representatives within {notice} days before "
                      "the conference; without any avis within {window} days, it is fixed.",
                      source=rules_source(tr), notice=rules.notice_days, window=rules.reply_window_days)
    if rules.notice_franc:
        franc = tr.gettext("Reading applied (config agenda_notice_franc): the {n} days are “francs”, neither the "
                           "sending day nor the conference day counts, so the last day is D-{last}.",
                           n=rules.notice_days, last=rules.notice_days + 1)
    else:
        franc = tr.gettext("Reading applied (config agenda_notice_franc): the {n} days are not “francs”, the agenda "
                           "may still be sent on D-{n}.", n=rules.notice_days)
    if rules.extend_to_working_day:
        day_off = tr.gettext("A last day falling on a weekend or a public holiday moves to the previous working day, "
                             "never later (art. 642 CPC extends only deadlines counted forward); a reply window "
                             "ending on one moves to the next working day (config extend_to_working_day).")
    else:
        day_off = tr.gettext("A deadline falling on a weekend or a public holiday does not move; it is flagged "
                             "(config extend_to_working_day).")
    window = tr.gettext("A reply window ends at the latest on the eve of the conference.")
    return " ".join((rule, franc, day_off, window, avis_reading(rules.avis_favorable_bloque, tr)))


def avis_reading(bloque: bool, tr: Translator) -> str:
    """Whether a favourable avis stops the tacit fixing (`[rules] avis_favorable_bloque`): the seed says "sans avis
    en retour", any avis."""
    if bloque:
        return tr.gettext("Reading applied (config avis_favorable_bloque): “sans avis en retour” means without any "
                          "avis, so a favourable avis (!odj avis favorable) stops the tacit fixing too, and the "
                          "président then fixes the agenda.")
    return tr.gettext("Reading applied (config avis_favorable_bloque): a favourable avis (!odj avis favorable) does "
                      "not stop the tacit fixing; an avis with remarks or reservations does.")


def version_avis_rule(version: Version, tr: Translator) -> str:
    """The reading of `avis_favorable_bloque` frozen with a version when it was sent, as the rule applied to it."""
    if version.avis_favorable_bloque:
        return tr.gettext("Rule applied to version {version} (config avis_favorable_bloque when it was sent): any "
                          "avis stops its tacit fixing, a favourable one (!odj avis favorable) too.",
                          version=version.numero)
    return tr.gettext("Rule applied to version {version} (config avis_favorable_bloque when it was sent): a "
                      "favourable avis (!odj avis favorable) does not stop its tacit fixing; an avis with remarks or "
                      "reservations does.",
                      version=version.numero)


def help_readings(command: str, config: Config, tr: Translator) -> list[str]:
    """The readings `!aide <command>` states (`command`: the French name of a top-level command)."""
    if command in ("odj", "conference"):
        return [notice_reading(config, tr)]
    if command == "pouvoir":
        return [pouvoir_reading(config, tr)]
    if command == "seance":
        return [presidency_reading(config, tr)]
    return []


def presidency_reading(config: Config, tr: Translator) -> str:
    """Who presides when the président is absent: the conference's choice (`[rules] presidence_absent`), the seed
    and the convention being silent."""
    if config.rules.presidence_absent == DOYEN:
        who = tr.gettext("Rule of the conference (config presidence_absent): when the président is recorded absent or "
                         "excused, the eldest representative present presides the séance (born dates of the "
                         "representatives), by analogy with CGCT L2122-8.")
    else:
        vice = config.roles.vice_president
        names = ", ".join(config.display_name(v) for v in vice) if vice else tr.gettext("nobody is named")
        who = tr.gettext("Rule of the conference (config presidence_absent): when the président is recorded absent or "
                         "excused, the first vice-président recorded present presides the séance (roles "
                         "vice_president, in this order: {names}).", names=names)
    return who + " " + tr.gettext("They open and close its votes, and the compte rendu says so.")


def pouvoir_reading(config: Config, tr: Translator) -> str:
    """Who may give a pouvoir, and to whom: the conference's rule (minutes of 7 November 2022: "un pouvoir peut être
    attribué par un représentant empêché") and its readings in the config (a suppléant, another member)."""
    rule = tr.gettext("Rule of the conference (minutes of the conference of 7 November 2022): a representative who "
                      "cannot attend may give a pouvoir; a present suppléant votes for an absent titulaire whose "
                      "mandataire is absent too.")
    if config.rules.pouvoir_suppleant:
        suppleant = tr.gettext("Reading applied (config pouvoir_suppleant): a suppléant who cannot attend may give a "
                               "pouvoir too; its mandataire then stands in for the suppléant, voting for an absent "
                               "titulaire of the member whom no mandataire nor present suppléant replaces.")
    else:
        suppleant = tr.gettext("Reading applied (config pouvoir_suppleant): only a titulaire gives a pouvoir, a "
                               "suppléant having no seat of their own (by analogy with CGCT L2121-20, “un conseiller "
                               "empêché”).")
    if config.rules.pouvoir_across_members:
        across = tr.gettext("Reading applied (config pouvoir_across_members): a pouvoir may go to a representative "
                            "of another member.")
    else:
        across = tr.gettext("Reading applied (config pouvoir_across_members): a pouvoir goes to a representative of "
                            "the same member, by analogy with CGCT L2121-20 (“un collègue”).")
    return " ".join((rule, suppleant, across))

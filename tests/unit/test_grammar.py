"""French grammar around names (`tno_bot/i18n/grammar.py`): elision and the article of a member's name."""

from __future__ import annotations

from tno_bot.config import Named
from tno_bot.i18n import french_text, translator
from tno_bot.i18n.grammar import agree, with_article

SITIV, METROPOLE, AGGLO = Named("SITIV", "le"), Named("Métropole de Lyon", "la"), Named("Agglomération", "l'")


def test_elision_before_a_vowel_or_a_mute_h():
    assert agree("le siège de {seat}", {"seat": "Alain Viollet"}) == "le siège d’{seat}"
    assert agree("le siège de {seat}", {"seat": "Emeline Baume"}) == "le siège d’{seat}"
    assert agree("à la salle de {lieu}", {"lieu": "Hôtel de Ville"}) == "à la salle d’{lieu}"
    assert agree("De {who} à {when}", {"who": "Yves", "when": "10 h"}) == "D’{who} à {when}"
    assert agree("le siège de {seat}", {"seat": "Bertrand Maes"}) == "le siège de {seat}"
    assert agree("de {n} points", {"n": 11}) == "de {n} points"  # numbers are not words


def test_a_members_article_contracts_with_the_preposition():
    params = {"a": SITIV, "b": METROPOLE, "c": AGGLO}
    assert agree("la délibération de {a}", params) == "la délibération du {a}"
    assert agree("la délibération de {b}", params) == "la délibération de la {b}"
    assert agree("la délibération de {c}", params) == "la délibération de l’{c}"
    assert agree("rejetée par {a}, transmise à {a}", params) == "rejetée par le {a}, transmise au {a}"
    assert agree("{a} : 7 pour", params) == "{a} : 7 pour"  # a name heading a line takes no article


def test_the_translator_in_french_and_in_english():
    fr, en = translator("fr"), translator("en")
    assert fr.gettext("Recorded for {decision}: {what} of {member}.", decision="TNO 2022-01",
                      what="la délibération", member=SITIV) == (
        "Enregistré pour TNO 2022-01\u00a0: la délibération du SITIV.")
    assert en.gettext("Recorded for {decision}: {what} of {member}.", decision="TNO 2022-01",
                      what="the deliberation", member=SITIV) == "Recorded for TNO 2022-01: the deliberation of SITIV."
    both = fr.join_and([METROPOLE, SITIV])
    assert both == "Métropole de Lyon et le SITIV" and with_article(both) == "la Métropole de Lyon et le SITIV"


def test_user_text_is_never_changed():
    assert french_text("Vote sur « {title} » de {who}", title="l'avis : 'oui' ?", who="Anne") == (
        "Vote sur «\u202fl'avis : 'oui' ?\u202f» d’Anne")

"""An absent président (issue 12): `[roles] vice_president` and `[rules] presidence_absent` name who presides in
their absence; that person opens and closes the votes of that séance, the séance records it, and the compte rendu
(Markdown and document model) says so."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from tests.cast import BAUME, KHELIFI, MAES, MILLET, PRESIDENT, SECRETARIAT, VIOLLET
from tests.storage.test_seance_commands import SeanceBot, at
from tests.text import plain
from tno_bot import storage
from tno_bot.app.seance import record_of
from tno_bot.reports.minutes_model import minutes_model
from sqlmodel import Session


def with_presidency(engine, config, rule: str, vice_president=(BAUME,)):
    people = tuple(dataclasses.replace(p, born={MAES: date(1950, 3, 1), KHELIFI: date(1960, 1, 1)}.get(p.matrix_id))
                   for p in config.people)
    config = dataclasses.replace(config, people=people,
                                 roles=dataclasses.replace(config.roles, vice_president=vice_president),
                                 rules=dataclasses.replace(config.rules, presidence_absent=rule))
    bot = SeanceBot(engine, config)
    bot.prepare()
    bot.say("!seance ouvrir", SECRETARIAT, now=at(10, 0))
    bot.now = at(10, 0)
    bot.say("!present Emeline Baume, Zemorda Khelifi, Bertrand Maes, Alain Viollet", SECRETARIAT)
    return bot


def test_the_vice_president_presides_when_the_president_is_excused(engine, config):
    bot = with_presidency(engine, config, "vice_president")
    assert bot.say("!vote ouvrir 1", BAUME) == "Seul le président peut utiliser !vote ouvrir."  # he is not absent
    bot.say("!excuse Pierre-Alain Millet", SECRETARIAT)
    assert bot.say("!vote ouvrir 1", MAES) == "Seul le président peut utiliser !vote ouvrir."
    assert bot.say("!vote ouvrir 1", BAUME).startswith("Vote sur le point 1 : « Budget 2026 » — ouvert")
    for voter in (KHELIFI, MAES, VIOLLET):
        bot.say("!vote pour", voter)
    assert "Décision TNO 2025-01 adoptée" in bot.say("!vote clore", BAUME)
    [seance] = bot.rows(storage.SeanceRow)
    assert seance.presided_by == BAUME
    [reply] = bot.ask("!seance clore", SECRETARIAT, now=at(12, 0))
    minutes = plain(reply.attachment.data.decode("utf-8"))
    assert ("Présidence de séance : Emeline Baume, en l’absence de Pierre-Alain Millet (présidence par le "
            "vice-président, règle de la conférence)") in minutes
    with Session(engine) as session:
        model = minutes_model(record_of(session, bot.config, storage.get_seance(session, seance.id)), bot.config)
    assert (model.president, model.president_absent) == (("Emeline Baume",), ("Pierre-Alain Millet",))


def test_the_eldest_representative_present_presides_when_the_conference_so_decided(engine, config):
    bot = with_presidency(engine, config, "doyen")
    bot.say("!excuse Pierre-Alain Millet", SECRETARIAT)
    assert bot.say("!vote ouvrir 1", BAUME) == "Seul le président peut utiliser !vote ouvrir."  # not the eldest
    assert bot.say("!vote ouvrir 1", MAES).startswith("Vote sur le point 1")  # born 1950, the eldest present
    assert bot.rows(storage.SeanceRow)[0].presided_by == MAES


def test_the_president_present_presides_as_before(engine, config):
    bot = with_presidency(engine, config, "vice_president")
    bot.say("!vote ouvrir 1", PRESIDENT)
    assert bot.rows(storage.SeanceRow)[0].presided_by is None and PRESIDENT == MILLET


def test_aide_seance_states_who_presides_in_the_presidents_absence(engine, config):
    vice = SeanceBot(engine, dataclasses.replace(config, roles=dataclasses.replace(config.roles,
                                                                                   vice_president=(BAUME, MAES))))
    help_fr = vice.say("!aide seance")
    assert ("Règle de la conférence (réglage presidence_absent) : quand le président est noté absent ou excusé, le "
            "premier vice-président noté présent préside la séance (rôle vice_president, dans cet ordre : Emeline "
            "Baume, Bertrand Maes). Il en ouvre et clôt les votes, et le compte rendu le dit.") in help_fr.splitlines()
    assert ("Rule of the conference (config presidence_absent): when the président is recorded absent or excused, the "
            "first vice-président recorded present presides the séance (roles vice_president, in this order: Emeline "
            "Baume, Bertrand Maes). They open and close its votes, and the compte rendu says so."
            ) in vice.say("!help seance", language="en").splitlines()
    doyen = SeanceBot(engine, dataclasses.replace(config, rules=dataclasses.replace(config.rules,
                                                                                    presidence_absent="doyen")))
    assert ("quand le président est noté absent ou excusé, le représentant présent le plus âgé préside la séance "
            "(dates de naissance des représentants), par analogie avec l’art. L2122-8 du CGCT.") in doyen.say(
        "!aide seance")
    assert "vice-président" not in doyen.say("!aide seance")


def test_aide_seance_says_when_no_vice_president_is_named(engine, config):
    help_fr = SeanceBot(engine, config).say("!aide seance")
    assert "(rôle vice_president, dans cet ordre : personne n’est nommé)" in help_fr

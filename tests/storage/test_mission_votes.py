"""A decision concerning a mission spécifique (`!vote ouvrir <point> <mission>`), on a real database: the quorum,
the voters and the unanimity are the mission's members', the vote and the decision rows carry the mission, and only
its members' deliberations are awaited."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from tests.cast import BAUME, KHELIFI, MAES, MILLET, PRESIDENT, SECRETARIAT
from tests.storage.test_seance_commands import SeanceBot, at
from tests.text import plain
from tno_bot import storage
from tno_bot.config import Mission

VISIO = Mission("visio", "Visioconférence", "specifique", ("metropole", "sitiv"), porteur="sitiv")


@pytest.fixture
def opened(engine, config):
    """The séance of 7 November 2025 open, the mission "visio" of the Métropole and the SITIV configured; present:
    Zemorda Khelifi (Métropole) and Pierre-Alain Millet (SITIV), nobody of the Ville de Lyon."""
    bot = SeanceBot(engine, dataclasses.replace(config, missions=config.missions + (VISIO,)))
    bot.prepare()
    bot.say("!seance ouvrir", SECRETARIAT, now=at(10, 0))
    bot.now = at(10, 0)
    bot.say("!present Zemorda Khelifi, Pierre-Alain Millet", SECRETARIAT)
    return bot


def test_the_quorum_of_a_mission_is_its_members(opened):
    refused = "Le quorum n’est pas atteint : aucun représentant de la Ville de Lyon n’est présent"
    assert opened.say("!vote ouvrir 1", PRESIDENT).startswith(refused)
    assert opened.say("!vote ouvrir 1 nulle-part", PRESIDENT).startswith(refused)  # no mission: a title
    assert opened.rows(storage.VoteRow) == []
    assert opened.say("!vote ouvrir 1 visio", PRESIDENT).startswith("Vote sur le point 1 : « Budget 2026 » — ouvert")
    [row] = opened.rows(storage.VoteRow)
    assert (row.item, row.title, row.mission) == (1, "Budget 2026", "visio")


def test_the_mission_is_named_before_the_title_and_stated(opened):
    reply = opened.say("!vote ouvrir 2 VISIO Feuille de route <visio>", PRESIDENT)
    assert reply.splitlines()[:2] == [
        "Vote sur le point 2 : « Feuille de route <visio> » — ouvert à 10 h 02.",
        "Cette décision concerne la mission « Visioconférence » : elle est votée et ratifiée par la Métropole de Lyon "
        "et le SITIV seuls, qui seuls comptent pour le quorum et l’unanimité."]
    [row] = opened.rows(storage.VoteRow)
    assert (row.item, row.title, row.mission) == (2, "Feuille de route <visio>", "visio")


def test_only_the_mission_members_vote_and_ratify(opened):
    opened.say("!vote ouvrir 2 visio", PRESIDENT)
    assert opened.say("!vote pour", MAES) == (
        "Bertrand Maes ne vote pas sur cette décision : elle concerne la mission « Visioconférence », dont seuls les "
        "membres décident.")
    assert opened.rows(storage.BallotRow) == [] and opened.rows(storage.AttendanceRow, person=MAES) == []
    opened.say("!vote pour", KHELIFI)
    opened.say("!vote abstention", MILLET)
    closed = opened.say("!vote clore", PRESIDENT)
    assert "Décision TNO 2025-01 adoptée à l’unanimité des suffrages exprimés (1 pour, 0 contre, 1 abstention)" in (
        closed)
    [decision] = opened.rows(storage.DecisionRow)
    assert (decision.id, decision.mission) == ("TNO 2025-01", "visio")
    awaited = opened.say("!decision TNO 2025-01", BAUME)
    assert "Métropole de Lyon" in awaited and "SITIV" in awaited and "Ville de Lyon" not in awaited
    assert "Elle concerne la mission « Visioconférence » : seuls ses membres la ratifient." in awaited
    [reply] = opened.ask("!seance clore", SECRETARIAT)
    assert ("Décision concernant la mission « Visioconférence » : seuls ses membres la votent et la ratifient."
            in plain(reply.attachment.data.decode("utf-8")))


def test_a_seance_before_the_missions_start_cannot_decide_on_it(engine, config):
    """Issue 12: a mission's `since`; the séance of 7 November 2025 comes before a mission starting in 2026."""
    later = dataclasses.replace(VISIO, since=date(2026, 1, 1))
    bot = SeanceBot(engine, dataclasses.replace(config, missions=config.missions + (later,)))
    bot.prepare()
    bot.say("!seance ouvrir", SECRETARIAT, now=at(10, 0))
    bot.now = at(10, 0)
    bot.say("!present Zemorda Khelifi, Pierre-Alain Millet", SECRETARIAT)
    assert bot.say("!vote ouvrir 1 visio", PRESIDENT).splitlines() == [
        "La mission « Visioconférence » commence le jeudi 1er janvier 2026 (réglage [[missions]] since) : la séance "
        "du vendredi 7 novembre 2025 ne peut pas en décider. Ouvrez le vote sans la mission, ou lors d’une séance "
        "tenue à partir de ce jour.",
        "Utilisation : !vote ouvrir <n° du point> [mission] [titre]"]
    assert bot.rows(storage.VoteRow) == [] and bot.rows(storage.SeanceRow)[0].presided_by is None
    assert bot.say("!vote open 1 visio", PRESIDENT, language="en").startswith(
        "The mission “Visioconférence” starts on Thursday, January 1, 2026 (config [[missions]] since): the séance of "
        "Friday, November 7, 2025 cannot decide on it.")


def test_a_seance_from_the_missions_start_on_decides_on_it(engine, config):
    bot = SeanceBot(engine, dataclasses.replace(config, missions=config.missions + (
        dataclasses.replace(VISIO, since=at().date()),)))
    bot.prepare()
    bot.say("!seance ouvrir", SECRETARIAT, now=at(10, 0))
    bot.now = at(10, 0)
    bot.say("!present Zemorda Khelifi, Pierre-Alain Millet", SECRETARIAT)
    assert bot.say("!vote ouvrir 1 visio", PRESIDENT).startswith("Vote sur le point 1 : « Budget 2026 » — ouvert")
    assert [row.mission for row in bot.rows(storage.VoteRow)] == ["visio"]

"""Villeurbanne joins (tests/villeurbanne.py) on a real database: the 2022 decisions and their export are unchanged
and wait for nobody new; a member admitted by a decision of the conference (art. 5 of the convention) is shown by
`!decision` and counted only once that decision is executory."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session

from tests.cast import BAUME, EXAMPLE_CONFIG, MAES, MILLET
from tests.harness import paris
from tests.storage.test_ratification_commands import RatificationBot, adopt
from tests.text import plain
from tests.villeurbanne import GLOMOT, villeurbanne_config
from tno_bot.app.seance import cast_of
from tno_bot.cli import main
from tno_bot.config import load_config
from tno_bot.domain.agenda import Conference


@pytest.fixture
def grown(tmp_path):
    return load_config(villeurbanne_config(tmp_path / "config"))


@pytest.fixture
def admitted_by_a_decision(tmp_path):
    return load_config(villeurbanne_config(tmp_path / "config", admitted_by="TNO 2023-04"))


def test_the_2022_decisions_and_their_export_are_unchanged(engine, config, grown, monkeypatch, capsys):
    before, after = RatificationBot(engine, config), RatificationBot(engine, grown)
    for command in ("!decision TNO 2022-01", "!decision TNO 2022-02", "!decisions 2022"):
        assert after.say(command, BAUME) == before.say(command, BAUME)
    assert "Villeurbanne" not in after.say("!decision TNO 2022-01", BAUME)
    monkeypatch.setenv("TNO_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    exports = {}
    for path in (EXAMPLE_CONFIG, grown.path):
        for form in ("csv", "json"):
            assert main(["export", "decisions", "--format", form, "--config", str(path)]) == 0
            exports[path, form] = capsys.readouterr().out
    for form in ("csv", "json"):
        assert exports[grown.path, form] == exports[EXAMPLE_CONFIG, form]
    members = [m["member"] for m in json.loads(exports[grown.path, "json"])[0]["members"]]
    assert members == ["metropole", "ville-lyon", "sitiv"]


def test_villeurbanne_may_not_ratify_a_decision_taken_before_it_joined(engine, grown):
    bot = RatificationBot(engine, grown)
    reply = bot.say("!deliberation TNO 2022-01 villeurbanne 2024-12 12/02/2024")
    assert reply == ("Ville de Villeurbanne ne ratifie pas TNO 2022-01 : seuls les membres de l’entente au jour de "
                     "la décision la ratifient (Métropole de Lyon, Ville de Lyon et SITIV).")
    assert bot.facts("TNO 2022-01") == []


def test_a_2024_decision_waits_for_the_four_members(engine, grown):
    adopt(engine, title="Budget 2025", day=(2024, 3, 4), number=1)
    reply = RatificationBot(engine, grown).say("!decision TNO 2024-01")
    assert "• Ville de Villeurbanne : délibération attendue" in reply


def test_an_admitted_member_counts_once_its_admission_is_executory(engine, admitted_by_a_decision):
    config = admitted_by_a_decision
    bot = RatificationBot(engine, config)
    adopt(engine, title="Entrée de la Ville de Villeurbanne", day=(2023, 11, 6), number=4)
    adopt(engine, title="Budget 2025", day=(2024, 3, 4), number=1)
    admission = bot.say("!decision TNO 2023-04")
    assert ("Entrée d’un nouveau membre (art. 5 de la convention) : Ville de Villeurbanne, membre à partir du "
            "lundi 1er janvier 2024 une fois cette décision exécutoire.") in admission
    assert "Villeurbanne : délibération attendue" not in admission  # it does not ratify its own entry
    # Joined on 1 January 2024 but its admission is not executory yet: TNO 2024-01 waits for the three others.
    pending = bot.say("!decision TNO 2024-01")
    assert "• Métropole de Lyon : délibération attendue" in pending and "Villeurbanne" not in pending
    conference = Conference(id=1, day=paris(2024, 3, 4, 10).date(), start_time=paris(2024, 3, 4, 10).time())
    with Session(engine) as session:
        assert cast_of(session, config, conference).members == ("metropole", "ville-lyon", "sitiv")
    for member, by, number, day in (("metropole", BAUME, "2023-900", "27/11/2023"),
                                    ("ville-lyon", MAES, "2023-117", "04/12/2023"),
                                    ("sitiv", MILLET, "CS_2023_12_1", "08/12/2023")):
        bot.say(f"!deliberation TNO 2023-04 {member} {number} {day}", by)
        bot.say(f"!publication TNO 2023-04 {member} {day}", by)
        replies = bot.ask(f"!transmission TNO 2023-04 {member} {day}", by)
    recorded, announcement = replies
    assert plain(announcement.body).startswith("La décision TNO 2023-04 « Entrée de la Ville de Villeurbanne » est "
                                        "exécutoire depuis le vendredi 8 décembre 2023")
    assert GLOMOT not in announcement.mentions and MAES in announcement.mentions  # not yet a member then
    after = bot.say("!decision TNO 2024-01")
    assert "• Ville de Villeurbanne : délibération attendue" in after
    with Session(engine) as session:
        cast = cast_of(session, config, conference)
    assert cast.members == ("metropole", "ville-lyon", "sitiv", "villeurbanne")
    assert cast.representative(GLOMOT) is not None


def test_the_missions_with_their_members_today(engine, grown):
    bot = RatificationBot(engine, grown)  # Monday 20 April 2026
    assert bot.say("!missions specifiques").splitlines() == [
        "Missions de l’entente :",
        "• Parapheur électronique — mission spécifique, portée par Métropole de Lyon : Métropole de Lyon et Ville de "
        "Villeurbanne",
    ]
    socles = bot.say("!missions socles").splitlines()
    assert socles[1] == ("• Hébergement mutualisé — mission socle, portée par SITIV : Métropole de Lyon, Ville de "
                         "Lyon, SITIV et Ville de Villeurbanne")
    assert len(bot.say("!missions").splitlines()) == 1 + 5
    assert "Utilisation : !missions [socles|specifiques]" in bot.say("!missions toutes")

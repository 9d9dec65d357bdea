"""The séance sitting in a room is kept from one command to the next (`app/sitting.py`, `Sittings`, which the harness
uses as the dispatcher does) and read again after any commit that changes what it is read from, when the config or
the history files change, and never from a transaction's writes that were rolled back. Each test changes one thing
and checks what the next command says, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses

import pytest
from sqlmodel import Session

from tests import harness
from tests.cast import BAUME, KHELIFI, MAES, MILLET, PRESIDENT, ROOM, SECRETARIAT
from tests.storage.test_seance_commands import SeanceBot, at
from tests.villeurbanne import GLOMOT, villeurbanne_config
from tno_bot import storage
from tno_bot.app.sitting import Sittings, sitting_here
from tno_bot.config import load_config
from tno_bot.domain.attendance import AttendanceFact, FactKind, Status


@pytest.fixture
def quorate(engine, config):
    """The séance of conference no. 1 open, one representative of each member present."""
    bot = SeanceBot(engine, config)
    bot.prepare()
    bot.say("!seance ouvrir", SECRETARIAT, now=at(10, 0))
    bot.now = at(10, 0)
    for person in (KHELIFI, MAES, MILLET):
        bot.say("!present", person)
    return bot


def test_the_ballots_after_the_first_read_the_seance_from_memory_and_each_counts(quorate, engine):
    quorate.say("!vote ouvrir 1", PRESIDENT)
    reads = harness.reads(engine, "seance", "attendance_fact")
    quorate.ask("!vote pour", KHELIFI)
    first = len(reads)
    quorate.ask("!vote pour", MAES)
    quorate.ask("!vote contre", MILLET)
    assert first > 0 and len(reads) == first  # the ballots write ballots only: the séance is kept
    assert "(2 pour, 1 contre, 0 abstention)" in quorate.say("!vote clore", PRESIDENT)


def test_a_change_of_attendance_is_seen_by_the_next_command(quorate):
    assert quorate.say("!quorum").startswith("Quorum atteint")
    assert quorate.say("!quorum").startswith("Quorum atteint")  # kept
    quorate.say("!absent", MILLET)
    assert quorate.say("!quorum").splitlines()[0] == "Quorum non atteint : aucun représentant présent pour le SITIV."
    assert quorate.say("!vote ouvrir 1", PRESIDENT).startswith(
        "Le quorum n’est pas atteint : aucun représentant du SITIV n’est présent")


def test_a_ballot_that_records_its_voter_present_is_seen_by_the_next_command(quorate):
    quorate.say("!vote ouvrir 1", PRESIDENT)
    quorate.say("!vote pour", KHELIFI)  # the sitting kept
    reply = quorate.say("!vote pour", BAUME)
    assert "Emeline Baume est désormais enregistrée" in reply
    metropole = quorate.say("!presents").splitlines()[2]
    assert metropole.startswith("• Titulaires — présents :") and "Emeline Baume" in metropole


def test_a_suspension_and_a_closing_are_seen_by_the_next_command(quorate):
    quorate.say("!vote ouvrir 1", PRESIDENT)
    quorate.say("!vote pour", KHELIFI)
    quorate.say("!vote clore", PRESIDENT)
    assert quorate.say("!seance suspendre", PRESIDENT).startswith("Séance suspendue")
    assert "suspendue" in quorate.say("!vote ouvrir 2", PRESIDENT)
    quorate.say("!seance reprendre", PRESIDENT)
    assert "ouvert à" in quorate.say("!vote ouvrir 2", PRESIDENT)
    quorate.say("!vote clore", PRESIDENT)
    quorate.ask("!seance clore", SECRETARIAT)
    assert quorate.say("!vote pour", KHELIFI).startswith("Aucune séance n’est ouverte dans ce salon")


def test_writes_rolled_back_leave_the_kept_sitting_as_committed(quorate, engine, config):
    sittings = Sittings(engine)
    with Session(engine) as session, session.begin():
        sittings.serve(session)
        kept = sitting_here(session, config, ROOM)
    assert kept.attendance.status(BAUME) is Status.ABSENT

    class Crash(Exception):
        pass
    with pytest.raises(Crash), Session(engine) as session, session.begin():
        sittings.serve(session)
        sitting = sitting_here(session, config, ROOM)
        sitting.seance = dataclasses.replace(sitting.seance, presided_by=MAES)  # as a handler may
        storage.add_attendance_facts(session, sitting.seance.id, [AttendanceFact(
            FactKind.PRESENCE, BAUME, BAUME, at(10, 30), "$rolled-back", Status.PRESENT)])
        assert sitting_here(session, config, ROOM).attendance.status(BAUME) is Status.PRESENT  # its own write
        raise Crash
    with Session(engine) as session, session.begin():
        sittings.serve(session)
        again = sitting_here(session, config, ROOM)
    assert again.attendance.status(BAUME) is Status.ABSENT and again.seance.presided_by is None


def test_a_reloaded_config_is_read_with_at_the_next_command(quorate, tmp_path):
    assert "Villeurbanne" not in quorate.say("!presents")
    quorate.config = load_config(villeurbanne_config(tmp_path / "config"))  # a member since 1 January 2024
    presents = quorate.say("!presents")
    assert "Ville de Villeurbanne" in presents
    assert quorate.say("!quorum").splitlines()[0] == (
        "Quorum non atteint : aucun représentant présent pour Ville de Villeurbanne.")
    quorate.say("!present", GLOMOT)
    assert quorate.say("!quorum").startswith("Quorum atteint")


# The other two members' deliberations on TNO 2022-01, and the SITIV's publication: the decision becomes executory.
EXECUTORY_2022_01 = """
[[deliberations]]
member = "metropole"
number = "2022-1500"
date = 2022-12-12
decisions = ["TNO 2022-01"]
adopted = true
publication = 2022-12-13
transmission = 2022-12-13

[[deliberations]]
member = "ville-lyon"
number = "2022-2100"
date = 2022-12-14
decisions = ["TNO 2022-01"]
adopted = true
publication = 2022-12-15
transmission = 2022-12-15
"""


def test_a_history_file_changed_is_read_with_at_the_next_command(engine, tmp_path):
    """Villeurbanne, admitted by TNO 2022-01, sits once that decision is executory: the history files say so."""
    config = load_config(villeurbanne_config(tmp_path / "config", admitted_by="TNO 2022-01"))
    bot = SeanceBot(engine, config)
    bot.prepare()
    bot.say("!seance ouvrir", SECRETARIAT, now=at(10, 0))
    assert "Villeurbanne" not in bot.say("!presents")
    history = tmp_path / "config" / "history" / "2022.toml"
    text = history.read_text(encoding="utf-8")
    published = text.replace("transmission = 2022-12-09\n", "publication = 2022-12-09\ntransmission = 2022-12-09\n")
    assert published != text
    history.write_text(published + EXECUTORY_2022_01, encoding="utf-8")
    assert "exécutoire" in bot.say("!decision TNO 2022-01")
    assert "Ville de Villeurbanne" in bot.say("!presents")

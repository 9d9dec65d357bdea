"""A séance in a real room: quorum, pouvoirs, votes by several real representatives, restarts, the compte rendu."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlmodel import Session, select

from tests.cast import LOCAL
from tests.e2e.scenarios import (
    ACK,
    QUORATE,
    ask,
    closed_seance_minutes,
    opened_seance,
    plain,
    prepared_conference,
    vote,
)
from tno_bot.domain.calendar import PARIS
from tno_bot.storage.tables import BallotRow

pytestmark = pytest.mark.e2e

async def test_vote_refused_without_quorum_then_adopted_unanimously(bot_runner, person):
    room_id, _, people = await opened_seance(bot_runner, person)
    president = people[LOCAL.PRESIDENT]

    refused = await ask(president, room_id, "!vote ouvrir 1")  # the président is not marked present yet
    assert "quorum n’est pas atteint" in refused and "SITIV" in refused

    await ask(president, room_id, "!present")
    assert "Vote" in await ask(president, room_id, "!vote ouvrir 1")
    for name in QUORATE:
        await vote(people[name], room_id, "!vote pour")
    result = await ask(president, room_id, "!vote clore")

    year = datetime.now(PARIS).year
    assert f"Décision TNO {year}-01 adoptée à l’unanimité (3 pour, 0 contre, 0 abstention)." in result


async def test_a_proxy_vote_and_an_abstention(bot_runner, person):
    room_id, _, people = await opened_seance(bot_runner, person, present=QUORATE)
    khelifi = people[LOCAL.KHELIFI]  # absent: gives her pouvoir to Emeline Baume

    await ask(khelifi, room_id, f"!pouvoir @{LOCAL.BAUME}:tno.example")
    await ask(people[LOCAL.PRESIDENT], room_id, "!vote ouvrir 2 Feuille de route 2027")
    await vote(people[LOCAL.BAUME], room_id, "!vote pour")
    proxy = await vote(people[LOCAL.BAUME], room_id, f"!vote pour @{LOCAL.KHELIFI}:tno.example")
    await vote(people[LOCAL.MAES], room_id, "!vote abstention")
    await vote(people[LOCAL.PRESIDENT], room_id, "!vote pour")
    result = await ask(people[LOCAL.PRESIDENT], room_id, "!vote clore")

    assert proxy == ACK
    assert "adoptée à l’unanimité des suffrages exprimés (3 pour, 0 contre, 1 abstention)" in result


async def test_a_rejection_and_a_stranger_who_cannot_vote(bot_runner, person, synapse):
    synapse.register("inconnu", "secret-inconnu")
    room_id, secretariat, people = await opened_seance(bot_runner, person, present=QUORATE)
    stranger = await person("inconnu")
    await secretariat.client.room_invite(room_id, stranger.user_id)
    await stranger.join(room_id)

    await ask(people[LOCAL.PRESIDENT], room_id, "!vote ouvrir 3")
    refused = await vote(stranger, room_id, "!vote pour")
    await vote(people[LOCAL.BAUME], room_id, "!vote pour")
    await vote(people[LOCAL.MAES], room_id, "!vote contre")
    result = await ask(people[LOCAL.PRESIDENT], room_id, "!vote clore")

    assert "Traceback" not in refused and "vote" in refused.lower()
    assert "Proposition rejetée (1 pour, 1 contre, 0 abstention)." in result
    tally = await ask(people[LOCAL.BAUME], room_id, "!vote")
    assert "inconnu" not in tally


async def test_a_restart_in_the_middle_of_a_vote_loses_no_ballot_and_counts_none_twice(bot_runner, person):
    room_id, _, people = await opened_seance(bot_runner, person, present=QUORATE)
    await ask(people[LOCAL.PRESIDENT], room_id, "!vote ouvrir 1")
    await vote(people[LOCAL.BAUME], room_id, "!vote contre")
    await bot_runner.stop()

    sent_while_down = [await people[LOCAL.MAES].send(room_id, "!vote pour"),
                       await people[LOCAL.BAUME].send(room_id, "!vote pour"),  # changes her vote: the latest counts
                       await people[LOCAL.PRESIDENT].send(room_id, "!vote pour")]
    await bot_runner.start()
    for event_id, name in zip(sent_while_down, (LOCAL.MAES, LOCAL.BAUME, LOCAL.PRESIDENT)):
        await people[name].wait_answer(event_id)
    await bot_runner.stop()
    await bot_runner.start()  # a second restart replays nothing
    result = await ask(people[LOCAL.PRESIDENT], room_id, "!vote clore")

    assert "adoptée à l’unanimité (3 pour, 0 contre, 0 abstention)" in result
    with Session(bot_runner.engine) as session:
        ballots = session.exec(select(BallotRow)).all()
    assert len(ballots) == 4  # every ballot kept, Emeline Baume's first "contre" included, none twice
    assert sorted(ballot.event_id for ballot in ballots if ballot.event_id in sent_while_down) == \
        sorted(sent_while_down)


async def test_the_compte_rendu_holds_what_happened(bot_runner, person):
    room_id, secretariat, people = await opened_seance(bot_runner, person, present=QUORATE)
    await ask(people[LOCAL.KHELIFI], room_id, "!excuse")
    await ask(people[LOCAL.PRESIDENT], room_id, "!vote ouvrir 1")
    for name in QUORATE:
        await vote(people[name], room_id, "!vote pour")
    await ask(people[LOCAL.PRESIDENT], room_id, "!vote clore")
    await ask(people[LOCAL.MAES], room_id, "!note Villeurbanne : étude de faisabilité en 2027")

    filename, markdown, message = await closed_seance_minutes(secretariat, room_id)

    year = datetime.now(PARIS).year
    for text in (markdown, message):
        assert f"TNO {year}-01" in text and "Budget 2027" in text
        assert "Emeline Baume" in text and "Bertrand Maes" in text and "Pierre-Alain Millet" in text
        assert "Villeurbanne : étude de faisabilité en 2027" in text
    assert "Zemorda Khelifi" in markdown.split("Absences excusées")[1].split("\n\n")[0]
    assert filename.endswith(".md")


async def test_a_seance_opened_before_its_day_states_why_and_its_reminders_end(bot_runner, person):
    """Issue 12: a séance opened weeks before its conference was accepted silently, the compte rendu dated that day,
    the eve reminder still planned."""
    start = (datetime.now(PARIS) + timedelta(days=14)).replace(hour=10, minute=0, second=0, microsecond=0)
    room_id, number, secretariat, people = await prepared_conference(bot_runner, person, start=start)
    president = people[LOCAL.PRESIDENT]
    assert "la conférence a lieu" in await ask(secretariat, room_id, f"!rappels {number}")

    refused = await ask(president, room_id, f"!seance ouvrir {number}")
    assert refused.startswith(f"La conférence n° {number} est convoquée le ")
    assert refused.endswith("Utilisation : !seance ouvrir [n] [motif]")
    opened = await ask(president, room_id, f"!seance ouvrir {number} Réunion avancée : la salle est en travaux")
    assert "et non le jour de la conférence, pour ce motif (écrit au compte rendu) : Réunion avancée" in opened
    assert "Aucun rappel à venir" in await ask(secretariat, room_id, f"!rappels {number}")

    _, markdown, _ = await closed_seance_minutes(secretariat, room_id)
    assert f"Compte rendu de la conférence intercommunale du {start.day} " in markdown
    assert "et non le jour de la conférence, pour le motif suivant : Réunion avancée : la salle est en travaux." in (
        plain(markdown).replace("\n", " "))

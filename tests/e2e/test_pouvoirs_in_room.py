"""Pouvoirs given before the séance in a real room: one by a representative, one handed in on paper and recorded by
the secrétariat; the opening lists them, the mandataires vote for their mandants, the compte rendu holds both."""
from __future__ import annotations

import dataclasses

import pytest
from sqlmodel import Session, select

from tests.cast import LOCAL
from tests.e2e.scenarios import ACK, QUORATE, ask, closed_seance_minutes, prepared_conference, vote
from tests.text import plain
from tno_bot.storage.tables import AdvancePouvoirRow, AttendanceRow, BallotRow

pytestmark = pytest.mark.e2e

async def test_pouvoirs_given_before_the_seance_are_voted_and_recorded(bot_runner, person):
    room_id, number, secretariat, people = await prepared_conference(bot_runner, person)

    given = await ask(people[LOCAL.KHELIFI], room_id, f"!pouvoir @{LOCAL.BAUME}:tno.example")
    paper = await ask(secretariat, room_id, f"!pouvoir @{LOCAL.BOSETTI}:tno.example @{LOCAL.MAES}:tno.example")
    listed = await ask(people[LOCAL.MAES], room_id, "!presents")
    opening = await ask(secretariat, room_id, f"!seance ouvrir {number}")

    assert given.startswith("Pouvoir enregistré le ")
    assert f"pour la séance de la conférence n° {number} " in given
    assert "Emeline Baume votera pour Zemorda Khelifi" in given
    assert paper.endswith("Enregistré par le Secrétariat de la conférence pour le compte de Laurent Bosetti.")
    assert "Bertrand Maes votera pour Laurent Bosetti" in paper
    assert "Aucune séance n’est encore ouverte dans ce salon" in listed
    assert "• Zemorda Khelifi à Emeline Baume (" in listed
    heading = "Pouvoirs donnés avant la séance (l’absence de leurs mandants est notée excusée) :\n"
    pouvoirs = opening.split(heading)[1].splitlines()
    assert pouvoirs[0].startswith("• Zemorda Khelifi à Emeline Baume (")
    assert pouvoirs[1].startswith("• Laurent Bosetti à Bertrand Maes (")
    assert pouvoirs[1].endswith(", remis par écrit, enregistré par le Secrétariat de la conférence)")

    for name in QUORATE:
        await ask(people[name], room_id, "!present")
    await ask(people[LOCAL.PRESIDENT], room_id, "!vote ouvrir 1")
    await vote(people[LOCAL.BAUME], room_id, "!vote pour")
    by_proxy = await vote(people[LOCAL.BAUME], room_id, f"!vote pour @{LOCAL.KHELIFI}:tno.example")
    await vote(people[LOCAL.MAES], room_id, "!vote pour")
    by_paper = await vote(people[LOCAL.MAES], room_id, f"!vote pour @{LOCAL.BOSETTI}:tno.example")
    await vote(people[LOCAL.PRESIDENT], room_id, "!vote pour")
    result = await ask(people[LOCAL.PRESIDENT], room_id, "!vote clore")

    assert by_proxy == by_paper == ACK  # counted: the tally and the minutes below say for whom
    assert "adoptée à l’unanimité (5 pour, 0 contre, 0 abstention)" in result

    _, markdown, message = await closed_seance_minutes(secretariat, room_id)
    for text in (plain(markdown), plain(message)):
        assert "Zemorda Khelifi à Emeline Baume (donné le " in text
        assert ("Laurent Bosetti à Bertrand Maes (pouvoir écrit remis au secrétariat, enregistré par le Secrétariat de "
                "la conférence le ") in text
        assert "Votes par pouvoir : Emeline Baume pour Zemorda Khelifi, Bertrand Maes pour Laurent Bosetti." in text
    with Session(bot_runner.engine) as session:
        advance = session.exec(select(AdvancePouvoirRow).order_by(AdvancePouvoirRow.id)).all()
        facts = session.exec(select(AttendanceRow).order_by(AttendanceRow.id)).all()
    assert [(r.mandant, r.mandataire, r.recorded_by) for r in advance] == [
        (f"@{LOCAL.KHELIFI}:tno.example", f"@{LOCAL.BAUME}:tno.example", f"@{LOCAL.KHELIFI}:tno.example"),
        (f"@{LOCAL.BOSETTI}:tno.example", f"@{LOCAL.MAES}:tno.example", "@secretariat:tno.example")]
    assert [(f.kind, f.person, f.status) for f in facts[:4]] == [
        ("presence", f"@{LOCAL.KHELIFI}:tno.example", "excuse"), ("pouvoir", f"@{LOCAL.KHELIFI}:tno.example", None),
        ("presence", f"@{LOCAL.BOSETTI}:tno.example", "excuse"), ("pouvoir", f"@{LOCAL.BOSETTI}:tno.example", None)]


async def test_a_suppleants_pouvoir_when_the_conference_allows_it(bot_runner, person):
    """`[rules] pouvoir_suppleant = true`: the pouvoir of Emmanuel Vivien (suppléant, Ville de Lyon), handed in on
    paper, lets Bertrand Maes vote in his place for the absent titulaire Laurent Bosetti."""
    bot_runner.config = dataclasses.replace(bot_runner.config, rules=dataclasses.replace(
        bot_runner.config.rules, pouvoir_suppleant=True))
    room_id, number, secretariat, people = await prepared_conference(bot_runner, person)

    paper = await ask(secretariat, room_id, f"!pouvoir @{LOCAL.VIVIEN}:tno.example @{LOCAL.MAES}:tno.example")
    assert "Bertrand Maes votera pour Emmanuel Vivien" in paper
    await ask(secretariat, room_id, f"!seance ouvrir {number}")
    for name in QUORATE:
        await ask(people[name], room_id, "!present")
    await ask(people[LOCAL.PRESIDENT], room_id, "!vote ouvrir 1")
    assert await vote(people[LOCAL.MAES], room_id, "!vote pour") == ACK
    assert await vote(people[LOCAL.MAES], room_id, f"!vote pour @{LOCAL.VIVIEN}:tno.example") == ACK
    await vote(people[LOCAL.BAUME], room_id, "!vote pour")
    await vote(people[LOCAL.PRESIDENT], room_id, "!vote pour")
    assert "(4 pour, 0 contre, 0 abstention)" in await ask(people[LOCAL.PRESIDENT], room_id, "!vote clore")

    _, markdown, _ = await closed_seance_minutes(secretariat, room_id)
    assert "Suppléances : Bertrand Maes pour Laurent Bosetti (par pouvoir d’un suppléant)." in plain(markdown)
    with Session(bot_runner.engine) as session:
        ballots = session.exec(select(BallotRow).order_by(BallotRow.id)).all()
    assert [(b.seat, b.basis) for b in ballots if b.voter == f"@{LOCAL.MAES}:tno.example"] == [
        (f"@{LOCAL.MAES}:tno.example", "titulaire"), (f"@{LOCAL.BOSETTI}:tno.example", "pouvoir_suppleant")]


async def test_by_default_a_suppleants_pouvoir_is_refused_as_the_conferences_rule(bot_runner, person):
    room_id, _, secretariat, _ = await prepared_conference(bot_runner, person)
    refused = await ask(secretariat, room_id, f"!pouvoir @{LOCAL.VIVIEN}:tno.example @{LOCAL.MAES}:tno.example")
    assert refused == ("Emmanuel Vivien occupe un siège de suppléant : selon la règle de la conférence, seul un "
                       "titulaire donne un pouvoir, un suppléant n’ayant pas de siège propre (réglage "
                       "pouvoir_suppleant, par analogie avec l’art. L2121-20 du CGCT, « un conseiller empêché »).")
    with Session(bot_runner.engine) as session:
        assert session.exec(select(AdvancePouvoirRow)).all() == []

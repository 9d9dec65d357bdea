"""An absent président, in a real room: the secrétariat records him excused, the vice-président the config names
opens and closes the vote, and the compte rendu says who presided and in whose absence."""
from __future__ import annotations

import dataclasses

import pytest

from tests.cast import BAUME, LOCAL
from tests.e2e.scenarios import ACK, ask, closed_seance_minutes, opened_seance, plain, vote

pytestmark = pytest.mark.e2e


async def test_the_vice_president_conducts_the_votes_of_a_seance_without_its_president(bot_runner, person):
    config = bot_runner.config
    bot_runner.config = dataclasses.replace(config, roles=dataclasses.replace(config.roles, vice_president=(BAUME,)))
    room_id, secretariat, people = await opened_seance(bot_runner, person, present=(LOCAL.BAUME, LOCAL.MAES))
    baume, maes = people[LOCAL.BAUME], people[LOCAL.MAES]
    await ask(secretariat, room_id, "!present Alain Viollet")  # the SITIV's quorum, its président excused
    assert await ask(baume, room_id, "!vote ouvrir 1") == "Seul le président peut utiliser !vote ouvrir."
    await ask(secretariat, room_id, "!excuse Pierre-Alain Millet")

    assert (await ask(baume, room_id, "!vote ouvrir 1")).startswith("Vote sur le point 1 : « Budget 2027 » — ouvert")
    assert await vote(baume, room_id, "!vote pour") == ACK
    assert await vote(maes, room_id, "!vote pour") == ACK
    assert await ask(maes, room_id, "!vote clore") == "Seul le président peut utiliser !vote clore."
    closed = await ask(baume, room_id, "!vote clore")
    assert "adoptée à l’unanimité (2 pour, 0 contre" in closed

    _, markdown, _ = await closed_seance_minutes(secretariat, room_id)
    assert ("Présidence de séance : Emeline Baume, en l’absence de Pierre-Alain Millet (présidence par le "
            "vice-président, règle de la conférence)") in plain(markdown)

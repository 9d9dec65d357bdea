"""A decision concerning a mission spécifique of two members, in a real room: only those members vote on it, their
two deliberations make it executory (the third member is never awaited), and it is announced executory once."""
from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pytest
from sqlmodel import Session, select

from tests.cast import LOCAL
from tests.e2e.scenarios import ACK, QUORATE, ask, opened_seance, plain, vote
from tno_bot.config import Mission
from tno_bot.domain.calendar import PARIS
from tno_bot.i18n import translator
from tno_bot.storage.tables import VoteRow

pytestmark = pytest.mark.e2e

VISIO = Mission("visio", "Visioconférence", "specifique", ("metropole", "sitiv"), porteur="sitiv")


async def test_a_decision_of_a_two_member_mission_is_ratified_by_those_two_members_only(bot_runner, person):
    bot_runner.config = dataclasses.replace(bot_runner.config, missions=bot_runner.config.missions + (VISIO,))
    room_id, secretariat, people = await opened_seance(bot_runner, person, present=QUORATE)
    president, baume, maes = people[LOCAL.PRESIDENT], people[LOCAL.BAUME], people[LOCAL.MAES]

    opened = await ask(president, room_id, "!vote ouvrir 2 visio")
    assert "Vote sur le point 2 : « Feuille de route »" in opened
    assert ("concerne la mission « Visioconférence » : elle est votée et ratifiée par la Métropole de Lyon et le "
            "SITIV seuls") in opened
    assert "Votants : Emeline Baume et Pierre-Alain Millet" in opened
    refused = await vote(maes, room_id, "!vote pour")  # the Ville de Lyon takes no part in the mission
    assert "ne vote pas sur cette décision : elle concerne la mission « Visioconférence »" in refused
    assert await vote(baume, room_id, "!vote pour") == ACK
    assert await vote(president, room_id, "!vote pour") == ACK
    closed = await ask(president, room_id, "!vote clore")
    decision = f"TNO {datetime.now(PARIS).year}-01"
    assert f"Décision {decision} adoptée à l’unanimité (2 pour, 0 contre" in closed
    assert "SITIV : 1 pour" in closed and "Ville de Lyon" not in closed  # the members' unanimity, by member

    today = datetime.now(PARIS).date()
    day = f"{today:%d/%m/%Y}"
    awaited = await ask(secretariat, room_id, f"!decision {decision}")
    assert "Métropole de Lyon" in awaited and "SITIV" in awaited and "Ville de Lyon" not in awaited
    await ask(secretariat, room_id, f"!deliberation {decision} metropole {today:%Y}-1600 {day}")
    await ask(secretariat, room_id, f"!publication {decision} metropole {day}")
    await ask(secretariat, room_id, f"!transmission {decision} metropole {day}")
    number = f"CS_{today:%Y_%m}_9"
    await ask(president, room_id, f"!deliberation {decision} sitiv {number} {day}")
    await ask(president, room_id, f"!publication {decision} sitiv {day}")
    last = await president.send(room_id, f"!transmission {decision} sitiv {day} "
                                         f"069-256910183-{today:%Y%m%d}-{number}-DE")

    def announcements() -> list:  # the notifying texts that say the decision is executory
        return [m for m in president.received
                if m.room_id == room_id and m.sender == bot_runner.settings.user_id
                and m.content.get("msgtype") == "m.text" and decision in plain(m.content.get("body", ""))
                and "exécutoire" in plain(m.content.get("body", ""))]
    await president.wait_reply(last)
    await president.wait_for(announcements, timeout=30)
    record = await ask(baume, room_id, f"!decision {decision}")  # a later command: no second announcement by then
    assert "Exécutoire depuis le" in record and "Ville de Lyon" not in record
    assert len(announcements()) == 1
    assert maes.user_id not in announcements()[0].content["m.mentions"]["user_ids"]


async def test_a_seance_before_the_missions_start_cannot_decide_on_it(bot_runner, person):
    """A mission starting tomorrow (`since`): today's séance may not open a vote on a decision concerning it."""
    tomorrow = datetime.now(PARIS).date() + timedelta(days=1)
    bot_runner.config = dataclasses.replace(bot_runner.config, missions=bot_runner.config.missions + (
        dataclasses.replace(VISIO, since=tomorrow),))
    room_id, _, people = await opened_seance(bot_runner, person, present=QUORATE)

    refused = await ask(people[LOCAL.PRESIDENT], room_id, "!vote ouvrir 2 visio")

    assert refused.splitlines() == [
        f"La mission « Visioconférence » commence le {plain(translator('fr').date(tomorrow))} (réglage [[missions]] "
        f"since) : la séance du {plain(translator('fr').date(tomorrow - timedelta(days=1)))} ne peut pas en décider. "
        "Ouvrez le vote sans la mission, ou lors d’une séance tenue à partir de ce jour.",
        "Utilisation : !vote ouvrir <n° du point> [mission] [titre]"]
    with Session(bot_runner.engine) as session:
        assert session.exec(select(VoteRow)).all() == []

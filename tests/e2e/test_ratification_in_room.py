"""Ratification in a real room: a decision adopted in a séance, three deliberations recorded by three people, the
reminder of the member still awaited, and the announcement when the last record makes the decision executory."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import update
from sqlmodel import Session

from tests.cast import LOCAL
from tests.e2e.scenarios import QUORATE, ask, opened_seance, plain, vote
from tno_bot.domain.calendar import PARIS
from tno_bot.i18n import translator
from tno_bot.storage.tables import ConferenceRow, DecisionRow

pytestmark = pytest.mark.e2e


def posted_by_bot(participant, room_id: str, needle: str) -> list:
    """Texts the bot posted by itself or as an announcement (no reply relation, no edit) that contain `needle`."""
    return [message for message in participant.received
            if message.room_id == room_id and message.sender.startswith("@tno-bot:")
            and message.content.get("msgtype") == "m.text" and message.reply_to is None
            and message.relation[0] != "m.replace"
            and needle in plain(message.content.get("body", ""))]


async def test_three_deliberations_make_the_decision_executory_and_the_awaited_member_is_reminded(bot_runner,
                                                                                                     person):
    room_id, secretariat, people = await opened_seance(bot_runner, person, present=QUORATE)
    president, maes = people[LOCAL.PRESIDENT], people[LOCAL.MAES]
    await ask(president, room_id, "!vote ouvrir 1")
    for name in QUORATE:
        await vote(people[name], room_id, "!vote pour")
    await ask(president, room_id, "!vote clore")
    decision = f"TNO {datetime.now(PARIS).year}-01"
    today = datetime.now(PARIS).date()
    day = f"{today:%d/%m/%Y}"

    # The Métropole's deliberation, recorded by the secrétariat; the Ville de Lyon's, by one of its representatives.
    await ask(secretariat, room_id, f"!deliberation {decision} metropole {today:%Y}-1518 {day} pour=140 contre=2")
    await ask(secretariat, room_id, f"!publication {decision} metropole {day}")
    await ask(secretariat, room_id, f"!transmission {decision} metropole {day}")
    await ask(maes, room_id, f"!deliberation {decision} ville-lyon {today:%Y}-1987 {day}")
    await ask(maes, room_id, f"!publication {decision} ville-lyon {day}")
    await ask(maes, room_id, f"!transmission {decision} ville-lyon {day}")
    # A mistake corrected by its author, another withdrawn by the secrétariat and recorded again: all in the history.
    corrected = await ask(maes, room_id, f"!deliberation corriger {decision} ville-lyon {today:%Y}-1988 {day}")
    assert corrected.startswith(f"Corrigé pour {decision} : la délibération de la Ville de Lyon.")
    withdrawn = await ask(secretariat, room_id, f"!transmission retirer {decision} ville-lyon")
    assert withdrawn.startswith(f"Retiré pour {decision} : la transmission en préfecture de la Ville de Lyon ;")
    await ask(maes, room_id, f"!transmission {decision} ville-lyon {day}")

    # Fifteen days pass with the SITIV still awaited (the bot is stopped meanwhile): it is reminded once, at start-up.
    await bot_runner.stop()
    with Session(bot_runner.engine) as session, session.begin():  # the decision carries its conference's date
        session.exec(update(DecisionRow).where(DecisionRow.id == decision)
                     .values(adopted_at=datetime.now(timezone.utc) - timedelta(days=15)))
        conference_id = session.get(DecisionRow, decision).conference_id
        session.exec(update(ConferenceRow).where(ConferenceRow.id == conference_id)
                     .values(day=today - timedelta(days=15)))
    await bot_runner.start()
    await president.wait_for(lambda: posted_by_bot(president, room_id, "SITIV"), timeout=30)
    [reminder] = posted_by_bot(president, room_id, "SITIV")
    assert president.user_id in reminder.content["m.mentions"]["user_ids"]
    assert people[LOCAL.BAUME].user_id not in reminder.content["m.mentions"]["user_ids"]  # only the awaited member
    missing = await ask(president, room_id, f"!decision {decision}")
    assert "SITIV : délibération attendue" in missing and "Manque encore" in missing

    # The SITIV's president records its deliberation; the last record makes the decision executory.
    number = f"CS_{today:%Y_%m}_4"
    await ask(president, room_id, f"!deliberation {decision} sitiv {number} {day} pour=7 contre=1")
    await ask(president, room_id, f"!publication {decision} sitiv {day}")
    last = await president.send(room_id, f"!transmission {decision} sitiv {day} "
                                         f"069-256910183-{today:%Y%m%d}-{number}-DE")

    def announcements() -> list:  # the notifying text that comes with the answer to the last record
        return [m for m in president.replies_to(last) if m.content.get("msgtype") == "m.text"]
    await president.wait_for(announcements, timeout=30)
    [announcement] = announcements()
    assert decision in plain(announcement.content["body"]) and "exécutoire" in plain(announcement.content["body"])
    assert people[LOCAL.BAUME].user_id in announcement.content["m.mentions"]["user_ids"]
    record = await ask(people[LOCAL.BAUME], room_id, f"!decision {decision}")
    assert f"Exécutoire depuis le {plain(translator('fr').date(today))}" in record
    assert f"Ville de Lyon : délibération n° {today:%Y}-1988 du" in record and "— correction" in record
    assert "Secrétariat de la conférence, Ville de Lyon : transmission retirée" in record
    assert len(posted_by_bot(president, room_id, "SITIV")) == 1  # the reminder was not repeated

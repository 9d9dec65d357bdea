"""The ordre du jour in a real room: proposal with mentions, avis, reminders and tacit fixing across restarts.

Time cannot be fast-forwarded on a real homeserver, so the tests that need days to pass move the stored instants
back (as if the bot had been stopped for that long) and let the real bot and scheduler do the rest.
"""
from __future__ import annotations

import asyncio
import dataclasses
from datetime import date, datetime, timedelta, timezone

import icalendar
import pytest
from sqlalchemy import update
from sqlmodel import Session, select

from tests.cast import LOCAL
from tests.e2e.scenarios import file_data, posted_files
from tests.text import plain
from tno_bot.domain.agenda import reply_window
from tno_bot.domain.calendar import local_date
from tno_bot.i18n import translator
from tno_bot.storage.tables import AgendaAvis, AgendaVersion, ReminderRow

pytestmark = pytest.mark.e2e

def conference_day() -> date:
    """Far enough ahead that the D-30 notice can still be met."""
    return (datetime.now(timezone.utc) + timedelta(days=60)).date()


async def conference_room(bot_runner, person, encrypted: bool = True):
    """A room with the bot, the secrétariat, a member of the comité technique and a representative."""
    await bot_runner.start()
    secretariat, comite, emeline = (await person(LOCAL.SECRETARIAT), await person(LOCAL.FAURY),
                                    await person(LOCAL.BAUME))
    bot = bot_runner.settings.user_id
    room_id = await secretariat.create_room("Conférence TNO", invite=[bot, comite.user_id, emeline.user_id],
                                            encrypted=encrypted, alias=bot_runner.room_alias())
    await comite.join(room_id)
    await emeline.join(room_id)
    await secretariat.wait_joined(room_id, bot)
    return room_id, secretariat, comite, emeline


async def ask(participant, room_id: str, text: str) -> str:
    reply = await participant.wait_reply(await participant.send(room_id, text))
    return plain(reply.content["body"])


async def prepared_conference(bot_runner, person, send: bool, encrypted: bool = True):
    room_id, secretariat, comite, emeline = await conference_room(bot_runner, person, encrypted)
    created = await ask(secretariat, room_id, f"!conference nouvelle {conference_day().isoformat()} 14:30 "
                                              "Hôtel de la Métropole")
    assert "Hôtel de la Métropole" in created
    await ask(comite, room_id, "!odj ajouter Rapport d'activité 2026")
    await ask(comite, room_id, "!odj ajouter Budget 2027")
    if send:
        await ask(comite, room_id, "!odj envoyer")
    return room_id, secretariat, comite, emeline


def posted_by_bot(participant, room_id: str, needle: str) -> list:
    """The messages the bot posted by itself (texts replying to no command) that contain `needle`."""
    return [message for message in participant.received
            if message.room_id == room_id and message.content.get("msgtype") == "m.text"
            and message.reply_to is None and needle in plain(message.content.get("body", ""))]


def move_back(runner, table, where, **instants) -> None:
    with Session(runner.engine) as session, session.begin():
        session.exec(update(table).where(where).values(**instants))


async def test_the_proposal_reaches_the_representatives_with_a_mention(bot_runner, person):
    room_id, _, comite, emeline = await prepared_conference(bot_runner, person, send=False)

    sent = await comite.send(room_id, "!odj envoyer")
    await emeline.wait_for(lambda: emeline.replies_to(sent))
    [proposal] = emeline.replies_to(sent)

    assert proposal.content["msgtype"] == "m.text"
    assert emeline.user_id in proposal.content["m.mentions"]["user_ids"]
    assert f"https://matrix.to/#/{emeline.user_id}" in proposal.content["formatted_body"]
    body = plain(proposal.content["body"])
    assert "Rapport d'activité 2026" in body and "Budget 2027" in body
    assert "(brouillon)" not in await ask(emeline, room_id, "!odj")


async def test_an_avis_stops_the_tacit_fixing(bot_runner, person):
    room_id, _, _, emeline = await prepared_conference(bot_runner, person, send=True)
    await ask(emeline, room_id, "!odj avis Ajouter un point sur la communication")
    await bot_runner.stop()
    sent_at = datetime.now(timezone.utc) - timedelta(days=20)  # the reply window ended five days ago
    move_back(bot_runner, AgendaVersion, AgendaVersion.numero == 1, sent_at=sent_at)

    await bot_runner.start()
    state = await ask(emeline, room_id, "!odj")

    assert "fixé tacitement le" not in state.lower() and "fixé par" not in state.lower()
    assert "L’ordre du jour ne sera pas fixé tacitement" in state
    assert posted_by_bot(emeline, room_id, "fixé tacitement") == []


async def test_a_reply_window_that_ended_during_an_outage_is_fixed_at_start_up(bot_runner, person):
    room_id, _, _, emeline = await prepared_conference(bot_runner, person, send=True)
    await bot_runner.stop()
    sent_at = datetime.now(timezone.utc) - timedelta(days=20)
    move_back(bot_runner, AgendaVersion, AgendaVersion.numero == 1, sent_at=sent_at)

    await bot_runner.start()
    await emeline.wait_for(lambda: posted_by_bot(emeline, room_id, "fixé tacitement"), timeout=30)

    window_end = reply_window(local_date(sent_at), 15, False).effective
    [fixing] = posted_by_bot(emeline, room_id, "fixé tacitement")
    assert plain(translator("fr").date(window_end)) in plain(fixing.content["body"])
    assert "Budget 2027" in plain(fixing.content["body"])
    await ask(emeline, room_id, "!odj")  # a later command: any duplicate posting would have arrived
    assert len(posted_by_bot(emeline, room_id, "fixé tacitement")) == 1


def favourable_avis_rule(runner, bloque: bool) -> None:
    """The bot's `[rules] avis_favorable_bloque`, before it starts."""
    runner.config = dataclasses.replace(runner.config, rules=dataclasses.replace(runner.config.rules,
                                                                                 avis_favorable_bloque=bloque))


async def test_when_configured_a_favourable_avis_lets_the_window_fix_the_agenda(bot_runner, person):
    favourable_avis_rule(bot_runner, bloque=False)
    room_id, _, _, emeline = await prepared_conference(bot_runner, person, send=True)
    acknowledged = await ask(emeline, room_id, "!odj avis favorable")
    assert "Emeline Baume, le " in acknowledged and " : avis favorable" in acknowledged
    assert ("Un avis favorable n’empêche pas la fixation tacite : sans avis portant des remarques ou des réserves, "
            "l’ordre du jour est fixé tel que proposé") in acknowledged
    await bot_runner.stop()
    sent_at = datetime.now(timezone.utc) - timedelta(days=20)  # the reply window ended five days ago
    move_back(bot_runner, AgendaVersion, AgendaVersion.numero == 1, sent_at=sent_at)

    await bot_runner.start()
    await emeline.wait_for(lambda: posted_by_bot(emeline, room_id, "fixé tacitement"), timeout=30)

    [fixing] = posted_by_bot(emeline, room_id, "fixé tacitement")
    body = plain(fixing.content["body"]).splitlines()
    window_end = reply_window(local_date(sent_at), 15, False).effective
    assert body[:2] == [
        f"Ordre du jour fixé tacitement le {plain(translator('fr').date(window_end))} : la version 1, envoyée le "
        f"{plain(translator('fr').date(local_date(sent_at)))}, n’a reçu que 1 avis favorable dans le délai de "
        "réponse. Il est désormais verrouillé.",
        "Règle appliquée à la version 1 (réglage avis_favorable_bloque lors de son envoi) : un avis favorable "
        "(!odj avis favorable) n’empêche pas sa fixation tacite ; un avis portant des remarques ou des réserves "
        "l’empêche."]
    assert emeline.user_id in fixing.content["m.mentions"]["user_ids"]
    assert "seuls des avis favorables dans le délai de réponse" in await ask(emeline, room_id, "!odj")
    with Session(bot_runner.engine) as session:
        [avis] = session.exec(select(AgendaAvis)).all()
    assert (avis.text, avis.favorable) == ("", True)


async def test_by_default_a_favourable_avis_stops_the_tacit_fixing(bot_runner, person):
    room_id, _, _, emeline = await prepared_conference(bot_runner, person, send=True)
    acknowledged = await ask(emeline, room_id, "!odj avis favorable")
    assert ("Règle appliquée à la version 1 (réglage avis_favorable_bloque lors de son envoi) : tout avis empêche sa "
            "fixation tacite, un avis favorable (!odj avis favorable) aussi.") in acknowledged
    await bot_runner.stop()
    move_back(bot_runner, AgendaVersion, AgendaVersion.numero == 1,
              sent_at=datetime.now(timezone.utc) - timedelta(days=20))

    await bot_runner.start()
    state = await ask(emeline, room_id, "!odj")

    assert "L’ordre du jour ne sera pas fixé tacitement" in state
    assert posted_by_bot(emeline, room_id, "fixé tacitement") == []


def notice_reminder(runner) -> ReminderRow:
    with Session(runner.engine) as session:
        return session.exec(select(ReminderRow).where(ReminderRow.key == "notice-7d")).one()


async def test_a_reminder_due_in_a_few_seconds_is_posted_exactly_once(bot_runner, person):
    room_id, secretariat, comite, emeline = await prepared_conference(bot_runner, person, send=False)
    reminder = notice_reminder(bot_runner)
    move_back(bot_runner, ReminderRow, ReminderRow.id == reminder.id,
              due_at=datetime.now(timezone.utc) + timedelta(seconds=3))
    await ask(secretariat, room_id, "!rappels")  # any command replans the jobs from the rows

    await comite.wait_for(lambda: posted_by_bot(comite, room_id, "Rappel"), timeout=30)
    await asyncio.sleep(2)
    await ask(secretariat, room_id, "!rappels")

    [posted] = posted_by_bot(comite, room_id, "Rappel")
    assert comite.user_id in posted.content["m.mentions"]["user_ids"]
    assert notice_reminder(bot_runner).status == "sent"


async def test_a_reminder_due_while_the_bot_was_down_is_posted_once_after_restart(bot_runner, person):
    room_id, secretariat, comite, _ = await prepared_conference(bot_runner, person, send=False)
    await bot_runner.stop()
    reminder = notice_reminder(bot_runner)
    move_back(bot_runner, ReminderRow, ReminderRow.id == reminder.id,
              due_at=datetime.now(timezone.utc) - timedelta(minutes=5))

    await bot_runner.start()
    await comite.wait_for(lambda: posted_by_bot(comite, room_id, "Rappel"), timeout=30)
    await bot_runner.stop()
    await bot_runner.start()
    await ask(secretariat, room_id, "!rappels")

    assert len(posted_by_bot(comite, room_id, "Rappel")) == 1
    assert notice_reminder(bot_runner).status == "sent"


@pytest.mark.parametrize("encrypted", [True, False], ids=["encrypted", "clear"])
async def test_the_calendar_file_is_uploaded_and_opens_as_icalendar(bot_runner, person, encrypted):
    room_id, _, _, emeline = await prepared_conference(bot_runner, person, send=True, encrypted=encrypted)

    command = await emeline.send(room_id, "!conference ics")
    await emeline.wait_for(lambda: posted_files(emeline, room_id))
    [posted] = posted_files(emeline, room_id)
    assert emeline.replies_to(command)  # the notice that announces the file
    assert ("file" in posted.content) is encrypted  # encrypted in an encrypted room, its keys in the event
    data = await file_data(emeline, posted)
    calendar = data.decode("utf-8")

    assert calendar.startswith("BEGIN:VCALENDAR")
    assert conference_day().strftime("%Y%m%d") in calendar
    assert "TZID=Europe/Paris" in calendar
    [conference] = [e for e in icalendar.Calendar.from_ical(data).walk("VEVENT") if "LOCATION" in e]
    assert conference.decoded("DTEND") - conference.decoded("DTSTART") == timedelta(hours=2)
    assert conference.decoded("SEQUENCE") == 0
    assert str(conference["DESCRIPTION"]).splitlines()[1:] == ["1. Rapport d'activité 2026", "2. Budget 2027"]

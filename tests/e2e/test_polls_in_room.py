"""Votes with Element's native polls, on the real Synapse with real clients sending the raw events Element sends:
ballots by poll and by command in one tally, a pouvoir through its poll, a refused answer told once, a restart
between answers; the tally message kept current by edits, ballots acknowledged by reactions; commands in threads
and edited commands."""
from __future__ import annotations

import pytest
from sqlmodel import Session, select

from tests.cast import LOCAL
from tests.text import plain
from tests.e2e.scenarios import (
    ACK,
    POLL_END,
    POLL_RESPONSE,
    POLL_START,
    QUORATE,
    all_sent,
    answer_poll,
    answered,
    ask,
    closed_seance_minutes,
    opened_seance,
    poll_answer,
    prepared_conference,
    vote,
    vote_polls,
)
from tno_bot.matrix.related_sends import EDIT_MAX_DELAY_SECONDS
from tno_bot.storage.tables import BallotRow

pytestmark = pytest.mark.e2e


def _bot_events(participant, room_id: str, bot: str, after: str) -> list:
    """The bot's events in the room after the event `after`, in the order received."""
    ids = [m.event_id for m in participant.received]
    return [m for m in participant.received[ids.index(after) + 1:] if m.room_id == room_id and m.sender == bot]


async def test_a_vote_by_poll_and_by_command_with_a_pouvoir_a_refusal_and_a_restart(bot_runner, person):
    room_id, secretariat, people = await opened_seance(bot_runner, person, present=QUORATE)
    baume, maes, president = people[LOCAL.BAUME], people[LOCAL.MAES], people[LOCAL.PRESIDENT]
    bot = bot_runner.settings.user_id
    await ask(people[LOCAL.KHELIFI], room_id, f"!pouvoir @{LOCAL.BAUME}:tno.example")  # absent: her pouvoir

    opening = await president.send(room_id, "!vote ouvrir 1")
    tally_message = await president.wait_reply(opening)
    own, proxy = await vote_polls(president, room_id, 2)
    assert own.content[POLL_START]["kind"] == "org.matrix.msc3381.poll.disclosed"
    assert [a["org.matrix.msc1767.text"] for a in own.content[POLL_START]["answers"]] == [
        "Pour", "Contre", "Abstention"]
    assert "Emeline Baume pour le siège de Zemorda Khelifi" in proxy.content[POLL_START]["question"]["body"]
    assert own.content["body"].endswith("1. Pour\n2. Contre\n3. Abstention")  # the text fallback

    # Emeline Baume: one tap for her seat, one for her mandant's; Bertrand Maes taps the pouvoir's poll: refused.
    assert await answered(baume, await answer_poll(baume, room_id, own.event_id, "pour")) == ACK
    assert await answered(baume, await answer_poll(baume, room_id, proxy.event_id, "pour")) == ACK
    refused = await answered(maes, await answer_poll(maes, room_id, proxy.event_id, "contre"))
    assert "ne vote pas pour le siège de Zemorda Khelifi" in refused
    again = await answer_poll(maes, room_id, proxy.event_id, "pour")  # refused again: not told twice
    assert await vote(maes, room_id, "!vote abstention") == ACK  # typed: the same tally
    assert maes.answers_to(again) == []  # handled before the command that followed it, in silence

    await bot_runner.stop()
    while_down = [await answer_poll(president, room_id, own.event_id, "contre"),
                  await answer_poll(baume, room_id, own.event_id, "contre")]  # she changes her mind: latest counts
    await bot_runner.start()
    assert [await answered(p, e) for p, e in zip((president, baume), while_down)] == [ACK, ACK]
    await bot_runner.stop()
    await bot_runner.start()  # a second restart replays nothing

    closing = await president.send(room_id, "!vote clore")
    result = await answered(president, closing)
    assert "Proposition rejetée (1 pour, 2 contre, 1 abstention)." in result
    def ends_here() -> list:  # the president's client also holds the poll ends of earlier tests' rooms
        return [m for m in president.received if m.type == POLL_END and m.room_id == room_id]
    await president.wait_for(lambda: len(ends_here()) == 2)
    ends = ends_here()
    assert sorted(m.relation for m in ends) == sorted([("m.reference", own.event_id),
                                                       ("m.reference", proxy.event_id)])
    # The tally message was kept current by edits, and ends with the result.
    await president.wait_for(lambda: any(result.split(" — ")[0] in plain(m.content["m.new_content"]["body"])
                                         and "rejetée" in m.content["m.new_content"]["body"]
                                         for m in president.related_to(tally_message.event_id, "m.replace")))
    edits = president.related_to(tally_message.event_id, "m.replace")
    assert any("pas encore voté" in m.content["m.new_content"]["body"] for m in edits)
    # The bot's messages for this vote: the tally message, the two polls, the refusal, the result; the rest are
    # reactions, edits and the polls' ends.
    messages = [m for m in _bot_events(president, room_id, bot, opening)
                if m.type in ("m.room.message", POLL_START) and m.relation[0] != "m.replace"]
    assert len(messages) == 5

    await all_sent(president, bot_runner.engine)
    with Session(bot_runner.engine) as session:
        ballots = session.exec(select(BallotRow).order_by(BallotRow.id)).all()
    assert [(b.voter.split(":")[0][1:], b.seat.split(":")[0][1:], b.basis, b.choice) for b in ballots] == [
        (LOCAL.BAUME, LOCAL.BAUME, "titulaire", "pour"), (LOCAL.BAUME, LOCAL.KHELIFI, "pouvoir", "pour"),
        (LOCAL.MAES, LOCAL.MAES, "titulaire", "abstention"), (LOCAL.PRESIDENT, LOCAL.PRESIDENT, "titulaire", "contre"),
        (LOCAL.BAUME, LOCAL.BAUME, "titulaire", "contre")]
    assert [b.event_id for b in ballots][-2:] == while_down  # every answer kept with its event id, none twice

    _, markdown, message = await closed_seance_minutes(secretariat, room_id)
    for text in (plain(markdown), plain(message)):  # as for typed ballots
        assert "La proposition est rejetée (1 pour, 2 contre, 1 abstention)." in text
        assert "Votes par pouvoir : Emeline Baume pour Zemorda Khelifi." in text


async def test_a_command_in_a_thread_is_answered_there_and_an_edited_command_is_answered(bot_runner, person):
    room_id, _, people = await opened_seance(bot_runner, person, present=())
    maes = people[LOCAL.MAES]
    root = await maes.send(room_id, "Une question sur la séance")
    in_thread = await maes.send_event(room_id, "m.room.message", {
        "msgtype": "m.text", "body": "!seance",
        "m.relates_to": {"rel_type": "m.thread", "event_id": root, "is_falling_back": True,
                         "m.in_reply_to": {"event_id": root}}})
    reply = await maes.wait_reply(in_thread)
    assert reply.relation == ("m.thread", root)

    typo = await maes.send(room_id, "!presnt")  # unknown: nothing done
    await answered(maes, typo)

    def edit(original: str, text: str) -> dict:  # as Element sends an edit
        return {"msgtype": "m.text", "body": f"* {text}", "m.new_content": {"msgtype": "m.text", "body": text},
                "m.relates_to": {"rel_type": "m.replace", "event_id": original}}
    corrected = await answered(maes, await maes.send_event(room_id, "m.room.message", edit(typo, "!present")))
    assert "Bertrand Maes" in corrected and "présent" in corrected
    second = await answered(maes, await maes.send_event(room_id, "m.room.message", edit(typo, "!excuse")))
    assert second.startswith("Votre modification n’a pas été prise en compte")
    assert "!excuse" in second


async def test_an_element_grade_client_answers_the_poll_in_an_encrypted_room(bot_runner, person, strict_person):
    """matrix-js-sdk with rust crypto (Element's) reads the bot's encrypted poll, answers it encrypted; the bot
    decrypts the answer, counts it and reacts to it; at the closing, the poll ends for her with the result."""
    baume = await strict_person(LOCAL.BAUME)
    room_id, number, secretariat, people = await prepared_conference(bot_runner, person, encrypted=True,
                                                                     strict={LOCAL.BAUME: baume})
    await ask(secretariat, room_id, f"!seance ouvrir {number}")
    for name in (LOCAL.MAES, LOCAL.PRESIDENT):
        await ask(people[name], room_id, "!present")
    await baume.wait_reply(await baume.send(room_id, "!present"))
    await ask(people[LOCAL.PRESIDENT], room_id, "!vote ouvrir 1")

    poll = await baume.wait_event(room_id, POLL_START)
    assert poll["encrypted"] and poll["content"][POLL_START]["kind"] == "org.matrix.msc3381.poll.disclosed"
    answer = await baume.send_event(room_id, POLL_RESPONSE, poll_answer(poll["event_id"], "pour"))
    reaction = await baume.wait_event(room_id, "m.reaction", relates_to=answer)
    assert reaction["relation"]["key"] == ACK
    with Session(bot_runner.engine) as session:
        [ballot] = session.exec(select(BallotRow)).all()
    assert (ballot.event_id, ballot.voter, ballot.choice) == (answer, baume.user_id, "pour")

    # Closed: the ended poll reaches her client with the result, not held behind the tally's last edit.
    president = people[LOCAL.PRESIDENT]
    await president.wait_reply(await president.send(room_id, "!vote clore"))
    end = await baume.wait_event(room_id, POLL_END, relates_to=poll["event_id"], timeout=EDIT_MAX_DELAY_SECONDS / 2)
    assert end["encrypted"]


async def test_a_vote_of_the_whole_conference_makes_three_messages_and_a_reaction_per_ballot(bot_runner, person):
    """The nine representatives present, the six titulaires vote by poll: the bot posts the tally message, the poll
    and the result (before polls: the opening, a notice per ballot and the result), plus a reaction per ballot; the
    tally is edited at most about once a second, the poll ended."""
    room_id, secretariat, people = await opened_seance(bot_runner, person, present=())
    bot = bot_runner.settings.user_id
    everyone = (LOCAL.BAUME, LOCAL.KHELIFI, LOCAL.VIERA, LOCAL.MAES, LOCAL.BOSETTI, LOCAL.VIVIEN, LOCAL.MILLET,
                LOCAL.VIOLLET, LOCAL.LEFORT)
    for name in everyone:
        if name not in people:
            people[name] = await person(name)
            await secretariat.client.room_invite(room_id, people[name].user_id)
            await people[name].join(room_id)
    await ask(secretariat, room_id, "!present " + ", ".join(f"@{name}:tno.example" for name in everyone))
    president = people[LOCAL.PRESIDENT]
    opening = await president.send(room_id, "!vote ouvrir 1")
    await president.wait_reply(opening)
    [poll] = await vote_polls(president, room_id, 1)
    titulaires = (LOCAL.BAUME, LOCAL.KHELIFI, LOCAL.MAES, LOCAL.BOSETTI, LOCAL.MILLET, LOCAL.VIOLLET)
    answers = [(people[name], await answer_poll(people[name], room_id, poll.event_id, "pour")) for name in titulaires]
    assert [await answered(p, e) for p, e in answers] == [ACK] * 6
    closing = await president.send(room_id, "!vote clore")
    result = await answered(president, closing)
    assert "adoptée à l’unanimité (6 pour, 0 contre, 0 abstention)" in result
    await president.wait_for(lambda: any(m.type == POLL_END and m.room_id == room_id for m in president.received))
    [end] = [m for m in president.received if m.type == POLL_END and m.room_id == room_id]
    # The poll ends with the result, not held behind the tally's last edit (before: EDIT_MAX_DELAY_SECONDS later).
    assert end.received_at - president.answers_to(closing)[0].received_at < EDIT_MAX_DELAY_SECONDS / 2

    events = _bot_events(president, room_id, bot, opening)
    messages = [m for m in events if m.type in ("m.room.message", POLL_START) and m.relation[0] != "m.replace"]
    reactions = [m for m in events if m.type == "m.reaction"]
    edits = [m for m in events if m.relation[0] == "m.replace"]
    assert len(messages) == 3 and len(reactions) == 6
    assert 1 <= len(edits) <= 7  # one per ballot at most, and the result; fewer when ballots come together
    print(f"\n9 present, 6 ballots by poll: {len(messages)} messages, {len(reactions)} reactions, {len(edits)} edits, "
          f"{sum(m.type == POLL_END for m in events)} poll end")

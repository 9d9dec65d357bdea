"""Poll answers, edited commands and threads through the dispatcher, on a real database (SQLite and PostgreSQL):
the ballots and rows written, the events queued."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, select

from tests import harness
from tests.cast import BAUME, KHELIFI, MAES, MILLET, PRESIDENT, ROOM, SECRETARIAT, STRANGER, VIOLLET
from tests.storage.test_seance_commands import SeanceBot, at
from tests.text import plain
from tno_bot import storage
from tno_bot.commands import votes
from tno_bot.matrix.dispatcher import Dispatcher, IncomingMessage
from tno_bot.matrix.polls import POLL_START, PollAnswer


class Room:
    """The dispatcher in ROOM; the bot's polls 'sent' (given event ids) as the outbox would."""

    def __init__(self, engine, config) -> None:
        self.engine = engine
        self.dispatcher = Dispatcher(config, engine)
        self.minute = 0

    def _now(self) -> int:
        self.minute += 1
        return int(at(10, 10 + self.minute).timestamp() * 1000)

    def say(self, event_id: str, body: str, sender: str, **relations) -> list[dict]:
        rows = self.dispatcher.process(IncomingMessage(ROOM, event_id, sender, body, self._now(), **relations))
        return [json.loads(row.content) for row in rows]

    def answer(self, event_id: str, poll_event_id: str, choice: str, sender: str) -> list[dict]:
        message = IncomingMessage(ROOM, event_id, sender, "", self._now(),
                                  poll_answer=PollAnswer(poll_event_id, (choice,)))
        return [json.loads(row.content) for row in self.dispatcher.process(message)]

    def send_polls(self) -> list[tuple[str, dict]]:
        """Every poll queued, marked sent as `$poll<n>`: (event id, content)."""
        with Session(self.engine) as session, session.begin():
            rows = session.exec(select(storage.OutboxMessage).where(storage.OutboxMessage.event_type == POLL_START)
                                .order_by(storage.OutboxMessage.id)).all()
            for n, row in enumerate(rows):
                storage.mark_sent(session, row.id, f"$poll{n}")
            return [(f"$poll{n}", json.loads(row.content)) for n, row in enumerate(rows)]

    def ballots(self) -> list[tuple]:
        with Session(self.engine) as session:
            return [(b.event_id, b.voter, b.seat, b.basis, b.choice)
                    for b in session.exec(select(storage.BallotRow).order_by(storage.BallotRow.id))]


@pytest.fixture
def room(engine, config):
    """A quorate séance (Khelifi, Maes, Millet present), Emeline Baume's pouvoir to Zemorda Khelifi, a vote open."""
    bot = SeanceBot(engine, config)
    bot.prepare()
    bot.say("!seance ouvrir", SECRETARIAT, now=at(10, 0))
    bot.say("!present Zemorda Khelifi, Bertrand Maes, Pierre-Alain Millet", SECRETARIAT, now=at(10, 1))
    bot.say("!pouvoir Zemorda Khelifi", BAUME, now=at(10, 2))
    room = Room(engine, config)
    room.say("$vote", "!vote ouvrir 1", PRESIDENT)
    return room


def test_poll_answers_are_ballots_under_the_rules_of_vote(room):
    (own, own_content), (proxy, proxy_content) = room.send_polls()
    question = proxy_content[POLL_START]["question"]["body"]
    assert question.endswith("vote de Zemorda Khelifi pour le siège d’Emeline Baume (pouvoir)")
    assert own_content[POLL_START]["kind"] == "org.matrix.msc3381.poll.disclosed"

    assert [e["m.relates_to"]["rel_type"] for e in room.answer("$a1", own, "pour", KHELIFI)] == [
        "m.annotation", "m.replace"]  # a reaction on the answer, the tally edited
    room.answer("$a2", proxy, "contre", KHELIFI)  # one tap for the mandant's seat
    room.answer("$a3", own, "abstention", MAES)
    assert room.say("$t1", "!vote pour", MILLET)[0]["m.relates_to"]["key"] == "✅"  # typed: the same tally
    room.answer("$a4", own, "pour", MAES)  # a changed answer: the latest counts, both are kept
    assert room.answer("$a4", own, "contre", MAES) == []  # the same event again: counted once
    assert room.ballots() == [("$a1", KHELIFI, KHELIFI, "titulaire", "pour"),
                              ("$a2", KHELIFI, BAUME, "pouvoir", "contre"),
                              ("$a3", MAES, MAES, "titulaire", "abstention"),
                              ("$t1", MILLET, MILLET, "titulaire", "pour"),
                              ("$a4", MAES, MAES, "titulaire", "pour")]
    tally = room.say("$t2", "!vote", BAUME)[0]["body"]
    assert "3 pour, 1 contre, 0 abstention" in tally.replace("\u202f", " ").replace("\xa0", " ")


def test_an_answer_without_the_right_is_not_counted_and_told_why_once(room):
    (own, _), (proxy, _) = room.send_polls()
    [refusal] = room.answer("$s1", own, "pour", STRANGER)
    assert "m.relates_to" in refusal and refusal["msgtype"] == "m.notice"
    assert room.answer("$s2", own, "contre", STRANGER) == []  # not told twice
    [not_holder] = room.answer("$m1", proxy, "pour", MAES)  # not the mandataire
    assert "ne vote pas pour le siège d’Emeline Baume" in not_holder["body"]
    assert room.ballots() == []
    with Session(room.engine) as session:  # every answer is handled once, the refused ones too
        assert all(storage.is_processed(session, e) for e in ("$s1", "$s2", "$m1"))


def test_closing_ends_every_poll_and_a_late_answer_is_refused(room):
    (own, _), (proxy, _) = room.send_polls()
    room.answer("$a1", own, "pour", KHELIFI)
    events = room.say("$close", "!vote clore", PRESIDENT)
    ends = [e for e in events if "org.matrix.msc3381.poll.end" in e]
    assert len(ends) == 2 and all(e["m.relates_to"]["rel_type"] == "m.reference" for e in ends)
    with Session(room.engine) as session:
        ended = session.exec(select(storage.OutboxMessage.relates_to).where(
            storage.OutboxMessage.event_type == "org.matrix.msc3381.poll.end")).all()
        assert [session.get(storage.OutboxMessage, target).event_id for target in ended] == [own, proxy]
    [late] = room.answer("$late", own, "contre", MAES)
    assert "vote" in late["body"]
    assert [b[0] for b in room.ballots()] == ["$a1"]


def test_an_edited_command_is_carried_out_only_if_the_original_changed_nothing(room):
    """(The body is the edit's new text, `m.new_content`, as `relations.received` reads it.)"""
    room.send_polls()
    room.say("$q", "!vote", MAES)  # a question: nothing done
    [reaction, _] = room.say("$q-edit", "!vote pour", MAES, replaces="$q")
    assert reaction["m.relates_to"]["event_id"] == "$q-edit"
    [sentence] = room.say("$q-edit2", "!vote contre", MAES, replaces="$q")  # the first edit was carried out
    assert "Votre modification n’a pas été prise en compte" in sentence["body"]
    assert "!vote contre" in sentence["body"]
    room.say("$typo", "!vote pur", MILLET)  # refused: nothing done
    room.say("$typo-edit", "!vote pour", MILLET, replaces="$typo")
    assert [(b[0], b[4]) for b in room.ballots()] == [("$q-edit", "pour"), ("$typo-edit", "pour")]


def test_a_command_in_a_thread_is_answered_in_the_thread(room):
    [reply] = room.say("$in-thread", "!vote", MAES, thread_root="$root")
    assert reply["m.relates_to"] == {"rel_type": "m.thread", "event_id": "$root", "is_falling_back": True,
                                     "m.in_reply_to": {"event_id": "$in-thread"}}


def test_a_pouvoir_given_during_the_vote_gets_its_poll(room):
    room.send_polls()
    room.say("$excused", "!excuse", MILLET)
    events = room.say("$pouvoir", "!pouvoir Alain Viollet", MILLET)  # a colleague of the same member
    [poll] = [e for e in events if POLL_START in e]
    assert poll[POLL_START]["question"]["body"].endswith(
        "vote d’Alain Viollet pour le siège de Pierre-Alain Millet (pouvoir)")
    *_, (proxy, _) = room.send_polls()
    room.answer("$by-viollet", proxy, "pour", VIOLLET)
    assert room.ballots() == [("$by-viollet", VIOLLET, MILLET, "pouvoir", "pour")]


def test_a_chat_message_edited_into_a_command_is_carried_out_once(room):
    """The original, ordinary chat, was never recorded: the edit that carries it out records it as having acted, so
    that a second edit is not carried out."""
    room.send_polls()
    assert room.say("$chat", "bonjour à tous", MAES) == []
    room.say("$chat-edit", "!vote pour", MAES, replaces="$chat")
    [sentence] = room.say("$chat-edit2", "!vote contre", MAES, replaces="$chat")
    assert "Votre modification n’a pas été prise en compte" in sentence["body"]
    assert [(b[0], b[4]) for b in room.ballots()] == [("$chat-edit", "pour")]
    with Session(room.engine) as session:
        assert storage.processed_event(session, "$chat").acted


def test_the_ballots_after_the_first_read_neither_the_vote_nor_the_tally_row_and_each_edits_the_tally(room):
    """The open vote with its ballots and the tally's outbox row are kept in memory (`Sittings`, `TrackedMessages`);
    each ballot's commit puts the ballot in the kept vote."""
    reads = harness.reads(room.engine, "vote", "ballot", "outbox_message")
    first = room.say("$b1", "!vote pour", KHELIFI)
    read_by_the_first = len(reads)
    rest = [room.say("$b2", "!vote contre", MAES), room.say("$b3", "!vote abstention", MILLET)]
    assert read_by_the_first > 0 and len(reads) == read_by_the_first
    with Session(room.engine) as session:
        tally = storage.tracked(session, "vote|$vote|tally")
    for reaction, edit in (first, *rest):  # the ✅ first, then the tally edit, which refers to the tally's row
        assert reaction["m.relates_to"]["key"] == "✅" and edit["m.relates_to"]["rel_type"] == "m.replace"
    with Session(room.engine) as session:
        rows = session.exec(select(storage.OutboxMessage).where(storage.OutboxMessage.id > tally.id)
                            .order_by(storage.OutboxMessage.id)).all()
    edits = [row for row in rows if row.relates_to is not None]
    assert [row.relates_to for row in edits] == [tally.id] * 3
    assert "1 pour, 1 contre, 1 abstention" in plain(json.loads(edits[-1].content)["m.new_content"]["body"])
    closed = room.say("$close", "!vote clore", PRESIDENT)[0]["body"]
    assert "(1 pour, 1 contre, 1 abstention)" in plain(closed)


def test_a_ballot_rolled_back_is_not_kept_in_the_vote(room, monkeypatch):
    """A handler that fails after writing its ballot: the ballot is rolled back, and the vote kept in memory does not
    count it either."""
    room.say("$b1", "!vote pour", KHELIFI)  # the vote kept

    def crash(*_):
        raise RuntimeError("boom")
    with monkeypatch.context() as patched:
        patched.setattr(votes, "_tally_edit", crash)
        [apology] = room.say("$b2", "!vote contre", MAES)
    assert "erreur" in apology["body"]
    room.say("$b3", "!vote contre", MILLET)
    assert [b[0] for b in room.ballots()] == ["$b1", "$b3"]
    assert "1 pour, 1 contre, 0 abstention" in plain(room.say("$t", "!vote", BAUME)[0]["body"])

from __future__ import annotations

import asyncio
import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from tests.cast import ROOM
from tno_bot import storage
from tno_bot.matrix.outbox import OutboxSender
from tno_bot.storage import (
    FAILED,
    PENDING,
    SENT,
    OutboxMessage,
    enqueue_message,
    mark_attempt_failed,
    mark_sent,
    pending_messages,
)


def _enqueue(engine, *bodies):
    with Session(engine) as session:
        ids = [enqueue_message(session, ROOM, {"msgtype": "m.notice", "body": body}).id for body in bodies]
        session.commit()
    return ids


def test_enqueue_stores_content_and_a_stable_txn_id(engine):
    content = {"msgtype": "m.notice", "body": "Appel de fonds 2023 : 639 176 €", "format": "org.matrix.custom.html"}
    with Session(engine) as session:
        message = enqueue_message(session, ROOM, content)
        assert message.id is not None
        txn_id = message.txn_id
        session.commit()
    assert len(txn_id) == 32 and int(txn_id, 16) >= 0
    for _ in range(2):
        with Session(engine) as session:
            (stored,) = pending_messages(session)
            assert stored.txn_id == txn_id
            assert stored.payload == content
            assert "639 176 €" in stored.content  # JSON text, not ASCII-escaped
            assert (stored.room_id, stored.event_type, stored.status, stored.attempts) == (
                ROOM,
                "m.room.message",
                PENDING,
                0,
            )
            assert stored.created_at.utcoffset() == timedelta(0)
            assert stored.sent_at is None


def test_event_type_and_distinct_txn_ids(engine):
    with Session(engine) as session:
        poll = enqueue_message(session, ROOM, {"body": "poll"}, event_type="org.matrix.msc3381.poll.start")
        other = enqueue_message(session, ROOM, {"body": "poll"}, event_type="org.matrix.msc3381.poll.start")
        session.commit()
        assert poll.event_type == "org.matrix.msc3381.poll.start"
        assert poll.txn_id != other.txn_id


def test_pending_messages_oldest_first_with_limit(engine):
    ids = _enqueue(engine, "one", "two", "three")
    with Session(engine) as session:
        assert [m.id for m in pending_messages(session)] == ids
        assert [m.payload["body"] for m in pending_messages(session, limit=2)] == ["one", "two"]


def test_mark_sent(engine):
    first, second = _enqueue(engine, "one", "two")
    with Session(engine) as session:
        mark_sent(session, first, "$sent:tno.example")
        session.commit()
    with Session(engine) as session:
        assert [m.id for m in pending_messages(session)] == [second]
        sent = session.get(OutboxMessage, first)
        assert (sent.status, sent.event_id, sent.attempts) == (SENT, "$sent:tno.example", 1)
        assert sent.sent_at.utcoffset() == timedelta(0)
        assert sent.sent_at >= sent.created_at


def test_failed_attempt_stays_pending_until_give_up(engine):
    (message_id,) = _enqueue(engine, "one")
    with Session(engine) as session:
        mark_attempt_failed(session, message_id, "M_LIMIT_EXCEEDED", give_up=False)
        session.commit()
    with Session(engine) as session:
        (pending,) = pending_messages(session)
        assert (pending.attempts, pending.last_error, pending.status) == (1, "M_LIMIT_EXCEEDED", PENDING)
        mark_attempt_failed(session, message_id, "M_FORBIDDEN", give_up=True)
        session.commit()
    with Session(engine) as session:
        assert pending_messages(session) == []
        failed = session.get(OutboxMessage, message_id)
        assert (failed.attempts, failed.last_error, failed.status, failed.sent_at) == (2, "M_FORBIDDEN", FAILED, None)


def test_unknown_message_id(engine):
    with Session(engine) as session:
        with pytest.raises(LookupError):
            mark_sent(session, 999, "$x")
        with pytest.raises(LookupError):
            mark_attempt_failed(session, 999, "error", give_up=True)


async def test_the_sender_stops_when_cancelled_as_it_is_woken(engine):
    """A stop that comes in the same turn as a wake-up (a reply just queued) ends the sender: a cancellation
    swallowed there would hang the bot's shutdown for ever."""
    sender = OutboxSender(client=None, engine=engine)  # no pending row: the client is never used
    for _ in range(20):
        task = asyncio.create_task(sender.run())
        await asyncio.sleep(0)  # the sender waits for work
        sender.wake()
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=5)
        assert done == {task} and task.cancelled()


def test_a_row_referring_to_another_waits_for_its_event_and_a_later_edit_supersedes_an_earlier(engine):
    from tno_bot.matrix.related_sends import SKIP, WAIT, RelatedSends
    from tno_bot.matrix.relations import edit_content

    def edit(text: str) -> dict:
        return edit_content({"msgtype": "m.text", "body": text})

    with Session(engine, expire_on_commit=False) as session, session.begin():  # as the dispatcher hands rows over
        tally = enqueue_message(session, ROOM, {"msgtype": "m.text", "body": "0 pour"}, track="vote|$v|tally")
        first = enqueue_message(session, ROOM, edit("1 pour"), relates_to=tally.id)
        second = enqueue_message(session, ROOM, edit("2 pour"), relates_to=tally.id)
        end = enqueue_message(session, ROOM, {"m.relates_to": {"rel_type": "m.reference", "event_id": None}},
                              "org.matrix.msc3381.poll.end", relates_to=tally.id)
        lost = enqueue_message(session, ROOM, {"msgtype": "m.notice", "body": "refused"})
        orphan = enqueue_message(session, ROOM, edit("never"), relates_to=lost.id)
    related = RelatedSends(engine)
    assert related._resolve(second) == WAIT  # the tally is not sent yet: its event id is unknown
    with Session(engine) as session, session.begin():
        mark_sent(session, tally.id, "$tally")
        mark_attempt_failed(session, lost.id, "M_FORBIDDEN", give_up=True)
    assert related._resolve(first) == SKIP  # outdated: the second edit holds the newer tally
    assert related._resolve(second)["m.relates_to"] == {"rel_type": "m.replace", "event_id": "$tally"}
    assert related._resolve(end)["m.relates_to"]["event_id"] == "$tally"  # not an edit: never superseded
    assert related._resolve(orphan) == SKIP  # what it edits was never sent
    with Session(engine) as session:
        skipped, given_up = session.get(OutboxMessage, first.id), session.get(OutboxMessage, orphan.id)
        assert (skipped.status, skipped.event_id) == (SENT, None) and str(second.id) in skipped.last_error
        assert given_up.status == FAILED
        assert [m.id for m in pending_messages(session)] == [second.id, end.id]


class _RecordingClient:
    """Answers every send after a short delay, like a homeserver on loopback, and records the order of the sends
    and when (UTC) it answered each transaction."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.answered: dict[str, datetime] = {}

    async def room_send(self, room_id, event_type, content, tx_id=None, ignore_unverified_devices=False):
        from nio import RoomSendResponse
        await asyncio.sleep(0.05)
        self.sent.append(event_type)
        self.answered[tx_id] = datetime.now(UTC)
        return RoomSendResponse(f"$sent{len(self.sent)}", room_id)


async def _running(sender: OutboxSender) -> asyncio.Task:
    """`sender` running, its start-up drain done (it found nothing pending): rows handed over now go out in lanes."""
    await sender.drain()
    return asyncio.create_task(sender.run())


async def _ballot_burst(engine, voters: int, edited_just_now: bool, gap: float) -> tuple[_RecordingClient, float]:
    """`voters` ballots handed to the outbox `gap` seconds apart, each lane the voter's ✅ then an edit of the
    tally, each send taking 50 ms: the client that recorded the sends, and the seconds until every reaction was
    sent."""
    import time

    from tno_bot.matrix.related_sends import EDIT_MAX_DELAY_SECONDS
    from tno_bot.matrix.relations import REACTION, edit_content, reaction_content

    with Session(engine, expire_on_commit=False) as session, session.begin():
        tally = enqueue_message(session, ROOM, {"msgtype": "m.text", "body": "0 pour"}, track="vote|$v|tally")
        mark_sent(session, tally.id, "$tally")
    client = _RecordingClient()
    sender = OutboxSender(client, engine)
    task = await _running(sender)
    try:
        if edited_just_now:
            sender._related._edited_at[tally.id] = time.monotonic()
        started = time.monotonic()
        for n in range(voters):  # each ballot's transaction, then its replies handed over
            with Session(engine, expire_on_commit=False) as session, session.begin():
                lane = [enqueue_message(session, ROOM, reaction_content(f"$ballot{n}", "✅"), REACTION),
                        enqueue_message(session, ROOM, edit_content({"msgtype": "m.text", "body": f"{n + 1} pour"}),
                                        relates_to=tally.id)]
            sender.submit(lane, lane=f"@voter{n}:tno.example")
            await asyncio.sleep(gap)
        while client.sent.count(REACTION) < voters:
            await asyncio.sleep(0.01)
        reactions_took = time.monotonic() - started
        async with asyncio.timeout(EDIT_MAX_DELAY_SECONDS):
            while _pending_count(engine):
                await asyncio.sleep(0.01)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    return client, reactions_took


async def test_a_tally_edit_waiting_for_its_turn_does_not_hold_back_the_other_voters_reactions(engine):
    """More voters than MAX_LANES, an edit of the tally sent just before: every reaction goes out before the next
    edit's turn (EDIT_INTERVAL_SECONDS): a lane holds a sending slot only while a message is on its way.
    (Before, the first eight lanes held the eight slots while their edits waited: 1.03 s.)"""
    from tno_bot.matrix.outbox import MAX_LANES
    from tno_bot.matrix.related_sends import EDIT_INTERVAL_SECONDS

    client, reactions_took = await _ballot_burst(engine, MAX_LANES + 4, edited_just_now=True, gap=0)
    assert reactions_took < EDIT_INTERVAL_SECONDS  # held back, they would wait for the edit's turn
    assert client.sent == ["m.reaction"] * (MAX_LANES + 4) + ["m.room.message"]


async def test_the_tally_edit_leaves_the_homeserver_time_to_deliver_the_last_reactions(engine):
    """Three lanes' worth of ballots at once: the edit of the tally is sent EDIT_AFTER_REPLY_SECONDS after the last
    ✅ was stored, so that the homeserver delivers the ✅ to the room's clients without the fan-out of a long edit
    beside them. (Before, it followed the last ✅ within 0.2 s: the lanes had all begun REPLIES_QUIET_SECONDS
    before.)"""
    from tno_bot.matrix.outbox import EDIT_AFTER_REPLY_SECONDS, MAX_LANES

    client, _ = await _ballot_burst(engine, MAX_LANES * 3, edited_just_now=False, gap=0)
    assert client.sent == ["m.reaction"] * (MAX_LANES * 3) + ["m.room.message"]
    *_, last_reaction, edit = client.answered.values()  # in the order sent
    assert (edit - last_reaction).total_seconds() >= EDIT_AFTER_REPLY_SECONDS


async def test_the_tally_edit_yields_to_the_reactions_then_shows_the_last_tally(engine):
    """No edit for a while (its turn is free), a ballot every 60 ms, each ✅ sent before the next ballot comes: the
    edit still waits until no reaction was handed over for REPLIES_QUIET_SECONDS, and the older edits are
    superseded by the last, so the burst makes one edit, after every ✅ (before, the first ballot's edit went out
    between the reactions). The eleven edits superseded are skipped in one write (before, one transaction each)."""
    from sqlalchemy import event

    writes: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def note(conn, cursor, statement, *_) -> None:
        if statement.lstrip().upper().startswith("UPDATE OUTBOX_MESSAGE") and "last_error" in statement:
            writes.append(statement)
    client, _ = await _ballot_burst(engine, 12, edited_just_now=False, gap=0.06)
    assert client.sent == ["m.reaction"] * 12 + ["m.room.message"]
    with Session(engine) as session:
        edits = session.exec(select(OutboxMessage).where(OutboxMessage.relates_to.is_not(None))
                             .order_by(OutboxMessage.id)).all()
    assert sorted(json.loads(m.content)["m.new_content"]["body"] for m in edits if m.event_id) == ["12 pour"]
    assert [(m.status, m.last_error) for m in edits[:-1]] == [(SENT, f"superseded by message {edits[-1].id}, not "
                                                                      "sent")] * 11
    assert len(writes) == 1


async def test_a_closing_s_tally_edit_does_not_wait_for_the_poll_ends_queued_behind_it(engine):
    """`!vote clore` hands over one lane: its reply, the tally's last edit, the end of each poll. The edit waits for
    the replies on their way and stored just before (EDIT_AFTER_REPLY_SECONDS), not for the rows behind it in its own
    lane: all go out within EDIT_MAX_DELAY_SECONDS / 2 (before, the edit waited for the ends, and they for it, until
    EDIT_MAX_DELAY_SECONDS: the closed tally and the ended polls reached the room ten seconds after the result)."""
    from tno_bot.matrix.polls import POLL_END, POLL_START, end_content
    from tno_bot.matrix.related_sends import EDIT_MAX_DELAY_SECONDS
    from tno_bot.matrix.relations import edit_content

    with Session(engine, expire_on_commit=False) as session, session.begin():
        tally = enqueue_message(session, ROOM, {"msgtype": "m.text", "body": "0 pour"}, track="vote|$v|tally")
        poll = enqueue_message(session, ROOM, {"body": "Vote"}, POLL_START, track="vote|$v|poll")
        for row, event_id in ((tally, "$tally"), (poll, "$poll")):
            mark_sent(session, row.id, event_id)
    client = _RecordingClient()
    sender = OutboxSender(client, engine)
    task = await _running(sender)
    try:
        with Session(engine, expire_on_commit=False) as session, session.begin():  # the closing's transaction
            lane = [enqueue_message(session, ROOM, {"msgtype": "m.notice", "body": "Adopté"}),
                    enqueue_message(session, ROOM, edit_content({"msgtype": "m.text", "body": "Clos : 3 pour"}),
                                    relates_to=tally.id),
                    enqueue_message(session, ROOM, end_content("Adopté"), POLL_END, relates_to=poll.id)]
        sender.submit(lane, lane="@president:tno.example")
        async with asyncio.timeout(EDIT_MAX_DELAY_SECONDS / 2):
            while _pending_count(engine):
                await asyncio.sleep(0.01)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert client.sent == ["m.room.message", "m.room.message", POLL_END]


def _pending_count(engine) -> int:
    with Session(engine) as session:
        return len(pending_messages(session))


async def test_an_edit_that_waited_behind_one_sent_meanwhile_takes_its_turn(engine):
    """An edit queued while the previous edit of the same message is being sent (not superseded: that one was
    resolved before) waits for it, then for its interval and for the replies, and is sent."""
    import time

    from tno_bot.matrix.related_sends import RelatedSends
    from tno_bot.matrix.relations import edit_content

    with Session(engine, expire_on_commit=False) as session, session.begin():
        tally = enqueue_message(session, ROOM, {"msgtype": "m.text", "body": "0 pour"}, track="vote|$v|tally")
        mark_sent(session, tally.id, "$tally")
        first = enqueue_message(session, ROOM, edit_content({"msgtype": "m.text", "body": "1 pour"}),
                                relates_to=tally.id)
    quiet = [True]  # whether no reply is on its way
    related = RelatedSends(engine, replies_quiet=lambda: quiet[0])
    second_content = None

    async def second_turn(second) -> None:
        nonlocal second_content
        async with related.turn(second) as content:
            second_content = content

    async with related.turn(first) as content:
        assert content["m.new_content"]["body"] == "1 pour"
        with Session(engine, expire_on_commit=False) as session, session.begin():  # a ballot while it is sent
            second = enqueue_message(session, ROOM, edit_content({"msgtype": "m.text", "body": "2 pour"}),
                                     relates_to=tally.id)
        waiting = asyncio.create_task(second_turn(second))
        await asyncio.sleep(0.05)
        assert not waiting.done()  # one edit of a message at a time
        with Session(engine) as session, session.begin():
            mark_sent(session, first.id, "$edit1")
        quiet[0] = False  # replies are on their way when the second edit's turn comes
    started = time.monotonic()
    await asyncio.sleep(1.3)
    assert not waiting.done()  # its turn came (EDIT_INTERVAL_SECONDS), but the replies go first
    quiet[0] = True
    await asyncio.wait_for(waiting, timeout=5)
    assert second_content["m.new_content"]["body"] == "2 pour"
    assert time.monotonic() - started >= 1.3


class _HangingClient:
    """A homeserver that never answers a send."""

    async def room_send(self, room_id, event_type, content, tx_id=None, ignore_unverified_devices=False):
        await asyncio.Event().wait()


@pytest.mark.parametrize("client, answered", [(_RecordingClient, True), (_HangingClient, False)])
async def test_replies_sent_waits_for_the_homeserver_at_most_as_long_as_asked(engine, client, answered):
    """What the sync loop awaits before its next request: the homeserver's answer to every reply handed over (50 ms
    here, well before the 5 s it asked for), or, when a send hangs, no longer than it asked (0.3 s); the reply stays
    pending then. (The margins hold on a machine loaded by the rest of the suite: 0.58 s was seen for 50 ms.)"""
    import time

    client = client()
    sender = OutboxSender(client, engine)
    task = await _running(sender)
    try:
        await sender.replies_sent(5.0)  # nothing on its way: at once
        with Session(engine, expire_on_commit=False) as session, session.begin():
            reply = enqueue_message(session, ROOM, {"msgtype": "m.notice", "body": "Appel de fonds 2023"})
        sender.submit([reply], lane="@emeline.baume:tno.example")
        started = time.monotonic()
        await sender.replies_sent(5.0 if answered else 0.3)
        waited = time.monotonic() - started
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    with Session(engine) as session:
        status = session.get(OutboxMessage, reply.id).status
    if answered:
        assert waited < 2.0 and status == SENT
    else:
        assert 0.3 <= waited < 1.0 and status == PENDING


async def test_a_lone_reply_is_recorded_after_its_delivery_grace_and_a_burst_without(engine, monkeypatch):
    """A lone reply, stored by the homeserver, is recorded as sent DELIVERY_GRACE_SECONDS later (0.5 s here): the
    homeserver delivers it meanwhile without the bot's work beside it. In a burst only the first reply, handed over
    after a quiet moment, is lone: the others are recorded at once."""
    from tno_bot.matrix import outbox

    monkeypatch.setattr(outbox, "DELIVERY_GRACE_SECONDS", 0.5)
    client = _RecordingClient()
    sender = OutboxSender(client, engine)
    task = await _running(sender)

    def handed_over(*people: str) -> list[OutboxMessage]:
        with Session(engine, expire_on_commit=False) as session, session.begin():
            rows = [enqueue_message(session, ROOM, {"msgtype": "m.notice", "body": f"Réponse à {p}"}) for p in people]
        for person, row in zip(people, rows):
            sender.submit([row], lane=person)
        return rows

    try:
        lone = handed_over("@emeline.baume:tno.example")
        await sender.replies_sent(5.0)
        burst = handed_over(*(f"@voter{n}:tno.example" for n in range(4)))
        await sender.replies_sent(5.0)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    def recorded_after_answer(row: OutboxMessage) -> float:
        with Session(engine) as session:
            stored = session.get(OutboxMessage, row.id)
        sent_at = stored.sent_at if stored.sent_at.tzinfo else stored.sent_at.replace(tzinfo=UTC)
        return (sent_at - client.answered[stored.txn_id]).total_seconds()
    assert [recorded_after_answer(row) >= 0.5 for row in lone + burst] == [True, True] + [False] * 3


async def test_a_lone_reply_stored_is_recorded_when_the_bot_stops_during_its_grace(engine, monkeypatch):
    """The bot stopped (cancelled) while a lone reply, stored by the homeserver, waits its DELIVERY_GRACE_SECONDS: the
    reply is recorded as sent all the same, not sent again at the next start."""
    from tno_bot.matrix import outbox

    monkeypatch.setattr(outbox, "DELIVERY_GRACE_SECONDS", 5.0)
    client = _RecordingClient()
    sender = OutboxSender(client, engine)
    task = await _running(sender)
    with Session(engine, expire_on_commit=False) as session, session.begin():
        reply = enqueue_message(session, ROOM, {"msgtype": "m.notice", "body": "Clés de répartition"})
    sender.submit([reply], lane="@emeline.baume:tno.example")
    async with asyncio.timeout(2):
        while not client.answered:
            await asyncio.sleep(0.01)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    with Session(engine) as session:
        assert session.get(OutboxMessage, reply.id).status == SENT


def _database_busy(monkeypatch) -> threading.Event:
    """The outbox's delivery records wait, each for at most 5 s, until the returned event is set (the database busy
    meanwhile); a lone reply is recorded without its grace."""
    from tno_bot.matrix import outbox

    monkeypatch.setattr(outbox, "DELIVERY_GRACE_SECONDS", 0.0)
    database_busy = threading.Event()
    original_mark_sent = outbox.storage.mark_sent

    def slow_mark_sent(session, message_id, event_id):
        database_busy.wait(5)
        original_mark_sent(session, message_id, event_id)
    monkeypatch.setattr(outbox.storage, "mark_sent", slow_mark_sent)
    return database_busy


async def test_a_lane_whose_delivery_is_being_recorded_does_not_hold_back_the_others(engine, monkeypatch):
    """With one message on its way at a time (MAX_LANES 1 here), a second voter's reply is sent while the first
    one's delivery still waits to be recorded (the database busy): the slot is freed when the homeserver answers.
    Both are recorded as sent in the end."""
    from tno_bot.matrix import outbox

    monkeypatch.setattr(outbox, "MAX_LANES", 1)
    database_busy = _database_busy(monkeypatch)
    client = _RecordingClient()
    sender = OutboxSender(client, engine)
    task = await _running(sender)
    try:
        with Session(engine, expire_on_commit=False) as session, session.begin():
            first, second = (enqueue_message(session, ROOM, {"msgtype": "m.notice", "body": f"Vote de {who}"})
                             for who in ("Emeline", "Yann"))
        sender.submit([first], lane="@emeline.baume:tno.example")
        sender.submit([second], lane="@yann.cucherat:tno.example")
        async with asyncio.timeout(2):
            while len(client.sent) < 2:
                await asyncio.sleep(0.01)
        assert _pending_count(engine) == 2  # both sent, neither recorded yet
        database_busy.set()
        async with asyncio.timeout(5):
            while _pending_count(engine):
                await asyncio.sleep(0.01)
    finally:
        database_busy.set()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


class _OutboxCommits:
    """Counts the committed transactions that wrote outbox rows."""

    def __init__(self) -> None:
        self.count = 0

    def note(self, written: storage.Written) -> None:
        self.count += OutboxMessage.__tablename__ in written.tables


async def test_the_deliveries_that_wait_for_the_database_are_recorded_together(engine, monkeypatch):
    """Six voters' replies sent while the first one's delivery waits for the database (busy): once it is free, the
    five others are recorded in one transaction, not five, each waiting for the write lock."""
    database_busy = _database_busy(monkeypatch)
    client = _RecordingClient()
    sender = OutboxSender(client, engine)
    task = await _running(sender)
    commits = _OutboxCommits()
    try:
        voters = ("Emeline", "Yann", "Bertrand", "Zemorda", "Grégory", "Sandrine")
        with Session(engine, expire_on_commit=False) as session, session.begin():
            replies = [enqueue_message(session, ROOM, {"msgtype": "m.notice", "body": f"Vote de {who}"})
                       for who in voters]
        storage.watch_commits(engine, commits.note)
        for reply, who in zip(replies, voters):
            sender.submit([reply], lane=f"@{who.lower()}:tno.example")
        async with asyncio.timeout(2):
            while len(client.sent) < len(voters):
                await asyncio.sleep(0.01)
        assert _pending_count(engine) == len(voters)  # all sent, none recorded yet
        database_busy.set()
        async with asyncio.timeout(5):
            while _pending_count(engine):
                await asyncio.sleep(0.01)
        assert commits.count == 2  # the first delivery, then the five that came while it waited
        with Session(engine) as session:
            rows = [session.get(OutboxMessage, reply.id) for reply in replies]
            assert sorted(row.event_id for row in rows) == sorted(f"$sent{n}" for n in range(1, 7))
    finally:
        database_busy.set()
        storage.unwatch_commits(engine, commits.note)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_a_row_for_a_room_no_longer_served_is_given_up_without_a_request_and_the_next_goes_out(engine):
    from tno_bot.matrix.outbox import NOT_SERVED

    left_room = "!retire:tno.example"
    with Session(engine, expire_on_commit=False) as session, session.begin():
        stranded = enqueue_message(session, left_room, {"msgtype": "m.notice", "body": "Réponse en attente"})
        after = enqueue_message(session, ROOM, {"msgtype": "m.notice", "body": "Clés de répartition"})
    client = _RecordingClient()
    sender = OutboxSender(client, engine, serves=lambda room_id: room_id != left_room)

    await sender.drain()

    with Session(engine) as session:
        rows = [session.get(OutboxMessage, row.id) for row in (stranded, after)]
    assert [(row.status, row.last_error) for row in rows] == [(FAILED, NOT_SERVED), (SENT, None)]
    assert len(client.sent) == 1

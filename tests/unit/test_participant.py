"""The scripted user's questions (replies_to, related_to, answers_to): the events it received, in their order."""

from __future__ import annotations

from nio import Event, MatrixRoom

from tno_bot.matrix.participant import Participant

BOT = "@tno-bot:tno.example"
ROOM = MatrixRoom("!seance:tno.example", "@emeline:tno.example")


def event(event_id: str, content: dict, event_type: str = "m.room.message") -> Event:
    return Event.parse_event({"event_id": event_id, "sender": BOT, "origin_server_ts": 1, "type": event_type,
                              "content": content})


def reply(event_id: str, to: str, body: str) -> Event:
    return event(event_id, {"msgtype": "m.notice", "body": body, "m.relates_to": {"m.in_reply_to": {"event_id": to}}})


def reaction(event_id: str, to: str) -> Event:
    return event(event_id, {"m.relates_to": {"rel_type": "m.annotation", "event_id": to, "key": "✅"}},
                 "m.reaction")


async def test_each_question_gets_the_events_received_for_it_in_order(tmp_path):
    emeline = Participant("http://127.0.0.1:1", "@emeline:tno.example", "unused", tmp_path)
    in_thread = event("$thread-reply", {"msgtype": "m.notice", "body": "dans le fil", "m.relates_to": {
        "rel_type": "m.thread", "event_id": "$root", "m.in_reply_to": {"event_id": "$vote"}}})
    edit = event("$edit", {"msgtype": "m.notice", "body": "* 2 pour", "m.new_content": {"body": "2 pour"},
                           "m.relates_to": {"rel_type": "m.replace", "event_id": "$tally"}})
    received = [reply("$r1", "$appel", "Appel de fonds 2023"), reaction("$ok", "$vote"), in_thread, edit,
                reply("$r2", "$appel", "Appel de fonds 2023, suite"), reaction("$other", "$another-vote")]
    for each in received:
        await emeline._record(ROOM, each)

    ids = lambda messages: [m.event_id for m in messages]  # noqa: E731
    assert ids(emeline.replies_to("$appel")) == ["$r1", "$r2"]
    assert ids(emeline.answers_to("$vote")) == ["$thread-reply", "$ok"]  # replies first, then reactions
    assert ids(emeline.related_to("$root", "m.thread")) == ["$thread-reply"]
    assert ids(emeline.related_to("$tally", "m.replace")) == ["$edit"]
    assert emeline.related_to("$tally", "m.annotation") == [] and emeline.replies_to("$unknown") == []
    assert ids(emeline.received) == ids(received)

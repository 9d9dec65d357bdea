"""Mention pills: the Matrix id a pill points at replaces its label in the command text."""

from __future__ import annotations

from tno_bot.matrix.dispatcher import IncomingMessage
from tno_bot.matrix.pills import pills, with_pills

OTHER = "@emeline.baume2:other.example"


def pill(matrix_id: str, label: str) -> str:
    return f'<a href="https://matrix.to/#/{matrix_id}">{label}</a>'


def test_the_pill_wins_over_the_name_it_shows():
    html = "!present " + pill(OTHER, "Emeline Baume")
    assert with_pills("!present Emeline Baume", html) == f"!present {OTHER}"


def test_several_pills_left_to_right_and_the_rest_kept():
    html = f"!pouvoir {pill('@a:x.org', 'Ann')} {pill('@b:x.org', 'Ann')} <em>merci</em>"
    assert with_pills("!pouvoir Ann Ann *merci*", html) == "!pouvoir @a:x.org @b:x.org *merci*"


def test_without_html_or_pills_the_body_is_kept():
    assert with_pills("!present Emeline Baume", None) == "!present Emeline Baume"
    assert with_pills("!present Emeline Baume", "!present <b>Emeline Baume</b>") == "!present Emeline Baume"
    room_link = '<a href="https://matrix.to/#/#conference:tno.example">Conférence</a>'
    assert with_pills("!present Conférence", room_link) == "!present Conférence"


def test_escaped_ids_entities_and_the_reply_fallback():
    html = ('<mx-reply><blockquote><a href="https://matrix.to/#/@q:x.org">Quoted</a></blockquote></mx-reply>'
            '!present <a href="https://matrix.to/#/%40jean%3Ax.org">Jean &amp; Co</a>')
    assert pills(html) == [("Jean & Co", "@jean:x.org")]
    assert with_pills("!present Jean & Co", html) == "!present @jean:x.org"


def test_a_label_missing_from_the_plain_body_changes_nothing_from_there():
    html = f"!present {pill('@a:x.org', 'Ann')} {pill('@b:x.org', 'Bob')}"
    assert with_pills("!present Ann Robert", html) == "!present @a:x.org Robert"


def test_the_incoming_message_gives_the_command_text():
    message = IncomingMessage("!r:x", "$e", "@s:x", "!present Emeline Baume", 0,
                              formatted_body="!present " + pill(OTHER, "Emeline Baume"))
    assert message.command_text == f"!present {OTHER}" and message.looks_like_command


def test_the_sync_loop_passes_the_html_body_along():
    import asyncio
    from types import SimpleNamespace

    from nio import RoomMessageText

    from tno_bot.matrix.sync import SyncLoop

    content = {"msgtype": "m.text", "body": "!present Emeline Baume", "format": "org.matrix.custom.html",
               "formatted_body": "!present " + pill(OTHER, "Emeline Baume")}
    event = RoomMessageText.from_dict({"event_id": "$1", "sender": "@s:x", "origin_server_ts": 1,
                                       "type": "m.room.message", "content": content})
    received = []

    async def on_message(message):
        received.append(message)

    asyncio.run(SyncLoop(SimpleNamespace(user_id="@bot:x"), None, on_message, None)._handle_event("!r:x", event))
    assert [m.command_text for m in received] == [f"!present {OTHER}"]

"""Event contents the bot sends."""
from __future__ import annotations

import html

HTML_FORMAT = "org.matrix.custom.html"


def notice_reply(body: str, formatted: str | None, in_reply_to: str) -> dict:
    """An `m.notice` answering the command event `in_reply_to` (bots never answer notices, so no loops)."""
    return {
        "msgtype": "m.notice",
        "body": body,
        "format": HTML_FORMAT,
        "formatted_body": formatted if formatted is not None else html.escape(body).replace("\n", "<br/>"),
        "m.relates_to": {"m.in_reply_to": {"event_id": in_reply_to}},
        "m.mentions": {},
    }


"""Event contents the bot sends, built from the replies of the command layer."""
from __future__ import annotations

import base64
import html

from tno_bot.reports.message import Reply

HTML_FORMAT = "org.matrix.custom.html"
ATTACHMENT_KEY = "tno.attachment"  # outbox-only: the file to upload before sending; never sent to the homeserver


def _formatted(body: str, formatted: str | None) -> str:
    return formatted if formatted is not None else html.escape(body).replace("\n", "<br/>")


def notice_reply(body: str, formatted: str | None, in_reply_to: str) -> dict:
    """An `m.notice` answering the command event `in_reply_to` (bots never answer notices, so no loops)."""
    return {
        "msgtype": "m.notice",
        "body": body,
        "format": HTML_FORMAT,
        "formatted_body": _formatted(body, formatted),
        "m.relates_to": {"m.in_reply_to": {"event_id": in_reply_to}},
        "m.mentions": {},
    }


def mention_text(body: str, formatted: str | None, user_ids: tuple[str, ...], in_reply_to: str | None) -> dict:
    """An `m.text` that notifies `user_ids` through intentional mentions (proposals, reminders)."""
    content = {
        "msgtype": "m.text",
        "body": body,
        "format": HTML_FORMAT,
        "formatted_body": _formatted(body, formatted),
        "m.mentions": {"user_ids": sorted(set(user_ids))},
    }
    if in_reply_to:
        content["m.relates_to"] = {"m.in_reply_to": {"event_id": in_reply_to}}
    return content


def file_message(filename: str, mimetype: str, data: bytes) -> dict:
    """An `m.file` whose data the outbox uploads (encrypted in encrypted rooms) just before sending."""
    return {
        "msgtype": "m.file",
        "body": filename,
        "filename": filename,
        "info": {"mimetype": mimetype, "size": len(data)},
        ATTACHMENT_KEY: base64.b64encode(data).decode("ascii"),
    }


def contents_for(reply: Reply, in_reply_to: str | None) -> list[dict]:
    """The events that carry `reply`: its text (a notice, or a mention text), then each of its files."""
    if reply.mentions or in_reply_to is None:
        contents = [mention_text(reply.body, reply.html, reply.mentions, in_reply_to)]
    else:
        contents = [notice_reply(reply.body, reply.html, in_reply_to)]
    contents += [file_message(file.filename, file.mimetype, file.data) for file in reply.files]
    return contents

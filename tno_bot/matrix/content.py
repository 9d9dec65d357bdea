"""Event contents the bot sends, built from the replies of the command layer."""
from __future__ import annotations

import base64
import html
from dataclasses import dataclass

from tno_bot.matrix import polls, relations
from tno_bot.matrix.relations import HTML_FORMAT
from tno_bot.reports.message import Edit, Reply

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


@dataclass(frozen=True)
class Outgoing:
    """One event to queue: `refers_to` names the tracked message whose event id goes in its `m.relates_to`."""

    content: dict
    event_type: str = "m.room.message"
    track: str | None = None
    refers_to: str | None = None


def outgoing_for(reply: Reply, in_reply_to: str | None, thread_root: str | None = None) -> list[Outgoing]:
    """Every event of `reply`, in order: the reaction acknowledging the command or its text (in the command's
    thread, if any) with its attachment, its polls, the edits of earlier messages, the ends of polls."""
    if reply.reaction and in_reply_to:
        events = [Outgoing(relations.reaction_content(in_reply_to, reply.reaction), relations.REACTION)]
    else:
        contents = contents_for(reply, in_reply_to)
        if thread_root and in_reply_to:
            contents = [relations.in_thread(content, thread_root, in_reply_to) for content in contents]
        events = [Outgoing(content, track=reply.track if n == 0 else None) for n, content in enumerate(contents)]
    events += [Outgoing(polls.start_content(poll), polls.POLL_START, track=poll.track) for poll in reply.polls]
    events += [Outgoing(edit_of(edit), refers_to=edit.track) for edit in reply.edits]
    events += [Outgoing(polls.end_content(reply.body), polls.POLL_END, refers_to=track) for track in reply.ends]
    return events


def edit_of(edit: Edit) -> dict:
    """The edit of a tracked message (an `m.text` with mentions: the vote's tally) to the text of `edit`."""
    new_content = mention_text(edit.body, edit.html, (), None)
    return relations.edit_content(new_content)

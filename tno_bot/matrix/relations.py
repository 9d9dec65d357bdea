"""Relations between events (Matrix spec, "Threading" and "Event replacements", and "Reactions"): what a received
message relates to (a thread, an edited message), and the relations of what the bot sends.

- A thread: `"m.relates_to": {"rel_type": "m.thread", "event_id": root}`; the bot answers in the thread with the
  spec's fallback for clients without threads, `"is_falling_back": true` and `"m.in_reply_to"` the command.
- An edit: `"m.relates_to": {"rel_type": "m.replace", "event_id": original}`, the new text in `m.new_content` and a
  body starting with "* " as its fallback. Mentions of an edit: `m.new_content` has the message's own, the edit
  itself (`m.mentions` {}) notifies no one again.
- A reaction: event type `m.reaction`, `"m.relates_to": {"rel_type": "m.annotation", "event_id": …, "key": …}`.
An event id the bot does not know yet (the message it edits is still in the outbox) is left None here and filled
in by the outbox when it sends.
"""
from __future__ import annotations

from dataclasses import dataclass

HTML_FORMAT = "org.matrix.custom.html"
THREAD = "m.thread"
REPLACE = "m.replace"
ANNOTATION = "m.annotation"
REACTION = "m.reaction"


@dataclass(frozen=True)
class Received:
    """What a received text says and where it stands: its text (for an edit, the new one), the thread it is in,
    the message it replaces."""

    body: str
    formatted_body: str | None
    thread_root: str | None
    replaces: str | None


def received(event) -> Received:
    """What a received `RoomMessageText` carries: for an edit, its new text and the event it replaces."""
    content = event.source.get("content", {})
    relation = content.get("m.relates_to") or {}
    new_content = content.get("m.new_content")
    replaces = relation.get("event_id") if relation.get("rel_type") == REPLACE else None
    if replaces and isinstance(new_content, dict) and isinstance(new_content.get("body"), str):
        body = new_content["body"]
        formatted = new_content.get("formatted_body") if new_content.get("format") == HTML_FORMAT else None
    else:
        replaces = None
        body = event.body
        formatted = event.formatted_body if event.format == HTML_FORMAT else None
    thread_root = relation.get("event_id") if relation.get("rel_type") == THREAD else None
    return Received(body, formatted, thread_root, replaces)


def in_thread(content: dict, thread_root: str, in_reply_to: str) -> dict:
    """`content` posted in the thread of `thread_root`, answering `in_reply_to` (the spec's fallback reply)."""
    content["m.relates_to"] = {"rel_type": THREAD, "event_id": thread_root, "is_falling_back": True,
                               "m.in_reply_to": {"event_id": in_reply_to}}
    return content


def edit_content(new_content: dict) -> dict:
    """An edit replacing a message by `new_content` (its msgtype kept); the outbox fills in the event id."""
    body, formatted = new_content["body"], new_content.get("formatted_body")
    content = {"msgtype": new_content["msgtype"], "body": f"* {body}", "m.new_content": new_content,
               "m.relates_to": {"rel_type": REPLACE, "event_id": None}, "m.mentions": {}}
    if formatted is not None:
        content.update(format=HTML_FORMAT, formatted_body=f"* {formatted}")
    return content


def reaction_content(event_id: str, key: str) -> dict:
    return {"m.relates_to": {"rel_type": ANNOTATION, "event_id": event_id, "key": key}}

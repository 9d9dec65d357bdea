"""Element's native polls (MSC3381, unstable prefix, as Element Web and Element X send and read them today).

Shapes from matrix-js-sdk (`src/@types/polls.ts`, `src/extensible_events_v1/PollStartEvent.ts`, `PollEndEvent.ts`,
`PollResponseEvent.ts`) and MSC3381:
- start, event type `org.matrix.msc3381.poll.start`: `{"org.matrix.msc3381.poll.start": {"question":
  {"org.matrix.msc1767.text": q, "body": q, "msgtype": "m.text"}, "kind": "org.matrix.msc3381.poll.disclosed",
  "max_selections": 1, "answers": [{"id": …, "org.matrix.msc1767.text": …}]}, "org.matrix.msc1767.text":
  "q\\n1. a\\n2. b"}`; `body` repeats that text fallback for clients that know no polls;
- response, `org.matrix.msc3381.poll.response`: `{"m.relates_to": {"rel_type": "m.reference", "event_id": start},
  "org.matrix.msc3381.poll.response": {"answers": [id]}}`; the latest response of a user counts;
- end, `org.matrix.msc3381.poll.end`: `{"m.relates_to": {"rel_type": "m.reference", "event_id": start},
  "org.matrix.msc3381.poll.end": {}, "org.matrix.msc1767.text": closing text}`.
The stable names (`m.poll.start`, `m.poll.response`, `m.poll.end`) are read too. nio knows none of these types: it
gives them as `UnknownEvent` (also once decrypted, in an encrypted room), whose `source` holds the content.
"""
from __future__ import annotations

from dataclasses import dataclass

from tno_bot.reports.message import Poll

POLL_START = "org.matrix.msc3381.poll.start"
POLL_RESPONSE = "org.matrix.msc3381.poll.response"
POLL_END = "org.matrix.msc3381.poll.end"
RESPONSE_TYPES = (POLL_RESPONSE, "m.poll.response")
DISCLOSED = "org.matrix.msc3381.poll.disclosed"  # results shown as they come: the ballot is not secret
TEXT = "org.matrix.msc1767.text"
REFERENCE = "m.reference"


def start_content(poll: Poll) -> dict:
    """The `org.matrix.msc3381.poll.start` content of `poll`, one answer to choose, results disclosed."""
    fallback = "\n".join([poll.question, *(f"{n}. {label}" for n, (_, label) in enumerate(poll.answers, start=1))])
    return {
        POLL_START: {
            "question": {TEXT: poll.question, "body": poll.question, "msgtype": "m.text"},
            "kind": DISCLOSED,
            "max_selections": 1,
            "answers": [{"id": answer_id, TEXT: label} for answer_id, label in poll.answers],
        },
        TEXT: fallback,
        "body": fallback,
    }


def end_content(closing: str) -> dict:
    """The `org.matrix.msc3381.poll.end` content; the outbox puts the start's event id in `m.relates_to`."""
    return {"m.relates_to": {"rel_type": REFERENCE, "event_id": None}, "org.matrix.msc3381.poll.end": {},
            TEXT: closing, "body": closing}


@dataclass(frozen=True)
class PollAnswer:
    """A poll response: the poll's start event and the answer ids chosen (one, for the bot's polls)."""

    poll_event_id: str
    answers: tuple[str, ...]


def answer_of(event_type: str, content: dict) -> PollAnswer | None:
    """The answer a poll response event carries, None for any other event or a malformed response."""
    if event_type not in RESPONSE_TYPES:
        return None
    relation = content.get("m.relates_to") or {}
    response = content.get(POLL_RESPONSE) or content.get("m.poll.response") or content.get("m.poll") or {}
    answers = response.get("answers") if isinstance(response, dict) else None
    if relation.get("rel_type") != REFERENCE or not isinstance(relation.get("event_id"), str) \
            or not isinstance(answers, list):
        return None
    return PollAnswer(relation["event_id"], tuple(a for a in answers if isinstance(a, str)))

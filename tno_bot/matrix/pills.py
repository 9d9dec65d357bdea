"""Mention pills: the person a client's pill points at, not the name it shows.

A client writes a mention as a link in the HTML `formatted_body` (`<a href="https://matrix.to/#/@user:server">Emeline
Baume</a>`) and only its label in the plain `body`. Commands read people by Matrix id or by configured name, so a
pill labelled with a name that is not its target's (a display name, a namesake) would designate the wrong person:
`with_pills` puts each pill's Matrix id in the plain body in place of its label.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import unquote

_USER_LINK = re.compile(r"https://matrix\.to/#/(@[^/?\s]+:[^/?\s]+)")


class _Pills(HTMLParser):
    """(label, matrix id) of each user pill, in order; the reply fallback (`<mx-reply>`) skipped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pills: list[tuple[str, str]] = []
        self._target: str | None = None
        self._label: list[str] = []
        self._in_reply = 0

    def handle_starttag(self, tag, attrs):
        if tag == "mx-reply":
            self._in_reply += 1
        elif tag == "a" and not self._in_reply:
            match = _USER_LINK.match(unquote(dict(attrs).get("href") or ""))
            self._target, self._label = (match[1], []) if match else (None, [])

    def handle_endtag(self, tag):
        if tag == "mx-reply":
            self._in_reply = max(0, self._in_reply - 1)
        elif tag == "a" and self._target is not None:
            label = "".join(self._label).strip()
            if label:
                self.pills.append((label, self._target))
            self._target = None

    def handle_data(self, data):
        if self._target is not None:
            self._label.append(data)


def pills(formatted_body: str) -> list[tuple[str, str]]:
    """The (label, matrix id) of each user pill of an HTML body, in order."""
    parser = _Pills()
    parser.feed(formatted_body)
    parser.close()
    return parser.pills


def with_pills(body: str, formatted_body: str | None) -> str:
    """`body` with each pill's label replaced by its Matrix id, left to right; a label not found in the plain body
    (a client that writes something else there) leaves the body as it is from there on."""
    if not formatted_body:
        return body
    done, rest = [], body
    for label, matrix_id in pills(formatted_body):
        at = rest.find(label)
        if at < 0:
            break
        done.append(rest[:at] + matrix_id)
        rest = rest[at + len(label):]
    return "".join(done) + rest

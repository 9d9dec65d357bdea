"""The one text builder of the reports: a list of blocks (paragraphs, lists, headings, rules) rendered as the plain
body, the HTML of a message, or Markdown (a file). User texts are escaped in the HTML and the Markdown."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

BULLET = "• "
RULE = "—" * 20
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def shorten(text: str, limit: int = 40) -> str:
    """`text` cut to `limit` characters, for echoing user input in a sentence."""
    return text if len(text) <= limit else text[:limit] + "…"


def markdown_inert(text: str) -> str:
    """User text made inert in Markdown."""
    return _MD_SPECIAL.sub(r"\\\1", text)


@dataclass(frozen=True)
class Block:
    kind: str  # p | ul | ol | h1 | h2 | h3 | hr
    text: str = ""  # raw text (p, h*)
    items: tuple[str, ...] = ()  # raw items (ul, ol)
    html: tuple[str, ...] | None = None  # the HTML of the text (one string) or of the items, when not just escaped

    def lines(self) -> list[str]:
        """The block as lines of a compact plain body (a message)."""
        if self.kind == "ul":
            return [BULLET + item for item in self.items]
        if self.kind == "ol":
            return [f"{i}. {item}" for i, item in enumerate(self.items, 1)]
        return [RULE] if self.kind == "hr" else [self.text]

    def as_html(self) -> str:
        if self.kind in ("ul", "ol"):
            shown = self.html if self.html is not None else [escape(i) for i in self.items]
            return f"<{self.kind}>" + "".join(f"<li>{i}</li>" for i in shown) + f"</{self.kind}>"
        if self.kind == "hr":
            return "<hr/>"
        return f"<{self.kind}>{self.html[0] if self.html is not None else escape(self.text)}</{self.kind}>"

    def as_markdown(self) -> str:
        if self.kind == "hr":
            return "---"
        if self.kind in ("ul", "ol"):
            return "\n".join("- " + markdown_inert(i) for i in self.items)
        heading = "#" * int(self.kind[1]) + " " if self.kind.startswith("h") else ""
        return heading + markdown_inert(self.text)

    def spaced(self) -> str:
        """The block in a document's plain text (blocks apart, the title in capitals)."""
        return self.text.upper() if self.kind == "h1" else "\n".join(self.lines())


@dataclass(frozen=True)
class Text:
    """A report being built, block by block."""

    blocks: list[Block] = field(default_factory=list)

    @classmethod
    def empty(cls) -> Text:
        return cls([])

    def para(self, sentence: str, html: str | None = None) -> Text:
        self.blocks.append(Block("p", sentence, html=None if html is None else (html,)))
        return self

    def bullets(self, items: Sequence[str], html_items: Sequence[str] | None = None) -> Text:
        if items:
            self.blocks.append(Block("ul", items=tuple(items), html=None if html_items is None else tuple(html_items)))
        return self

    def numbered(self, points: Sequence[str]) -> Text:
        if points:
            self.blocks.append(Block("ol", items=tuple(points)))
        return self

    def heading(self, level: int, title: str) -> Text:
        self.blocks.append(Block(f"h{level}", title))
        return self

    def rule(self) -> Text:
        self.blocks.append(Block("hr"))
        return self

    def extend(self, other: Text) -> Text:
        self.blocks.extend(other.blocks)
        return self

    @property
    def plain(self) -> str:
        """The plain body of a message: one line per paragraph or item."""
        return "\n".join(line for block in self.blocks for line in block.lines())

    @property
    def html(self) -> str:
        return "".join(block.as_html() for block in self.blocks)

    @property
    def markdown(self) -> str:
        return "\n\n".join(block.as_markdown() for block in self.blocks) + "\n"

    @property
    def document(self) -> str:
        """The plain text of a document: blocks separated by a blank line."""
        return "\n\n".join(block.spaced() for block in self.blocks)

    def done(self) -> tuple[str, str]:
        """(plain, html) of a message."""
        return self.plain, self.html

"""A formal document of the secrétariat (compte rendu, convocation) for the PDF and ODT renderers: a title, the
blocks of `text.Block` (headings, paragraphs, lists, rules) and a signature block.

`pdf.py` and `odt.py` render the same `Document`; neither knows what the document says. User texts need no escaping
there: both renderers write text, never markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from tno_bot.reports.text import Block

PDF_MIMETYPE = "application/pdf"
ODT_MIMETYPE = "application/vnd.oasis.opendocument.text"


@dataclass(frozen=True)
class Document:
    title: str  # the file's metadata title
    blocks: tuple[Block, ...]
    signature: tuple[str, ...] = ()  # lines of the signature block, at the end, on the right
    basename: str = "document"  # the file name without its extension


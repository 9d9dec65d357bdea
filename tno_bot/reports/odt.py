"""A `Document` as OpenDocument Text (the format of the Référentiel général d'interopérabilité), with odfdo.

Headings, paragraphs and lists use the standard styles of odfdo's template (Heading 1–3, Text body, List), so the
file opens and is edited in LibreOffice, Collabora or Word like any other; the signature block is right-aligned.
"""

from __future__ import annotations

import io

from odfdo import Document as OdfDocument
from odfdo import Header, List, Paragraph, Style

from tno_bot.reports.document import Document
from tno_bot.reports.text import Block

_STYLES = (("Titre", "Heading_20_1", {"fo:text-align": "center"}),
           ("Sous-titre", "Heading_20_2", {"fo:text-align": "center"}),
           ("Signature", "Text_20_body", {"fo:text-align": "end", "fo:margin-left": "8cm"}))
_HEADINGS = {"h1": (1, "Titre"), "h2": (2, "Sous-titre"), "h3": (3, None)}


def odt_bytes(document: Document) -> bytes:
    odt = OdfDocument("text")
    for name, parent, properties in _STYLES:
        style = Style("paragraph", name=name, parent_style=parent)
        style.set_properties(area="paragraph", **properties)
        odt.insert_style(style, automatic=True)
    odt.meta.title = document.title
    odt.meta.language = "fr-FR"
    body = odt.body
    body.clear()
    for block in document.blocks:
        body.append(_element(block))
    for line in document.signature:
        body.append(Paragraph(line, style="Signature"))
    out = io.BytesIO()
    odt.save(out)
    return out.getvalue()


def _element(block: Block):
    if block.kind in _HEADINGS:
        level, style = _HEADINGS[block.kind]
        return Header(level, block.text, style=style)
    if block.kind == "ul":
        return List(list(block.items))
    if block.kind == "ol":  # the numbers written out: the points of an ordre du jour are cited by number
        return List([f"{number}. {item}" for number, item in enumerate(block.items, 1)])
    if block.kind == "hr":
        return Paragraph("")
    return Paragraph(block.text, style="Text_20_body")

"""Test-side readers of the documents the bot hands over, independent of the libraries that wrote them: the PDF's
text extracted with pypdf and its pages rendered by PDFium (the reader of Chrome), the ODT read back with odfdo."""

from __future__ import annotations

import io
import re

import pypdfium2
from odfdo import Document as OdfDocument
from pypdf import PdfReader


def words(text: str, typography: bool = False) -> str:
    """`text` with every run of white space (line breaks of a wrapped paragraph) made one space; with `typography`,
    the no-break spaces are kept as they are (only ordinary white space is joined)."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip() if typography else " ".join(text.split())


def pdf_text(data: bytes, typography: bool = False) -> str:
    """The text of every page, as pypdf extracts it; the file must also open and render in PDFium. `typography`: as
    for `words`."""
    rendered = pypdfium2.PdfDocument(data)
    try:
        assert len(rendered) >= 1
        for index in range(len(rendered)):
            bitmap = rendered[index].render(scale=0.5)
            assert bitmap.width > 0 and bitmap.height > 0
    finally:
        rendered.close()
    reader = PdfReader(io.BytesIO(data))
    return words(" ".join(page.extract_text() for page in reader.pages), typography)


def pdf_lines(data: bytes) -> list[str]:
    """The lines of every page as PDFium lays them out (where the paragraphs wrap)."""
    rendered = pypdfium2.PdfDocument(data)
    try:
        return [line for page in rendered for line in page.get_textpage().get_text_range().splitlines()]
    finally:
        rendered.close()


def pdf_title(data: bytes) -> str:
    return PdfReader(io.BytesIO(data)).metadata.title


def odt_text(data: bytes, typography: bool = False) -> str:
    """The text of the ODT's headings and paragraphs (list items included), in order, as odfdo reads it back.
    `typography`: as for `words`."""
    document = OdfDocument(io.BytesIO(data))
    assert document.mimetype == "application/vnd.oasis.opendocument.text"
    return words(" ".join(e.text_recursive for e in document.body.get_elements("//text:h | //text:p")), typography)

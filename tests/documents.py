"""Test-side readers of the documents the bot hands over, independent of the libraries that wrote them: the PDF's
text extracted with pypdf and its pages rendered by PDFium (the reader of Chrome), the ODT read back with odfdo."""

from __future__ import annotations

import io

import pypdfium2
from odfdo import Document as OdfDocument
from pypdf import PdfReader


def words(text: str) -> str:
    """`text` with every run of white space (line breaks of a wrapped paragraph) made one space."""
    return " ".join(text.split())


def pdf_text(data: bytes) -> str:
    """The text of every page, as pypdf extracts it; the file must also open and render in PDFium."""
    rendered = pypdfium2.PdfDocument(data)
    try:
        assert len(rendered) >= 1
        for index in range(len(rendered)):
            bitmap = rendered[index].render(scale=0.5)
            assert bitmap.width > 0 and bitmap.height > 0
    finally:
        rendered.close()
    reader = PdfReader(io.BytesIO(data))
    return words(" ".join(page.extract_text() for page in reader.pages))


def pdf_title(data: bytes) -> str:
    return PdfReader(io.BytesIO(data)).metadata.title


def odt_text(data: bytes) -> str:
    """The text of the ODT's headings and paragraphs (list items included), in order, as odfdo reads it back."""
    document = OdfDocument(io.BytesIO(data))
    assert document.mimetype == "application/vnd.oasis.opendocument.text"
    return words(" ".join(e.text_recursive for e in document.body.get_elements("//text:h | //text:p")))

"""A `Document` rendered as the files the secrétariat files: PDF and ODT."""

from __future__ import annotations

from tno_bot.reports.document import ODT_MIMETYPE, PDF_MIMETYPE, Document
from tno_bot.reports.message import Attachment
from tno_bot.reports.odt import odt_bytes
from tno_bot.reports.pdf import pdf_bytes

FORMATS = ("pdf", "odt")
_RENDERERS = {"pdf": (pdf_bytes, PDF_MIMETYPE), "odt": (odt_bytes, ODT_MIMETYPE)}


def document_files(document: Document, formats: tuple[str, ...] = FORMATS) -> tuple[Attachment, ...]:
    """`document` rendered in each of `formats`, as files to post or write."""
    return tuple(Attachment(f"{document.basename}.{fmt}", _RENDERERS[fmt][1], _RENDERERS[fmt][0](document))
                 for fmt in formats)

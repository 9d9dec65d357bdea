"""A `Document` as PDF, with fpdf2 (pure Python; no system library, no office suite).

The text is set in DejaVu Sans, embedded (subset) from `fonts/` (Bitstream Vera licence, DejaVu changes in the
public domain: see fonts/LICENSE), so accents, « guillemets » and the euro sign render in every reader. fpdf2 never
breaks a line at a no-break space but writes it as an ordinary space (for justified text): a reader's extracted text
shows " :" where the document has the no-break space; the narrow one (U+202F) is kept as it is.
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from tno_bot.reports.document import Document

FONTS = Path(__file__).parent / "fonts"
FAMILY = "DejaVuSans"
MARGIN = 20  # mm
STYLES = {"h1": ("B", 15, 8, "C"), "h2": ("B", 12.5, 7, "C"), "h3": ("B", 11, 6, "L"), "p": ("", 10, 5.2, "L")}


class _Pdf(FPDF):
    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FAMILY, "", 8)
        self.cell(0, 5, f"{self.page_no()} / {{nb}}", align="C")


def pdf_bytes(document: Document) -> bytes:
    pdf = _Pdf(format="A4")
    pdf.add_font(FAMILY, "", FONTS / "DejaVuSans.ttf")
    pdf.add_font(FAMILY, "B", FONTS / "DejaVuSans-Bold.ttf")
    pdf.set_title(document.title)
    pdf.set_lang("fr-FR")
    pdf.set_creator("tno-bot")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, MARGIN)
    pdf.add_page()
    for block in document.blocks:
        _block(pdf, block)
    if document.signature:
        pdf.ln(8)
        for line in document.signature:
            pdf.set_x(pdf.w / 2)
            pdf.set_font(FAMILY, "", 10)
            pdf.multi_cell(pdf.w / 2 - MARGIN, 5.5, line, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def _line(pdf: FPDF, text: str, kind: str) -> None:
    style, size, height, align = STYLES[kind]
    pdf.set_font(FAMILY, style, size)
    pdf.multi_cell(0, height, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _block(pdf: FPDF, block) -> None:
    if block.kind == "hr":
        pdf.ln(2)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.ln(3)
    elif block.kind in ("ul", "ol"):
        for number, item in enumerate(block.items, 1):
            pdf.set_x(pdf.l_margin + 4)
            pdf.set_font(FAMILY, "", 10)
            mark = "•" if block.kind == "ul" else f"{number}."
            pdf.cell(6, 5.2, mark)
            pdf.multi_cell(0, 5.2, item, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1.5)
    else:
        if block.kind.startswith("h"):
            pdf.ln(3)
        _line(pdf, block.text, block.kind)
        pdf.ln(1.5)

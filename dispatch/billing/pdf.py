"""The invoice and the act as PDF (fpdf2), in the vendored DejaVu Sans (Cyrillic glyphs;
dispatch/data/fonts, its licence beside it): the same content as the CSV."""

from datetime import date
from decimal import Decimal
from pathlib import Path

from fpdf import FPDF

from core.csvsafe import STYLES
from dispatch.billing.documents import Document, as_csv, in_words

FONTS = Path(__file__).resolve().parent.parent / "data" / "fonts"
WIDTHS = (18, 20, 27, 20, 15, 14, 16, 20, 20, 20)  # mm: documents.COLUMNS, 190 in all


def _text(value: object, doc: Document) -> str:
    if isinstance(value, date):
        return value.strftime(STYLES[doc.language].date_format)
    if isinstance(value, Decimal):
        return STYLES[doc.language].number(str(value))
    return str(value)


def as_pdf(doc: Document) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(doc.title)
    pdf.set_creator("Brigada")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 13)
    pdf.multi_cell(0, 7, doc.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    pdf.multi_cell(0, 5, doc.period(), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for who in ("seller", "buyer"):
        for line in doc.party(who):
            pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    pdf.set_font("DejaVu", "B", 8)
    for width, title in zip(WIDTHS, doc.columns(), strict=True):
        pdf.cell(width, 6, title, border=1)
    pdf.ln()
    pdf.set_font("DejaVu", "", 8)
    for row in doc.rows():
        for width, value in zip(WIDTHS, row, strict=True):
            text = _text(value, doc)
            while pdf.get_string_width(text) > width - 2 and len(text) > 1:
                text = text[:-1]  # a long site name is cut to its cell, the CSV has it whole
            align = "R" if isinstance(value, (int, Decimal)) else "L"
            pdf.cell(width, 6, text, border=1, align=align)
        pdf.ln()
    pdf.ln(2)
    pdf.set_font("DejaVu", "B", 9)
    for label, value in doc.totals():
        pdf.cell(sum(WIDTHS) - 30, 6, label, align="R")
        pdf.cell(30, 6, "" if value is None else _text(value, doc), align="R")
        pdf.ln()
    pdf.ln(2)
    pdf.set_font("DejaVu", "", 9)
    pdf.multi_cell(
        0,
        5,
        f"{doc.label('in_words')}: {in_words(doc.invoice.total, doc.language)}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    if doc.kind == "act":
        pdf.ln(2)
        pdf.multi_cell(0, 5, doc.label("act_note"), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(8)
        pdf.cell(90, 6, f"{doc.label('seller')} ____________")
        pdf.cell(90, 6, f"{doc.label('buyer')} ____________")
    return bytes(pdf.output())


def file_of(doc: Document, fmt: str) -> tuple[bytes, str, str]:
    """The document as a download: its bytes, media type and file name ("pdf" or "csv")."""
    name = f"{doc.kind}-{doc.invoice.number}.{fmt}"
    if fmt == "pdf":
        return as_pdf(doc), "application/pdf", name
    return as_csv(doc), "text/csv; charset=utf-8", name

"""Reading the PDFs that wkhtmltopdf renders, for the reports' tests."""

import io

from pypdf import PdfReader


def pdf_text(pdf_bytes):
    """All the text of a PDF, pages joined, white space folded.

    wkhtmltopdf places words one by one: extraction yields tabs between them.
    """
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf_bytes)).pages)
    return " ".join(text.split())


def pdf_fonts(pdf_bytes):
    """The names of the fonts the PDF's pages use (e.g. ``/AAAAAA+NotoSans-Bold``)."""
    return {
        str(font["/BaseFont"])
        for page in PdfReader(io.BytesIO(pdf_bytes)).pages
        for font in page["/Resources"]["/Font"].values()
    }

"""Page numbers on the management review.

Debian's wkhtmltopdf is built without the patched Qt, so it prints no header
or footer, and with them no page number. The printed review is numbered
afterwards instead: each page of the PDF gets "Page n of N" at its foot,
drawn with reportlab and merged with pypdf, as Odoo itself stamps its
watermark banners (``odoo.tools.pdf.add_banner``). The streams are numbered
before Odoo saves or returns them, so the archived copy is numbered too.
"""

import io
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from odoo import models
from odoo.tools.pdf import PdfFileReader, PdfFileWriter

NUMBERED_REPORTS = frozenset({"customer_feedback_reports.report_feedback_analysis"})
# the font of the reports (Debian's fonts-noto-core): it draws every Vietnamese letter
NOTO_SANS = Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf")
FONT_SIZE = 8


def _page_number_font():
    if "NotoSans" in pdfmetrics.getRegisteredFontNames():
        return "NotoSans"
    if NOTO_SANS.exists():
        pdfmetrics.registerFont(TTFont("NotoSans", str(NOTO_SANS)))
        return "NotoSans"
    return "Helvetica"


def number_pages(pdf_stream, label):
    """A copy of ``pdf_stream`` with ``label(page, count)`` at the foot of each page."""
    reader = PdfFileReader(pdf_stream, strict=False)
    count = len(reader.pages)
    font = _page_number_font()
    overlay_stream = io.BytesIO()
    overlay = canvas.Canvas(overlay_stream)
    for index in range(count):
        box = reader.pages[index].mediabox
        width, _height = float(box.width), float(box.height)
        overlay.setPageSize((width, float(box.height)))
        overlay.setFont(font, FONT_SIZE)
        overlay.setFillGray(0.4)
        overlay.drawCentredString(width / 2, 6 * mm, label(index + 1, count))
        overlay.showPage()
    overlay.save()
    numbers = PdfFileReader(overlay_stream, strict=False)
    writer = PdfFileWriter()
    for index in range(count):
        page = reader.pages[index]
        page.merge_page(numbers.pages[index])
        writer.add_page(page)
    output = io.BytesIO()
    writer.write(output)
    return output


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        streams = super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=res_ids)
        if self._get_report(report_ref).report_name not in NUMBERED_REPORTS:
            return streams
        lang_env = self.with_context(lang=self.env.user.lang).env
        for values in streams.values():
            if values.get("stream") and not values.get("attachment"):
                values["stream"] = number_pages(
                    values["stream"],
                    lambda page, count: lang_env._(
                        "Page %(page)s of %(count)s", page=page, count=count
                    ),
                )
        return streams

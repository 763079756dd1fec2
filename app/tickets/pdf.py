"""Admission ticket PDFs: A5 landscape, one ticket a page, drawn with the certificates' machinery
(the embedded CJK font subset, its glyph check, the vector QR code).

The wording is fixed Chinese, as on certificates: a ticket is shown at the venue's door.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from reportlab.lib.pagesizes import A5, landscape
from reportlab.lib.units import cm
from reportlab.pdfgen import canvas

from app.certificates.pdf import check_glyphs, draw_qr, render_document, wrapped

PAGE = landscape(A5)
QR_SIZE = 4.2 * cm
MARGIN = 1.2 * cm


@dataclass(frozen=True)
class TicketPage:
    """What one ticket prints (plain values)."""

    event: str
    skill: str
    bib: str
    name: str
    id_masked: str
    unit: str
    dates: str
    venue: str
    workstation: str | None  # None before the draw
    claim_code: str | None  # None once the contestant has an account
    claim_url: str
    check_in_url: str

    def lines(self) -> list[tuple[str, str]]:
        return [("姓名", self.name), ("身份证件号", self.id_masked), ("参赛单位", self.unit), ("赛项", self.skill),
                ("参赛号", self.bib), ("比赛时间", self.dates), ("比赛地点", self.venue),
                ("工位号", self.workstation or "抽签后公布"),
                ("账号认领码", self.claim_code or "已开通账号")]


def _draw(pdf: canvas.Canvas, page: TicketPage, font: str) -> None:
    width, height = PAGE
    notes = ["凭本证和身份证件检录参赛。", f"认领账号：{page.claim_url}（参赛号＋身份证件号＋认领码）"]
    check_glyphs(font, ["准考证", page.event, *(f"{k}：{v}" for k, v in page.lines()), *notes, "检录扫码"])
    pdf.setLineWidth(2)
    pdf.setStrokeColorRGB(0.65, 0.12, 0.12)
    pdf.rect(0.6 * cm, 0.6 * cm, width - 1.2 * cm, height - 1.2 * cm)
    pdf.setFillColorRGB(0.65, 0.12, 0.12)
    pdf.setFont(font, 24)
    pdf.drawCentredString(width / 2, height - 2 * cm, "准考证")
    pdf.setFillColorRGB(0, 0, 0)
    pdf.setFont(font, 12)
    y = height - 2.9 * cm
    for line in wrapped(page.event, font, 12, width - 2 * MARGIN):
        pdf.drawCentredString(width / 2, y, line)
        y -= 0.6 * cm
    text_width = width - 2 * MARGIN - QR_SIZE - 0.8 * cm
    y -= 0.3 * cm
    for key, value in page.lines():
        for part in wrapped(f"{key}：{value}", font, 12, text_width):
            pdf.drawString(MARGIN, y, part)
            y -= 0.62 * cm
    qr_x, qr_y = width - MARGIN - QR_SIZE, height - 4.2 * cm - QR_SIZE
    draw_qr(pdf, page.check_in_url, qr_x, qr_y, QR_SIZE)
    pdf.setFont(font, 10)
    pdf.drawCentredString(qr_x + QR_SIZE / 2, qr_y - 0.5 * cm, "检录扫码")
    pdf.setFont(font, 8)
    y = 1.5 * cm
    for note in notes:
        pdf.drawString(MARGIN, y, note)
        y -= 0.4 * cm
    pdf.showPage()


def render_tickets(pages: Iterable[TicketPage], font_path: str, title: str) -> bytes:
    """The tickets as one PDF, a page each (the font subset embedded once)."""
    return render_document(pages, _draw, font_path, title, PAGE)

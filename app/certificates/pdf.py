"""Certificate PDFs: A4 landscape, a CJK font subset embedded, a QR code of the verification URL.

Library: **reportlab**, measured against fpdf2 on the same certificate with wqy-zenhei (one page,
about 60 CJK characters, the QR code): reportlab 32 ms and fpdf2 288 ms per PDF. fpdf2 subsets the
font with fontTools on every document; reportlab keeps the parsed font in memory and writes a
subset per document (``/FontFile2``, tag ``AAAAAA+``) itself, which matters for thousands of
certificates. Both embed TrueType outlines only; so does every PDF library that subsets without
fontTools, which is why the default font is WenQuanYi Zen Hei (glyf outlines) and Noto CJK's .ttc
(PostScript/CFF outlines) is refused with a message saying so.

Choices where certificates.md is silent:

- The wording on the paper is fixed Chinese (an official document), not the UI's language.
- The QR code is drawn as vector squares from the ``qrcode`` library's module matrix (error
  correction M), :data:`QR_SIZE_CM` wide plus a 4-module quiet zone: vector modules stay sharp at
  any printer resolution and cost a few kilobytes, where an embedded image would be blurred or big.
- Every character printed is checked against the font's character map first: a character the
  font lacks is an error naming it, never a box on the paper.
"""
from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen import canvas

from app.errors import DomainError
from app.messages import msg

BODY_MARGIN = 4 * cm  # left and right of the body text: inside the frame (1.2 cm) with room to breathe
QR_SIZE_CM = 3.0  # printed width of the modules (≥ 2.5 cm, certificates.md)
QR_MAX_VERSION = 10
PAGE = landscape(A4)

TITLES = {"award": "荣誉证书", "participation": "参赛证书", "level": "职业技能等级证书", "expert": "聘书"}
AWARDS = {"gold": "金牌", "silver": "银牌", "bronze": "铜牌", "excellence": "优胜奖", "first_prize": "一等奖",
          "second_prize": "二等奖", "third_prize": "三等奖"}
LEVELS = {"level5": "五级/初级工", "level4": "四级/中级工", "level3": "三级/高级工", "level2": "二级/技师",
          "level1": "一级/高级技师"}
ROLES = {"chief": "裁判长", "deputy": "副裁判长", "judge": "裁判员", "reserve": "裁判员", "supervisor": "监督员"}


class CertificateFontError(DomainError):
    """The CJK font cannot be used; the message says which file and what to do."""


@dataclass(frozen=True)
class CertificatePage:
    """What one certificate prints (plain values: the PDF knows nothing of the database)."""

    number: str
    kind: str
    holder: str
    id_masked: str | None
    event: str
    skill: str | None
    award_or_level: str | None
    occupation: str | None
    issue_date: str
    issuer: str
    verify_url: str


_FONTS: dict[str, str] = {}
_FONTS_LOCK = threading.Lock()


def font_name(path: str) -> str:
    """Register the TrueType font at ``path`` once per process; its reportlab name."""
    with _FONTS_LOCK:
        name = _FONTS.get(path)
        if name is not None:
            return name
        if not path or not Path(path).is_file():
            raise CertificateFontError(msg(
                "the CJK font for certificates is missing: %(path)s does not exist; install the Debian package "
                "fonts-wqy-zenhei or set CJK_FONT_PATH to a TrueType CJK font", path=path or "(CJK_FONT_PATH empty)"))
        name = f"cjk{len(_FONTS)}"
        try:
            font = TTFont(name, path, subfontIndex=0) if path.lower().endswith(".ttc") else TTFont(name, path)
        except TTFError as error:
            raise CertificateFontError(msg(
                "the CJK font %(path)s cannot be embedded (%(error)s): use a font with TrueType outlines, such "
                "as fonts-wqy-zenhei's wqy-zenhei.ttc, in CJK_FONT_PATH", path=path, error=str(error))) from None
        pdfmetrics.registerFont(font)
        _FONTS[path] = name
        return name


def check_glyphs(name: str, texts: list[str]) -> None:
    """Refuse, naming them, the characters the font cannot print, so a paper never shows a missing-glyph box."""
    face = pdfmetrics.getFont(name).face
    missing = sorted({ch for text in texts for ch in text if not ch.isspace() and ord(ch) not in face.charToGlyph})
    if missing:
        raise CertificateFontError(msg("the certificate font has no glyph for %(chars)s: set CJK_FONT_PATH to a "
                                       "font that covers them", chars=" ".join(missing)))


def qr_matrix(url: str) -> list[list[bool]]:
    """The QR code's modules for ``url``; refused when the URL needs a version too dense to scan at print size."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(url)
    code.make(fit=True)
    if code.version > QR_MAX_VERSION:
        raise DomainError(msg("the verification URL is too long for a QR code readable at 2.5 cm (version "
                              "%(version)s); shorten PUBLIC_BASE_URL", version=code.version))
    return code.get_matrix()


def draw_qr(pdf: canvas.Canvas, url: str, x: float, y: float, size: float) -> None:
    """Draw the QR code of ``url`` as vector squares at (``x``, ``y``), ``size`` wide: sharp on any printer."""
    matrix = qr_matrix(url)
    modules = len(matrix)
    step = size / modules
    pdf.setFillColorRGB(0, 0, 0)
    path = pdf.beginPath()
    for row, cells in enumerate(matrix):
        top = y + size - (row + 1) * step
        col = 0
        while col < modules:  # one rectangle per run of dark modules: fewer operators, no hairlines
            if cells[col]:
                start = col
                while col < modules and cells[col]:
                    col += 1
                path.rect(x + start * step, top, (col - start) * step, step)
            else:
                col += 1
    pdf.drawPath(path, stroke=0, fill=1)


def body_text(page: CertificatePage) -> list[str]:
    """The certificate's body in fixed Chinese wording for its kind (an official paper, not the UI's language)."""
    skill = page.skill or ""
    if page.kind == "award":
        award = AWARDS.get(page.award_or_level or "", page.award_or_level or "")
        return [f"{page.holder} 同志：", f"在{page.event}{skill}项目中荣获 {award}。", "特发此证，以资鼓励。"]
    if page.kind == "participation":
        return [f"{page.holder} 同志：", f"参加{page.event}{skill}项目比赛。", "特发此证。"]
    if page.kind == "level":
        level = LEVELS.get(page.award_or_level or "", page.award_or_level or "")
        return [f"{page.holder} 同志：", f"在{page.event}中成绩合格，", f"职业（工种）：{page.occupation or ''}",
                f"职业技能等级：{level}。"]
    role = ROLES.get(page.award_or_level or "", page.award_or_level or "")
    return [f"兹聘请 {page.holder} 同志", f"担任{page.event}{skill}项目{role}。"]


def wrapped(text: str, font: str, size: float, max_width: float) -> list[str]:
    """``text`` in lines no wider than ``max_width``: Chinese breaks between any two characters, so
    a long event or skill name wraps inside the frame with the same margin on both sides."""
    lines, current = [], ""
    for char in text:
        if current and pdfmetrics.stringWidth(current + char, font, size) > max_width:
            lines.append(current)
            current = char.lstrip() if char.isspace() else char
        else:
            current += char
    return [*lines, current] if current or not lines else lines


def _draw(pdf: canvas.Canvas, page: CertificatePage, font: str) -> None:
    """Draw one certificate on the canvas's current page and end the page."""
    title = TITLES.get(page.kind, "证书")
    lines = body_text(page)
    details = [f"证书编号：{page.number}", f"身份证件号：{page.id_masked or '—'}", f"发证单位：{page.issuer}",
               f"发证日期：{page.issue_date}"]
    check_glyphs(font, [title, *lines, *details, "扫码验证真伪"])
    width, height = PAGE
    pdf.setLineWidth(3)
    pdf.setStrokeColorRGB(0.65, 0.12, 0.12)
    pdf.rect(1.2 * cm, 1.2 * cm, width - 2.4 * cm, height - 2.4 * cm)
    pdf.setFont(font, 40)
    pdf.setFillColorRGB(0.65, 0.12, 0.12)
    pdf.drawCentredString(width / 2, height - 4.2 * cm, title)
    pdf.setFillColorRGB(0, 0, 0)
    pdf.setFont(font, 20)
    y = height - 7 * cm
    for line in (part for text in lines for part in wrapped(text, font, 20, width - 2 * BODY_MARGIN)):
        pdf.drawString(BODY_MARGIN, y, line)
        y -= 1.2 * cm
    pdf.setFont(font, 12)
    y = 5.2 * cm
    for line in details:
        pdf.drawString(4 * cm, y, line)
        y -= 0.7 * cm
    size = QR_SIZE_CM * cm
    qr_x, qr_y = width - 4 * cm - size, 3.0 * cm
    draw_qr(pdf, page.verify_url, qr_x, qr_y, size)
    pdf.setFont(font, 10)
    pdf.drawCentredString(qr_x + size / 2, qr_y - 0.6 * cm, "扫码验证真伪")
    pdf.showPage()


def render(page: CertificatePage, font_path: str) -> bytes:
    """One certificate as PDF bytes."""
    font = font_name(font_path)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=PAGE, pageCompression=1)
    pdf.setTitle(f"{TITLES.get(page.kind, '证书')} {page.number}")
    _draw(pdf, page, font)
    pdf.save()
    return buffer.getvalue()


def render_many(pages: Iterable[CertificatePage], font_path: str, title: str) -> bytes:
    """Many certificates as one PDF, a page each, drawn by the same code as :func:`render`.

    One document rather than single PDFs merged: it needs no PDF-merging library in production, and
    the font subset is embedded once for the whole document (reportlab starts a new subset every
    256 glyphs), so the file is far smaller than the sum of the single ones."""
    return render_document(pages, _draw, font_path, title, PAGE)


def render_document(pages: Iterable, draw: Callable, font_path: str, title: str, pagesize) -> bytes:
    """One PDF of ``draw(canvas, page, font)`` for each page (certificates, admission tickets)."""
    font = font_name(font_path)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=pagesize, pageCompression=1)
    pdf.setTitle(title)
    for page in pages:
        draw(pdf, page, font)
    pdf.save()
    return buffer.getvalue()

"""A certificate's body text keeps the same margin on both sides, however long the event's name."""
from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from app.certificates.pdf import BODY_MARGIN, PAGE, CertificatePage, render
from app.config import Config

LONG_EVENT = "2026年江西省第二届职业技能大赛暨第三届全国技能大赛江西省选拔赛（世赛选拔项目）"


@pytest.fixture()
def pdf_text_boxes():
    page = CertificatePage(number="JX2026A000001", kind="award", holder="王志强", id_masked="3601**********1234",
                           event=LONG_EVENT, skill="数控铣（学生组）", award_or_level="gold", occupation=None,
                           issue_date="2026-12-16", issuer="江西省人力资源和社会保障厅",
                           verify_url="http://127.0.0.1/verify/x")
    document = pdfium.PdfDocument(render(page, Config.CJK_FONT_PATH))
    text = document[0].get_textpage()
    boxes = [text.get_charbox(i) for i in range(text.count_chars())]
    return [(left, right) for left, _bottom, right, _top in boxes if right > left]


def test_the_body_text_wraps_inside_equal_margins(pdf_text_boxes):
    width = PAGE[0]
    lefts = [left for left, _ in pdf_text_boxes]
    rights = [right for _, right in pdf_text_boxes]
    assert min(lefts) >= BODY_MARGIN - 1
    assert max(rights) <= width - BODY_MARGIN + 1

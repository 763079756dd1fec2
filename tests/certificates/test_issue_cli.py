"""``certificates issue`` (formats.md): refusals, manifest keys and files, re-run keeping numbers; the
PDF: A4 landscape, a font subset embedded, under 300 KB, and its QR code (rendered at 300 dpi and
decoded) at least 2.5 cm wide and equal to the manifest's verify_url."""
from __future__ import annotations

import json
import re

import pypdfium2 as pdfium
import pytest
import zxingcpp

from app.certificates.pdf import CertificateFontError, CertificatePage, render
from tests.certificates.world import final_world
from tests.marking.builders import run
from tests.results.builders import finished_world

DPI = 300
CM_PER_INCH = 2.54


@pytest.fixture()
def issued(ctx, make, tmp_path):
    world = final_world(make, care=False)
    out = tmp_path / "certs"
    result = run("certificates", "issue", "EV1", "--skill", "WELD", "--output", str(out))
    assert result.exit_code == 0, result.output
    return world, out, json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def test_refused_before_final_results(ctx, make, tmp_path):
    finished_world(make, care=False)
    result = run("certificates", "issue", "EV1", "--output", str(tmp_path / "x"))
    assert result.exit_code == 1 and "final results" in result.output
    assert not (tmp_path / "x").exists()


def test_refuses_a_non_empty_directory_and_an_unknown_kind(ctx, make, tmp_path):
    final_world(make, care=False)
    (tmp_path / "keep.txt").write_text("x")
    result = run("certificates", "issue", "EV1", "--output", str(tmp_path))
    assert result.exit_code == 1 and "not an empty directory" in result.output
    result = run("certificates", "issue", "EV1", "--kinds", "award,medal", "--output", str(tmp_path / "n"))
    assert result.exit_code == 2


def test_manifest_lists_every_certificate_with_its_file(issued):
    _, out, manifest = issued
    assert manifest["event"] == "EV1"
    entries = manifest["certificates"]
    assert [e["number"] for e in entries] == ["JX-HRSS2026A000001", "JX-HRSS2026A000002", "JX-HRSS2026A000003"]
    for entry in entries:
        assert {"number", "kind", "award", "skill", "contestant_no", "holder", "file", "verify_url"} <= set(entry)
        assert (out / entry["file"]).is_file() and entry["file"] == f"{entry['number']}.pdf"
        assert entry["verify_url"].startswith("http://localhost:5000/verify/")
    assert [(e["contestant_no"], e["award"], e["skill"]) for e in entries] == [
        ("W-01", "gold", "WELD"), ("W-02", "silver", "WELD"), ("W-03", "bronze", "WELD")]
    assert sorted(p.name for p in out.iterdir()) == sorted([e["file"] for e in entries] + ["manifest.json"])


def test_running_again_re_renders_the_same_numbers(issued, tmp_path):
    _, _, manifest = issued
    again = tmp_path / "again"
    assert run("certificates", "issue", "EV1", "--skill", "WELD", "--output", str(again)).exit_code == 0
    second = json.loads((again / "manifest.json").read_text(encoding="utf-8"))
    assert [(e["number"], e["contestant_no"]) for e in second["certificates"]] == \
        [(e["number"], e["contestant_no"]) for e in manifest["certificates"]]


def test_pdf_is_a4_landscape_with_a_font_subset_and_small(issued):
    _, out, manifest = issued
    data = (out / manifest["certificates"][0]["file"]).read_bytes()
    assert len(data) < 300 * 1024
    assert b"/FontFile2" in data
    assert re.search(rb"/FontName /[A-Z]{6}\+", data), "the embedded font is not a subset"
    page = pdfium.PdfDocument(data)[0]
    width, height = page.get_size()
    assert (round(width), round(height)) == (842, 595)


def test_qr_prints_at_least_2_5_cm_and_decodes_to_the_verify_url(issued):
    _, out, manifest = issued
    entry = manifest["certificates"][0]
    image = pdfium.PdfDocument((out / entry["file"]).read_bytes())[0].render(scale=DPI / 72).to_pil()
    codes = zxingcpp.read_barcodes(image)
    assert len(codes) == 1
    assert codes[0].text == entry["verify_url"]
    position = codes[0].position
    xs = [position.top_left.x, position.top_right.x, position.bottom_left.x, position.bottom_right.x]
    width_cm = (max(xs) - min(xs)) / DPI * CM_PER_INCH
    assert width_cm >= 2.5, width_cm


def test_a_missing_font_is_a_clear_error(tmp_path):
    page = CertificatePage("N1", "award", "王", None, "赛", "焊工", "gold", None, "2026-09-01", "厅", "http://x/v/1")
    with pytest.raises(CertificateFontError, match="fonts-wqy-zenhei"):
        render(page, str(tmp_path / "none.ttc"))


def test_a_font_without_truetype_outlines_is_refused(tmp_path):
    """An OpenType font with PostScript (CFF) outlines, such as Noto CJK's: its header is enough to refuse it."""
    cff_font = tmp_path / "cff.otf"
    cff_font.write_bytes(b"OTTO" + bytes(8))
    page = CertificatePage("N1", "award", "王", None, "赛", "焊工", "gold", None, "2026-09-01", "厅", "http://x/v/1")
    with pytest.raises(CertificateFontError, match="TrueType outlines"):
        render(page, str(cff_font))

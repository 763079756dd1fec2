"""Issue 14's hostile inputs, each reproduced and refused (rows 1–4, 11 and 14 of its table).

The memory cases run in a child process under an address-space limit of 512 MB (``resource``);
the timing cases allow 2 s per request. Each refusal names the limit passed and where.
"""
from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import time
import uuid
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from app.auth.models import Role
from app.config import Config, TestConfig
from app.errors import InputRefused
from app.extensions import db
from app.input_limits import InputLimits
from app.json_reader import load_json
from app.marking.models import Mark
from app.tabular import read_table
from tests.events.helpers import login_en
from tests.marking.builders import World

ROOT = Path(__file__).resolve().parent.parent
MEMORY_LIMIT = 512 * 1024 * 1024
DEADLINE = 2.0  # seconds per request
BATCH = "/api/v1/marks/batch"
SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _workbook_parts() -> dict[str, bytes]:
    """A real workbook with one shared string, taken apart so a test can replace a part."""
    from openpyxl import Workbook
    book = Workbook()
    book.active["A1"] = "contestant_no"
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def xlsx_declaring_the_whole_grid() -> bytes:
    """Row 1: a sheet whose dimension is A1:XFD1048576 with one cell, at XFD1048576."""
    parts = _workbook_parts()
    parts["xl/worksheets/sheet1.xml"] = (
        f'<worksheet xmlns="{SHEET_NS}"><dimension ref="A1:XFD1048576"/><sheetData>'
        '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>').encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def xlsx_zip_bomb(path: Path, unpacked: int = 288 * 1024 * 1024) -> None:
    """Row 4: shared strings that unpack to ``unpacked`` bytes from a file of about a megabyte."""
    parts = _workbook_parts()
    one = b"<si><t>" + b"A" * 1000 + b"</t></si>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in parts.items():
            if name != "xl/sharedStrings.xml":
                archive.writestr(name, data)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as strings:
            strings.write(f'<sst xmlns="{SHEET_NS}">'.encode())
            chunk = one * 1024
            for _ in range(unpacked // len(chunk)):
                strings.write(chunk)
            strings.write(b"</sst>")


CHILD = textwrap.dedent("""
    import resource, sys, time
    resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
    from app.errors import InputRefused
    from app.tabular import read_table
    data = open(sys.argv[1], "rb").read()
    started = time.monotonic()
    try:
        read_table(data, "upload.xlsx", ["contestant_no", "name"])
        print("read")
    except InputRefused as refused:
        print(refused)
    print(round(time.monotonic() - started, 3))
""")


def read_in_a_child_under_512_mb(path: Path) -> tuple[str, float]:
    done = subprocess.run([sys.executable, "-c", CHILD.format(limit=MEMORY_LIMIT), str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    answer, seconds = done.stdout.strip().rsplit("\n", 1)
    return answer, float(seconds)


def test_row_1_a_2_kb_sheet_declaring_the_whole_grid_is_refused_under_512_mb(tmp_path):
    data = xlsx_declaring_the_whole_grid()
    assert len(data) < 8 * 1024
    path = tmp_path / "grid.xlsx"
    path.write_bytes(data)
    answer, seconds = read_in_a_child_under_512_mb(path)
    assert answer == "row 1048576: sheet Sheet: beyond the limit of 20000 rows"
    assert seconds < DEADLINE


def test_row_4_an_xlsx_zip_bomb_is_refused_before_it_is_unpacked_under_512_mb(tmp_path):
    path = tmp_path / "bomb.xlsx"
    xlsx_zip_bomb(path)
    assert path.stat().st_size < 2 * 1024 * 1024
    answer, seconds = read_in_a_child_under_512_mb(path)
    assert answer.startswith("file: unpacks to 30") and answer.endswith(
        f"bytes, more than the limit of {40 * 1024 * 1024} bytes")
    assert seconds < DEADLINE


def _limits(**changes) -> InputLimits:
    return replace(InputLimits.from_config(TestConfig.__dict__ | vars(Config)), **changes)


@pytest.mark.parametrize(("data", "filename", "limits", "refusal"), [
    (b"contestant_no,name\n" * 3, "t.csv", {"bytes": 20}, "file: 57 bytes, more than the limit of 20 bytes"),
    (b"contestant_no,name\n" + b"W-01,x\n" * 5, "t.csv", {"rows": 4}, "row 5: beyond the limit of 4 rows"),
    (b"contestant_no,name,,,\n", "t.csv", {"columns": 2}, None),  # trailing empty cells are no columns
    (b"contestant_no,name,extra\n", "t.csv", {"columns": 2}, "row 1, column C: beyond the limit of 2 columns"),
    (b"contestant_no,name\nW-01," + b"x" * 14 + b"\n", "t.csv", {"cell_chars": 13},
     "row 2, column B: 14 characters, more than the limit of 13 in a cell"),
    (b"contestant_no,name\nW-01,a\x00b\n", "t.csv", {}, "row 2, column B: a text holds a NUL character"),
])
def test_each_table_limit_is_named_with_its_place(data, filename, limits, refusal):
    if refusal is None:
        assert read_table(data, filename, ["contestant_no", "name"], _limits(**limits)) == []
        return
    with pytest.raises(InputRefused) as refused:
        read_table(data, filename, ["contestant_no", "name"], _limits(**limits))
    assert str(refused.value) == refusal


def test_an_xlsx_cell_past_the_column_limit_is_named_by_sheet_row_and_column():
    from openpyxl import Workbook
    book = Workbook()
    book.active.append(["contestant_no", "name"])
    book.active["E2"] = "late"
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(InputRefused) as refused:
        read_table(buffer.getvalue(), "t.xlsx", ["contestant_no", "name"], _limits(columns=4))
    assert str(refused.value) == "row 2, column E: sheet Sheet: beyond the limit of 4 columns"


def test_json_size_depth_long_numbers_and_nul_are_refused():
    limits = _limits(json_bytes=100, json_depth=3)
    deep = b"[" * 50_000 + b"]" * 50_000
    with pytest.raises(InputRefused) as refused:
        load_json(deep, _limits(json_depth=3))
    assert str(refused.value) == "file: nested deeper than the limit of 3 levels"
    cases = {b"[[[[1]]]]": "file: nested deeper than the limit of 3 levels",
             b'{"a": "' + b"x" * 100 + b'"}': "file: 109 bytes, more than the limit of 100 bytes",
             b'{"n": ' + b"9" * 19 + b"}": "file: a whole number of more than 18 digits",
             b'{"a": "x\\u0000"}': "file: a text holds a NUL character"}
    for data, refusal in cases.items():
        with pytest.raises(InputRefused) as refused:
            load_json(data, limits)
        assert str(refused.value) == refusal
    assert load_json(b"[[[1]]]", limits) == [[[1]]]


# --------------------------------------------------------------------------- through the web


@pytest.fixture()
def world(ctx, make):
    world = World(make)
    make.user("ua", role=Role.UNIT_ADMIN, unit=world.units["JX-NC"])
    make.user("org", role=Role.ORGANIZER, unit=world.hrss)
    db.session.commit()
    return world


def timed(call):
    started = time.monotonic()
    response = call()
    elapsed = time.monotonic() - started
    assert elapsed < DEADLINE, f"{elapsed:.2f} s"
    assert response.status_code < 500
    return response


def test_row_3_a_csv_with_200000_columns_is_refused_within_2_s(world, client):
    header = ",".join(f"col{i:05d}" for i in range(200_000)).encode()
    assert len(header) > 1_500_000
    login_en(client, "ua")
    response = timed(lambda: client.post("/registrations/EV1/upload", data={
        "file": (io.BytesIO(header + b"\n"), "wide.csv")}, content_type="multipart/form-data"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422  # a page showing a refusal
    assert "column GS" in page and "beyond the limit of 200 columns" in page


def _item(aspect: str, value) -> dict:
    return {"uuid": str(uuid.uuid4()), "event": "EV1", "skill": "WELD", "aspect": aspect, "competitor": "W-01",
            "value": value, "base_version": 0}


def test_row_2_an_exponent_on_the_marks_api_is_refused_within_2_s(world, client):
    login_en(client, "j1")
    for value in ("1e2000000", "1E+2000000"):
        response = timed(lambda v=value: client.post(BATCH, json={"marks": [_item("A1.1", v)]}))
        answer, = response.get_json()["results"]
        assert answer["outcome"] == "refused"
        assert answer["reason"] == f"'{value}': write the number in plain digits, without an exponent"
    body = b'{"marks": [{"uuid": "%s", "event": "EV1", "skill": "WELD", "aspect": "A1.1", "competitor": "W-01", ' \
           b'"value": 1e2000000, "base_version": 0}]}' % str(uuid.uuid4()).encode()
    response = timed(lambda: client.post(BATCH, data=body, content_type="application/json"))
    assert response.get_json()["results"][0]["outcome"] == "refused"
    assert db.session.query(Mark).count() == 0


def test_row_2_an_exponent_in_the_paper_marks_upload_is_refused_within_2_s(world, client):
    login_en(client, "chief")
    data = b"contestant_no,aspect,judge,score\nW-01,A1.1,j1,1e2000000\nW-01,B1.1,,1e2000000\n"
    response = timed(lambda: client.post("/events/EV1/skills/WELD/marks/upload", data={
        "file": (io.BytesIO(data), "marks.csv")}, content_type="multipart/form-data"))
    page = response.get_data(as_text=True)
    assert "without an exponent" in page
    assert db.session.query(Mark).count() == 0  # nothing half-saved


def test_row_14_the_marks_api_answers_the_stored_value_the_same_on_store_and_replay(world, client):
    login_en(client, "j1")
    mark = _item("A1.1", "3")
    stored, = client.post(BATCH, json={"marks": [mark]}).get_json()["results"]
    replayed, = client.post(BATCH, json={"marks": [mark]}).get_json()["results"]
    assert (stored["outcome"], stored["value"]) == ("stored", "3.00")
    assert (replayed["outcome"], replayed["value"]) == ("replayed", "3.00")
    measured = _item("B1.1", 10)
    answer, = client.post(BATCH, json={"marks": [measured]}).get_json()["results"]
    assert answer["value"] == "10.00"


@pytest.mark.parametrize(("value", "reason"), [
    ("２", "'２': use the digits 0-9 (full-width and other digits are not accepted)"),
    ("²", "'²': use the digits 0-9 (full-width and other digits are not accepted)"),
    ("+2", "'+2': write the number without a sign"),
    ("-0", "'-0': write the number without a sign"),
    ("1_0", "'1_0' is not a number"),
])
def test_row_14_full_width_and_signed_marks_are_refused_with_a_message(world, client, value, reason):
    login_en(client, "j1")
    answer, = client.post(BATCH, json={"marks": [_item("A1.1", value)]}).get_json()["results"]
    assert (answer["outcome"], answer["reason"]) == ("refused", reason)


def test_row_11_json_nested_50000_deep_on_the_marks_api_is_a_400(world, client):
    login_en(client, "j1")
    body = b'{"marks": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    response = timed(lambda: client.post(BATCH, data=body, content_type="application/json"))
    assert response.status_code == 400
    assert response.get_json()["error"] == "file: nested deeper than the limit of 32 levels"


def test_row_11_unicode_digits_in_query_parameters_are_no_server_error(world, client):
    login_en(client, "org")
    assert timed(lambda: client.get("/registrations/EV1?page=²")).status_code == 200
    assert timed(lambda: client.get("/registrations/EV1?page=" + "9" * 5000)).status_code == 200
    owed = timed(lambda: client.get("/grants/owed?year=²²²²"))
    assert owed.status_code == 200 and "The year must be 4 digits" in owed.get_data(as_text=True)
    assert timed(lambda: client.get("/?year=２０２６")).status_code == 200
    assert timed(lambda: client.post("/registrations/EV1/attendance", data={"registration": "²"})).status_code < 500


@pytest.mark.parametrize("url", ["/results/EV1", "/results/EV1/WELD", "/results/EV1/me", "/login",
                                 "/registrations/EV1/self-register", "/verify/abc"])
def test_row_11_a_nul_byte_on_anonymous_routes_is_a_400_on_both_databases(world, client, url):
    assert timed(lambda: client.get(url + "?q=a%00b")).status_code == 400
    if "EV1" in url:
        assert timed(lambda: client.get(url.replace("EV1", "EV%001"))).status_code == 400
    if url in ("/login", "/results/EV1/me", "/registrations/EV1/self-register"):
        assert timed(lambda: client.post(url, data={"username": "a\x00", "id_number": "\x00"})).status_code == 400


def test_an_id_in_a_url_longer_than_an_integer_column_is_not_found(world, client):
    login_en(client, "org")
    assert timed(lambda: client.get("/events/EV1/certificates/" + "9" * 30 + ".pdf")).status_code == 404
    assert timed(lambda: client.get("/events/EV1/certificates/２.pdf")).status_code == 404

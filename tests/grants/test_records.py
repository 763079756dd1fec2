"""``import titles`` and ``import training``: formats.md's columns, every refusal located by row and
column, nothing saved on any refusal, persons found by ID number (or created from a resident
number), re-imports idempotent. Today is 2026-09-01 (the frozen clock)."""
from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from sqlalchemy import func, select

from app.audit import AuditEntry
from app.extensions import db
from app.people.models import Person, TitleRecord, TrainingRecord
from tests.events.contest import id_number
from tests.events.helpers import person
from tests.grants.builders import GrantsWorld, write_csv
from tests.marking.builders import run

TITLES = "id_number,name,unit_code,title,year"
TRAINING = ("id_number,name,training_body,occupation,start_date,end_date,days,certificate_date,employed_date,"
            "employed_in_province,placed_by_body")


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def actions(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


# --- titles ---------------------------------------------------------------------------------------

def test_titles_are_imported_onto_known_and_new_persons_and_audited(make, tmp_path):
    GrantsWorld(make)
    known = person("李四")
    db.session.commit()
    new = id_number("1990-03-04", male=False)
    path = write_csv(tmp_path, "titles.csv", TITLES,
                     f"{known.id_number},李四,JX-TC1,national_technical_expert,2025",
                     f"{new},王芳,NC-E1,省级技术能手,2026")
    result = run("import", "titles", path)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "imported 2 titles (0 unchanged)"
    records = {(r.person.name, r.title, r.year) for r in db.session.scalars(select(TitleRecord))}
    assert records == {("李四", "national_technical_expert", 2025), ("王芳", "provincial_technical_expert", 2026)}
    created = db.session.scalar(select(Person).where(Person.id_number == new))
    assert (created.birth_date, created.gender.value, created.id_type.value) == (
        date(1990, 3, 4), "F", "resident")
    assert len(actions("title.create")) == 2 and len(actions("person.create")) == 1
    entry = actions("title.create")[0]
    assert entry.actor.startswith("cli:") and "*" in entry.after["id_number"]      # the number masked

    again = run("import", "titles", path)
    assert again.exit_code == 0 and again.stdout.strip() == "imported 0 titles (2 unchanged)"
    assert count(TitleRecord) == 2


def test_titles_from_xlsx_with_chinese_names(make, tmp_path):
    GrantsWorld(make)
    book = Workbook()
    sheet = book.active
    sheet.append(TITLES.split(","))
    sheet.append([id_number("1985-01-02"), "赵六", "JX-JT", "中华技能大奖", "2024"])
    buffer = io.BytesIO()
    book.save(buffer)
    path = tmp_path / "titles.xlsx"
    path.write_bytes(buffer.getvalue())
    assert run("import", "titles", str(path)).exit_code == 0
    assert db.session.scalar(select(TitleRecord.title)) == "china_skills_award"


def test_a_bad_titles_file_is_refused_whole_with_every_problem_located(make, tmp_path):
    GrantsWorld(make)
    known = person("李四")
    db.session.commit()
    good = id_number()
    bad_number = good[:-1] + ("0" if good[-1] != "0" else "1")                    # a wrong check digit
    path = write_csv(tmp_path, "titles.csv", TITLES,
                     f"{id_number()},甲,JX-TC1,national_technical_expert,2025",      # fine, but not saved
                     f"{id_number()},乙,NOPE,national_technical_expert,2025",        # unknown unit
                     f"{id_number()},丙,JX-TC1,grand_master,2025",                   # bad title
                     f"{id_number()},丁,JX-TC1,national_technical_expert,2027",      # future year
                     f"{known.id_number},别人,JX-TC1,national_technical_expert,2025",  # name not on record
                     f"{bad_number},戊,JX-TC1,national_technical_expert,2025",       # not a valid number
                     f"{id_number()},己,,national_technical_expert,20x5")            # no unit, bad year
    persons_before = count(Person)
    result = run("import", "titles", path)
    assert result.exit_code == 1
    err = result.stderr
    for located in ("row 3, unit_code: unknown unit NOPE", "row 4, title: 'grand_master' is not one of",
                    "row 5, year: 2027 is in the future", "row 6, name: differs from the name on record",
                    "row 7, id_number: no person on record", "row 8, unit_code: is empty",
                    "row 8, year: '20x5' is not a year YYYY", "refused: 7 problem(s), nothing saved"):
        assert located in err, err
    assert "row 2" not in err
    assert count(TitleRecord) == 0 and count(Person) == persons_before


def test_a_recorded_title_is_not_changed_by_a_file(make, tmp_path):
    GrantsWorld(make)
    number = id_number()
    first = write_csv(tmp_path, "a.csv", TITLES, f"{number},甲,JX-TC1,national_technical_expert,2025")
    assert run("import", "titles", first).exit_code == 0
    moved = write_csv(tmp_path, "b.csv", TITLES, f"{number},甲,NC-E1,national_technical_expert,2025")
    result = run("import", "titles", moved)
    assert result.exit_code == 1
    assert "row 2, unit_code: title national_technical_expert of 2025 is already recorded with other values" \
        in result.stderr
    twice = write_csv(tmp_path, "c.csv", TITLES, f"{number},甲,JX-TC1,china_skills_award,2025",
                      f"{number},甲,NC-E1,china_skills_award,2025")
    result = run("import", "titles", twice)
    assert result.exit_code == 1 and "row 3, unit_code: names the same record as row 2" in result.stderr
    assert count(TitleRecord) == 1


# --- training -------------------------------------------------------------------------------------

def test_training_records_are_imported_with_their_flags(make, tmp_path):
    GrantsWorld(make)
    number = id_number()
    path = write_csv(tmp_path, "training.csv", TRAINING,
                     f"{number},甲,JX-TC1,6-18-02-04,2026-03-01,2026-03-12,12,2026-04-01,2026-05-01,Y,y",
                     f"{number},甲,JX-TC1,,2026-06-01,2026-06-20,20,,,,否")
    result = run("import", "training", path)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "imported 2 training records (0 unchanged)"
    first, second = db.session.scalars(select(TrainingRecord).order_by(TrainingRecord.start_date))
    assert (first.days, first.certificate_date, first.employed_date, first.employed_in_province,
            first.placed_by_body, first.occupation) == (12, date(2026, 4, 1), date(2026, 5, 1), True, True,
                                                        "6-18-02-04")
    assert (second.certificate_date, second.employed_in_province, second.placed_by_body) == (
        None, False, False)
    assert len(actions("training.create")) == 2 and len(actions("person.create")) == 1
    again = run("import", "training", path)
    assert again.exit_code == 0 and "(2 unchanged)" in again.stdout


def test_a_bad_training_file_is_refused_whole_with_every_problem_located(make, tmp_path):
    GrantsWorld(make)
    n = [id_number() for _ in range(9)]
    path = write_csv(tmp_path, "training.csv", TRAINING,
                     f"{n[0]},甲,JX-TC1,,2026-03-01,2026-03-12,12,,,N,N",           # fine, not saved
                     f"{n[1]},乙,JX-TC1,,2026-03-01,2026-03-12,-3,,,N,N",           # negative days
                     f"{n[2]},丙,JX-TC1,,2026-03-01,2026-03-05,6,,,N,N",            # 6 days in a 5-day range
                     f"{n[3]},丁,JX-TC1,,2026-09-02,2026-09-10,5,,,N,N",            # starts in the future
                     f"{n[4]},戊,JX-TC1,,2026-03-01,2026-03-12,10,2026-12-01,,N,N",  # certificate later
                     f"{n[5]},己,NOPE,,2026-03-01,2026-03-12,10,,,N,N",             # unknown body
                     f"{n[6]},庚,JX-TC1,,2026/03/01,2026-03-12,10,,,N,N",           # not ISO
                     f"{n[7]},辛,JX-TC1,,2026-03-01,2026-03-12,ten,,,maybe,N",      # days, flag
                     f"{n[8]},壬,JX-TC1,,2026-03-10,2026-03-01,1,,,N,N")            # ends before it starts
    persons_before = count(Person)
    result = run("import", "training", path)
    assert result.exit_code == 1
    err = result.stderr
    for located in ("row 3, days: must be at least 1",
                    "row 4, days: 6 days do not fit between 2026-03-01 and 2026-03-05 (5 days)",
                    "row 5, start_date: 2026-09-02 is in the future",
                    "row 5, end_date: 2026-09-10 is in the future",
                    "row 6, certificate_date: 2026-12-01 is in the future",
                    "row 7, training_body: unknown unit NOPE",
                    "row 8, start_date: '2026/03/01' is not a date YYYY-MM-DD",
                    "row 9, days: 'ten' is not a whole number of days",
                    "row 9, employed_in_province: 'maybe' is not one of Y, N, 是, 否",
                    "row 10, end_date: 2026-03-01 is before start_date 2026-03-10"):
        assert located in err, err
    assert "row 2" not in err
    assert count(TrainingRecord) == 0 and count(Person) == persons_before


def test_a_recorded_training_is_not_changed_by_a_file(make, tmp_path):
    GrantsWorld(make)
    number = id_number()
    row = f"{number},甲,JX-TC1,,2026-03-01,2026-03-12,12,,,N,N"
    assert run("import", "training", write_csv(tmp_path, "a.csv", TRAINING, row)).exit_code == 0
    result = run("import", "training", write_csv(tmp_path, "b.csv", TRAINING, row.replace(",12,", ",11,")))
    assert result.exit_code == 1
    assert ("row 2, days: a training starting on 2026-03-01 is already recorded with other values (days)"
            in result.stderr)
    assert db.session.scalar(select(TrainingRecord.days)) == 12


def test_missing_columns_and_empty_files_are_refused(make, tmp_path):
    GrantsWorld(make)
    result = run("import", "training", write_csv(tmp_path, "a.csv", "id_number,name"))
    assert result.exit_code == 1 and "row 1: missing column(s): training_body" in result.stderr
    result = run("import", "titles", write_csv(tmp_path, "b.csv", TITLES))
    assert result.exit_code == 1 and "file: has no rows" in result.stderr
    assert run("import", "titles", str(tmp_path / "nope.csv")).exit_code == 2

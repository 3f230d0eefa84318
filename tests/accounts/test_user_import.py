"""Bulk import of people: encodings, formats, all-or-nothing and line-numbered problems."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from lms.accounts import services, user_import
from lms.accounts.errors import ImportRejected
from lms.accounts.models import Level, Role

GOOD_ROWS = [
    "工号,姓名,部门,角色,入职日期",
    "00123,张伟,客服中心/客服一部/一组,客服专员,2024-03-01",
    "KF0002,买买提·艾力,客服中心/客服一部/一组,agent,2024/3/2",
    "KF0003,欧阳娜,客服中心/客服二部,客服专员;培训师,2023.11.20",
    "T0004,陈静,人力资源部,人力资源；管理员,2020年7月1日",
]

BAD_ROWS = [
    "工号,姓名,部门,角色,入职日期",
    "KF0101,王芳,客服中心/客服一部,客服专员,2024-03-01",
    "KF0102,李娜,客服中心/客服一部,客服专员,2024-13-45",
    "KF0103,张伟,客服中心/客服一部,客服专员,2024-03-03",
    "kf0101,刘洋,客服中心/客服一部,客服专员,2024-03-04",
]


def csv_bytes(lines: list[str], encoding: str = "utf-8") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def people_count() -> int:
    return services.count_users()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_good_file_imports_everyone_in_any_encoding_excel_writes(db_session, encoding) -> None:
    summary = user_import.import_users("people.csv", csv_bytes(GOOD_ROWS, encoding))
    assert summary.users_created == 4
    assert summary.departments_created == 5  # 客服中心, 客服一部, 一组, 客服二部, 人力资源部
    zhang = services.find_user_by_employee_no("00123")
    assert zhang is not None and zhang.name == "张伟"
    assert zhang.employee_no == "00123"
    assert zhang.hire_date == date(2024, 3, 1)
    assert zhang.roles == {Role.AGENT}
    assert zhang.level is Level.JUNIOR
    assert zhang.must_change_password
    assert services.find_user_by_employee_no("KF0002").name == "买买提·艾力"
    assert services.find_user_by_employee_no("KF0003").roles == {Role.AGENT, Role.TRAINER}
    chen = services.find_user_by_employee_no("T0004")
    assert chen.roles == {Role.HR, Role.ADMIN}
    assert chen.hire_date == date(2020, 7, 1)
    assert services.department_paths()[zhang.department_id] == "客服中心/客服一部/一组"


def test_imported_people_sign_in_with_the_initial_password(db_session) -> None:
    summary = user_import.import_users(
        "people.csv", csv_bytes(GOOD_ROWS), initial_password="Welcome2026"
    )
    assert summary.initial_password == "Welcome2026"
    user = services.authenticate("kf0002", "Welcome2026")
    assert user.must_change_password


def test_bad_rows_are_all_reported_by_line_and_nothing_is_imported(db_session) -> None:
    before = people_count()
    with pytest.raises(ImportRejected) as rejected:
        user_import.import_users("bad.csv", csv_bytes(BAD_ROWS))
    problems = rejected.value.problems
    assert len(problems) == 2
    assert problems[0].startswith("bad.csv:3: ")
    assert "2024-13-45" in problems[0]
    assert problems[1].startswith("bad.csv:5: ")
    assert "kf0101" in problems[1] and "2" in problems[1]  # first seen on line 2
    assert people_count() == before
    assert services.find_user_by_employee_no("KF0101") is None
    assert services.department_tree() == []


def test_employee_numbers_already_in_the_database_are_refused(create_user) -> None:
    create_user(employee_no="00123")
    with pytest.raises(ImportRejected) as rejected:
        user_import.import_users("people.csv", csv_bytes(GOOD_ROWS))
    assert len(rejected.value.problems) == 1
    assert rejected.value.problems[0].startswith("people.csv:2: ")
    assert services.find_user_by_employee_no("KF0002") is None


def test_reimporting_the_same_file_is_refused_clearly(db_session) -> None:
    content = csv_bytes(GOOD_ROWS)
    user_import.import_users("people.csv", content)
    with pytest.raises(ImportRejected) as rejected:
        user_import.import_users("people-again.csv", content)
    [problem] = rejected.value.problems
    assert problem.startswith("people-again.csv: ")
    assert "4" in problem  # how many it created the first time


@pytest.mark.parametrize(
    ("row", "needle"),
    [
        (",张伟,客服中心,客服专员,2024-03-01", ""),
        ("KF9,,客服中心,客服专员,2024-03-01", ""),
        ("KF9,张伟,,客服专员,2024-03-01", ""),
        ("KF9,张伟,客服中心,,2024-03-01", ""),
        ("KF9,张伟,客服中心,经理,2024-03-01", "经理"),
        ("KF9,张伟,客服中心,客服专员,", ""),
        ("KF9,张伟,客服中心,客服专员,yesterday", "yesterday"),
        ("KF 9,张伟,客服中心,客服专员,2024-03-01", "KF 9"),
    ],
)
def test_each_kind_of_bad_row_is_named(db_session, row: str, needle: str) -> None:
    with pytest.raises(ImportRejected) as rejected:
        user_import.import_users("one.csv", csv_bytes(["工号,姓名,部门,角色,入职日期", row]))
    [problem] = rejected.value.problems
    assert problem.startswith("one.csv:2: ")
    assert len(problem) > len("one.csv:2: ") + 3
    assert needle in problem  # the offending value is quoted back


def test_a_position_longer_than_the_column_is_named_by_its_line(db_session) -> None:
    # SQLite would keep it; PostgreSQL refuses it as the row is written: the import says so
    # first, on either database.
    lines = [
        "工号,姓名,部门,角色,入职日期,岗位",
        "KF9,张伟,客服中心,客服专员,2024-03-01," + "岗" * 101,
    ]
    with pytest.raises(ImportRejected) as rejected:
        user_import.import_users("one.csv", csv_bytes(lines))
    assert rejected.value.problems == ["one.csv:2: 岗位超过 100 个字符"]


def test_english_headers_and_optional_columns(db_session) -> None:
    lines = [
        "employee_no,name,department,roles,hire_date,position,level",
        "E100,Li Lei,Service Centre/Team A,agent,2022-05-01,Online agent,中级",
    ]
    summary = user_import.import_users("en.csv", csv_bytes(lines))
    assert summary.users_created == 1
    user = services.find_user_by_employee_no("e100")
    assert user.position == "Online agent"
    assert user.level is Level.MID


def test_unknown_and_missing_columns_are_reported_on_the_header_line(db_session) -> None:
    with pytest.raises(ImportRejected) as rejected:
        user_import.import_users(
            "cols.csv", csv_bytes(["工号,姓名,部门,角色,生日", "1,a,b,agent,x"])
        )
    problems = rejected.value.problems
    assert all(p.startswith("cols.csv:1: ") for p in problems)
    assert any("生日" in p for p in problems)
    assert len(problems) == 2  # the unknown column, and the missing hire date column


def test_blank_lines_are_skipped_but_line_numbers_stay_true(db_session) -> None:
    lines = [
        "工号,姓名,部门,角色,入职日期",
        "",
        "KF1,甲,客服中心,agent,2024-01-01",
        ",,,,",
        "KF2,乙,客服中心,agent,not-a-date",
    ]
    with pytest.raises(ImportRejected) as rejected:
        user_import.import_users("gaps.csv", csv_bytes(lines))
    assert [p.split(": ")[0] for p in rejected.value.problems] == ["gaps.csv:5"]


def test_empty_file_and_header_only_file(db_session) -> None:
    with pytest.raises(ImportRejected) as empty:
        user_import.import_users("empty.csv", b"")
    assert empty.value.problems[0].startswith("empty.csv:1: ")
    with pytest.raises(ImportRejected) as header_only:
        user_import.import_users("header.csv", csv_bytes(["工号,姓名,部门,角色,入职日期"]))
    assert header_only.value.problems[0].startswith("header.csv:2: ")


def test_old_xls_and_garbage_are_refused_with_a_reason(db_session) -> None:
    with pytest.raises(ImportRejected) as xls:
        user_import.import_users("old.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    assert ".xlsx" in xls.value.problems[0]
    with pytest.raises(ImportRejected) as broken:
        user_import.import_users("broken.xlsx", b"PK\x03\x04 not really a zip")
    assert broken.value.problems[0].startswith("broken.xlsx:1: ")


def test_xlsx_with_date_cells_and_numeric_employee_numbers(db_session) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["工号", "姓名", "部门", "角色", "入职日期"])
    sheet.append(["KF0201", "郭佳怡", "客服中心/售后服务部", "客服专员", datetime(2023, 11, 20)])
    sheet.append([10202, "何文静", "客服中心/售后服务部", "客服专员", "2022-06-06"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    summary = user_import.import_users("people.xlsx", buffer.getvalue())
    assert summary.users_created == 2
    assert services.find_user_by_employee_no("KF0201").hire_date == date(2023, 11, 20)
    assert services.find_user_by_employee_no("10202").name == "何文静"


def test_xlsx_bad_rows_report_spreadsheet_row_numbers(db_session) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["工号", "姓名", "部门", "角色", "入职日期"])
    sheet.append(["KF1", "甲", "客服中心", "客服专员", "2024-01-01"])
    sheet.append(["KF2", "乙", "客服中心", "老板", "2024-01-01"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(ImportRejected) as rejected:
        user_import.import_users("people.xlsx", buffer.getvalue())
    assert [p.split(": ")[0] for p in rejected.value.problems] == ["people.xlsx:3"]


def test_the_templates_import_once_filled_in(db_session) -> None:
    template = user_import.template_csv()
    assert template.startswith("\ufeff".encode())
    filled = template + "KF0301,新人,客服中心,客服专员,2026-11-01,,\r\n".encode()
    assert user_import.import_users("filled.csv", filled).users_created == 1

    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(user_import.template_xlsx()))
    sheet = workbook.active
    assert [c.value for c in sheet[1]][:5] == ["工号", "姓名", "部门", "角色", "入职日期"]
    assert sheet["A2"].number_format == "@"  # typed employee numbers keep their zeros
    sheet.append(["00999", "模板用户", "客服中心", "客服专员", "2026-11-02"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert user_import.import_users("filled.xlsx", buffer.getvalue()).users_created == 1
    assert services.find_user_by_employee_no("00999") is not None


def test_weak_initial_password_rejects_the_import(db_session) -> None:
    with pytest.raises(ImportRejected):
        user_import.import_users("people.csv", csv_bytes(GOOD_ROWS), initial_password="123")
    assert services.find_user_by_employee_no("00123") is None


# --- the CLI ------------------------------------------------------------------------------


def test_cli_reports_bad_lines_exits_1_and_adds_nobody(cli, tmp_path) -> None:
    path = tmp_path / "users.csv"
    path.write_bytes(csv_bytes(BAD_ROWS))
    before = people_count()
    result = cli.invoke(args=["users", "import", str(path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(line.startswith(f"{path}:3: ") for line in lines)
    assert any(line.startswith(f"{path}:5: ") for line in lines)
    assert people_count() == before


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_cli_imports_a_good_file(cli, tmp_path, encoding: str) -> None:
    path = tmp_path / "users.csv"
    path.write_bytes(csv_bytes(GOOD_ROWS, encoding))
    result = cli.invoke(args=["users", "import", str(path), "--initial-password", "Start2026x"])
    assert result.exit_code == 0, result.output
    assert "4" in result.output
    assert services.authenticate("00123", "Start2026x").name == "张伟"

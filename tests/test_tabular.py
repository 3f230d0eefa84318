"""Spreadsheets written for download: what a reader of the XLSX finds in it."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

from openpyxl import load_workbook

from lms.tabular import Sheet, SheetColumn, display_width, write_sheets, write_xlsx


def test_write_xlsx_keeps_types_and_never_writes_a_formula() -> None:
    content = write_xlsx(
        ["工号", "姓名", "学时", "日期", "时间"],
        [
            ["007", "=SUM(A1)", Decimal("2.5"), date(2026, 11, 2), datetime(2026, 11, 2, 9, 30)],
            ["KF2", None, 3, None, None],
        ],
        text_columns=[0],
    )
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.title == "Sheet" and sheet.freeze_panes is None
    assert [c.value for c in sheet[1]] == ["工号", "姓名", "学时", "日期", "时间"]
    assert not sheet["A1"].font.b and sheet["A1"].number_format == "General"
    number, formula, hours, day, moment = sheet[2]
    assert number.value == "007" and number.number_format == "@"
    assert formula.value == "=SUM(A1)" and formula.data_type == "s"
    assert hours.value == 2.5 and hours.data_type == "n"
    assert day.is_date and day.value.date() == date(2026, 11, 2)
    assert moment.is_date and moment.value == datetime(2026, 11, 2, 9, 30)
    assert sheet["B3"].value is None and sheet["C3"].value == 3
    assert {sheet.column_dimensions[letter].width for letter in "ABCDE"} == {16}


def test_text_columns_stay_text_in_the_empty_rows_of_a_template() -> None:
    sheet = load_workbook(io.BytesIO(write_xlsx(["工号", "姓名"], [], text_columns=[0]))).active
    assert sheet["A2"].number_format == "@" and sheet["A500"].number_format == "@"
    assert sheet["B2"].number_format == "General"
    assert sheet.max_row == 500
    # Without text columns nothing is padded.
    plain = load_workbook(io.BytesIO(write_xlsx(["a"], [[1]]))).active
    assert plain.max_row == 2


def test_a_long_export_is_written_whole() -> None:
    rows = ([f"KF{n:05d}", n, n / 10] for n in range(3000))  # any iterable, read once
    sheet = load_workbook(io.BytesIO(write_xlsx(["工号", "n", "x"], rows, [0]))).active
    assert sheet.max_row == 3001
    assert [c.value for c in sheet[3001]] == ["KF02999", 2999, 299.9]
    assert sheet["A3001"].number_format == "@"


def test_sheets_have_their_formats_bold_headers_and_totals_and_unique_titles() -> None:
    columns = [
        SheetColumn("部门", None, 30),
        SheetColumn("学时", "0.0", 10),
        SheetColumn("日期", "yyyy-mm-dd", 12),
    ]
    rows = [["一部", 1.25, date(2026, 11, 1)]]
    totals = ["合计", 1.25, None]
    content = write_sheets(
        [
            Sheet("部门: 11/2026", columns, rows, totals, bold_header=True, freeze_header=True),
            Sheet("部门: 11/2026", columns, []),
        ]
    )
    first, second = load_workbook(io.BytesIO(content)).worksheets
    assert first.title == "部门 112026" and second.title != first.title
    assert first.freeze_panes == "A2" and second.freeze_panes is None
    assert first["A1"].font.b and not second["A1"].font.b
    assert first["B2"].number_format == "0.0" and first["C2"].is_date
    assert first["A1"].number_format == "General"  # headers are text, whatever the column
    assert [c.value for c in first[3]] == ["合计", 1.25, None] and first["A3"].font.b
    assert first.column_dimensions["A"].width == 30
    assert first.column_dimensions["B"].width == 10


def test_an_empty_workbook_still_has_a_sheet() -> None:
    assert load_workbook(io.BytesIO(write_sheets([]))).sheetnames == ["Sheet"]


def test_cjk_characters_are_two_wide() -> None:
    assert display_width("Hours") == 5
    assert display_width("学时 (h)") == 8


def test_a_line_holding_a_nul_is_reported_by_line_and_nothing_is_read(app) -> None:
    from lms.tabular import read_table

    content = "工号,姓名\nKF1,张三\nKF2\x00,李四\nKF3,王五\n".encode()
    with app.test_request_context(headers={"Accept-Language": "en"}):
        table = read_table("people.csv", content, {"no": ["工号"], "name": ["姓名"]}, ["no"])
    assert table.rows == []
    assert table.problems == [
        "people.csv:3: this line holds a NUL character; is this the right file?"
    ]

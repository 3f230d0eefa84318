"""The Excel template: one row per question, checked row by row, and written back."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from lms.exams.formats import FormatError, ParsedFile
from lms.exams.formats.spreadsheet import (
    HEADERS,
    read_question_sheet,
    template,
    write_question_sheet,
)
from lms.tabular import write_xlsx
from tests.exams.moodle import essence


def test_the_template_imports_one_question_of_each_type() -> None:
    parsed = read_question_sheet("template.xlsx", template())
    kinds = [q.type for q in parsed.questions]
    assert kinds == ["single_choice", "multiple_choice", "true_false", "short_answer",
                     "numerical", "matching", "ordering", "essay"]  # fmt: skip
    single, multi, tf, short, number, match, order, essay = parsed.questions
    assert single.category == ("投诉处理", "安抚") and single.tags == ["scenario", "easy"]
    assert [c["fraction"] for c in single.payload["choices"]] == [1.0, 0.0, 0.0]
    assert [c["fraction"] for c in multi.payload["choices"]] == [0.5, 0.5, -1.0]
    assert multi.default_grade == 2.0
    assert tf.payload["answer"] is True
    assert [a["text"] for a in short.payload["answers"]] == ["10 分钟", "10分钟", "十分钟"]
    assert number.payload["answers"][0]["value"] == 75.0
    assert match.payload["pairs"][-1] == {"question": "", "answer": "2 小时"}
    assert order.payload["items"][0] == "受理并记录"
    assert essay.general_feedback.startswith("要点")
    assert single.line == 2 and essay.line == 9


def test_written_back_it_reads_the_same() -> None:
    parsed = read_question_sheet("template.xlsx", template())
    again = read_question_sheet("again.xlsx", write_question_sheet(parsed))
    assert [essence(q) for q in again.questions] == [essence(q) for q in parsed.questions]
    sheet = load_workbook(io.BytesIO(write_question_sheet(parsed))).active
    assert [c.value for c in sheet[1]] == HEADERS


def _row(**cells) -> list:
    row = dict.fromkeys(HEADERS, "")
    row.update(cells)
    return [row[h] for h in HEADERS]


def test_every_bad_row_is_reported_and_nothing_is_read() -> None:
    rows = [
        _row(题型="单选", 题干="好的题", 选项A="甲", 选项B="乙", 答案="A"),
        _row(题型="单选", 题干="答案越界", 选项A="甲", 选项B="乙", 答案="C"),
        _row(题型="论述", 题干="未知题型"),
        _row(题型="判断", 题干="判断题", 答案="也许"),
        _row(题型="数值", 题干="数值题", 答案="三十"),
        _row(题型="配对", 题干="配对题", 选项A="电话 30 秒", 选项B="邮件=10 分钟"),
        _row(题型="多选", 题干="空选项", 选项A="甲", 选项C="丙", 答案="A,C"),
    ]
    with pytest.raises(FormatError) as refused:
        read_question_sheet("bank.xlsx", write_xlsx(HEADERS, rows))
    assert [p.split(": ")[0] for p in refused.value.problems] == [
        f"bank.xlsx:{n}" for n in (3, 4, 5, 6, 7, 8)
    ]


def test_a_sheet_without_the_stem_column_is_refused() -> None:
    with pytest.raises(FormatError) as refused:
        read_question_sheet("bank.xlsx", write_xlsx(["题型", "答案"], [["单选", "A"]]))
    assert refused.value.problems[0].startswith("bank.xlsx:1: ")


def test_an_empty_file_list_writes_only_the_headers() -> None:
    sheet = load_workbook(io.BytesIO(write_question_sheet(ParsedFile()))).active
    assert sheet.max_row >= 1 and sheet["A1"].value == "题型"

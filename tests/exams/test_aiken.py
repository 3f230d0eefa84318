"""Moodle's Aiken format: single-choice questions with lettered options."""

from __future__ import annotations

import pytest

from lms.exams.formats import FormatError
from lms.exams.formats.aiken import read_aiken
from lms.exams.services.interchange import detect_format

GOOD = """客户来电说快递三天未到，第一句应该说什么？
A. 这不归我们管
B) 非常理解您着急的心情，我马上为您查询
ANSWER: B

电话应在多少秒内接起？
A. 30 秒
B. 60 秒
ANSWER: A
"""


def test_questions_options_and_the_answer() -> None:
    first, second = read_aiken(GOOD, "a.txt").questions
    assert (first.line, first.type, second.line) == (1, "single_choice", 6)
    assert [c["fraction"] for c in first.payload["choices"]] == [0.0, 1.0]
    assert first.payload["choices"][1]["text"] == "非常理解您着急的心情，我马上为您查询"
    assert detect_format("a.txt", GOOD.encode()) == "aiken"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("题目\nA. 甲\nANSWER: A\n", "a.txt:1: "),
        ("题目\nA. 甲\nB. 乙\nANSWER: C\n", "a.txt:4: "),
        ("题目\nA. 甲\nB. 乙\n", "a.txt:1: "),
        ("ANSWER: A\n", "a.txt:1: "),
        ("题目\nA. 甲\nC. 乙\nANSWER: A\n", "a.txt:1: "),
    ],
)
def test_bad_questions_are_named_by_line(text: str, problem: str) -> None:
    with pytest.raises(FormatError) as refused:
        read_aiken(text, "a.txt")
    assert refused.value.problems[0].startswith(problem)

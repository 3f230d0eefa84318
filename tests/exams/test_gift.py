"""The GIFT reader against Moodle's own sample files and what Moodle makes of them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lms.exams.formats.gift import GiftError, parse_gift

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "moodle"
QTYPES = {"multichoice": None, "truefalse": "true_false"}


def moodle_expected(name: str) -> dict:
    return json.loads((FIXTURES / "expected.json").read_text())[name]


def supported_blocks(name: str) -> tuple[str, list[dict]]:
    """The file with unsupported question types commented out, and Moodle's rows for the rest."""
    text = (FIXTURES / name).read_text()
    expected = moodle_expected(name)["questions"]
    keep = [q for q in expected if q["qtype"] in QTYPES]
    lines = text.splitlines()
    starts = sorted(q["line"] for q in expected)
    for question in expected:
        if question["qtype"] in QTYPES:
            continue
        first = question["line"] - 1
        following = [s for s in starts if s > question["line"]]
        last = (following[0] - 1) if following else len(lines)
        for index in range(first, last):
            if lines[index].strip() and not lines[index].strip().startswith("//"):
                lines[index] = "// (left to the question-bank issue)"
    return "\n".join(lines), keep


def test_choice_and_true_false_questions_match_moodle() -> None:
    text, expected = supported_blocks("gift/questions.gift.txt")
    parsed = parse_gift(text, "questions.gift.txt")
    assert [q.line for q in parsed] == [q["line"] for q in expected]
    for ours, theirs in zip(parsed, expected, strict=True):
        assert ours.name == theirs["name"]
        assert ours.text == theirs["questiontext"]
        assert ours.text_format == theirs["questiontextformat"]
        assert ours.general_feedback == theirs["generalfeedback"]
        if theirs["qtype"] == "multichoice":
            assert ours.type == ("single_choice" if theirs["single"] else "multiple_choice")
            assert [
                (c["text"], round(c["fraction"], 7), c["feedback"]) for c in ours.payload["choices"]
            ] == [(a["text"], a["fraction"], a["feedback"]) for a in theirs["answers"]]
        else:
            assert ours.type == "true_false"
            assert ours.payload["answer"] is theirs["correctanswer"]
            # Moodle's feedbacktrue is shown when the learner picks "true".
            picked_true = "feedback_right" if theirs["correctanswer"] else "feedback_wrong"
            picked_false = "feedback_wrong" if theirs["correctanswer"] else "feedback_right"
            assert ours.payload[picked_true] == theirs["feedbacktrue"]
            assert ours.payload[picked_false] == theirs["feedbackfalse"]


def test_other_types_are_reported_by_line_not_dropped() -> None:
    text = (FIXTURES / "gift" / "questions.gift.txt").read_text()
    with pytest.raises(GiftError) as refused:
        parse_gift(text, "questions.gift.txt")
    lines = [problem.split(": ")[0] for problem in refused.value.problems]
    assert lines == [f"questions.gift.txt:{n}" for n in (2, 5, 31, 34)]


def test_escapes_comments_and_chinese_feedback() -> None:
    text = """// 知识检查
::时限::投诉须在多长时间内闭环\\: 请选择 {
=3 个工作日#正确\\: 3 个工作日。
~24 小时#这是回访时限。
~7 天\\~10 天#太长了。
}

::保密::可以把其他客户的地址告诉来电者。{F#错误：这是他人的个人信息。}
"""
    first, second = parse_gift(text, "lesson.md", first_line=40)
    assert first.line == 41
    assert first.text == "投诉须在多长时间内闭环: 请选择"
    assert [c["text"] for c in first.payload["choices"]] == ["3 个工作日", "24 小时", "7 天~10 天"]
    assert first.payload["choices"][0]["feedback"] == "正确: 3 个工作日。"
    assert second.type == "true_false"
    assert second.payload == {
        "answer": False,
        "feedback_wrong": "错误：这是他人的个人信息。",
        "feedback_right": "",
    }


@pytest.mark.parametrize(
    ("gift", "reason"),
    [
        ("::Q:: 只有一个选项 {=对}", "short answer"),
        ("::Q:: 没有正确答案 {~a ~b}", "100%"),
        ("::Q:: 括号没闭合 {=a ~b ~c", "not closed"),
        ("::Q:: 没有答案，只是说明", "description"),
        ("::Q 标题没闭合 {T}", "'::'"),
    ],
)
def test_bad_questions_are_reported_with_their_line(gift: str, reason: str) -> None:
    with pytest.raises(GiftError) as refused:
        parse_gift("\n\n" + gift, "bad.gift")
    [problem] = refused.value.problems
    assert problem.startswith("bad.gift:3: ")
    assert reason in problem

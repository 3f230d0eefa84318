"""The GIFT reader against Moodle's own sample files, its grammar, and writing GIFT back."""

from __future__ import annotations

import pytest

from lms.exams.formats import FormatError
from lms.exams.formats.gift import read_gift, write_gift
from tests.exams.moodle import FIXTURES, assert_matches_moodle, essence, expected, fixture_names


@pytest.mark.parametrize("name", fixture_names("gift"))
def test_moodle_sample_files_read_as_moodle_reads_them(name: str) -> None:
    theirs = expected(name)
    parsed = read_gift((FIXTURES / name).read_text(encoding="utf-8"), name)
    assert len(parsed.questions) == theirs["question_count"]
    assert [c.path for c in parsed.categories] == [tuple(c["names"]) for c in theirs["categories"]]
    for ours, row in zip(parsed.questions, theirs["questions"], strict=True):
        assert_matches_moodle(ours, row)


def test_escapes_comments_tags_and_chinese_feedback() -> None:
    text = """// 知识检查
// [id:CH-1] [tag:easy] [tag:timing]
::时限::投诉须在多长时间内闭环\\: 请选择 {
=3 个工作日#正确\\: 3 个工作日。
~24 小时#这是回访时限。
~7 天\\~10 天#太长了。
}

::保密::可以把其他客户的地址告诉来电者。{F#错误：这是他人的个人信息。#对。}
"""
    first, second = read_gift(text, "check.gift").questions
    assert (first.line, first.name, first.type) == (3, "时限", "single_choice")
    assert first.text == "投诉须在多长时间内闭环: 请选择"
    assert first.tags == ["easy", "timing"] and first.idnumber == "CH-1"
    assert [c["text"] for c in first.payload["choices"]] == ["3 个工作日", "24 小时", "7 天~10 天"]
    assert first.payload["choices"][0]["feedback"] == "正确: 3 个工作日。"
    assert second.payload == {
        "answer": False,
        "feedback_wrong": "错误：这是他人的个人信息。",
        "feedback_right": "对。",
    }
    assert second.tags == []


def test_every_type_with_bom_categories_and_general_feedback() -> None:
    text = """\ufeff$CATEGORY: $course$/服务规范/投诉处理

::essay::请描述安抚客户的步骤。{####要点：先共情，再复述。}

::desc::以下几题基于同一个案例。

::num::电话应在多少秒内接起？{#30:0#对。 =%50%25..35#接近。}

::sa::回访须在多少小时内完成？{=24 =%50%二十四#请写数字。}

::match::配对{=电话 -> 30 秒 =邮件 -> 10 分钟 = -> 2 小时}
"""
    parsed = read_gift(text, "bank.gift")
    assert [c.path for c in parsed.categories] == [("服务规范", "投诉处理")]
    kinds = [(q.name, q.type) for q in parsed.questions]
    assert kinds == [
        ("essay", "essay"),
        ("desc", "description"),
        ("num", "numerical"),
        ("sa", "short_answer"),
        ("match", "matching"),
    ]
    essay, desc, num, sa, match = parsed.questions
    assert essay.general_feedback == "要点：先共情，再复述。" and essay.category == (
        "服务规范",
        "投诉处理",
    )
    assert desc.text == "以下几题基于同一个案例。"
    assert num.payload["answers"] == [
        {"value": 30.0, "tolerance": 0.0, "fraction": 1.0, "feedback": "对。"},
        {"value": 30.0, "tolerance": 5.0, "fraction": 0.5, "feedback": "接近。"},
    ]
    assert [a["text"] for a in sa.payload["answers"]] == ["24", "二十四"]
    assert match.payload["pairs"][-1] == {"question": "", "answer": "2 小时"}


@pytest.mark.parametrize(
    ("block", "reason"),
    [
        ("::q:: 选择 {=对 ~错", "'{' and '}'"),
        ("::q:: 选择 {~%33%甲 ~%67%乙}", "grade options"),
        ("::q:: 选择 {~甲}", "at least two"),
        ("::q:: 选择 {~甲 ~乙}", "100%"),
        ("::q:: 数字 {#三十}", "not a number"),
        ("::q:: 配对 {=甲 -> 1 =乙}", "'->'"),
        ("::q:: 填空 {1:SHORTANSWER:=甲}", "cloze"),
        ("::q 没有结尾 {T}", "'::'"),
    ],
)
def test_a_bad_question_is_named_by_its_line(block: str, reason: str) -> None:
    text = "::ok::好的问题 {T}\n\n// 注释\n" + block + "\n"
    with pytest.raises(FormatError) as refused:
        read_gift(text, "bad.gift")
    [problem] = refused.value.problems
    assert problem.startswith("bad.gift:4: ")
    assert reason in problem


def test_every_bad_question_is_reported_not_just_the_first() -> None:
    text = "::a:: {~x}\n\n::b:: ok {T}\n\n::c:: {~%33%x ~y}\n"
    with pytest.raises(FormatError) as refused:
        read_gift(text, "f.gift")
    assert [p.split(": ")[0] for p in refused.value.problems] == ["f.gift:1", "f.gift:5"]


@pytest.mark.parametrize("name", fixture_names("gift"))
def test_moodle_samples_write_back_to_the_same_questions(name: str) -> None:
    parsed = read_gift((FIXTURES / name).read_text(encoding="utf-8"), name)
    again = read_gift(write_gift(parsed), "again.gift")
    assert [essence(q) for q in again.questions] == [essence(q) for q in parsed.questions]


def test_a_description_keeps_its_tags() -> None:
    [case] = read_gift("// [tag:case] [id:PK-016]\n::PK-016::以下三题基于同一个案例。\n").questions
    assert (case.type, case.tags, case.idnumber) == ("description", ["case"], "PK-016")

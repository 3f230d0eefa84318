"""Grading is a pure function of (payload, response), with Moodle's semantics."""

from __future__ import annotations

import pytest

from lms.exams.question_types import question_type

SINGLE = {
    "choices": [
        {"text": "3 个工作日", "fraction": 1.0, "feedback": "对"},
        {"text": "24 小时", "fraction": 0.0, "feedback": "错"},
        {"text": "半对", "fraction": 0.5, "feedback": "部分"},
        {"text": "倒扣", "fraction": -0.5, "feedback": "扣分"},
    ]
}
MULTI = {
    "choices": [
        {"text": "a", "fraction": 0.5, "feedback": "a 对"},
        {"text": "b", "fraction": 0.5, "feedback": ""},
        {"text": "c", "fraction": -1.0, "feedback": "c 错"},
        {"text": "d", "fraction": 0.0, "feedback": ""},
    ]
}
TF = {"answer": False, "feedback_right": "答对了", "feedback_wrong": "不能透露"}


@pytest.mark.parametrize(
    ("response", "fraction", "feedback"),
    [
        (0, 1.0, ["对"]),
        (1, 0.0, ["错"]),
        (2, 0.5, ["部分"]),
        (3, 0.0, ["扣分"]),
        (9, 0.0, []),
        (-1, 0.0, []),
        (None, 0.0, []),
        ("0", 0.0, []),
        (True, 0.0, []),
    ],
)
def test_single_choice(response, fraction: float, feedback: list[str]) -> None:
    score = question_type("single_choice").grade(SINGLE, response)
    assert score.fraction == fraction
    assert score.feedback == feedback


@pytest.mark.parametrize(
    ("response", "fraction"),
    [
        ([0, 1], 1.0),
        ([0], 0.5),
        ([1, 0, 1], 1.0),
        ([0, 1, 2], 0.0),
        ([0, 2], 0.0),
        ([2], 0.0),
        ([0, 3], 0.5),
        ([], 0.0),
        (None, 0.0),
        ([0, 1, 3], 1.0),
        ([7], 0.0),
        (["x"], 0.0),
    ],
)
def test_multiple_choice_adds_weights_and_never_goes_below_zero(response, fraction) -> None:
    assert question_type("multiple_choice").grade(MULTI, response).fraction == fraction


def test_multiple_choice_feedback_is_for_the_picked_options() -> None:
    assert question_type("multiple_choice").grade(MULTI, [0, 2]).feedback == ["a 对", "c 错"]


@pytest.mark.parametrize(
    ("response", "fraction", "feedback"),
    [(False, 1.0, ["答对了"]), (True, 0.0, ["不能透露"]), ("false", 0.0, []), (None, 0.0, [])],
)
def test_true_false(response, fraction: float, feedback: list[str]) -> None:
    score = question_type("true_false").grade(TF, response)
    assert (score.fraction, score.feedback) == (fraction, feedback)


def test_scores_say_right_partial_or_wrong() -> None:
    grade = question_type("multiple_choice").grade
    assert grade(MULTI, [0, 1]).is_correct
    assert grade(MULTI, [0]).is_partial
    assert not grade(MULTI, [2]).is_correct and not grade(MULTI, [2]).is_partial


def test_validators_catch_unusable_questions() -> None:
    assert question_type("single_choice").validate({"choices": [SINGLE["choices"][1]]})
    assert question_type("single_choice").validate(
        {"choices": [SINGLE["choices"][1], SINGLE["choices"][2]]}
    )
    assert question_type("multiple_choice").validate(
        {"choices": [MULTI["choices"][0], MULTI["choices"][2]]}
    )
    assert not question_type("multiple_choice").validate(MULTI)
    assert question_type("true_false").validate({})


SHORT = {
    "answers": [
        {"text": "abc1", "fraction": 1.0, "feedback": "对"},
        {"text": "30 秒", "fraction": 1.0, "feedback": ""},
        {"text": "一*分钟", "fraction": 0.5, "feedback": "差不多"},
        {"text": "*", "fraction": 0.0, "feedback": "再想想"},
    ],
    "case_sensitive": False,
}


@pytest.mark.parametrize(
    ("response", "fraction", "feedback"),
    [
        ("ＡＢＣ１", 1.0, ["对"]),
        ("  Abc1 ", 1.0, ["对"]),
        ("３０　秒", 1.0, []),
        ("30   秒", 1.0, []),
        ("一到两分钟", 0.5, ["差不多"]),
        ("别的", 0.0, ["再想想"]),
        ("", 0.0, []),
        (None, 0.0, []),
    ],
)
def test_short_answer_normalises_width_case_and_spaces(response, fraction, feedback) -> None:
    score = question_type("short_answer").grade(SHORT, response)
    assert (score.fraction, score.feedback) == (fraction, feedback)


def test_short_answer_can_be_case_sensitive() -> None:
    payload = {**SHORT, "case_sensitive": True}
    assert question_type("short_answer").grade(payload, "ABC1").fraction == 0.0
    assert question_type("short_answer").grade(payload, "ａｂｃ１").fraction == 1.0


NUMERICAL = {
    "answers": [
        {"value": 30.0, "tolerance": 0.0, "fraction": 1.0, "feedback": "对"},
        {"value": 30.0, "tolerance": 5.0, "fraction": 0.5, "feedback": "接近"},
        {"value": None, "tolerance": 0.0, "fraction": 0.0, "feedback": "不对"},
    ]
}


@pytest.mark.parametrize(
    ("response", "fraction"),
    [
        ("30", 1.0),
        ("３０", 1.0),
        (" 30.0 ", 1.0),
        ("33", 0.5),
        ("25", 0.5),
        ("24.9", 0.0),
        ("2,5", 0.0),
        ("abc", 0.0),
        (30, 1.0),
        (True, 0.0),
        ("nan", 0.0),
    ],
)
def test_numerical_first_matching_answer_wins(response, fraction: float) -> None:
    assert question_type("numerical").grade(NUMERICAL, response).fraction == fraction


def test_numerical_tolerance_survives_float_noise() -> None:
    payload = {"answers": [{"value": 0.3, "tolerance": 0.0, "fraction": 1.0, "feedback": ""}]}
    assert question_type("numerical").grade(payload, 0.1 + 0.2).fraction == 1.0


MATCHING = {
    "pairs": [
        {"question": "电话", "answer": "30 秒"},
        {"question": "邮件", "answer": "10 分钟"},
        {"question": "在线", "answer": "30 秒"},
        {"question": "", "answer": "2 小时"},
    ]
}


def test_matching_scores_the_share_of_stems_matched() -> None:
    kind = question_type("matching")
    assert kind.answers(MATCHING) == ["30 秒", "10 分钟", "2 小时"]
    assert kind.grade(MATCHING, kind.right_answer(MATCHING)).fraction == 1.0
    assert kind.grade(
        MATCHING, {"0": "30 秒", "1": "2 小时", "2": "30 秒"}
    ).fraction == pytest.approx(2 / 3)
    assert kind.grade(MATCHING, {0: "30 秒"}).fraction == pytest.approx(1 / 3)
    assert kind.grade(MATCHING, "30 秒").fraction == 0.0


def test_ordering_gives_credit_for_items_in_their_place() -> None:
    payload = {"items": ["受理", "分类", "调查处理", "反馈改进"]}
    kind = question_type("ordering")
    assert kind.grade(payload, [0, 1, 2, 3]).fraction == 1.0
    assert kind.grade(payload, [1, 0, 2, 3]).fraction == 0.5
    assert kind.grade(payload, [3, 2, 1, 0]).fraction == 0.0
    assert kind.grade(payload, [0, 0, 1, 2]).fraction == 0.0  # not a permutation


def test_essays_wait_for_a_person_and_descriptions_carry_no_mark() -> None:
    essay = question_type("essay")
    assert essay.grade({}, "先安抚情绪").needs_grading is True
    assert essay.grade({}, "  ").needs_grading is False
    assert not essay.auto_graded and essay.has_mark
    assert not question_type("description").has_mark


def test_validators_of_the_bank_types() -> None:
    assert question_type("short_answer").validate({"answers": []})
    assert question_type("short_answer").validate(
        {"answers": [{"text": "a", "fraction": 0.33, "feedback": ""}]}
    )
    assert question_type("numerical").validate(
        {"answers": [{"value": 1.0, "tolerance": -1, "fraction": 1.0, "feedback": ""}]}
    )
    assert question_type("matching").validate({"pairs": [{"question": "a", "answer": "b"}]})
    assert question_type("ordering").validate({"items": ["a", "a"]})
    assert not question_type("ordering").validate({"items": ["a", "b"]})
    assert not question_type("matching").validate(MATCHING)
    assert not question_type("numerical").validate(NUMERICAL)
    assert not question_type("short_answer").validate(SHORT)

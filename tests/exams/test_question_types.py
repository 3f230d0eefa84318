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

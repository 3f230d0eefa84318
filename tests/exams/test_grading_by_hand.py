"""Grading checked against fractions worked out by hand from Moodle's rules.

Each expected value comes from the rule, not from running the code; the sum is in the
parametrize id or a comment. The rules, as in moodle/moodle question/type/*/question.php:

- multichoice, one answer: the chosen option's fraction. Moodle passes a negative one
  through; our product rule is that a question never scores below 0, so the module clamps.
- multichoice, several answers: the ticked options' fractions added, clamped to [0, 1].
- truefalse: 1 for the right answer, 0 otherwise.
- shortanswer: the first accepted answer that matches gives its fraction; ``*`` matches any
  run of characters; case is ignored unless the question is case-sensitive.
- numerical: the first answer whose [value - tolerance, value + tolerance] holds the number
  (both ends included) gives its fraction; ``*`` (value None) is any other number.
- match: stems matched right / stems; a pair with no stem is only a distractor answer.
- ordering (Moodle's default grading type, "absolute position"): items in the right place /
  items.
- essay: a person grades it; description: nothing to grade.

`test_question_types.py` covers feedback texts and the payload validators; this file keeps
to the fractions.
"""

from __future__ import annotations

from typing import Any

import pytest

from lms.exams.question_types import QUESTION_TYPES, Score, question_type


def grade(name: str, payload: dict[str, Any], response: Any) -> Score:
    """Grade ``response``, first checking that ``payload`` is one the validator accepts."""
    kind = question_type(name)
    assert kind.validate(payload) == []
    return kind.grade(payload, response)


def choice(text: str, fraction: float, feedback: str = "") -> dict[str, Any]:
    return {"text": text, "fraction": fraction, "feedback": feedback}


def answer(text: str, fraction: float, feedback: str = "") -> dict[str, Any]:
    return {"text": text, "fraction": fraction, "feedback": feedback}


def number(value: float | None, tolerance: float, fraction: float, feedback: str = ""):
    return {"value": value, "tolerance": tolerance, "fraction": fraction, "feedback": feedback}


# --- single choice ---------------------------------------------------------------------------

SINGLE = {
    "choices": [
        choice("3 个工作日内答复", 1.0),
        choice("5 个工作日内答复", 0.5, "部分正确"),
        choice("尽快答复", 0.0),
        choice("不必答复", -0.3333333, "倒扣"),
    ]
}


@pytest.mark.parametrize(
    ("response", "fraction"),
    [
        pytest.param(0, 1.0, id="full: option 0 is +100%"),
        pytest.param(1, 0.5, id="partial: option 1 is +50%"),
        pytest.param(2, 0.0, id="wrong: option 2 is 0%"),
        # Moodle would give -0.3333333 here; the product rule floors a question at 0.
        pytest.param(3, 0.0, id="penalty: option 3 is -33.33333% -> max(0, -1/3) = 0"),
        pytest.param(None, 0.0, id="no answer -> 0"),
        pytest.param(4, 0.0, id="no such option -> 0"),
    ],
)
def test_single_choice_scores_the_chosen_option(response, fraction) -> None:
    assert grade("single_choice", SINGLE, response).fraction == pytest.approx(fraction)


def test_single_choice_penalty_option_is_floored_at_zero_yet_keeps_its_feedback() -> None:
    score = grade("single_choice", SINGLE, 3)
    assert score.fraction == 0.0
    assert score.feedback == ["倒扣"]
    assert not score.is_correct and not score.is_partial


# --- multiple choice -------------------------------------------------------------------------

# +50 %, +50 %, -100 %, -100 %
MULTI = {
    "choices": [
        choice("核实身份", 0.5),
        choice("记录工单", 0.5),
        choice("直接挂断", -1.0),
        choice("推给同事", -1.0),
    ]
}


@pytest.mark.parametrize(
    ("response", "fraction"),
    [
        pytest.param([0, 1], 1.0, id="both right: .5+.5 = 1"),
        pytest.param([0], 0.5, id="one right: .5"),
        pytest.param([1], 0.5, id="the other right: .5"),
        pytest.param([0, 2], 0.0, id="one right one wrong: .5-1 = -.5 -> 0"),
        pytest.param([0, 1, 2], 0.0, id="both right one wrong: 1-1 = 0"),
        pytest.param([0, 1, 2, 3], 0.0, id="all four: 1-2 = -1 -> 0"),
        pytest.param([2, 3], 0.0, id="both wrong: -2 -> 0"),
        pytest.param([], 0.0, id="nothing ticked -> 0"),
        pytest.param(None, 0.0, id="no answer -> 0"),
        pytest.param([0, 0], 0.5, id="a box ticked twice counts once: .5"),
        pytest.param((1, 0), 1.0, id="order of ticks does not matter: 1"),
    ],
)
def test_multiple_choice_adds_the_ticked_fractions_and_clamps(response, fraction) -> None:
    assert grade("multiple_choice", MULTI, response).fraction == pytest.approx(fraction)


# Moodle stores a third as 0.3333333, so three of them add up to 0.9999999.
THIRDS = {
    "choices": [
        choice("电话", 0.3333333),
        choice("邮件", 0.3333333),
        choice("在线客服", 0.3333333),
        choice("传真", -0.3333333),
    ]
}


@pytest.mark.parametrize(
    ("response", "fraction"),
    [
        pytest.param([0, 1, 2], 1.0, id="all three thirds: 3 x 0.3333333 = 0.9999999 ~ 1"),
        pytest.param([0, 1], 2 / 3, id="two thirds: 0.6666666"),
        pytest.param([0, 1, 2, 3], 2 / 3, id="three thirds minus a third: 0.6666666"),
        pytest.param([0, 3], 0.0, id="a third minus a third: 0"),
    ],
)
def test_multiple_choice_thirds_add_up(response, fraction) -> None:
    score = grade("multiple_choice", THIRDS, response)
    assert score.fraction == pytest.approx(fraction, abs=1e-6)


def test_multiple_choice_three_thirds_count_as_right() -> None:
    score = grade("multiple_choice", THIRDS, [0, 1, 2])
    assert score.is_correct and not score.is_partial


# From gift/examples.txt line 136 ("What two people are entombed in Grant's tomb?").
GRANTS_TOMB = {
    "choices": [
        choice("No one", -0.5),
        choice("Grant", 0.5),
        choice("Grant's wife", 0.5),
        choice("Grant's father", -0.5),
    ]
}


@pytest.mark.parametrize(
    ("response", "fraction"),
    [
        pytest.param([1, 2], 1.0, id="Grant + wife: .5+.5 = 1"),
        pytest.param([1, 2, 3], 0.5, id="Grant + wife + father: 1-.5 = .5"),
        pytest.param([0, 1, 2, 3], 0.0, id="all four: 1-1 = 0"),
        pytest.param([0, 1], 0.0, id="no one + Grant: -.5+.5 = 0"),
        pytest.param([0], 0.0, id="no one: -.5 -> 0"),
    ],
)
def test_multiple_choice_half_penalties_from_the_gift_examples(response, fraction) -> None:
    assert grade("multiple_choice", GRANTS_TOMB, response).fraction == pytest.approx(fraction)


# --- true / false ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("right", "response", "fraction"),
    [
        pytest.param(True, True, 1.0, id="true is right, said true: 1"),
        pytest.param(True, False, 0.0, id="true is right, said false: 0"),
        pytest.param(False, False, 1.0, id="false is right, said false: 1"),
        pytest.param(False, True, 0.0, id="false is right, said true: 0"),
        pytest.param(True, None, 0.0, id="no answer: 0"),
        pytest.param(False, None, 0.0, id="no answer is not 'false': 0"),
    ],
)
def test_true_false(right: bool, response, fraction: float) -> None:
    payload = {"answer": right, "feedback_right": "", "feedback_wrong": ""}
    assert grade("true_false", payload, response).fraction == fraction


# --- short answer ----------------------------------------------------------------------------

# qtype_shortanswer/testquestion.moodle.xml: frog 100 %, toad 80 %, * 0 % (case-insensitive).
AMPHIBIAN = {
    "answers": [answer("frog", 1.0), answer("toad", 0.8), answer("*", 0.0, "再想想")],
    "case_sensitive": False,
}


@pytest.mark.parametrize(
    ("response", "fraction"),
    [
        pytest.param("frog", 1.0, id="exact: frog 100%"),
        pytest.param("FROG", 1.0, id="case ignored by default: 100%"),
        pytest.param("  Frog  ", 1.0, id="surrounding spaces trimmed (Moodle trims too): 100%"),
        pytest.param("toad", 0.8, id="alternative answer: toad 80%"),
        pytest.param("newt", 0.0, id="caught by '*' at 0%"),
        pytest.param("frogs", 0.0, id="whole-string match only: '*' 0%"),
        pytest.param("ｆｒｏｇ", 1.0, id="full-width folded to half-width: 100%"),
        pytest.param("", 0.0, id="empty: 0"),
        pytest.param("   ", 0.0, id="blank: 0"),
    ],
)
def test_short_answer_fixture_question(response, fraction) -> None:
    assert grade("short_answer", AMPHIBIAN, response).fraction == pytest.approx(fraction)


def test_short_answer_catch_all_gives_its_feedback_but_no_credit() -> None:
    score = grade("short_answer", AMPHIBIAN, "newt")
    assert (score.fraction, score.feedback) == (0.0, ["再想想"])


# The first accepted answer that matches wins, so case-folding changes which one that is.
VIP = {"answers": [answer("VIP", 1.0), answer("vip", 0.5)], "case_sensitive": True}


@pytest.mark.parametrize(
    ("case_sensitive", "response", "fraction"),
    [
        pytest.param(True, "VIP", 1.0, id="case-sensitive, VIP: 100%"),
        pytest.param(True, "vip", 0.5, id="case-sensitive, vip: second answer 50%"),
        pytest.param(True, "Vip", 0.0, id="case-sensitive, Vip: no answer matches, 0"),
        pytest.param(True, "ＶＩＰ", 1.0, id="case-sensitive, full-width VIP: 100%"),
        pytest.param(True, "ｖｉｐ", 0.5, id="case-sensitive, full-width vip: 50%"),
        pytest.param(False, "vip", 1.0, id="case-insensitive, vip: first answer 100%"),
        pytest.param(False, "Vip", 1.0, id="case-insensitive, Vip: 100%"),
    ],
)
def test_short_answer_case_sensitivity(case_sensitive: bool, response, fraction) -> None:
    payload = {**VIP, "case_sensitive": case_sensitive}
    assert grade("short_answer", payload, response).fraction == pytest.approx(fraction)


# No catch-all here: a response that matches nothing scores 0.
DEADLINE = {
    "answers": [answer("3*工作日", 1.0), answer("*天", 0.5), answer("1+1 回访", 1.0)],
    "case_sensitive": False,
}


@pytest.mark.parametrize(
    ("response", "fraction"),
    [
        pytest.param("3个工作日", 1.0, id="'3*工作日' with * = '个': 100%"),
        pytest.param("3工作日", 1.0, id="* may match nothing: 100%"),
        pytest.param("3 到 5 个工作日", 1.0, id="* spans spaces: 100%"),
        pytest.param("３个工作日", 1.0, id="full-width 3: 100%"),
        pytest.param("三天", 0.5, id="'*天': 50%"),
        pytest.param("工作日", 0.0, id="needs the leading 3, and no '*' catch-all: 0"),
        pytest.param("3个工作日以内", 0.0, id="text after the last literal part: 0"),
        pytest.param("1+1 回访", 1.0, id="'+' is a literal, not a regex operator: 100%"),
        pytest.param("11 回访", 0.0, id="'1+1' does not match '11': 0"),
        pytest.param("1+1　　回访", 1.0, id="ideographic spaces collapse to one space: 100%"),
    ],
)
def test_short_answer_wildcards_and_partial_credit(response, fraction) -> None:
    assert grade("short_answer", DEADLINE, response).fraction == pytest.approx(fraction)


@pytest.mark.parametrize(
    ("response", "fraction"),
    [
        pytest.param("*0", 1.0, id="Moodle: literal *0 matches"),
        pytest.param("\\9990", 0.0, id="Moodle: backslash text does not match"),
    ],
)
def test_short_answer_escaped_asterisk_is_literal(response, fraction) -> None:
    payload = {"answers": [answer(r"\*0", 1.0)], "case_sensitive": False}
    assert grade("short_answer", payload, response).fraction == fraction


# --- numerical -------------------------------------------------------------------------------

# gift/examples.txt line 202: 1822 exact 100 %, 1822 ± 2 50 %; plus a '*' catch-all.
GRANT_BORN = {
    "answers": [
        number(1822, 0, 1.0),
        number(1822, 2, 0.5, "接近"),
        number(None, 0, 0.0, "不对"),
    ]
}


@pytest.mark.parametrize(
    ("response", "fraction"),
    [
        pytest.param("1822", 1.0, id="exact: 100%"),
        pytest.param("1822.0", 1.0, id="1822.0 = 1822: 100%"),
        pytest.param(1822, 1.0, id="a number, not text: 100%"),
        pytest.param("１８２２", 1.0, id="full-width digits: 100%"),
        pytest.param("1823", 0.5, id="|1823-1822| = 1 <= 2: 50%"),
        pytest.param("1820", 0.5, id="|1820-1822| = 2 <= 2, edge included: 50%"),
        pytest.param("1824", 0.5, id="|1824-1822| = 2 <= 2, edge included: 50%"),
        pytest.param("1824.01", 0.0, id="|1824.01-1822| = 2.01 > 2: '*' 0%"),
        pytest.param("1819.99", 0.0, id="|1819.99-1822| = 2.01 > 2: '*' 0%"),
        pytest.param("1900", 0.0, id="any other number: '*' 0%"),
        pytest.param("abc", 0.0, id="not a number: 0"),
        pytest.param("", 0.0, id="empty: 0"),
    ],
)
def test_numerical_tolerance_bands(response, fraction) -> None:
    assert grade("numerical", GRANT_BORN, response).fraction == pytest.approx(fraction)


@pytest.mark.parametrize(
    ("response", "feedback"),
    [
        pytest.param("1823", ["接近"], id="in the 50% band: its feedback"),
        pytest.param("1900", ["不对"], id="any other number: the '*' feedback"),
        pytest.param("abc", [], id="not a number: '*' does not catch it, no feedback"),
    ],
)
def test_numerical_catch_all_is_for_numbers_only(response, feedback) -> None:
    assert grade("numerical", GRANT_BORN, response).feedback == feedback


# gift/questions.gift.txt Q5 "{#3:2~#Completely wrong}"; and pi to 3 places, 3.1415 ± 0.0005.
@pytest.mark.parametrize(
    ("payload", "response", "fraction"),
    [
        pytest.param({"answers": [number(3, 2, 1.0)]}, "1", 1.0, id="3±2, 1: |1-3| = 2: 100%"),
        pytest.param({"answers": [number(3, 2, 1.0)]}, "5", 1.0, id="3±2, 5: 100%"),
        pytest.param({"answers": [number(3, 2, 1.0)]}, "5.5", 0.0, id="3±2, 5.5: 0"),
        pytest.param({"answers": [number(3, 2, 1.0)]}, "３．５", 1.0, id="3±2, full-width 3.5"),
        pytest.param({"answers": [number(3, 2, 1.0)]}, "－１", 0.0, id="3±2, full-width -1: 0"),
        pytest.param({"answers": [number(-3, 0, 1.0)]}, "－３", 1.0, id="-3, full-width -3: 100%"),
        pytest.param({"answers": [number(3.1415, 0.0005, 1.0)]}, "3.142", 1.0, id="pi, 3.142"),
        pytest.param({"answers": [number(3.1415, 0.0005, 1.0)]}, "3.141", 1.0, id="pi, 3.141"),
        pytest.param({"answers": [number(3.1415, 0.0005, 1.0)]}, "3.1421", 0.0, id="pi, 3.1421"),
        pytest.param({"answers": [number(3.1415, 0.0005, 1.0)]}, "3.1409", 0.0, id="pi, 3.1409"),
    ],
)
def test_numerical_edges_of_the_tolerance(payload, response, fraction) -> None:
    assert grade("numerical", payload, response).fraction == pytest.approx(fraction)


@pytest.mark.parametrize(
    ("response", "value"),
    [
        pytest.param("1,000.5", 1000.5, id="a '.' present: the comma groups thousands"),
        pytest.param("2,456,789", 2456789, id="two commas: they group thousands"),
    ],
)
def test_numerical_thousands_separators(response, value) -> None:
    payload = {"answers": [number(value, 0, 1.0)]}
    assert grade("numerical", payload, response).fraction == 1.0


# --- matching --------------------------------------------------------------------------------

# qtype_match/testquestion.moodle.xml: three stems and the distractor answer "insect".
ANIMALS = {
    "pairs": [
        {"question": "frog", "answer": "amphibian"},
        {"question": "cat", "answer": "mammal"},
        {"question": "newt", "answer": "amphibian"},
        {"question": "", "answer": "insect"},
    ]
}


@pytest.mark.parametrize(
    ("response", "fraction"),
    [
        pytest.param({"0": "amphibian", "1": "mammal", "2": "amphibian"}, 1.0, id="3/3"),
        pytest.param({"0": "amphibian", "1": "mammal", "2": "insect"}, 2 / 3, id="distractor: 2/3"),
        pytest.param({"0": "mammal", "1": "amphibian", "2": "amphibian"}, 1 / 3, id="swap: 1/3"),
        pytest.param({"0": "insect", "1": "insect", "2": "insect"}, 0.0, id="all distractor: 0/3"),
        pytest.param({"0": "amphibian"}, 1 / 3, id="two stems unanswered: 1/3"),
        pytest.param({}, 0.0, id="nothing answered: 0/3"),
        pytest.param({0: "amphibian", 1: "mammal", 2: "amphibian"}, 1.0, id="int keys: 3/3"),
        pytest.param(
            {"0": "amphibian", "1": "mammal", "2": "amphibian", "3": "insect"},
            1.0,
            id="the distractor row is no stem, an answer for it changes nothing: 3/3",
        ),
    ],
)
def test_matching_three_stems_and_a_distractor(response, fraction) -> None:
    assert grade("matching", ANIMALS, response).fraction == pytest.approx(fraction)


# gift/questions.gift.txt "Moodle activities": four stems, distractor "Chat".
ACTIVITIES = {
    "pairs": [
        {"question": "asynchronous discussions", "answer": "Forum"},
        {"question": "a choice of multiple responses", "answer": "Choice"},
        {"question": "a bank of record entries", "answer": "Database"},
        {"question": "web pages anyone can edit", "answer": "Wiki"},
        {"question": "", "answer": "Chat"},
    ]
}


@pytest.mark.parametrize(
    ("right", "fraction"),
    [
        pytest.param(4, 1.0, id="4/4"),
        pytest.param(3, 0.75, id="3/4"),
        pytest.param(2, 0.5, id="2/4"),
        pytest.param(1, 0.25, id="1/4"),
        pytest.param(0, 0.0, id="0/4"),
    ],
)
def test_matching_k_of_n(right: int, fraction: float) -> None:
    answers = ["Forum", "Choice", "Database", "Wiki"]
    # The first `right` stems get their answer; the rest get the distractor.
    response = {str(i): answers[i] if i < right else "Chat" for i in range(4)}
    assert grade("matching", ACTIVITIES, response).fraction == pytest.approx(fraction)


# --- ordering --------------------------------------------------------------------------------

COMPLAINT = {"items": ["受理投诉", "核实情况", "给出方案", "回访确认"]}


@pytest.mark.parametrize(
    ("response", "fraction"),
    [
        pytest.param([0, 1, 2, 3], 1.0, id="right order: 4/4"),
        pytest.param([0, 1, 3, 2], 0.5, id="last two swapped: 2/4"),
        pytest.param([3, 1, 2, 0], 0.5, id="first and last swapped: 2/4"),
        pytest.param([0, 2, 1, 3], 0.5, id="middle two swapped: 2/4"),
        pytest.param([1, 2, 0, 3], 0.25, id="first three rotated: 1/4"),
        # "Relative to the next item" would give 2/3 here; absolute position gives 0.
        pytest.param([1, 2, 3, 0], 0.0, id="all shifted one place: 0/4"),
        pytest.param([3, 2, 1, 0], 0.0, id="reversed: 0/4"),
        pytest.param([0, 1, 2], 0.0, id="an item missing: not a permutation, 0"),
        pytest.param([0, 1, 1, 3], 0.0, id="an item twice: not a permutation, 0"),
    ],
)
def test_ordering_absolute_position(response, fraction) -> None:
    assert grade("ordering", COMPLAINT, response).fraction == pytest.approx(fraction)


# --- essay and description -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("response", "needs_grading"),
    [
        pytest.param("先安抚客户情绪，再核实订单。", True, id="written: waits for a trainer"),
        pytest.param("  ", False, id="blank: nothing to grade"),
        pytest.param(None, False, id="no answer: nothing to grade"),
    ],
)
def test_essay_waits_for_a_person(response, needs_grading: bool) -> None:
    # Moodle keeps the fraction null until a person grades it; here it is 0.0 with a flag.
    score = grade("essay", {}, response)
    assert score.needs_grading is needs_grading
    assert score.fraction == 0.0
    assert not score.is_correct and not score.is_partial


def test_description_has_nothing_to_grade() -> None:
    kind = question_type("description")
    assert not kind.has_mark and not kind.auto_graded
    score = grade("description", {}, "anything")
    assert (score.fraction, score.needs_grading) == (0.0, False)


# --- hostile responses -----------------------------------------------------------------------

PAYLOADS: dict[str, dict[str, Any]] = {
    "single_choice": SINGLE,
    "multiple_choice": MULTI,
    "true_false": {"answer": True, "feedback_right": "", "feedback_wrong": ""},
    "short_answer": DEADLINE,
    "numerical": GRANT_BORN,
    "matching": ANIMALS,
    "ordering": COMPLAINT,
    "essay": {},
    "description": {},
}

HOSTILE: dict[str, Any] = {
    "None": None,
    "empty str": "",
    "blank str": " \t\n",
    "empty list": [],
    "empty dict": {},
    "zero": 0,
    "minus one": -1,
    "huge int": 10**100,
    "int beyond float": 10**400,
    "huge float": 1e308,
    "inf": float("inf"),
    "-inf": float("-inf"),
    "nan": float("nan"),
    "True": True,
    "long text": "x" * 100_000,
    "digit string": "0123",
    "bytes": b"0",
    "list of None": [None],
    "nested list": [[0]],
    "list of inf": [float("inf")],
    "list of nan": [float("nan")],
    "list of bools": [True, False, True, False],
    "long list": list(range(1000)),
    "dict of None": {"0": None},
    "object": object(),
}

# Known to raise OverflowError today (reported, module unchanged).


def _hostile_cases():
    for name in QUESTION_TYPES:
        for label, response in HOSTILE.items():
            yield pytest.param(name, response, id=f"{name}-{label}")


def test_every_type_has_a_hostile_payload() -> None:
    assert set(PAYLOADS) == set(QUESTION_TYPES)


@pytest.mark.parametrize(("name", "response"), list(_hostile_cases()))
def test_hostile_responses_never_raise_and_stay_in_range(name: str, response: Any) -> None:
    score = grade(name, PAYLOADS[name], response)
    assert 0.0 <= score.fraction <= 1.0
    assert not score.needs_grading or name == "essay"

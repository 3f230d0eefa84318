"""Item analysis (facility, discrimination, warnings) against hand-computed numbers; pure."""

from __future__ import annotations

import math

import pytest

from lms.exams.services.analysis import ItemResponse, ItemStats, analyse_items


def responses(
    table: dict[int, dict[int, float | None]], max_marks: dict[int, float] | None = None
) -> list[ItemResponse]:
    """ItemResponses from {attempt_id: {question_id: fraction}}; max mark 1 unless given."""
    marks = max_marks or {}
    return [
        ItemResponse(attempt, question, fraction, marks.get(question, 1.0))
        for attempt, row in table.items()
        for question, fraction in row.items()
    ]


def by_id(stats: list[ItemStats]) -> dict[int, ItemStats]:
    return {s.question_id: s for s in stats}


# Five attempts, three items. Q1 and Q2 are worth 1 mark, Q3 is worth 2; A4 left Q2 blank.
#
#        Q1 (1)  Q2 (1)  Q3 (2)
#   A1   1       1       1        (4 of 4 marks)
#   A2   1       0       0.5      (2 of 4)
#   A3   0       1       0.5      (2 of 4)
#   A4   1       None    0        (1 of 4)
#   A5   0       0       0        (0 of 4)
HAND = {
    1: {1: 1.0, 2: 1.0, 3: 1.0},
    2: {1: 1.0, 2: 0.0, 3: 0.5},
    3: {1: 0.0, 2: 1.0, 3: 0.5},
    4: {1: 1.0, 2: None, 3: 0.0},
    5: {1: 0.0, 2: 0.0, 3: 0.0},
}
HAND_MAX = {1: 1.0, 2: 1.0, 3: 2.0}


def test_hand_computed_facility_and_discrimination() -> None:
    stats = analyse_items(responses(HAND, HAND_MAX))
    assert [s.question_id for s in stats] == [1, 2, 3]
    q1, q2, q3 = stats

    # Facility = mean fraction, blank = 0:
    #   Q1 (1 + 1 + 0 + 1 + 0) / 5 = 3/5 = 0.6
    #   Q2 (1 + 0 + 1 + 0 + 0) / 5 = 2/5 = 0.4
    #   Q3 (1 + .5 + .5 + 0 + 0) / 5 = 2/5 = 0.4
    assert q1.facility == pytest.approx(0.6)
    assert q2.facility == pytest.approx(0.4)
    assert q3.facility == pytest.approx(0.4)
    assert (q1.attempts, q1.answered) == (5, 5)
    assert (q2.attempts, q2.answered) == (5, 4)
    assert (q3.attempts, q3.answered) == (5, 5)

    # Q1: x = Q1 fraction; y = rest = (Q2 marks + Q3 marks) / 3
    #   x = [1, 1, 0, 1, 0]                      mean 3/5
    #   y = [3/3, 1/3, 2/3, 0/3, 0/3]            mean (1 + 1/3 + 2/3) / 5 = 2/5
    #   dx (fifths)     = [2, 2, -3, 2, -3]      Sxx = (4+4+9+4+9)/25 = 30/25 = 6/5
    #   dy (fifteenths) = [9, -1, 4, -6, -6]     Syy = (81+1+16+36+36)/225 = 170/225
    #   Sxy = (18 - 2 - 12 - 12 + 18)/75 = 10/75 = 2/15
    #   r = (2/15) / sqrt(6/5 * 170/225) = (2/15) / (sqrt(204)/15) = 2/sqrt(204) = 1/sqrt(51)
    #     ≈ 0.140 -> weak
    assert q1.discrimination == pytest.approx(1 / math.sqrt(51))
    assert q1.discrimination == pytest.approx(0.140, abs=5e-4)

    # Q2: x = [1, 0, 1, 0, 0] (A4 blank = 0)     mean 2/5
    #   y = (Q1 marks + Q3 marks) / 3 = [3/3, 2/3, 1/3, 1/3, 0/3]   mean (7/3)/5 = 7/15
    #   dx (fifths)     = [3, -2, 3, -2, -2]     Sxx = (9+4+9+4+4)/25 = 30/25 = 6/5
    #   dy (fifteenths) = [8, 3, -2, -2, -7]     Syy = (64+9+4+4+49)/225 = 130/225
    #   Sxy = (24 - 6 - 6 + 4 + 14)/75 = 30/75 = 2/5
    #   r = (2/5) / sqrt(6/5 * 130/225) = (2/5) / (sqrt(156)/15) = 6/sqrt(156) = 3/sqrt(39)
    #     ≈ 0.480
    assert q2.discrimination == pytest.approx(3 / math.sqrt(39))
    assert q2.discrimination == pytest.approx(0.480, abs=5e-4)

    # Q3: x = [1, .5, .5, 0, 0]                   mean 0.4
    #   y = (Q1 marks + Q2 marks) / 2 = [1, .5, .5, .5, 0]           mean 0.5
    #   dx = [.6, .1, .1, -.4, -.4]              Sxx = .36+.01+.01+.16+.16 = .7
    #   dy = [.5, 0, 0, 0, -.5]                  Syy = .25+.25 = .5
    #   Sxy = .6*.5 + (-.4)*(-.5) = .3 + .2 = .5
    #   r = .5 / sqrt(.7 * .5) = .5 / sqrt(.35) = sqrt(5/7) ≈ 0.845
    assert q3.discrimination == pytest.approx(math.sqrt(5 / 7))
    assert q3.discrimination == pytest.approx(0.845, abs=5e-4)

    # Only 5 attempts each; Q1's 0.140 is in [0, 0.2).
    assert q1.warnings == ("weak_discrimination", "few_attempts")
    assert q2.warnings == ("few_attempts",)
    assert q3.warnings == ("few_attempts",)


def test_perfectly_discriminating_item() -> None:
    # The two strong learners get everything right, the two weak ones everything wrong:
    #   Q1 x = [1, 1, 0, 0]; rest y = (Q2 + Q3) / 2 = [1, 1, 0, 0] = x, so r = 1.
    table = {
        1: {1: 1.0, 2: 1.0, 3: 1.0},
        2: {1: 1.0, 2: 1.0, 3: 1.0},
        3: {1: 0.0, 2: 0.0, 3: 0.0},
        4: {1: 0.0, 2: 0.0, 3: 0.0},
    }
    q1 = analyse_items(responses(table))[0]
    assert q1.discrimination == pytest.approx(1.0)
    assert q1.facility == pytest.approx(0.5)
    assert q1.warnings == ("few_attempts",)


def test_perfect_with_uneven_rest_is_below_one() -> None:
    # The same item, but the strong learners' rests differ: x = [1, 1, 0, 0], y = [1, .5, 0, 0].
    #   mean x = .5, mean y = .375; dx = [.5, .5, -.5, -.5]; dy = [.625, .125, -.375, -.375]
    #   Sxy = .5 * (.625 + .125 + .375 + .375) = .75; Sxx = 1; Syy = .390625 + .015625
    #   + 2 * .140625 = .6875; r = .75 / sqrt(.6875) ≈ 0.9045
    table = {
        1: {1: 1.0, 2: 1.0, 3: 1.0},
        2: {1: 1.0, 2: 1.0, 3: 0.0},
        3: {1: 0.0, 2: 0.0, 3: 0.0},
        4: {1: 0.0, 2: 0.0, 3: 0.0},
    }
    q1 = analyse_items(responses(table))[0]
    assert q1.discrimination == pytest.approx(0.75 / math.sqrt(0.6875))


def test_item_everyone_gets_right_has_no_discrimination_and_is_too_easy() -> None:
    table = {
        1: {1: 1.0, 2: 1.0},
        2: {1: 1.0, 2: 0.0},
        3: {1: 1.0, 2: 0.5},
    }
    q1, q2 = analyse_items(responses(table))
    # x = [1, 1, 1] has zero variance: the correlation is 0/0, undefined.
    assert q1.facility == pytest.approx(1.0)
    assert q1.discrimination is None
    assert q1.warnings == ("too_easy", "few_attempts")
    # Q2's rest is Q1 = [1, 1, 1], also constant: undefined from the other side.
    assert q2.discrimination is None


def test_negatively_discriminating_item_is_flagged() -> None:
    # Q1 is right for the two learners who fail everything else and wrong for the two who pass.
    #   x = [0, 0, 1, 1], y = [1, 1, 0, 0] = 1 - x -> r = -1.
    table = {
        1: {1: 0.0, 2: 1.0, 3: 1.0},
        2: {1: 0.0, 2: 1.0, 3: 1.0},
        3: {1: 1.0, 2: 0.0, 3: 0.0},
        4: {1: 1.0, 2: 0.0, 3: 0.0},
    }
    q1 = analyse_items(responses(table))[0]
    assert q1.discrimination == pytest.approx(-1.0)
    assert q1.warnings == ("negative_discrimination", "few_attempts")


def test_too_hard_and_no_few_attempts_at_ten() -> None:
    # Ten attempts; Q1 right only in attempt 1 (facility 0.1), Q2 right in attempts 1..5.
    table = {a: {1: 1.0 if a == 1 else 0.0, 2: 1.0 if a <= 5 else 0.0} for a in range(1, 11)}
    q1, q2 = analyse_items(responses(table))
    assert q1.attempts == 10
    assert q1.facility == pytest.approx(0.1)
    assert "too_hard" in q1.warnings
    assert "few_attempts" not in q1.warnings
    # x = Q1, y = rest = Q2: mean x = .1, mean y = .5
    #   dx = [.9, -.1 x 9]; dy = [.5 x 5, -.5 x 5]
    #   Sxy = .9*.5 + 4*(-.1*.5) + 5*(-.1*-.5) = .45 - .2 + .25 = .5
    #   Sxx = .81 + 9*.01 = .9; Syy = 10*.25 = 2.5; r = .5 / sqrt(2.25) = 1/3
    assert q1.discrimination == pytest.approx(1 / 3)
    assert q2.warnings == ()


def test_thresholds_are_strict_at_the_edges() -> None:
    # Facility exactly 0.9 is not too easy and exactly 0.2 is not too hard.
    easy = {a: {1: 0.9, 2: 0.0} for a in range(1, 11)}
    assert "too_easy" not in analyse_items(responses(easy))[0].warnings
    hard = {a: {1: 0.2, 2: 0.0} for a in range(1, 11)}
    assert "too_hard" not in analyse_items(responses(hard))[0].warnings


def test_option_counts() -> None:
    def chose(attempt: int, question: int, fraction: float | None, *labels: str) -> ItemResponse:
        return ItemResponse(attempt, question, fraction, 1.0, tuple(labels))

    stats = analyse_items(
        [
            chose(1, 7, 1.0, "True"),
            chose(2, 7, 0.0, "False"),
            chose(3, 7, 1.0, "True"),
            chose(4, 7, None),  # no choice: counted under no label
            chose(1, 8, 1.0, "先表达理解", "记录工单"),
            chose(2, 8, 0.5, "先表达理解"),
            chose(3, 8, 0.0, "先解释公司规定", "先解释公司规定"),  # a label once per attempt
        ]
    )
    q7, q8 = stats
    assert q7.option_counts == {"False": 1, "True": 2}
    assert list(q7.option_counts) == ["False", "True"]  # sorted, stable for display
    assert q8.option_counts == {"先表达理解": 2, "先解释公司规定": 1, "记录工单": 1}
    assert (q7.attempts, q7.answered) == (4, 3)


def test_unanswered_counts_as_zero() -> None:
    # HAND's blank (A4, Q2) must give the same facility and discrimination as a wrong answer,
    # for Q2 itself and for Q1 and Q3, whose rest of test it is part of.
    wrong = {attempt: dict(row) for attempt, row in HAND.items()}
    wrong[4][2] = 0.0
    blank_stats = analyse_items(responses(HAND, HAND_MAX))
    wrong_stats = analyse_items(responses(wrong, HAND_MAX))
    for b, w in zip(blank_stats, wrong_stats, strict=True):
        assert b.facility == pytest.approx(w.facility)
        assert b.discrimination == pytest.approx(w.discrimination)
    # Only the count of answers tells them apart.
    assert [s.answered for s in blank_stats] == [5, 4, 5]
    assert [s.answered for s in wrong_stats] == [5, 5, 5]


def test_empty_input() -> None:
    assert analyse_items([]) == []


def test_single_attempt_has_no_discrimination() -> None:
    # A correlation needs at least two points.
    q1, _ = analyse_items(responses({1: {1: 1.0, 2: 0.0}}))
    assert q1.discrimination is None
    assert q1.facility == pytest.approx(1.0)


def test_attempts_without_a_rest_are_skipped_for_discrimination() -> None:
    # A1 holds only Q1: no rest score, so it is left out of Q1's correlation (but not of its
    # facility). A2 and A3 remain: x = [1, 0], y = [1, 0], r = 1. Facility (0 + 1 + 0)/3.
    table = {1: {1: 0.0}, 2: {1: 1.0, 2: 1.0}, 3: {1: 0.0, 2: 0.0}}
    q1, _ = analyse_items(responses(table))
    assert q1.attempts == 3
    assert q1.facility == pytest.approx(1 / 3)
    assert q1.discrimination == pytest.approx(1.0)
    # The same when the other items weigh 0 marks: every rest is 0/0 and Q1 has no index.
    table = {1: {1: 1.0, 2: 1.0}, 2: {1: 0.0, 2: 0.0}, 3: {1: 1.0, 2: 0.0}}
    q1, _ = analyse_items(responses(table, {1: 1.0, 2: 0.0}))
    assert q1.discrimination is None


def test_results_are_ordered_by_question_id() -> None:
    table = {1: {30: 1.0, 10: 0.0, 20: 1.0}}
    assert [s.question_id for s in analyse_items(responses(table))] == [10, 20, 30]


def test_same_question_twice_in_an_attempt_is_rejected() -> None:
    with pytest.raises(ValueError, match="attempt 1 has question 2 twice"):
        analyse_items([ItemResponse(1, 2, 1.0, 1.0), ItemResponse(1, 2, 0.0, 1.0)])

"""Learning a course: progress, knowledge checks, completion written once to the ledger."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from lms.courses import services
from lms.records import services as records

NOON = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
LATE = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)  # 01:00 on the 24th in Shanghai

RIGHT = {0: 0, 1: True, 2: [0, 1]}
WRONG = {0: 1, 1: False, 2: [2]}


@pytest.fixture
def course(db_session, content):
    services.sync_content(content)
    return services.get_course_by_slug("complaint-handling")


def test_a_right_check_passes_and_a_wrong_one_explains_itself(course, create_user) -> None:
    learner = create_user()
    first = services.active_lessons(course)[0]
    wrong = services.submit_check(learner.id, first, "zh", WRONG, now=NOON)
    assert not wrong.passed
    assert wrong.percent == 0
    assert wrong.questions[0].feedback == ["这是回访时限。"]
    assert wrong.questions[1].feedback == ["错了。"]
    right = services.submit_check(learner.id, first, "zh", RIGHT, now=NOON)
    assert right.passed and right.percent == 100
    assert right.questions[2].feedback == ["对。", "对。"]


def test_partial_credit_counts_towards_the_pass_mark(course, create_user) -> None:
    learner = create_user()
    first = services.active_lessons(course)[0]
    result = services.submit_check(learner.id, first, "zh", {0: 0, 1: True, 2: [0]}, now=NOON)
    assert result.percent == 83
    assert result.passed  # pass mark 80


def test_completion_needs_every_lesson_done_and_every_check_passed(course, create_user) -> None:
    learner = create_user()
    first, second = services.active_lessons(course)
    assert services.mark_done(learner.id, first, now=NOON) is None
    services.submit_check(learner.id, first, "zh", RIGHT, now=NOON)
    assert services.mark_done(learner.id, second, now=NOON) is None
    assert records.records_of(learner.id) == []
    result = services.submit_check(learner.id, second, "en", RIGHT, now=LATE)
    assert result.completion is not None
    [record] = records.records_of(learner.id)
    assert record.kind is records.ParticipationKind.COURSE
    assert record.credit_hours == Decimal("2.5")
    assert record.occurred_on == date(2026, 11, 24)  # the centre's calendar day
    assert record.title == "投诉处理"


def test_completion_is_written_once(course, create_user) -> None:
    learner = create_user()
    for lesson in services.active_lessons(course):
        services.mark_done(learner.id, lesson, now=NOON)
        services.submit_check(learner.id, lesson, "zh", RIGHT, now=NOON)
    again = services.submit_check(learner.id, services.active_lessons(course)[0], "zh", RIGHT)
    assert again.completion is not None
    assert len(records.records_of(learner.id)) == 1


def test_form_fields_become_responses(course) -> None:
    questions = services.active_lessons(course)[0].check_zh
    form = {"q0": ["1"], "q1": ["true"], "q2": ["0", "2", "x"]}
    assert services.parse_check_responses(questions, form) == {0: 1, 1: True, 2: [0, 2]}
    assert services.parse_check_responses(questions, {"q0": ["<script>"]}) == {1: None, 2: []}


def test_lessons_fall_back_to_chinese(course) -> None:
    first, second = services.active_lessons(course)
    assert services.in_language(first, "en").title == "What a complaint is"
    assert services.in_language(second, "en").language == "zh"
    assert services.course_title(course, "en") == "Complaint handling"


def test_outline_tracks_progress_and_where_to_resume(course, create_user) -> None:
    learner = create_user()
    first, second = services.active_lessons(course)
    outline = services.course_outline(learner.id, course, "zh_Hans")
    assert (outline.percent, outline.resume, outline.is_started) == (0, first, False)
    services.open_lesson(learner.id, first, now=NOON)
    services.mark_done(learner.id, first, now=NOON)
    outline = services.course_outline(learner.id, course, "zh_Hans")
    assert outline.percent == 25
    assert outline.resume == first  # its check is not passed yet
    services.submit_check(learner.id, first, "zh", RIGHT, now=NOON)
    services.open_lesson(learner.id, second, now=LATE)
    outline = services.course_outline(learner.id, course, "en")
    assert outline.percent == 50
    assert outline.resume == second
    assert outline.title == "Complaint handling"


def test_catalogue_search_finds_chinese_words_in_lessons(course) -> None:
    found = services.catalogue("投诉")
    assert [c.slug for c in found.courses] == ["complaint-handling"]
    assert {hit.lesson.slug for hit in found.lesson_hits} == {"what-a-complaint-is", "the-process"}
    assert services.catalogue("退货").courses == []
    assert [c.slug for c in services.catalogue("complaint").courses] == ["complaint-handling"]
    assert services.catalogue(category="confidentiality").courses == []
    assert services.catalogue(level="senior").courses == [course]


def test_my_learning_sorts_courses_and_counts_hours(course, create_user) -> None:
    learner = create_user()
    mine = services.my_learning(learner.id, "junior", "zh_Hans")
    assert [o.course for o in mine.not_started] == [course]
    for lesson in services.active_lessons(course):
        services.mark_done(learner.id, lesson, now=NOON)
        services.submit_check(learner.id, lesson, "zh", RIGHT, now=NOON)
    mine = services.my_learning(learner.id, "junior", "zh_Hans")
    assert [o.course for o in mine.completed] == [course]
    assert mine.hours_earned == Decimal("2.5")
    assert mine.completed[0].percent == 100

"""The services behind the main pages read lists in a constant number of statements: the
fixes the query budgets asked for, proven without HTTP on the seeded content."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms.accounts.models import User
from lms.courses import services as courses
from lms.courses.models import Course
from lms.exams import services as exams
from lms.exams.models import Exam, ExamStatus
from lms.extensions import db
from tests.career.bulk_agents import statements
from tests.exams.essays import essay_exam

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture
def content(db_session: object) -> None:
    assert not courses.sync_content(CONTENT).problems
    assert not exams.sync_question_bank(CONTENT / "questions").problems
    assert not exams.sync_exams(CONTENT / "exams").problems
    db.session.flush()


def _count(read: Callable[[], object]) -> tuple[int, object]:
    db.session.expire_all()  # as a request starts: nothing loaded yet
    with statements() as sent:
        result = read()
    return len(sent), result


def test_my_learning_reads_six_courses_in_the_statements_of_one(
    content: None, create_user: Callable[..., User]
) -> None:
    agent = create_user()
    all_six, everything = _count(lambda: courses.my_learning(agent.id, None, "zh_Hans"))
    assert len(everything.not_started) == 6  # type: ignore[attr-defined]

    for course in db.session.scalars(sa.select(Course).order_by(Course.id)).all()[1:]:
        course.is_retired = True
    db.session.flush()
    one, rest = _count(lambda: courses.my_learning(agent.id, None, "zh_Hans"))
    assert len(rest.not_started) == 1  # type: ignore[attr-defined]
    assert all_six == one


def test_course_outlines_match_one_outline_at_a_time(
    content: None, create_user: Callable[..., User]
) -> None:
    agent = create_user()
    listed = db.session.scalars(sa.select(Course).order_by(Course.id)).all()
    lesson = courses.active_lessons(listed[1])[0]
    courses.open_lesson(agent.id, lesson)
    courses.mark_done(agent.id, lesson)
    db.session.flush()
    together = courses.course_outlines(agent.id, listed, "zh_Hans")
    assert together == [courses.course_outline(agent.id, c, "zh_Hans") for c in listed]
    assert together[1].is_started and together[1].percent > 0
    assert not together[0].is_started


def test_the_exam_list_reads_three_exams_in_the_statements_of_one(
    content: None, create_user: Callable[..., User]
) -> None:
    agent = create_user()
    essay_exam()
    db.session.flush()
    three, listed = _count(lambda: exams.results.exams_for(agent))
    assert len(listed) == 3  # type: ignore[arg-type]

    for exam in db.session.scalars(sa.select(Exam).order_by(Exam.id)).all()[1:]:
        exam.status = ExamStatus.DRAFT
    db.session.flush()
    one, listed = _count(lambda: exams.results.exams_for(agent))
    assert len(listed) == 1  # type: ignore[arg-type]
    assert three == one


def test_a_page_of_the_question_bank_costs_the_same_for_3_or_30_questions(content: None) -> None:
    criteria = exams.bank.QuestionFilter()

    def page(size: int) -> Callable[[], object]:
        def read() -> object:
            rows, _total = exams.bank.search_questions(criteria, limit=size)
            paths = exams.bank.category_paths(q.category_id for q in rows)
            return [(q.current_version.name, "/".join(paths[q.category_id])) for q in rows]

        return read

    few, shown = _count(page(3))
    many, shown_more = _count(page(30))
    assert len(shown) == 3 and len(shown_more) == 30  # type: ignore[arg-type]
    assert few == many
    # The paths are the ones the category's own parents give.
    first = exams.bank.search_questions(criteria, limit=1)[0][0]
    assert shown_more[0][1] == "/".join(exams.bank.category_path(first.category))  # type: ignore[index]

"""Fixtures of the refresher tests (imported by them; no tests here): the seeded courses
and quiz, and completions written as the courses and exams areas write them (their row,
and the ledger row dated from it)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms.courses import services as courses
from lms.courses.models import CourseCompletion
from lms.exams.models import Attempt, AttemptState, Exam
from lms.exams.services.exam_files import sync_exams
from lms.exams.services.interchange import sync_question_bank
from lms.extensions import db
from lms.i18n import from_local, local_date
from lms.records import services as records

CONTENT = Path(__file__).resolve().parents[2] / "content"
NOON = time(12, 0)


@pytest.fixture(name="course")
def course_fixture(db_session):
    courses.sync_content(CONTENT)
    return courses.get_course_by_slug("complaint-handling")


@pytest.fixture(name="quiz")
def quiz_fixture(db_session) -> Exam:
    sync_question_bank(CONTENT / "questions")
    sync_exams(CONTENT / "exams")
    return db.session.scalar(sa.select(Exam).where(Exam.slug == "service-standards-certification"))


def local_moment(on: date, at: time = NOON) -> datetime:
    """The aware moment of ``at`` o'clock on ``on`` where the centre is."""
    moment = from_local(datetime.combine(on, at))
    assert moment is not None
    return moment


def complete_course(course, user_id: int, on: date, at: time = NOON) -> None:
    """What ``courses.complete_if_finished`` writes: the completion and its ledger row."""
    completed_at = local_moment(on, at)
    db.session.add(
        CourseCompletion(user_id=user_id, course_id=course.id, completed_at=completed_at)
    )
    db.session.flush()
    records.record_participation(
        user_id=user_id,
        kind=records.ParticipationKind.COURSE,
        source_key=f"course:{course.id}:user:{user_id}",
        title=course.title_zh,
        occurred_on=local_date(completed_at),
        credit_hours=course.credit_hours,
        result="completed",
    )


def sit_quiz(
    quiz: Exam, user, on: date, passed: bool = True, at: time = NOON, graded: bool = True
) -> Attempt:
    """A finished attempt as grading leaves it (graded, passed or not) and its ledger row;
    with ``graded=False``, submitted and waiting for an essay to be marked."""
    finished_at = local_moment(on, at)
    number = db.session.scalar(
        sa.select(sa.func.count(Attempt.id)).where(
            Attempt.exam_id == quiz.id, Attempt.user_id == user.id
        )
    )
    attempt = Attempt(
        exam_id=quiz.id,
        user_id=user.id,
        number=(number or 0) + 1,
        state=AttemptState.GRADED if graded else AttemptState.SUBMITTED,
        started_at=finished_at - timedelta(minutes=20),
        finished_at=finished_at,
        graded_at=finished_at if graded else None,
        max_marks=Decimal(10),
        is_passed=passed if graded else None,
    )
    db.session.add(attempt)
    db.session.flush()
    if graded:
        records.record_participation(
            user_id=user.id,
            kind=records.ParticipationKind.EXAM,
            source_key=f"exam-attempt:{attempt.id}",
            title=quiz.title,
            occurred_on=local_date(finished_at),
            result="passed" if passed else "failed",
        )
    return attempt

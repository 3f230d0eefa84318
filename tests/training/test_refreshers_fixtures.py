"""Fixtures of the refresher tests (imported by them; no tests here): the seeded courses
and quiz, and ledger rows written as the courses and exams areas write them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms.courses import services as courses
from lms.exams.models import Exam
from lms.exams.services import attempts
from lms.exams.services.exam_files import sync_exams
from lms.exams.services.interchange import sync_question_bank
from lms.extensions import db
from lms.records import services as records

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture(name="course")
def course_fixture(db_session):
    courses.sync_content(CONTENT)
    return courses.get_course_by_slug("complaint-handling")


@pytest.fixture(name="quiz")
def quiz_fixture(db_session) -> Exam:
    sync_question_bank(CONTENT / "questions")
    sync_exams(CONTENT / "exams")
    return db.session.scalar(sa.select(Exam).where(Exam.slug == "service-standards-certification"))


def complete_course(course, user_id: int, on: date) -> None:
    """The ledger row ``courses.complete_if_finished`` writes."""
    records.record_participation(
        user_id=user_id,
        kind=records.ParticipationKind.COURSE,
        source_key=f"course:{course.id}:user:{user_id}",
        title=course.title_zh,
        occurred_on=on,
        credit_hours=course.credit_hours,
        result="completed",
    )


def sit_quiz(quiz: Exam, user, on: date, passed: bool = True) -> None:
    """An attempt and the ledger row grading writes for it."""
    attempt = attempts.start_attempt(quiz, user)
    records.record_participation(
        user_id=user.id,
        kind=records.ParticipationKind.EXAM,
        source_key=f"exam-attempt:{attempt.id}",
        title=quiz.title,
        occurred_on=on,
        result="passed" if passed else "failed",
    )

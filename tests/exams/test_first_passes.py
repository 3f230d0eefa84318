"""``first_passes``: each person's first pass of an exam from a day on, in bulk, dated as
the exam's ledger row."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms.exams import services as exams
from lms.exams.models import Exam
from lms.exams.services import attempts
from lms.exams.services.attempts import AnswerSave
from lms.exams.services.exam_files import sync_exams
from lms.exams.services.interchange import sync_question_bank
from lms.extensions import db
from lms.records import services as records

CONTENT = Path(__file__).resolve().parents[2] / "content"
# 23:50 on 30 November and 00:10 on 1 December in Shanghai.
BEFORE_MIDNIGHT = datetime(2026, 11, 30, 15, 50, tzinfo=UTC)
AFTER_MIDNIGHT = datetime(2026, 11, 30, 16, 10, tzinfo=UTC)
DECEMBER = date(2026, 12, 1)


@pytest.fixture
def certification(db_session) -> Exam:
    sync_question_bank(CONTENT / "questions")
    sync_exams(CONTENT / "exams")
    exam = db.session.scalar(sa.select(Exam).where(Exam.slug == "service-standards-certification"))
    # Sat again and again here: no wait between attempts, no certificate to stop a retake.
    exam.attempt_wait_minutes = 0
    exam.certificate_months = None
    exam.max_attempts = None
    return exam


def sit(exam: Exam, user, started: datetime, passed: bool, submit: bool = True):
    """Start, answer every question right (or leave them blank), submit five minutes on."""
    attempt = attempts.start_attempt(exam, user, now=started, rng=random.Random(7))
    if passed:
        saves = [
            AnswerSave(q.position, q.answer.revision, _right(q), f"t:{q.position}")
            for q in attempts.present(attempt)
        ]
        attempts.save_answers(attempt.id, user.id, saves, now=started)
    if submit:
        attempts.submit_attempt(attempt, user.id, now=started + timedelta(minutes=5))
    return attempt


def _right(question: attempts.AttemptQuestion):
    answer = attempts.right_answer(question)
    return f"{answer:g}" if question.type == "numerical" else answer


def test_the_first_pass_from_the_day_on_dated_as_the_ledger(certification, create_user) -> None:
    late_night, failed_then_passed, only_failed, in_progress, passed_before = (
        create_user() for _ in range(5)
    )
    sit(certification, late_night, BEFORE_MIDNIGHT, passed=True)
    sit(certification, failed_then_passed, AFTER_MIDNIGHT, passed=False)
    sit(certification, failed_then_passed, AFTER_MIDNIGHT + timedelta(days=2), passed=True)
    sit(certification, failed_then_passed, AFTER_MIDNIGHT + timedelta(days=5), passed=True)
    sit(certification, only_failed, AFTER_MIDNIGHT, passed=False)
    sit(certification, in_progress, AFTER_MIDNIGHT, passed=True, submit=False)
    sit(certification, passed_before, BEFORE_MIDNIGHT - timedelta(days=3), passed=True)
    everyone = [late_night, failed_then_passed, only_failed, in_progress, passed_before]

    december = exams.results.first_passes(certification.id, [p.id for p in everyone], DECEMBER)
    assert december == {failed_then_passed.id: date(2026, 12, 3)}

    from_the_30th = exams.results.first_passes(
        certification.id, [p.id for p in everyone], date(2026, 11, 30)
    )
    assert from_the_30th == {
        late_night.id: date(2026, 11, 30),  # 23:55 local, though 15:55 UTC
        failed_then_passed.id: date(2026, 12, 3),
    }
    [row] = records.records_of(late_night.id)
    assert (row.result, row.occurred_on) == ("passed", from_the_30th[late_night.id])
    assert exams.results.first_passes(certification.id + 1, [late_night.id], DECEMBER) == {}


def test_ids_are_read_500_at_a_time(certification, create_user) -> None:
    agent = create_user()
    sit(certification, agent, AFTER_MIDNIGHT, passed=True)
    sent: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        sent.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        passes = exams.results.first_passes(
            certification.id, [agent.id, *range(10**6, 10**6 + 1100)], DECEMBER
        )
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert passes == {agent.id: DECEMBER}
    assert len(sent) == 3  # 1,101 ids

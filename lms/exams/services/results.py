"""What learners see of exams: their list, a start page summary, and the review of a
finished attempt, showing only what the exam's review options allow at this moment."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from lms.database import utcnow
from lms.exams.models import REVIEW_ITEMS, Attempt, AttemptState, Certificate, Exam, ExamStatus
from lms.exams.services import certificates, grading, papers
from lms.exams.services.attempts import AttemptQuestion, present, right_answer
from lms.extensions import db
from lms.i18n import from_local, local_date

#: Moodle's "immediately after the attempt": the first two minutes after it finishes.
IMMEDIATELY = timedelta(minutes=2)


def get_exam(exam_id: int) -> Exam | None:
    return db.session.get(Exam, exam_id)


@dataclass(frozen=True)
class ExamSummary:
    exam: Exam
    availability: papers.Availability
    attempts: list[Attempt]
    grade: Decimal | None
    certificate: Certificate | None
    question_count: int


def exam_summary(
    exam: Exam,
    user: Any,
    now: datetime | None = None,
    history: papers.ExamHistory | None = None,
    rules: papers.PersonalRules | None = None,
) -> ExamSummary:
    """Where ``user`` stands with ``exam`` (``history``, ``rules``: theirs, when the caller
    has already read them for several exams at once)."""
    history = history or papers.history_of(exam.id, user.id)
    graded = [a for a in history.attempts if a.state == AttemptState.GRADED]
    return ExamSummary(
        exam=exam,
        availability=papers.availability(exam, user, now, history, rules),
        attempts=history.attempts,
        grade=grading.exam_grade(exam.grading_method, graded),
        certificate=history.certificates[0] if history.certificates else None,
        question_count=sum(
            rule.count if rule.question_id is None else 1 for rule in exam.draw_rules
        ),
    )


def exams_for(user: Any, now: datetime | None = None) -> list[ExamSummary]:
    """The published exams meant for ``user`` (and any they already sat)."""
    # A constant number of statements whatever the number of exams: their draw rules, the
    # person's attempts, certificates and overrides are each read for all exams at once.
    exams = db.session.scalars(
        sa.select(Exam)
        .where(Exam.status == ExamStatus.PUBLISHED)
        .order_by(Exam.id)
        .options(orm.selectinload(Exam.draw_rules))
    ).all()
    sat = set(db.session.scalars(sa.select(Attempt.exam_id).where(Attempt.user_id == user.id)))
    shown = [exam for exam in exams if exam.id in sat or papers.in_audience(exam, user)]
    ids = [exam.id for exam in shown]
    histories = papers.histories_of(ids, user.id)
    overrides = papers.personal_overrides(ids, user.id)
    return [
        exam_summary(
            exam, user, now, histories[exam.id], papers.personal_rules(exam, user.id, overrides)
        )
        for exam in shown
    ]


def review_moment(exam: Exam, attempt: Attempt, now: datetime) -> str:
    """Which column of the review matrix applies now: immediately, open or closed."""
    if exam.closes_at and now >= exam.closes_at:
        return "closed"
    if attempt.finished_at and now - attempt.finished_at <= IMMEDIATELY:
        return "immediately"
    return "open"


@dataclass(frozen=True)
class ReviewedQuestion:
    question: AttemptQuestion
    fraction: float | None
    mark: float | None
    max_mark: float
    feedback: list[str]
    right_answer: Any
    comment: str | None

    @property
    def outcome(self) -> str:
        if self.question.answer.needs_grading:
            return "pending"
        if self.fraction is None:
            return "none"
        if self.fraction >= 0.999999:
            return "right"
        return "partial" if self.fraction > 0 else "wrong"


@dataclass(frozen=True)
class Review:
    attempt: Attempt
    exam: Exam
    shows: frozenset[str]
    questions: list[ReviewedQuestion]
    certificate: Certificate | None

    def allows(self, item: str) -> bool:
        return item in self.shows


def review_of(
    attempt: Attempt, now: datetime | None = None, shows: frozenset[str] | None = None
) -> Review:
    """A finished attempt as its learner may see it now, per the exam's review options
    (or showing ``shows``, for trainers)."""
    now = now or utcnow()
    exam = get_exam(attempt.exam_id)
    assert exam is not None
    if shows is None:
        shows = frozenset((exam.review or {}).get(review_moment(exam, attempt, now), []))
    questions = []
    for shown in present(attempt):
        answer = shown.answer
        questions.append(
            ReviewedQuestion(
                question=shown,
                fraction=answer.fraction if "correctness" in shows or "marks" in shows else None,
                mark=answer.mark if "marks" in shows else None,
                max_mark=answer.max_mark,
                feedback=list(answer.feedback or []) if "feedback" in shows else [],
                right_answer=right_answer(shown) if "right_answers" in shows else None,
                comment=answer.grader_comment if "feedback" in shows else None,
            )
        )
    return Review(
        attempt=attempt,
        exam=exam,
        shows=shows,
        questions=questions,
        certificate=certificates.certificate_of_attempt(attempt.id),
    )


def all_exams() -> list[Exam]:
    return list(db.session.scalars(sa.select(Exam).order_by(Exam.id)))


def full_review_of(attempt: Attempt) -> Review:
    """An attempt with everything shown: what trainers see."""
    return review_of(attempt, shows=frozenset(REVIEW_ITEMS))


def first_passes(exam_id: int, user_ids: Iterable[int], since: date) -> dict[int, date]:
    """The date of each person's first passed, graded attempt of the exam on or after
    ``since``, dated as its ledger row is (the local date of ``finished_at``, see
    ``grading``); people with no such pass are left out. One statement per 500 people."""
    chunk = 500  # ids per IN (...) list, well under every database's limit on parameters
    ids = sorted(set(user_ids))
    # The local day's first moment, so the comparison runs on the indexed column.
    from_moment = from_local(datetime.combine(since, time()))
    first = sa.func.min(Attempt.finished_at)
    dates: dict[int, date] = {}
    for start in range(0, len(ids), chunk):
        rows = db.session.execute(
            sa.select(Attempt.user_id, first)
            .where(
                Attempt.exam_id == exam_id,
                Attempt.user_id.in_(ids[start : start + chunk]),
                Attempt.state == AttemptState.GRADED,
                Attempt.is_passed.is_(True),
                Attempt.finished_at >= from_moment,
            )
            .group_by(Attempt.user_id)
        )
        dates.update((user_id, local_date(finished_at)) for user_id, finished_at in rows)
    return dates

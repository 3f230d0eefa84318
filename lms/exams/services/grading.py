"""Grading attempts: automatic marks, the essay queue, regrades after a key is corrected,
and the exam grade taken over several attempts.

Marks come from the question-type registry, a pure function of (version, response):
a question's mark is its fraction (never below 0) times its weight on the paper.
An attempt is graded when no answer waits for a person; grading writes the
participation record and, for a pass, the certificate, in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from lms.audit import services as audit
from lms.database import utcnow
from lms.exams.errors import ExamError
from lms.exams.models import (
    Answer,
    Attempt,
    AttemptState,
    Exam,
    GradingMethod,
    Question,
    QuestionVersion,
    Regrade,
)
from lms.exams.question_types import question_type
from lms.exams.services import bank
from lms.extensions import db
from lms.i18n import local_date
from lms.records import services as records

FINISHED = (AttemptState.SUBMITTED, AttemptState.EXPIRED, AttemptState.GRADED)


def shown_payload(version: QuestionVersion, language: str) -> dict[str, Any]:
    """The payload in the language the attempt shows; typed answers are graded against it."""
    return bank.wording(version, language == "en").payload


def score_answer(answer: Answer, language: str) -> None:
    """Mark one answer automatically; an essay waits for a person unless one has marked it."""
    version = answer.version
    if version.type == "essay":
        if answer.graded_by_id is None:
            answer.fraction = None
            answer.mark = None
            answer.needs_grading = True
        return
    score = question_type(version.type).grade(shown_payload(version, language), answer.response)
    fraction = min(1.0, max(0.0, score.fraction))
    answer.fraction = fraction
    answer.mark = round(fraction * answer.max_mark, 7)
    answer.needs_grading = False
    answer.feedback = list(score.feedback)


def percent_of(marks: float, max_marks: float) -> Decimal:
    if max_marks <= 0:
        return Decimal(100)
    value = Decimal(str(marks)) * 100 / Decimal(str(max_marks))
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def grade_attempt(attempt: Attempt, now: datetime | None = None) -> None:
    """Mark every answer; finish grading unless an essay waits for a trainer."""
    now = now or utcnow()
    for answer in attempt.answers:
        score_answer(answer, attempt.language)
    db.session.flush()
    if not any(answer.needs_grading for answer in attempt.answers):
        _conclude(attempt, now)


def _conclude(attempt: Attempt, now: datetime) -> None:
    from lms.exams.services import certificates  # certificates read grading's results

    exam = db.session.get(Exam, attempt.exam_id)
    assert exam is not None
    marks = sum(answer.mark or 0.0 for answer in attempt.answers)
    max_marks = sum(answer.max_mark for answer in attempt.answers)
    percent = percent_of(marks, max_marks)
    passed = percent >= exam.pass_percent
    db.session.execute(
        sa.update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.state.in_(FINISHED))
        .values(
            state=AttemptState.GRADED,
            marks=Decimal(str(round(marks, 4))),
            max_marks=Decimal(str(round(max_marks, 4))),
            percent=percent,
            is_passed=passed,
            graded_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(attempt)
    assert attempt.finished_at is not None
    minutes = max(1, round((attempt.finished_at - attempt.started_at).total_seconds() / 60))
    records.record_participation(
        user_id=attempt.user_id,
        kind=records.ParticipationKind.EXAM,
        source_key=f"exam-attempt:{attempt.id}",
        # The ledger is the Chinese 培训台账: titles are stored as they are printed there.
        title=f"{exam.title}（第 {attempt.number} 次）",
        occurred_on=local_date(attempt.finished_at),
        category="certification" if exam.certificate_months else "assessment",
        minutes=minutes,
        result="passed" if passed else "failed",
        score=percent,
    )
    certificates.settle_for(attempt, exam, now)


# --- the essay queue ------------------------------------------------------------------------


def grading_queue() -> list[Answer]:
    """Answers waiting for a trainer, oldest attempt first."""
    return list(
        db.session.scalars(
            sa.select(Answer)
            .join(Attempt, Attempt.id == Answer.attempt_id)
            .where(Answer.needs_grading.is_(True), Attempt.state.in_(FINISHED))
            .order_by(Attempt.finished_at, Answer.position)
        )
    )


def grade_by_hand(
    answer: Answer, mark: float, comment: str, grader_id: int, now: datetime | None = None
) -> Attempt:
    """A trainer's mark for one answer; the attempt is graded when its last one is marked."""
    now = now or utcnow()
    attempt = answer.attempt
    if attempt.state not in FINISHED:
        raise ExamError(_("This attempt is still in progress."))
    if not 0 <= mark <= answer.max_mark:
        raise ExamError(_("The mark must be between 0 and %(max)s.", max=f"{answer.max_mark:g}"))
    before = {"mark": answer.mark, "percent": attempt.percent, "passed": attempt.is_passed}
    answer.mark = float(mark)
    answer.fraction = mark / answer.max_mark if answer.max_mark else 0.0
    answer.needs_grading = False
    answer.grader_comment = comment.strip() or None
    answer.graded_by_id = grader_id
    answer.graded_at = now
    db.session.flush()
    if not any(a.needs_grading for a in attempt.answers):
        _conclude(attempt, now)
    exam = db.session.get(Exam, attempt.exam_id)
    assert exam is not None
    audit.record(
        "exams.grade_overridden",
        actor_id=grader_id,
        subject_type="answer",
        subject_id=answer.id,
        subject_user_id=attempt.user_id,
        message=audit.N_("Marked question %(question)d of attempt %(number)d at %(exam)s"),
        params={"question": answer.position, "number": attempt.number, "exam": exam.title},
        before=before,
        after={
            "mark": answer.mark,
            "comment": answer.grader_comment,
            "percent": attempt.percent,
            "passed": attempt.is_passed,
        },
        now=now,
    )
    return attempt


# --- regrading ------------------------------------------------------------------------------


def _layout_fits(old: QuestionVersion, new: QuestionVersion) -> bool:
    """Whether an attempt laid out for ``old`` can be graded by ``new``: same options, counted."""
    if old.type != new.type:
        return False
    for key in ("choices", "pairs", "items"):
        if len(old.payload.get(key) or []) != len(new.payload.get(key) or []):
            return False
    return True


@dataclass(frozen=True)
class RegradeReport:
    answers: int
    attempts_changed: int
    skipped: int
    rows: list[Regrade]


def regradable_count(question: Question) -> int:
    """Finished answers that used an older version of ``question``."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(Answer.id))
            .join(Attempt, Attempt.id == Answer.attempt_id)
            .where(
                Answer.question_id == question.id,
                Answer.question_version_id != question.current_version_id,
                Attempt.state.in_(FINISHED),
            )
        )
        or 0
    )


def regrade_question(
    question: Question, by_id: int | None, now: datetime | None = None
) -> RegradeReport:
    """Grade again, with the question's current version, every finished answer that used an
    older one, keeping a Regrade row with the old and new marks and attempt percentages."""
    now = now or utcnow()
    new = question.current_version
    if new is None:
        raise ExamError(_("This question has no current version."))
    answers = db.session.scalars(
        sa.select(Answer)
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .where(
            Answer.question_id == question.id,
            Answer.question_version_id != new.id,
            Attempt.state.in_(FINISHED),
        )
        .order_by(Answer.attempt_id)
    ).all()
    rows: list[Regrade] = []
    skipped = 0
    touched: dict[int, Attempt] = {}
    for answer in answers:
        old = answer.version
        if not _layout_fits(old, new) or new.type == "essay":
            skipped += 1
            continue
        attempt = answer.attempt
        old_mark, old_percent = answer.mark, attempt.percent
        answer.question_version_id = new.id
        answer.version = new
        score_answer(answer, attempt.language)
        rows.append(
            Regrade(
                attempt_id=attempt.id,
                answer_id=answer.id,
                question_id=question.id,
                old_version_id=old.id,
                new_version_id=new.id,
                old_mark=old_mark,
                new_mark=answer.mark,
                old_percent=old_percent,
                regraded_by_id=by_id,
                regraded_at=now,
            )
        )
        touched[attempt.id] = attempt
    db.session.add_all(rows)
    db.session.flush()
    changed = 0
    for attempt in touched.values():
        before = attempt.percent
        was_passed = attempt.is_passed
        if attempt.state == AttemptState.GRADED:
            _conclude(attempt, now)
        changed += attempt.percent != before
        for row in rows:
            if row.attempt_id == attempt.id:
                row.new_percent = attempt.percent
        # One event per attempt, so that each person's regrades show under their name.
        audit.record(
            "exams.regraded",
            actor_id=by_id,
            subject_type="attempt",
            subject_id=attempt.id,
            subject_user_id=attempt.user_id,
            message=audit.N_(
                "Regraded attempt %(number)d after question “%(question)s” was corrected"
            ),
            params={"number": attempt.number, "question": new.name},
            before={"percent": before, "passed": was_passed},
            after={
                "percent": attempt.percent,
                "passed": attempt.is_passed,
                "question_version": new.number,
            },
            now=now,
        )
    db.session.flush()
    return RegradeReport(len(answers), changed, skipped, rows)


def regrades_of(attempt_id: int) -> list[Regrade]:
    return list(
        db.session.scalars(
            sa.select(Regrade).where(Regrade.attempt_id == attempt_id).order_by(Regrade.id)
        )
    )


# --- the grade over several attempts -------------------------------------------------------------


def exam_grade(method: GradingMethod, graded: Sequence[Attempt]) -> Decimal | None:
    """The exam's grade from the graded attempts (in attempt order), by the exam's method."""
    percents = [a.percent for a in graded if a.percent is not None]
    if not percents:
        return None
    if method == GradingMethod.HIGHEST:
        return max(percents)
    if method == GradingMethod.FIRST:
        return percents[0]
    if method == GradingMethod.LAST:
        return percents[-1]
    average = sum(percents, Decimal(0)) / len(percents)
    return average.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

"""An exam with an essay to mark by hand, on the loaded question bank: shared by the tests
of grading, of the marking queue and of access to attempts."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from lms.exams.models import Exam, ExamDrawRule, ExamStatus, Question
from lms.extensions import db


def essay_exam() -> Exam:
    """案例分析: a true/false question (1 mark) and an essay (4 marks), pass at 50 %."""
    essay = db.session.scalar(sa.select(Question).where(Question.type == "essay"))
    fixed = db.session.scalar(
        sa.select(Question).where(Question.type == "true_false").order_by(Question.id)
    )
    assert essay is not None and fixed is not None, "load the question bank first"
    exam = Exam(
        title="案例分析",
        status=ExamStatus.PUBLISHED,
        pass_percent=Decimal(50),
        audience={},
        review={},
        certificate_months=None,
    )
    exam.draw_rules = [
        ExamDrawRule(position=1, question_id=fixed.id, mark=1.0),
        ExamDrawRule(position=2, question_id=essay.id, mark=4.0),
    ]
    db.session.add(exam)
    db.session.flush()
    return exam

"""The onboarding bank in content/questions/: loads whole, covers the six courses and every type."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import sqlalchemy as sa

from lms.exams.models import Question, QuestionStatus
from lms.exams.question_types import QUESTION_TYPES
from lms.exams.services import bank, interchange
from lms.extensions import db

QUESTIONS = Path(__file__).resolve().parents[2] / "content" / "questions"
COURSES = {
    "服务标准与职业素养",
    "产品与业务知识",
    "沟通技巧",
    "投诉处理",
    "信息保护与保密",
    "服务质量与考核",
}


def test_the_onboarding_bank_loads_whole_and_covers_every_course_and_type(db_session) -> None:
    report = interchange.sync_question_bank(QUESTIONS)
    assert report.problems == []
    questions = list(db.session.scalars(sa.select(Question)))
    assert len(questions) >= 180
    assert all(q.status == QuestionStatus.PUBLISHED for q in questions)
    assert {bank.category_path(q.category)[0] for q in questions} == COURSES
    per_course = Counter(bank.category_path(q.category)[0] for q in questions)
    assert min(per_course.values()) >= 30, per_course
    assert {q.type for q in questions} == set(QUESTION_TYPES)
    for question in questions:
        version = question.current_version
        assert version.text_en, version.name
        if question.type in ("single_choice", "multiple_choice"):
            assert all(c["feedback"] for c in version.payload["choices"]), version.name
    scenarios = sum(1 for q in questions if any(t.name == "scenario" for t in q.tags))
    assert scenarios >= len(questions) // 2
    again = interchange.sync_question_bank(QUESTIONS)
    assert not again.changed and again.unchanged == len(questions)

"""Trainers define exams in the app: settings, draw rules checked against the bank, and
per-person accommodations."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms.database import utcnow
from lms.errors import FieldErrors
from lms.exams.models import Exam, ExamStatus, GradingMethod, QuestionCategory, QuestionVersion
from lms.exams.services import attempts, papers
from lms.exams.services.exam_files import sync_exams
from lms.exams.services.interchange import sync_question_bank
from lms.extensions import db

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture
def complaints(db_session) -> QuestionCategory:
    sync_question_bank(CONTENT / "questions")
    sync_exams(CONTENT / "exams")
    return db.session.scalar(
        sa.select(QuestionCategory).where(
            QuestionCategory.name == "投诉处理", QuestionCategory.parent_id.is_(None)
        )
    )


def settings(category_id: int, count: int = 5) -> papers.ExamSettings:
    return papers.ExamSettings(
        title="投诉处理小测",
        title_en="Complaint handling quiz",
        instructions="",
        instructions_en=None,
        status=ExamStatus.PUBLISHED,
        time_limit_minutes=15,
        pass_percent=Decimal(60),
        max_attempts=None,
        grading_method=GradingMethod.LAST,
        attempt_wait_minutes=0,
        opens_at=None,
        closes_at=None,
        shuffle_questions=True,
        shuffle_options=True,
        certificate_months=None,
        audience={"roles": ["agent"]},
        review={"immediately": ["answers", "marks"]},
        rules=(papers.DrawRuleSpec(category_id=category_id, count=count),),
    )


def test_a_trainer_defines_an_exam_an_agent_can_sit(complaints, create_user) -> None:
    exam = papers.save_exam(None, settings(complaints.id), None)
    attempt = attempts.start_attempt(exam, create_user())
    assert len(attempt.answers) == 5
    assert attempt.deadline_at - attempt.started_at == timedelta(minutes=15)


def test_the_monthly_refresher_quiz_is_short_retakeable_and_without_certificate(
    complaints, create_user
) -> None:
    quiz = db.session.scalar(sa.select(Exam).where(Exam.slug == "monthly-refresher-quiz"))
    agent = create_user()
    attempt = attempts.start_attempt(quiz, agent)
    assert len(attempt.answers) == 10
    assert attempt.deadline_at - attempt.started_at == timedelta(minutes=15)
    versions = [db.session.get(QuestionVersion, a.question_version_id) for a in attempt.answers]
    assert {version.type for version in versions} <= {
        "single_choice",
        "multiple_choice",
        "true_false",
    }
    assert quiz.certificate_months is None
    assert quiz.max_attempts is None and quiz.attempt_wait_minutes == 0
    assert quiz.pass_percent == Decimal(70)


def test_every_problem_is_reported_and_nothing_saved(complaints) -> None:
    bad = replace(
        settings(complaints.id, count=500),
        title=" ",
        pass_percent=Decimal(0),
        opens_at=utcnow(),
        closes_at=utcnow() - timedelta(days=1),
    )
    with pytest.raises(FieldErrors) as refused:
        papers.save_exam(None, bad, None)
    fields = [field for field, _message in refused.value.pairs]
    assert fields == ["title", "pass_percent", "closes_at", "rules"]
    assert "500" in refused.value.pairs[-1][1]
    seeded = len(list((CONTENT / "exams").glob("*.yaml")))
    assert db.session.scalar(sa.select(sa.func.count(Exam.id))) == seeded


def test_a_tag_narrows_the_pool(complaints) -> None:
    spec = papers.DrawRuleSpec(category_id=complaints.id, count=1, tag="no-such-tag")
    with pytest.raises(FieldErrors, match="0"):
        papers.save_exam(None, replace(settings(complaints.id), rules=(spec,)), None)


def test_an_accommodation_gives_extra_time_and_its_own_window(complaints, create_user) -> None:
    exam = papers.save_exam(None, settings(complaints.id), None)
    exam.closes_at = utcnow() - timedelta(hours=1)
    agent = create_user()
    assert not papers.availability(exam, agent).can_start
    papers.set_override(exam, agent.id, 20, 0, None, utcnow() + timedelta(days=1), "视力障碍")
    attempt = attempts.start_attempt(exam, agent)
    assert attempt.deadline_at - attempt.started_at == timedelta(minutes=35)


def test_the_editor_page_saves_and_shows_errors_beside_fields(
    client, signed_in, complaints
) -> None:
    signed_in("trainer")
    exam = db.session.scalar(sa.select(Exam).where(Exam.slug == "service-standards-certification"))
    page = client.get(f"/exam-admin/{exam.id}/edit").get_data(as_text=True)
    assert (
        'value="服务规范考核"' in page
        and page.count('class="row g-2 align-items-end border-bottom') == 7
    )
    form = {
        "title": "服务规范考核",
        "status": "published",
        "pass_percent": "85",
        "grading_method": "highest",
        "attempt_wait_minutes": "0",
        "time_limit_minutes": "90",
        "rules-0-category": str(complaints.id),
        "rules-0-count": "10",
        "rules-0-mark": "1",
        "review_closed": ["answers", "right_answers"],
    }
    saved = client.post(f"/exam-admin/{exam.id}/edit", data=form)
    assert saved.status_code == 302
    assert exam.time_limit_minutes == 90 and exam.pass_percent == Decimal(85)
    assert [(r.category_id, r.count) for r in exam.draw_rules] == [(complaints.id, 10)]
    refused = client.post(f"/exam-admin/{exam.id}/edit", data={**form, "pass_percent": "0"})
    assert refused.status_code == 400
    assert 'data-field-error="pass_percent"' in refused.get_data(as_text=True)

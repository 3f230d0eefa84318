"""A person's certificates for other areas (HR's history and appraisal record)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms.database import utcnow
from lms.exams import services as exams
from lms.exams.models import Attempt, AttemptState, Certificate, Exam
from lms.extensions import db

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture
def certification(db_session) -> Exam:
    assert exams.sync_question_bank(CONTENT / "questions").problems == []
    assert exams.sync_exams(CONTENT / "exams").problems == []
    return db.session.scalar(sa.select(Exam).where(Exam.slug == "service-standards-certification"))


def certify(exam: Exam, user, issued_on: date, serial: str) -> Certificate:
    """A passed attempt and the certificate it earned on ``issued_on``, valid a year."""
    finished = utcnow() - timedelta(days=1)
    number = len(exams.certificates.certificates_of(user.id)) + 1
    attempt = Attempt(
        exam_id=exam.id,
        user_id=user.id,
        number=number,
        state=AttemptState.GRADED,
        started_at=finished - timedelta(minutes=30),
        finished_at=finished,
        graded_at=finished,
        max_marks=Decimal(100),
        is_passed=True,
    )
    db.session.add(attempt)
    db.session.flush()
    certificate = Certificate(
        serial=serial,
        user_id=user.id,
        exam_id=exam.id,
        attempt_id=attempt.id,
        holder_name=user.name,
        score_percent=Decimal(90),
        issued_on=issued_on,
        expires_on=issued_on.replace(year=issued_on.year + 1),
    )
    db.session.add(certificate)
    db.session.flush()
    return certificate


def test_certificates_of_lists_one_persons_certificates_newest_first(
    certification, create_user
) -> None:
    agent, other = create_user(), create_user()
    old = certify(certification, agent, date(2024, 3, 1), "SA-2024-OLD")
    new = certify(certification, agent, date(2026, 3, 1), "SA-2026-NEW")
    certify(certification, other, date(2026, 5, 1), "SA-2026-OTHER")
    exams.certificates.revoke(new, "测试", None)
    assert exams.certificates.certificates_of(agent.id) == [new, old]
    assert [exams.certificates.status_of(c, date(2026, 6, 1)) for c in [new, old]] == [
        "revoked",
        "expired",
    ]
    assert exams.certificates.certificates_of(create_user().id) == []

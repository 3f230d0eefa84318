"""Seeding an agent's dashboard (imported by the dashboard tests; no tests here): the seeded
courses and certification quiz, refreshers, classroom sessions, ledger lines, a certificate
near expiry and the confidentiality policy, all through the areas' services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from lms.accounts import services as accounts
from lms.accounts.models import User
from lms.courses import services as courses
from lms.exams.models import Certificate, Exam
from lms.exams.services import attempts, certificates
from lms.exams.services.exam_files import sync_exams
from lms.exams.services.interchange import sync_question_bank
from lms.extensions import db
from lms.records import services as records
from lms.training.services import refreshers, sessions
from lms.training.services.refreshers import ProgrammeSpec, first_of_month
from lms.training.services.sessions import SessionDetails, TrainingCategory

CONTENT = Path(__file__).resolve().parents[2] / "content"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def load_content() -> Exam:
    """The seeded courses, question bank and certification exam; returns the exam."""
    courses.sync_content(CONTENT)
    sync_question_bank(CONTENT / "questions")
    sync_exams(CONTENT / "exams")
    exam = db.session.scalar(sa.select(Exam).where(Exam.slug == "service-standards-certification"))
    assert exam is not None
    return exam


def at_nine(day: date) -> datetime:
    """09:00 in Shanghai on ``day``, as an aware UTC moment."""
    return datetime.combine(day, time(9, 0), tzinfo=SHANGHAI).astimezone(UTC)


def refresher(
    user: User, month: date, title: str, *, course=None, exam=None, today: date
) -> refreshers.RefresherProgramme:
    spec = ProgrammeSpec(
        month=month,
        title=title,
        course_id=course.id if course else None,
        exam_id=exam.id if exam else None,
        audience=accounts.Audience(user_ids=(user.id,)),
    )
    return refreshers.save_programme(None, spec, None, today=today)


def session(
    user: User, trainer: User, starts_at: datetime, topic: str, now: datetime
) -> sessions.ClassroomSession:
    details = SessionDetails(
        topic=topic,
        category=TrainingCategory.JOB_SKILLS,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=90),
        location="培训室 A",
        trainer_id=trainer.id,
        audience=accounts.Audience(user_ids=(user.id,)),
    )
    return sessions.save_session(None, details, trainer.id, now=now)


def record(user: User, key: str, title: str, on: date, credit: str, result="completed") -> None:
    records.record_participation(
        user_id=user.id,
        kind=records.ParticipationKind.EXTERNAL,
        source_key=f"dashboard:{user.id}:{key}",
        title=title,
        occurred_on=on,
        credit_hours=Decimal(credit),
        result=result,
    )


def certificate_expiring(
    user: User, exam: Exam, expires_on: date, sat_by: User | None = None
) -> Certificate:
    """A certificate of ``exam`` that expires on ``expires_on`` (issued two years before).

    Only agents may start the exam: for staff who earned it as agents, ``sat_by`` (an agent)
    starts the attempt the certificate points to."""
    attempt = attempts.start_attempt(exam, sat_by or user)
    issued_on = expires_on.replace(year=expires_on.year - 2)
    certificate = Certificate(
        serial=certificates.new_serial(issued_on),
        user_id=user.id,
        exam_id=exam.id,
        attempt_id=attempt.id,
        holder_name=user.name,
        score_percent=Decimal("92.00"),
        issued_on=issued_on,
        expires_on=expires_on,
    )
    db.session.add(certificate)
    db.session.flush()
    return certificate


@dataclass
class Seeded:
    overdue: refreshers.RefresherProgramme  # last month's quiz, not done
    current: refreshers.RefresherProgramme  # this month's course
    invitation: sessions.ClassroomSession  # not answered yet
    accepted: sessions.ClassroomSession
    certificate: Certificate


def busy_agent(agent: User, trainer: User, exam: Exam, today: date, now: datetime) -> Seeded:
    """Something of every kind on ``agent``'s dashboard on ``today``."""
    last_month = first_of_month(first_of_month(today) - timedelta(days=1))
    overdue = refresher(agent, last_month, "上月复训：服务规范小测", exam=exam, today=today)
    handling = courses.get_course_by_slug("complaint-handling")
    current = refresher(agent, today, "本月复训：投诉处理", course=handling, today=today)
    communication = courses.get_course_by_slug("communication")
    assert communication is not None
    courses.open_lesson(agent.id, courses.active_lessons(communication)[0], now=now)
    invitation = session(agent, trainer, at_nine(today + timedelta(days=5)), "投诉升级处理", now)
    accepted = session(agent, trainer, at_nine(today + timedelta(days=12)), "情绪安抚演练", now)
    sessions.respond(accepted, agent.id, True, now=now)
    # 7.5 学时 this year whatever the day (under the daily cap even if all fall on 1 January).
    this_year = date(today.year, 1, 1)
    record(agent, "a", "新员工入职培训", this_year, "4")
    record(agent, "b", "外部讲座：客户心理", max(this_year, today - timedelta(days=30)), "2")
    record(agent, "c", "产品知识更新", today, "1.5")
    record(agent, "old", "去年的课程", this_year - timedelta(days=20), "8")
    certificate = certificate_expiring(agent, exam, today + timedelta(days=20))
    return Seeded(overdue, current, invitation, accepted, certificate)

"""The seeded world the access tests request URLs in (imported by them; no tests here).

Two agents A and B, and one person for each staff role. Every object a URL can name
belongs to B (or, for staff objects, to staff), so agent A requesting it asks for someone
else's. The world holds ids and keys only: it outlives the sessions that made it.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from lms.accounts import services as accounts
from lms.accounts.models import Level, Role, User
from lms.career.services import kpis
from lms.courses import services as courses
from lms.database import utcnow
from lms.exams.models import Exam
from lms.exams.services import attempts, bank, certificates, interchange
from lms.exams.services.exam_files import sync_exams
from lms.extensions import db
from lms.notifications import services as notifications
from lms.records import services as records
from lms.training.services import refreshers, sessions
from tests.exams.essays import essay_exam

CONTENT = Path(__file__).resolve().parents[2] / "content"
PASSWORD = "secret123"
# A 1x1 PNG: a question's embedded image, a seal, a piece of evidence.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
IMAGE_QUESTION = (
    '<quiz><question type="truefalse"><name><text>图片题</text></name>'
    '<questiontext format="html"><text><![CDATA[<p>标准工位？'
    '<img src="@@PLUGINFILE@@/desk.png" alt="工位"></p>]]></text>'
    '<file name="desk.png" path="/" encoding="base64">{pixel}</file></questiontext>'
    '<answer fraction="100"><text>true</text></answer>'
    '<answer fraction="0"><text>false</text></answer></question></quiz>'
)
STAGED_QUESTIONS = "::T1:: 客户投诉应在24小时内回复 {T}\n"


@dataclass(frozen=True)
class World:
    """Ids of the people and of B's objects (staff objects where only staff own one)."""

    people: dict[str, int]  # role name (and "owner" for B) -> user id
    department_id: int
    course_slug: str
    lesson_slug: str
    exam_id: int
    attempt_id: int  # B's graded certification attempt
    certificate_serial: str  # B's certificate
    essay_attempt_id: int  # B's submitted essay, waiting in the grading queue
    answer_id: int  # that essay's answer
    open_attempt_id: int  # B's second essay attempt, still in progress
    question_id: int
    version_id: int  # the question's version that embeds file_name
    file_name: str
    question_import_id: int  # staged by the trainer, not yet confirmed
    kpi_import_id: int
    external_training_id: int  # B's, entered by HR, pending
    record_id: int  # a line of B's ledger
    programme_id: int  # a refresher assigned to B
    session_id: int  # a classroom session B is invited to
    notification_id: int  # B's

    @property
    def owner_id(self) -> int:
        return self.people["owner"]


def _person(employee_no: str, name: str, role: Role, department_id: int) -> User:
    user, _password = accounts.create_user(
        accounts.UserDetails(
            employee_no=employee_no,
            name=name,
            roles={role},
            department_id=department_id,
            level=Level.JUNIOR if role is Role.AGENT else None,
        ),
        password=PASSWORD,
    )
    user.must_change_password = False  # or every page would send them to change it
    return user


def _right(question: attempts.AttemptQuestion) -> Any:
    answer = attempts.right_answer(question)
    return f"{answer:g}" if question.type == "numerical" else answer


def _passed_attempt(exam: Exam, agent: User) -> int:
    attempt = attempts.start_attempt(exam, agent)
    saves = [
        attempts.AnswerSave(q.position, 0, _right(q), f"t:{q.position}")
        for q in attempts.present(attempt)
    ]
    attempts.save_answers(attempt.id, agent.id, saves)
    attempts.submit_attempt(attempt, agent.id)
    return attempt.id


def build_world() -> World:
    """Seed everything through the areas' services; the caller commits."""
    today = date.today()
    now = utcnow()
    department, _created = accounts.ensure_department_path("客服中心/在线客服部/一组")
    people = {
        "agent": _person("SA0001", "甲坐席", Role.AGENT, department.id),
        "owner": _person("SA0002", "乙坐席", Role.AGENT, department.id),
        "trainer": _person("ST0001", "培训师", Role.TRAINER, department.id),
        "hr": _person("SH0001", "人事", Role.HR, department.id),
        "hr_second": _person("SH0002", "人事二", Role.HR, department.id),
        "admin": _person("SX0001", "管理员", Role.ADMIN, department.id),
    }
    owner, trainer, hr = people["owner"], people["trainer"], people["hr"]

    courses.sync_content(CONTENT)
    interchange.sync_question_bank(CONTENT / "questions")
    sync_exams(CONTENT / "exams")
    course = courses.get_course_by_slug("complaint-handling")
    assert course is not None
    lesson = courses.active_lessons(course)[0]
    exam = db.session.scalar(sa.select(Exam).where(Exam.slug == "service-standards-certification"))
    assert exam is not None

    attempt_id = _passed_attempt(exam, owner)
    certificate = certificates.certificate_of_attempt(attempt_id)
    assert certificate is not None
    marked_by_hand = essay_exam()
    essay_attempt = attempts.start_attempt(marked_by_hand, owner)
    shown = attempts.present(essay_attempt)
    attempts.save_answers(
        essay_attempt.id, owner.id, [attempts.AnswerSave(shown[1].position, 0, "先共情", "e")]
    )
    attempts.submit_attempt(essay_attempt, owner.id)
    answer_id = shown[1].answer.id
    open_attempt = attempts.start_attempt(marked_by_hand, owner)

    [question] = interchange.import_questions(
        "img.xml",
        IMAGE_QUESTION.format(pixel=base64.b64encode(PIXEL).decode()).encode(),
        ("图片",),
        trainer.id,
    )
    staged, _preview = interchange.stage_import(
        "staged.gift", STAGED_QUESTIONS.encode(), bank.ensure_category(("导入",)), trainer.id
    )
    certificates.set_seal(PIXEL, "image/png", hr.id)

    month = today.strftime("%Y-%m")
    kpi_file = f"工号,月份,满意度,质检合规率\r\n{owner.employee_no},{month},92,97\r\n"
    kpi_report = kpis.import_kpis("kpi.csv", kpi_file.encode(), hr.id)
    assert kpi_report.import_id is not None

    external = records.enter_external_training(
        records.ExternalEntry(
            employee_no=owner.employee_no,
            title="外部讲座：客户心理",
            provider="某培训机构",
            occurred_on=today - timedelta(days=3),
            evidence_name="证书.png",
            evidence=PIXEL,
            minutes=90,
        ),
        hr.id,
    )
    line = records.record_participation(
        user_id=owner.id,
        kind=records.ParticipationKind.EXTERNAL,
        source_key=f"access:{owner.id}:seminar",
        title="产品知识更新",
        occurred_on=today,
        credit_hours=Decimal("1.5"),
        result="completed",
    )
    records.publish_policy("保密承诺", "不得泄露客户信息。", hr.id)

    programme = refreshers.save_programme(
        None,
        refreshers.ProgrammeSpec(
            month=refreshers.first_of_month(today),
            title="本月复训：投诉处理",
            course_id=course.id,
            audience=accounts.Audience(user_ids=(owner.id,)),
        ),
        trainer.id,
    )
    starts_at = now.replace(microsecond=0) + timedelta(days=5)
    classroom = sessions.save_session(
        None,
        sessions.SessionDetails(
            topic="投诉升级处理",
            category=sessions.TrainingCategory.JOB_SKILLS,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=90),
            location="培训室 A",
            trainer_id=trainer.id,
            audience=accounts.Audience(user_ids=(owner.id,)),
        ),
        trainer.id,
    )
    notification = notifications.notify(owner.id, "access", notifications.N_("Hello"))
    assert notification is not None
    db.session.flush()

    return World(
        people={name: user.id for name, user in people.items()},
        department_id=department.id,
        course_slug=course.slug,
        lesson_slug=lesson.slug,
        exam_id=exam.id,
        attempt_id=attempt_id,
        certificate_serial=certificate.serial,
        essay_attempt_id=essay_attempt.id,
        answer_id=answer_id,
        open_attempt_id=open_attempt.id,
        question_id=question.id,
        version_id=question.current_version_id,
        file_name="desk.png",
        question_import_id=staged.id,
        kpi_import_id=kpi_report.import_id,
        external_training_id=external.id,
        record_id=line.id,
        programme_id=programme.id,
        session_id=classroom.id,
        notification_id=notification.id,
    )

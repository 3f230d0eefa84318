"""Twelve months of history for the demo centre, so every page, report and chart has data.

Everything is made through the areas' services, exactly as the pages make it, with
``now``/``today`` set in the past: agents open lessons and pass their knowledge checks,
sit exams and are graded, trainers schedule monthly refreshers and classroom sessions and
take attendance, HR enters and approves external training, agents sign the
confidentiality policy. Nothing is written into another area's tables directly, so the
ledger, the certificates, the refresher statuses and the notifications are the ones the
app itself derives.

The events are played in time order on one timeline (a later step, such as a retake after
a failed attempt, is scheduled by the step before it), so each service sees the world as
it was on that day. The history covers the last twelve full months and this month up to
now; it is seeded, so the same day gives the same history.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app

from lms.accounts import services as accounts
from lms.accounts.models import Level, Role, User
from lms.courses import services as courses
from lms.database import utcnow
from lms.exams import services as exams
from lms.extensions import db
from lms.i18n import local_date
from lms.months import add_months
from lms.notifications import services as notifications
from lms.records import services as records
from lms.training.services import refreshers, sessions

SEED = 20261
CERTIFICATION_SLUG = "service-standards-certification"
CERTIFICATION_MINUTES = 45  # how long an agent takes over the 50 questions
QUIZ_SLUG = "monthly-refresher-quiz"
EXTERNAL_EVIDENCE_NAME = "结业证明.pdf"


@dataclass
class HistoryReport:
    """What one load added (all zero when the history was there already)."""

    course_completions: int = 0
    attempts: int = 0
    certificates: int = 0
    programmes: int = 0
    sessions: int = 0
    external_trainings: int = 0
    acknowledgements: int = 0
    missing_content: list[str] = field(default_factory=list)

    @property
    def added_anything(self) -> bool:
        return any(
            (
                self.course_completions,
                self.attempts,
                self.programmes,
                self.sessions,
                self.external_trainings,
                self.acknowledgements,
            )
        )


@dataclass
class Agent:
    """A demo agent and the habits the history gives them."""

    user: User
    level: str  # junior, mid or senior
    skill: float  # the chance of answering an exam question right
    on_time: float  # the chance of doing a refresher within its month
    late: float  # the chance of doing it after the due date, when not on time


class Timeline:
    """Steps played in time order; a step may schedule later ones (a retake, a rating)."""

    def __init__(self, until: datetime) -> None:
        self.until = until
        self._steps: list[tuple[datetime, int, Callable[[datetime], None]]] = []
        self._order = itertools.count()

    def at(self, when: datetime, step: Callable[[datetime], None]) -> None:
        # Nothing happens after now: a retake that would fall tomorrow has not happened yet.
        if when <= self.until:
            heapq.heappush(self._steps, (when, next(self._order), step))

    def play(self) -> None:
        while self._steps:
            when, _order, step = heapq.heappop(self._steps)
            step(when)


# --- the calendar ---------------------------------------------------------------------------


class Clock:
    """Local wall-clock times of the centre turned into the aware UTC moments services take."""

    def __init__(self) -> None:
        self.zone = ZoneInfo(current_app.config["LMS_TIMEZONE"])

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), self.zone).astimezone(ZoneInfo("UTC"))

    def office_hours(self, day: date, rng: random.Random) -> datetime:
        return self.at(day, rng.randint(9, 17), rng.choice((0, 10, 20, 30, 40, 50)))


def workday(day: date) -> date:
    """``day``, or the Monday after when it falls on a weekend."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def day_in(month: date, first: int, last: int, rng: random.Random) -> date:
    last = min(last, refreshers.last_of_month(month).day)
    return workday(month.replace(day=rng.randint(first, max(first, last))))


# --- the people -----------------------------------------------------------------------------

#: (chance of a right answer, of a refresher on time, of a late one otherwise) per level.
HABITS = {
    "junior": ((0.74, 0.88), 0.72, 0.55),
    "mid": ((0.82, 0.93), 0.82, 0.6),
    "senior": ((0.88, 0.97), 0.90, 0.7),
}


def demo_agents(employee_nos: Sequence[str], rng: random.Random) -> list[Agent]:
    agents = []
    for number in employee_nos:
        user = accounts.find_user_by_employee_no(number)
        if user is None or Role.AGENT not in user.roles:
            continue
        level = (user.level or Level.JUNIOR).value
        (low, high), on_time, late = HABITS[level]
        agents.append(Agent(user, level, rng.uniform(low, high), on_time, late))
    return agents


def _person(number: str) -> User:
    user = accounts.find_user_by_employee_no(number)
    assert user is not None, number
    return user


# --- courses --------------------------------------------------------------------------------


def right_check_answer(question: dict[str, Any]) -> Any:
    """The response that passes one knowledge-check question, found with the grader itself."""
    kind, payload = question["type"], question["payload"]
    if kind == "true_false":
        return next(v for v in (True, False) if exams.grade(kind, payload, v).is_correct)
    options = range(len(payload["choices"]))
    if kind == "single_choice":
        return max(options, key=lambda i: exams.grade(kind, payload, i).fraction)
    return [i for i in options if exams.grade(kind, payload, [i]).fraction > 0]


class Learning:
    """An agent working through a course: lessons opened, checks passed, lessons done."""

    def __init__(self, report: HistoryReport) -> None:
        self.report = report
        self._answers: dict[int, dict[int, Any]] = {}

    def _responses(self, lesson: Any) -> dict[int, Any]:
        if lesson.id not in self._answers:
            check = courses.in_language(lesson, "zh").check
            self._answers[lesson.id] = {
                index: right_check_answer(question) for index, question in enumerate(check)
            }
        return self._answers[lesson.id]

    def study(self, user_id: int, lessons: Sequence[Any], start: datetime) -> None:
        """Read ``lessons`` one after another from ``start``, passing each check."""
        moment = start
        for lesson in lessons:
            courses.open_lesson(user_id, lesson, now=moment)
            moment += timedelta(minutes=lesson.minutes or 15)
            if lesson.check_zh:
                courses.submit_check(user_id, lesson, "zh", self._responses(lesson), now=moment)
            if courses.mark_done(user_id, lesson, now=moment + timedelta(minutes=1)):
                self.report.course_completions += 1
            moment += timedelta(minutes=2)


# --- exams ----------------------------------------------------------------------------------


def wrong_answer(question: Any, right: Any, rng: random.Random) -> Any:
    """A plausible wrong response, or None (left blank) where none is easy to make up."""
    if question.type == "single_choice":
        others = [index for index, _text in question.choices if index != right]
        return rng.choice(others) if others else None
    if question.type == "true_false":
        return not right
    if question.type == "multiple_choice":
        others = [index for index, _text in question.choices if index not in right]
        return others[:1] or None
    return None


class Candidates:
    """Agents sitting exams the way the exam pages do: start, save the answers, submit."""

    def __init__(self, report: HistoryReport, rng: random.Random) -> None:
        self.report = report
        self.rng = rng

    def sit(self, exam: Any, agent: Agent, start: datetime, skill: float, minutes: int) -> Any:
        """One attempt; returns it graded (the submit route's services, in its order)."""
        attempt = exams.attempts.start_attempt(
            exam, agent.user, language="zh", now=start, rng=random.Random(self.rng.random())
        )
        saves = []
        for question in exams.attempts.present(attempt):
            if question.number is None:  # a description has no answer
                continue
            right = exams.attempts.right_answer(question)
            response = (
                right if self.rng.random() < skill else wrong_answer(question, right, self.rng)
            )
            if question.type == "numerical" and response is not None:
                response = f"{response:g}"
            if response is not None:
                saves.append(
                    exams.attempts.AnswerSave(
                        question.position, 0, response, f"demo:{question.position}"
                    )
                )
        finished = start + timedelta(minutes=minutes)
        if saves:
            exams.attempts.save_answers(
                attempt.id, agent.user.id, saves, now=finished - timedelta(minutes=1)
            )
        exams.attempts.submit_attempt(attempt, agent.user.id, now=finished)
        self.report.attempts += 1
        if attempt.is_passed and exams.certificates.certificate_of_attempt(attempt.id):
            self.report.certificates += 1
        return attempt


def find_exam(slug: str | None = None, title: str | None = None) -> Any:
    for exam in exams.results.all_exams():
        if (slug is not None and exam.slug == slug) or (title is not None and exam.title == title):
            return exam
    return None


def monthly_quiz() -> Any:
    """The short quiz of the monthly refreshers, from content/exams (monthly-refresher-quiz)."""
    return find_exam(slug=QUIZ_SLUG)


# --- classroom sessions ---------------------------------------------------------------------

Category = sessions.TrainingCategory
#: (topic, category, who is invited: "all", a level, or a department path, capacity)
TOPICS: list[tuple[str, Category, str, int | None]] = [
    ("投诉升级处理实战演练", Category.JOB_SKILLS, "all", 24),
    ("大促活动政策与话术宣导", Category.PRODUCT_KNOWLEDGE, "all", None),
    ("质检常见扣分项解读", Category.SERVICE_QUALITY, "all", None),
    ("客户信息保护案例分享", Category.COMPLIANCE, "all", None),
    ("新员工服务规范集训", Category.ONBOARDING, "junior", None),
    ("情绪管理与压力疏导", Category.JOB_SKILLS, "mid", 12),
    ("热线接听质量提升工作坊", Category.SERVICE_QUALITY, "客服中心/热线客服部", None),
    ("在线客服快捷回复与多会话管理", Category.JOB_SKILLS, "客服中心/在线客服部", None),
    ("售后退换货新规解读", Category.PRODUCT_KNOWLEDGE, "客服中心/售后服务部", None),
    ("会员权益与积分规则更新", Category.PRODUCT_KNOWLEDGE, "all", None),
    ("工单系统新功能培训", Category.JOB_SKILLS, "all", None),
    ("高难度来电应对技巧", Category.JOB_SKILLS, "senior", None),
    ("普通话与语音语调训练", Category.SERVICE_QUALITY, "客服中心/热线客服部", 10),
]
ROOMS = ("培训室 A（3 楼）", "培训室 B（5 楼）", "线上会议（企业微信）")
COMMENTS = (
    "案例很贴近日常工作，学到了。",
    "希望多安排一些实操练习。",
    "讲师讲解清楚，节奏合适。",
    "",
    "",
)


def _audience(kind: str) -> accounts.Audience:
    if kind == "all":
        return accounts.Audience(roles=("agent",))
    if kind in ("junior", "mid", "senior"):
        return accounts.Audience(roles=("agent",), levels=(kind,))
    department, _created = accounts.ensure_department_path(kind)
    return accounts.Audience(roles=("agent",), department_ids=(department.id,))


# --- external training ----------------------------------------------------------------------

#: (employee no, title, provider, days ago, minutes, declared 学时, category, result)
EXTERNAL: list[tuple[str, str, str, int, int | None, str | None, str, str | None]] = [
    (
        "KF0026",
        "客户体验管理师（CCXP）备考培训",
        "中国质量协会",
        300,
        None,
        "16",
        "seminar",
        "结业",
    ),
    ("KF0020", "《消费者权益保护法》实务讲座", "市消费者协会", 230, 180, None, "compliance", None),
    (
        "KF0028",
        "呼叫中心运营管理研修班",
        "中国信息协会呼叫中心分会",
        160,
        None,
        "12",
        "seminar",
        "结业",
    ),
    ("KF0018", "普通话水平测试培训", "市语言文字培训中心", 95, 240, None, "job-skills", "二级甲等"),
    (
        "KF0030",
        "客服团队辅导技巧公开课",
        "外部培训机构（智联培训）",
        40,
        360,
        None,
        "job-skills",
        None,
    ),
]
#: Entered by HR a few days ago, waiting for the second HR person.
PENDING_EXTERNAL = (
    "KF0024",
    "个人信息保护合规培训",
    "律师事务所公开课",
    6,
    120,
    None,
    "compliance",
    None,
)


def evidence_pdf(text: str) -> bytes:
    """A one-page PDF standing in for a scanned certificate (ASCII text only)."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


# --- the history ----------------------------------------------------------------------------


class History:
    """Builds the timeline of one load and plays it."""

    def __init__(
        self,
        agents: list[Agent],
        content: Path,
        today: date,
        now: datetime,
        report: HistoryReport,
    ) -> None:
        self.agents = agents
        self.content = content
        self.today = today
        self.now = now
        self.report = report
        self.rng = random.Random(SEED)
        self.clock = Clock()
        self.timeline = Timeline(now)
        self.learning = Learning(report)
        self.candidates = Candidates(report, self.rng)
        self.first_month = add_months(today.replace(day=1), -12)
        self.months = [add_months(self.first_month, i) for i in range(13)]
        self.trainers = [_person("T0001"), _person("T0002")]
        self.hr = [_person("H0001"), _person("H0002")]
        self.runs: dict[str, int] = {}

    # The plan -------------------------------------------------------------------------------

    def build(self, course_list: list[Any], certification: Any, quiz: Any) -> None:
        self.plan_policy()
        self.plan_refreshers(course_list, quiz)
        if certification is not None:
            self.plan_certification(certification)
        self.plan_sessions()
        self.plan_external()
        self.plan_reading()

    def play(self) -> None:
        self.timeline.play()

    # Refreshers -----------------------------------------------------------------------------

    def plan_refreshers(self, course_list: list[Any], quiz: Any) -> None:
        """One programme a month: a course every other month while courses last, the quiz
        otherwise (a course counts once, a quiz month by month)."""
        course_iter = iter(course_list)
        for index, month in enumerate(self.months):
            course = next(course_iter, None) if index % 2 == 0 and index < 12 else None
            if course is None and quiz is None:
                continue
            start = self.clock.at(month, 9, 0)
            self.timeline.at(
                start, lambda when, m=month, c=course: self.publish_programme(when, m, c, quiz)
            )
            due = refreshers.last_of_month(month)
            for day in (due - timedelta(days=refreshers.DUE_SOON_DAYS), due + timedelta(days=1)):
                # The nightly reminder job, on the two nights it has something new to say.
                self.timeline.at(self.clock.at(day, 7, 0), self.send_reminders)

    def publish_programme(self, when: datetime, month: date, course: Any, quiz: Any) -> None:
        label = f"{month.year} 年 {month.month} 月"
        if course is not None:
            title = f"{label}复训：{courses.course_title(course, 'zh_Hans')}"
            spec = refreshers.ProgrammeSpec(
                month, title, course_id=course.id, audience=accounts.Audience(roles=("agent",))
            )
        else:
            spec = refreshers.ProgrammeSpec(
                month,
                f"{label}复训小测",
                exam_id=quiz.id,
                audience=accounts.Audience(roles=("agent",)),
            )
        programme = refreshers.save_programme(
            None, spec, self.trainers[0].id, today=local_date(when), now=when
        )
        self.report.programmes += 1
        due = programme.due_on
        current = month == self.today.replace(day=1)
        for agent in self.agents:
            roll = self.rng.random()
            if current:
                # This month: a few have done it already; for most it is still due.
                if roll < 0.25 and self.today.day > 1:
                    day = workday(month.replace(day=self.rng.randint(1, self.today.day - 1)))
                    self._do(agent, course, quiz, day)
                continue
            if roll < agent.on_time:
                self._do(agent, course, quiz, day_in(month, 3, due.day - 1, self.rng))
            elif self.rng.random() < agent.late:
                self._do(agent, course, quiz, workday(due + timedelta(self.rng.randint(3, 18))))
            elif course is not None and self.rng.random() < 0.6:
                # Missed: started, and left half done.
                lessons = courses.active_lessons(course)
                start = self.clock.office_hours(day_in(month, 5, 25, self.rng), self.rng)
                half = lessons[: self.rng.randint(1, max(1, len(lessons) // 2))]
                self.timeline.at(
                    start, lambda w, a=agent, h=half: self.learning.study(a.user.id, h, w)
                )

    def _do(self, agent: Agent, course: Any, quiz: Any, day: date) -> None:
        if day > self.today:
            return
        start = self.clock.office_hours(day, self.rng)
        if course is not None:
            lessons = courses.active_lessons(course)
            # Two sittings a few days apart, as people fit lessons between contacts.
            split = len(lessons) // 2
            later = self.clock.office_hours(min(workday(day + timedelta(2)), self.today), self.rng)
            later = max(later, start + timedelta(hours=3))
            self.timeline.at(
                start, lambda w: self.learning.study(agent.user.id, lessons[:split], w)
            )
            self.timeline.at(
                later, lambda w: self.learning.study(agent.user.id, lessons[split:], w)
            )
        else:
            self.timeline.at(start, lambda w: self.quiz_attempt(w, quiz, agent, 1))

    def quiz_attempt(self, when: datetime, quiz: Any, agent: Agent, number: int) -> None:
        attempt = self.candidates.sit(quiz, agent, when, agent.skill + 0.04 * number, 9)
        if not attempt.is_passed and number < 3:
            retry = when + timedelta(hours=self.rng.randint(1, 5))
            self.timeline.at(retry, lambda w: self.quiz_attempt(w, quiz, agent, number + 1))

    def send_reminders(self, when: datetime) -> None:
        refreshers.send_reminders(today=local_date(when), now=when)

    # The certification exam -----------------------------------------------------------------

    def plan_certification(self, exam: Any) -> None:
        """Most agents certify once in the year; those certified about 11.5 months ago are due
        to re-certify now, and the newest agents certified in their first weeks."""
        order = list(self.agents)
        self.rng.shuffle(order)
        never = {a.user.employee_no for a in order if a.level == "junior"}
        never = set(sorted(never)[-2:])  # two juniors have not sat it this year
        early = [a for a in order if a.level != "junior"][:4]
        for agent in order:
            if agent.user.employee_no in never:
                continue
            hired = agent.user.hire_date or self.first_month
            if agent in early:
                day = self.today - timedelta(days=self.rng.randint(340, 348))
            elif hired >= self.first_month - timedelta(days=45):
                day = max(hired, self.first_month) + timedelta(days=self.rng.randint(10, 25))
            else:
                day = self.today - timedelta(days=self.rng.randint(20, 320))
            start = self.clock.office_hours(workday(day), self.rng)
            self.timeline.at(start, lambda w, a=agent: self.certify(w, exam, a, 1))

    def certify(self, when: datetime, exam: Any, agent: Agent, number: int) -> None:
        skill = agent.skill + 0.05 * (number - 1)
        attempt = self.candidates.sit(exam, agent, when, skill, CERTIFICATION_MINUTES)
        if not attempt.is_passed and number < (exam.max_attempts or 3):
            # The exam's wait between attempts, and a few days to revise.
            wait = timedelta(minutes=exam.attempt_wait_minutes or 0)
            retry_day = workday(local_date(when + wait) + timedelta(days=self.rng.randint(1, 4)))
            finished = when + timedelta(minutes=CERTIFICATION_MINUTES)
            retry = max(self.clock.office_hours(retry_day, self.rng), finished + wait)
            self.timeline.at(retry, lambda w: self.certify(w, exam, agent, number + 1))

    # Classroom sessions -----------------------------------------------------------------------

    def plan_sessions(self) -> None:
        topics = itertools.cycle(self.rng.sample(TOPICS, len(TOPICS)))
        for month in self.months:
            for _ in range(self.rng.choice((2, 3))):
                day = day_in(month, 2, 27, self.rng)
                starts = self.clock.at(
                    day, self.rng.choice((9, 14)), 30 if self.rng.random() < 0.5 else 0
                )
                if starts + timedelta(hours=2) >= self.now:
                    continue
                topic = next(topics)
                self.timeline.at(
                    starts - timedelta(days=10),
                    lambda w, t=topic, s=starts: self.schedule_session(w, t, s, past=True),
                )
        # Next week's, announced yesterday: nobody has answered yet.
        next_monday = self.today + timedelta(days=7 - self.today.weekday())
        yesterday = self.clock.at(self.today - timedelta(days=1), 10, 0)
        for offset, topic in ((1, TOPICS[1]), (3, TOPICS[4])):
            starts = self.clock.at(next_monday + timedelta(days=offset), 14, 0)
            self.timeline.at(
                yesterday, lambda w, t=topic, s=starts: self.schedule_session(w, t, s, past=False)
            )

    def schedule_session(
        self,
        when: datetime,
        topic: tuple[str, Category, str, int | None],
        starts: datetime,
        past: bool,
    ) -> None:
        name, category, who, capacity = topic
        # A topic that comes round again is the next run of the same course of sessions.
        self.runs[name] = self.runs.get(name, 0) + 1
        if self.runs[name] > 1:
            name = f"{name}（第 {self.runs[name]} 期）"
        trainer = self.rng.choice(self.trainers)
        details = sessions.SessionDetails(
            topic=name,
            category=category,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            location=self.rng.choice(ROOMS),
            trainer_id=trainer.id,
            audience=_audience(who),
            description="",
            capacity=capacity,
        )
        session = sessions.save_session(None, details, trainer.id, now=when)
        self.report.sessions += 1
        if not past:
            return
        invited = [i.user_id for i in session.invitations]
        for user_id in invited:
            roll = self.rng.random()
            if roll < 0.1:
                continue  # never answered
            answered = when + timedelta(hours=self.rng.randint(1, 24 * 8))
            self.timeline.at(
                min(answered, starts - timedelta(hours=1)),
                lambda w, u=user_id, yes=roll >= 0.2: sessions.respond(session, u, yes, now=w),
            )
        self.timeline.at(starts - timedelta(minutes=15), lambda w: self.hold_session(session))

    def hold_session(self, session: Any) -> None:
        """Check-in by code at the door, then the trainer's roster for everyone else."""
        starts = session.starts_at
        marks: dict[int, Any] = {}
        for invitation in list(session.invitations):
            status = invitation.status
            roll = self.rng.random()
            if status == sessions.InvitationStatus.ACCEPTED:
                if roll < 0.84:
                    moment = starts + timedelta(minutes=self.rng.randint(-14, 8))
                elif roll < 0.92:
                    moment = starts + timedelta(minutes=self.rng.randint(12, 40))
                else:
                    marks[invitation.user_id] = (
                        sessions.Attendance.ABSENT if roll < 0.96 else sessions.Attendance.EXCUSED
                    )
                    continue
                self.timeline.at(
                    moment,
                    lambda w, u=invitation.user_id: sessions.check_in(
                        session, u, session.checkin_code, now=w
                    ),
                )
                if self.rng.random() < 0.6:
                    self.timeline.at(
                        session.ends_at + timedelta(minutes=self.rng.randint(5, 60 * 30)),
                        lambda w, u=invitation.user_id: self.rate(session, u, w),
                    )
            elif status == sessions.InvitationStatus.DECLINED:
                marks[invitation.user_id] = sessions.Attendance.EXCUSED
            elif status == sessions.InvitationStatus.INVITED and roll < 0.5:
                # No answer and no show; those still waiting for a seat are not marked.
                marks[invitation.user_id] = sessions.Attendance.ABSENT
        self.timeline.at(
            session.ends_at + timedelta(minutes=10),
            lambda w: sessions.mark_attendance(session, marks, now=w),
        )

    def rate(self, session: Any, user_id: int, when: datetime) -> None:
        base = self.rng.choice((4, 4, 5, 5, 5, 3))
        scores = {
            name: max(1, min(5, base + self.rng.choice((-1, 0, 0, 0, 1))))
            for name in sessions.RATING_DIMENSIONS
        }
        scores["overall"] = base
        sessions.rate_session(session, user_id, scores, self.rng.choice(COMMENTS), now=when)

    # The confidentiality policy --------------------------------------------------------------

    def plan_policy(self) -> None:
        folder = self.content / "policies"
        if not folder.is_dir():
            self.report.missing_content.append("policies")
            return
        published = self.clock.at(workday(self.first_month + timedelta(days=40)), 10, 0)
        self.timeline.at(published, lambda w: self.publish_policy(w, folder))

    def publish_policy(self, when: datetime, folder: Path) -> None:
        for path in records.iter_policy_files(folder):
            records.publish_policy_file(path, now=when)
        policy = records.policy_in_force(self.now)
        if policy is None:
            return
        # Published already (by `flask records publish-policy`): signatures come after it.
        since = max(when, policy.published_at)
        unsigned = {a.user.employee_no for a in self.rng.sample(self.agents, 4)}
        for agent in self.agents:
            if agent.user.employee_no in unsigned:
                continue
            signed = min(since + timedelta(hours=self.rng.randint(1, 24 * 20)), self.now)
            self.timeline.at(signed, lambda w, a=agent: self.sign(a, policy.id, w))

    def sign(self, agent: Agent, policy_id: int, when: datetime) -> None:
        records.acknowledge_policy(agent.user.id, policy_id, now=when)
        self.report.acknowledgements += 1

    # External training ------------------------------------------------------------------------

    def plan_external(self) -> None:
        for entry in EXTERNAL:
            occurred = workday(self.today - timedelta(days=entry[3]))
            entered = self.clock.office_hours(occurred + timedelta(days=3), self.rng)
            self.timeline.at(entered, lambda w, e=entry: self.enter_external(w, e, approve=True))
        occurred = workday(self.today - timedelta(days=PENDING_EXTERNAL[3]))
        entered = self.clock.at(
            min(occurred + timedelta(days=2), self.today - timedelta(days=1)), 11
        )
        self.timeline.at(entered, lambda w: self.enter_external(w, PENDING_EXTERNAL, approve=False))

    def enter_external(self, when: datetime, entry: tuple[Any, ...], approve: bool) -> None:
        number, title, provider, days_ago, minutes, hours, category, result = entry
        training = records.enter_external_training(
            records.ExternalEntry(
                employee_no=number,
                title=title,
                provider=provider,
                occurred_on=min(workday(self.today - timedelta(days=days_ago)), local_date(when)),
                evidence_name=EXTERNAL_EVIDENCE_NAME,
                evidence=evidence_pdf(f"Certificate of completion - {number}"),
                category=category,
                minutes=minutes,
                credit_hours=Decimal(hours) if hours else None,
                result=result,
            ),
            self.hr[0].id,
            today=local_date(when),
            now=when,
        )
        self.report.external_trainings += 1
        if approve:
            decided = when + timedelta(days=self.rng.randint(1, 3), hours=1)
            self.timeline.at(
                decided, lambda w: records.approve_external(training, self.hr[1].id, now=w)
            )

    # Reading notifications ---------------------------------------------------------------------

    def plan_reading(self) -> None:
        """Agents read their notifications now and then; what came this month is still new."""
        for month in self.months[1:-1]:
            for agent in self.agents:
                if self.rng.random() < 0.85:
                    moment = self.clock.office_hours(day_in(month, 2, 6, self.rng), self.rng)
                    self.timeline.at(
                        moment,
                        lambda w, a=agent: notifications.mark_all_read(a.user.id, now=w),
                    )


def has_history(agents: Iterable[Agent]) -> bool:
    """Whether the demo agents already have a history (the ledger is where it all ends up)."""
    return any(records.records_of(agent.user.id) for agent in agents)


def load_history(
    employee_nos: Sequence[str],
    content: Path | None = None,
    today: date | None = None,
    now: datetime | None = None,
) -> HistoryReport:
    """Give the demo agents (``employee_nos``) twelve months of history, once.

    Needs the seeded content (`flask content sync`); without it, says what is missing and
    adds nothing, so a later run after the sync still adds the history.
    """
    now = now or utcnow()
    today = today or local_date(now)
    content = content or Path(current_app.root_path).parent / "content"
    report = HistoryReport()
    rng = random.Random(SEED)
    agents = demo_agents(employee_nos, rng)
    if not agents or has_history(agents):
        return report
    course_list = sorted(courses.catalogue().courses, key=courses.curriculum_order)
    certification = find_exam(slug=CERTIFICATION_SLUG)
    if not course_list:
        report.missing_content.append("courses")
    if certification is None:
        report.missing_content.append(CERTIFICATION_SLUG)
    if report.missing_content:
        return report
    quiz = monthly_quiz()
    history = History(agents, content, today, now, report)
    history.build(course_list, certification, quiz)
    history.play()
    db.session.flush()
    return report

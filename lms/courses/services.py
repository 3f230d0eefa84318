"""Courses: loading content/ into the database (and, next, the lesson player and progress)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm.attributes import set_committed_value

from lms.accounts import services as accounts
from lms.courses.content import ContentProblems, CourseSpec, read_course
from lms.courses.models import Course, CourseCategory, CourseCompletion, Lesson, LessonProgress
from lms.database import utcnow
from lms.exams import services as exams
from lms.extensions import db
from lms.i18n import local_date
from lms.records import services as records


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.retired)


def sync_content(root: Path) -> SyncReport:
    """Load every course under ``root/courses`` idempotently.

    Unchanged courses (same content hash) are left alone. A changed lesson is
    updated in place, so learners' progress stays with it; lessons and courses
    that disappeared are retired, never deleted. A course with any problem is
    left exactly as it was and its problems are reported.
    """
    report = SyncReport()
    seen: set[str] = set()
    folder = root / "courses"
    for course_dir in sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []:
        seen.add(course_dir.name)
        try:
            spec = read_course(course_dir, root)
        except ContentProblems as error:
            report.problems.extend(error.problems)
            continue
        outcome = _apply(spec)
        getattr(report, outcome).append(spec.slug)
    for course in db.session.scalars(sa.select(Course).where(Course.is_retired.is_(False))):
        if course.slug not in seen:
            course.is_retired = True
            report.retired.append(course.slug)
    db.session.flush()
    return report


def _apply(spec: CourseSpec) -> str:
    course = db.session.scalar(sa.select(Course).where(Course.slug == spec.slug))
    if course is not None and course.content_hash == spec.content_hash and not course.is_retired:
        return "unchanged"
    outcome = "created" if course is None else "updated"
    if course is None:
        course = Course(slug=spec.slug)
        db.session.add(course)
    course.title_zh, course.title_en = spec.title_zh, spec.title_en
    course.summary_zh, course.summary_en = spec.summary_zh, spec.summary_en
    course.category, course.credit_hours = spec.category, spec.credit_hours
    course.levels, course.pass_mark = spec.levels, spec.pass_mark
    course.content_hash, course.is_retired = spec.content_hash, False
    db.session.flush()

    existing = {
        lesson.slug: lesson
        for lesson in db.session.scalars(sa.select(Lesson).where(Lesson.course_id == course.id))
    }
    for lesson_spec in spec.lessons:
        lesson = existing.pop(lesson_spec.slug, None)
        if lesson is None:
            lesson = Lesson(course_id=course.id, slug=lesson_spec.slug)
            db.session.add(lesson)
        elif lesson.content_hash == lesson_spec.content_hash and not lesson.is_retired:
            continue
        lesson.position = lesson_spec.position
        lesson.title_zh, lesson.title_en = lesson_spec.title_zh, lesson_spec.title_en
        lesson.body_zh, lesson.body_en = lesson_spec.body_zh, lesson_spec.body_en
        lesson.minutes = lesson_spec.minutes
        lesson.check_zh, lesson.check_en = lesson_spec.check_zh, lesson_spec.check_en
        lesson.content_hash, lesson.is_retired = lesson_spec.content_hash, False
    for gone in existing.values():
        gone.is_retired = True
    db.session.flush()
    return outcome


def get_course_by_slug(slug: str) -> Course | None:
    return db.session.scalar(sa.select(Course).where(Course.slug == slug))


def active_lessons(course: Course) -> list[Lesson]:
    return [lesson for lesson in course.lessons if not lesson.is_retired]


# --- learning ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LessonView:
    """A lesson in the learner's language (Chinese where no English version exists)."""

    lesson: Lesson
    title: str
    body: str
    check: list[dict]
    language: str  # the language actually shown: "zh" or "en"


def in_language(lesson: Lesson, locale: str) -> LessonView:
    if locale == "en" and lesson.body_en and lesson.check_en is not None:
        return LessonView(
            lesson, lesson.title_en or lesson.title_zh, lesson.body_en, lesson.check_en, "en"
        )
    return LessonView(lesson, lesson.title_zh, lesson.body_zh, lesson.check_zh, "zh")


def course_title(course: Course, locale: str) -> str:
    return (course.title_en if locale == "en" and course.title_en else None) or course.title_zh


def course_summary(course: Course, locale: str) -> str:
    return (
        course.summary_en if locale == "en" and course.summary_en else None
    ) or course.summary_zh


def _progress(user_id: int, lesson: Lesson, now: datetime) -> LessonProgress:
    progress = db.session.scalar(
        sa.select(LessonProgress).where(
            LessonProgress.user_id == user_id, LessonProgress.lesson_id == lesson.id
        )
    )
    if progress is None:
        progress = LessonProgress(
            user_id=user_id,
            lesson_id=lesson.id,
            first_opened_at=now,
            last_opened_at=now,
            check_tries=0,
        )
        db.session.add(progress)
    return progress


def open_lesson(user_id: int, lesson: Lesson, now: datetime | None = None) -> LessonProgress:
    """Note that the learner opened ``lesson``, so "resume" brings them back here."""
    now = now or utcnow()
    progress = _progress(user_id, lesson, now)
    progress.last_opened_at = now
    db.session.flush()
    return progress


def mark_done(user_id: int, lesson: Lesson, now: datetime | None = None) -> CourseCompletion | None:
    """The learner has read ``lesson``; returns the course completion if this finished it."""
    now = now or utcnow()
    progress = _progress(user_id, lesson, now)
    progress.done_at = progress.done_at or now
    db.session.flush()
    return complete_if_finished(user_id, lesson.course, now)


@dataclass(frozen=True)
class QuestionResult:
    fraction: float
    feedback: list[str]
    is_correct: bool


@dataclass(frozen=True)
class CheckResult:
    questions: list[QuestionResult]
    percent: int
    passed: bool
    pass_mark: int
    completion: CourseCompletion | None


def parse_check_responses(
    questions: Sequence[Mapping[str, Any]], form: Mapping[str, Sequence[str]]
) -> dict[int, Any]:
    """Responses from submitted fields ``q0``, ``q1``, … in the shape each question type grades.

    Anything malformed is simply no answer: it scores 0 and is shown as such.
    """
    responses: dict[int, Any] = {}
    for index, question in enumerate(questions):
        values = list(form.get(f"q{index}", []))
        if question["type"] == "multiple_choice":
            responses[index] = [int(v) for v in values if v.isdigit()]
        elif question["type"] == "true_false":
            responses[index] = {"true": True, "false": False}.get(values[0] if values else "")
        elif values and values[0].isdigit():
            responses[index] = int(values[0])
    return responses


def submit_check(
    user_id: int,
    lesson: Lesson,
    language: str,
    responses: Mapping[int, Any],
    now: datetime | None = None,
) -> CheckResult:
    """Grade a knowledge check at once; the learner may retry as often as they like.

    The check is graded in the language it was shown in. Passing it (the
    course's pass mark) counts towards completing the course.
    """
    now = now or utcnow()
    questions = lesson.check_en if language == "en" and lesson.check_en else lesson.check_zh
    results = []
    for index, question in enumerate(questions):
        score = exams.grade(question["type"], question["payload"], responses.get(index))
        results.append(QuestionResult(score.fraction, score.feedback, score.is_correct))
    percent = round(100 * sum(r.fraction for r in results) / len(results)) if results else 100
    pass_mark = lesson.course.pass_mark
    progress = _progress(user_id, lesson, now)
    progress.check_tries += 1
    progress.best_check_percent = max(progress.best_check_percent or 0, percent)
    passed = percent >= pass_mark
    if passed and progress.check_passed_at is None:
        progress.check_passed_at = now
    db.session.flush()
    completion = complete_if_finished(user_id, lesson.course, now) if passed else None
    return CheckResult(results, percent, passed, pass_mark, completion)


def complete_if_finished(
    user_id: int, course: Course, now: datetime | None = None
) -> CourseCompletion | None:
    """Complete the course once every lesson is done and every check passed.

    Written once, with one ledger row carrying the course's 学时.
    """
    now = now or utcnow()
    lessons = active_lessons(course)
    done = {
        p.lesson_id: p
        for p in db.session.scalars(
            sa.select(LessonProgress).where(
                LessonProgress.user_id == user_id,
                LessonProgress.lesson_id.in_([lesson.id for lesson in lessons]),
            )
        )
    }
    finished = lessons and all(
        lesson.id in done
        and done[lesson.id].done_at is not None
        and (done[lesson.id].check_passed_at is not None or not lesson.check_zh)
        for lesson in lessons
    )
    if not finished:
        return None
    completion = db.session.scalar(
        sa.select(CourseCompletion).where(
            CourseCompletion.user_id == user_id, CourseCompletion.course_id == course.id
        )
    )
    if completion is None:
        completion = CourseCompletion(user_id=user_id, course_id=course.id, completed_at=now)
        db.session.add(completion)
        db.session.flush()
    records.record_participation(
        user_id=user_id,
        kind=records.ParticipationKind.COURSE,
        source_key=f"course:{course.id}:user:{user_id}",
        title=course.title_zh,
        occurred_on=local_date(completion.completed_at),
        category=course.category.value,
        credit_hours=course.credit_hours,
        result="completed",
    )
    return completion


# --- what learners see ------------------------------------------------------------------


@dataclass(frozen=True)
class LessonStatus:
    lesson: Lesson
    title: str
    is_done: bool
    is_check_passed: bool

    @property
    def is_finished(self) -> bool:
        return self.is_done and (self.is_check_passed or not self.lesson.check_zh)


@dataclass(frozen=True)
class CourseOutline:
    course: Course
    title: str
    summary: str
    lessons: list[LessonStatus]
    percent: int
    resume: Lesson | None  # where "continue" takes the learner
    is_started: bool
    completed_at: datetime | None


def course_outline(user_id: int, course: Course, locale: str) -> CourseOutline:
    """The course as one learner stands with it: each lesson's state, progress, where to resume."""
    return course_outlines(user_id, [course], locale)[0]


def course_outlines(user_id: int, courses: Sequence[Course], locale: str) -> list[CourseOutline]:
    """``course_outline`` of each of ``courses``, in order, in three statements whatever their
    number (their lessons, the learner's progress, the learner's completions)."""
    course_ids = [course.id for course in courses]
    if not course_ids:
        return []
    _load_lessons(courses)
    lessons_of = {course.id: active_lessons(course) for course in courses}
    lesson_ids = [lesson.id for lessons in lessons_of.values() for lesson in lessons]
    progress: dict[int, LessonProgress] = {
        p.lesson_id: p
        for p in db.session.scalars(
            sa.select(LessonProgress).where(
                LessonProgress.user_id == user_id, LessonProgress.lesson_id.in_(lesson_ids)
            )
        )
    }
    completed: dict[int, datetime] = dict(
        db.session.execute(
            sa.select(CourseCompletion.course_id, CourseCompletion.completed_at).where(
                CourseCompletion.user_id == user_id, CourseCompletion.course_id.in_(course_ids)
            )
        ).all()
    )
    return [
        _outline(course, lessons_of[course.id], progress, completed.get(course.id), locale)
        for course in courses
    ]


def _load_lessons(courses: Sequence[Course]) -> None:
    """The lessons of every course not yet holding them, in one statement, set as each
    course's loaded collection: ``active_lessons`` then costs nothing, instead of one
    lazy load per course."""
    unloaded = [course for course in courses if "lessons" not in sa.inspect(course).dict]
    if not unloaded:
        return
    lessons: dict[int, list[Lesson]] = {course.id: [] for course in unloaded}
    for lesson in db.session.scalars(
        sa.select(Lesson).where(Lesson.course_id.in_(lessons)).order_by(Lesson.position)
    ):
        lessons[lesson.course_id].append(lesson)
    for course in unloaded:
        set_committed_value(course, "lessons", lessons[course.id])


def _outline(
    course: Course,
    lessons: list[Lesson],
    progress: dict[int, LessonProgress],
    completed_at: datetime | None,
    locale: str,
) -> CourseOutline:
    statuses = []
    steps = done_steps = 0
    opened = []
    for lesson in lessons:
        row = progress.get(lesson.id)
        if row is not None:
            opened.append(row)
        status = LessonStatus(
            lesson,
            in_language(lesson, locale).title,
            is_done=bool(row and row.done_at),
            is_check_passed=bool(row and row.check_passed_at),
        )
        statuses.append(status)
        steps += 2 if lesson.check_zh else 1
        done_steps += int(status.is_done) + (int(status.is_check_passed) if lesson.check_zh else 0)
    last = max(opened, key=lambda p: p.last_opened_at, default=None)
    unfinished = next((s.lesson for s in statuses if not s.is_finished), None)
    if last is not None:
        last_status = next(s for s in statuses if s.lesson.id == last.lesson_id)
        resume = last_status.lesson if not last_status.is_finished else unfinished
    else:
        resume = lessons[0] if lessons else None
    return CourseOutline(
        course=course,
        title=course_title(course, locale),
        summary=course_summary(course, locale),
        lessons=statuses,
        percent=round(100 * done_steps / steps) if steps else 0,
        resume=resume or (lessons[0] if lessons else None),
        is_started=bool(opened),
        completed_at=completed_at,
    )


@dataclass(frozen=True)
class LessonHit:
    course: Course
    lesson: Lesson
    title: str


@dataclass(frozen=True)
class Catalogue:
    courses: list[Course]
    lesson_hits: list[LessonHit]


def curriculum_order(course: Course) -> tuple[int, int]:
    """Courses in the order agents take them: the categories' order, then age."""
    return list(CourseCategory).index(course.category), course.id


def catalogue(
    query: str = "", category: str | None = None, level: str | None = None, locale: str = "zh_Hans"
) -> Catalogue:
    """Courses open to learners, filtered; a query also finds lessons, in either language.

    Chinese has no spaces between words, so matching is by substring: 投诉
    finds every course and lesson that mentions it.
    """
    stmt = sa.select(Course).where(Course.is_retired.is_(False)).order_by(Course.id)
    if category:
        stmt = stmt.where(Course.category == category)
    courses = sorted(db.session.scalars(stmt), key=curriculum_order)
    if level:
        courses = [c for c in courses if level in c.levels]
    text = query.strip()
    hits: list[LessonHit] = []
    if text:
        matching_lessons = list(
            db.session.scalars(
                sa.select(Lesson)
                .where(
                    Lesson.is_retired.is_(False),
                    Lesson.course_id.in_([c.id for c in courses]),
                    sa.or_(
                        *[
                            column.contains(text, autoescape=True)
                            for column in (
                                Lesson.title_zh,
                                Lesson.title_en,
                                Lesson.body_zh,
                                Lesson.body_en,
                            )
                        ]
                    ),
                )
                .order_by(Lesson.course_id, Lesson.position)
            )
        )
        by_id = {c.id: c for c in courses}
        folded = text.casefold()

        def named(*titles: str | None) -> bool:
            return any(folded in (title or "").casefold() for title in titles)

        # A lesson named after the search, in a course named after it, comes before one
        # that only mentions it.
        matching_lessons.sort(
            key=lambda lesson: (
                not named(lesson.title_zh, lesson.title_en),
                not named(by_id[lesson.course_id].title_zh, by_id[lesson.course_id].title_en),
            )
        )
        hits = [
            LessonHit(by_id[lesson.course_id], lesson, in_language(lesson, locale).title)
            for lesson in matching_lessons
        ]
        hit_courses = {hit.course.id for hit in hits}
        courses = [
            c
            for c in courses
            if c.id in hit_courses
            or any(
                folded in (v or "").casefold()
                for v in (c.title_zh, c.title_en, c.summary_zh, c.summary_en)
            )
        ]
    return Catalogue(courses, hits)


@dataclass(frozen=True)
class MyLearning:
    in_progress: list[CourseOutline]
    not_started: list[CourseOutline]
    completed: list[CourseOutline]
    hours_earned: Decimal


def my_learning(user_id: int, level: str | None, locale: str) -> MyLearning:
    """The learner's courses: those for their level not yet started, in progress, completed."""
    outlines = course_outlines(
        user_id,
        sorted(
            db.session.scalars(sa.select(Course).where(Course.is_retired.is_(False))),
            key=curriculum_order,
        ),
        locale,
    )
    completed = [o for o in outlines if o.completed_at]
    in_progress = [o for o in outlines if o.is_started and not o.completed_at]
    not_started = [
        o
        for o in outlines
        if not o.is_started and not o.completed_at and (level is None or level in o.course.levels)
    ]
    hours = sum((o.course.credit_hours for o in completed), Decimal(0))
    return MyLearning(in_progress, not_started, completed, hours)


# --- for trainers -------------------------------------------------------------------------


@dataclass(frozen=True)
class LearnerRow:
    employee_no: str
    name: str
    department: str | None
    started_at: datetime
    lessons_finished: int
    lessons_total: int
    percent: int
    completed_at: datetime | None


def learner_progress(course: Course, department_id: int | None = None) -> list[LearnerRow]:
    """Everyone who started ``course``: how far they are and when they completed it."""
    lessons = active_lessons(course)
    lesson_ids = [lesson.id for lesson in lessons]
    with_check = {lesson.id for lesson in lessons if lesson.check_zh}
    by_user: dict[int, list[LessonProgress]] = {}
    for row in db.session.scalars(
        sa.select(LessonProgress).where(LessonProgress.lesson_id.in_(lesson_ids))
    ):
        by_user.setdefault(row.user_id, []).append(row)
    completions = {
        c.user_id: c.completed_at
        for c in db.session.scalars(
            sa.select(CourseCompletion).where(CourseCompletion.course_id == course.id)
        )
    }
    steps = len(lessons) + len(with_check)
    rows = []
    for person in accounts.people_summaries(by_user, department_id):
        progress = by_user[person.id]
        finished = sum(
            1
            for p in progress
            if p.done_at and (p.check_passed_at or p.lesson_id not in with_check)
        )
        done_steps = sum(
            int(p.done_at is not None) + int(p.check_passed_at is not None) for p in progress
        )
        rows.append(
            LearnerRow(
                person.employee_no,
                person.name,
                person.department,
                min(p.first_opened_at for p in progress),
                finished,
                len(lessons),
                round(100 * done_steps / steps) if steps else 0,
                completions.get(person.id),
            )
        )
    return rows


def learner_progress_table(rows: Sequence[LearnerRow]) -> tuple[list[str], list[list[Any]]]:
    """Headers and values of the progress table, as exported to CSV and Excel."""
    zone = ZoneInfo(current_app.config["LMS_TIMEZONE"])

    def local(moment: datetime | None) -> str:
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""

    headers = [
        _("Employee no."),
        _("Full name"),
        _("Department"),
        _("Started"),
        _("Lessons finished"),
        _("Progress (%)"),
        _("Completed"),
    ]
    values = [
        [
            r.employee_no,
            r.name,
            r.department or "",
            local(r.started_at),
            f"{r.lessons_finished}/{r.lessons_total}",
            r.percent,
            local(r.completed_at),
        ]
        for r in rows
    ]
    return headers, values


# --- for other areas, in bulk -----------------------------------------------------------


def completion_dates(course_id: int, user_ids: Iterable[int]) -> dict[int, date]:
    """The date each of ``user_ids`` completed the course, dated as its ledger row is (the
    local date of ``completed_at``, see ``complete_if_finished``); those who have not
    completed it are left out. One statement per 500 people."""
    return completion_dates_of([course_id], user_ids).get(course_id, {})


def completion_dates_of(
    course_ids: Iterable[int], user_ids: Iterable[int]
) -> dict[int, dict[int, date]]:
    """``completion_dates`` of several courses at once, by course: one statement per 500
    people whatever the number of courses."""
    chunk = 500  # ids per IN (...) list, well under every database's limit on parameters
    ids = sorted(set(user_ids))
    courses = sorted(set(course_ids))
    dates: dict[int, dict[int, date]] = {}
    for start in range(0, len(ids) if courses else 0, chunk):
        rows = db.session.execute(
            sa.select(
                CourseCompletion.course_id, CourseCompletion.user_id, CourseCompletion.completed_at
            ).where(
                CourseCompletion.course_id.in_(courses),
                CourseCompletion.user_id.in_(ids[start : start + chunk]),
            )
        )
        for course_id, user_id, completed_at in rows:
            dates.setdefault(course_id, {})[user_id] = local_date(completed_at)
    return dates


def completions_by_slug(
    course_slugs: Iterable[str], user_ids: Iterable[int] | sa.Select[tuple[int]]
) -> dict[int, dict[str, date]]:
    """For each of ``user_ids`` who completed any of the courses named by ``course_slugs``:
    course slug -> the date completed (dated as ``completion_dates`` dates it). One
    statement per 500 ids given as a list; one statement in all when ``user_ids`` is a
    select of ids (one column)."""
    slugs = sorted(set(course_slugs))
    found: dict[int, dict[str, date]] = {}
    if not slugs:
        return found
    base = (
        sa.select(CourseCompletion.user_id, Course.slug, CourseCompletion.completed_at)
        .join(Course, Course.id == CourseCompletion.course_id)
        .where(Course.slug.in_(slugs))
    )
    if isinstance(user_ids, sa.Select):
        statements = [base.where(CourseCompletion.user_id.in_(user_ids.scalar_subquery()))]
    else:
        ids = sorted(set(user_ids))
        statements = [
            base.where(CourseCompletion.user_id.in_(ids[start : start + 500]))
            for start in range(0, len(ids), 500)
        ]
    for statement in statements:
        # .all(): one fetch of every row, not a call into the driver per row.
        for user_id, slug, completed_at in db.session.execute(statement).all():
            found.setdefault(user_id, {})[slug] = local_date(completed_at)
    return found


def course_titles(course_slugs: Iterable[str]) -> dict[str, tuple[str, str | None]]:
    """(Chinese title, English title) of the courses named by ``course_slugs``; one statement."""
    slugs = sorted(set(course_slugs))
    if not slugs:
        return {}
    rows = db.session.execute(
        sa.select(Course.slug, Course.title_zh, Course.title_en).where(Course.slug.in_(slugs))
    )
    return {slug: (title_zh, title_en) for slug, title_zh, title_en in rows}

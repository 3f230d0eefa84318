"""Courses: loading content/ into the database (and, next, the lesson player and progress)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from lms.courses.content import ContentProblems, CourseSpec, read_course
from lms.courses.models import Course, Lesson
from lms.extensions import db


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

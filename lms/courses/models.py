"""Courses and lessons as loaded from content/, and each learner's progress through them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.database import LabelledEnum, UtcDateTime, utcnow
from lms.extensions import db


class CourseCategory(LabelledEnum):
    SERVICE_STANDARDS = "service-standards", _l("Service standards")
    PRODUCT_KNOWLEDGE = "product-knowledge", _l("Product knowledge")
    COMMUNICATION = "communication", _l("Communication")
    COMPLAINT_HANDLING = "complaint-handling", _l("Complaint handling")
    CONFIDENTIALITY = "confidentiality", _l("Confidentiality")
    SERVICE_QUALITY = "service-quality", _l("Service quality")


class Course(db.Model):
    """A course from ``content/courses/<slug>/``; retired, never deleted, when its folder goes."""

    __tablename__ = "course"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    title_zh: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str | None] = mapped_column(sa.String(200))
    summary_zh: Mapped[str] = mapped_column(sa.Text)
    summary_en: Mapped[str | None] = mapped_column(sa.Text)
    category: Mapped[CourseCategory] = mapped_column(CourseCategory.column_type(30))
    credit_hours: Mapped[Decimal] = mapped_column(sa.Numeric(4, 1))
    levels: Mapped[list[str]] = mapped_column(sa.JSON)
    pass_mark: Mapped[int]
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    is_retired: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="course", order_by="Lesson.position"
    )


class Lesson(db.Model):
    """A lesson, identified within its course by its slug (the file name without ``NN-``),
    so that reordering files keeps learners' progress."""

    __tablename__ = "lesson"
    __table_args__ = (sa.UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(80))
    position: Mapped[int]
    title_zh: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str | None] = mapped_column(sa.String(200))
    body_zh: Mapped[str] = mapped_column(sa.Text)
    body_en: Mapped[str | None] = mapped_column(sa.Text)
    minutes: Mapped[int]
    # The knowledge check as parsed GIFT questions, per language, in the same order.
    check_zh: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    check_en: Mapped[list[dict[str, Any]] | None] = mapped_column(sa.JSON)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    is_retired: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    course: Mapped[Course] = relationship(back_populates="lessons")


class LessonProgress(db.Model):
    """Where one learner stands with one lesson."""

    __tablename__ = "lesson_progress"
    __table_args__ = (sa.UniqueConstraint("user_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    lesson_id: Mapped[int] = mapped_column(sa.ForeignKey("lesson.id"), index=True)
    first_opened_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_opened_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    check_passed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    best_check_percent: Mapped[int | None]
    check_tries: Mapped[int] = mapped_column(default=0)


class CourseCompletion(db.Model):
    """A learner finished a course: every lesson done and every check passed. Written once."""

    __tablename__ = "course_completion"
    __table_args__ = (sa.UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id"), index=True)
    completed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

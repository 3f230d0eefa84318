"""An exam: the rules for drawing its questions, timing, attempts, pass mark and review."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.database import LabelledEnum, UtcDateTime, utcnow
from lms.extensions import db


class ExamStatus(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    PUBLISHED = "published", _l("Published")
    ARCHIVED = "archived", _l("Archived")


class GradingMethod(LabelledEnum):
    """Which attempt's grade counts when an exam allows several (Moodle's grading method)."""

    HIGHEST = "highest", _l("Highest grade")
    AVERAGE = "average", _l("Average grade")
    FIRST = "first", _l("First attempt")
    LAST = "last", _l("Last attempt")


#: Moodle's review options matrix: what a learner sees of a finished attempt...
REVIEW_ITEMS = ("answers", "correctness", "marks", "feedback", "right_answers")
#: ...and when: within two minutes of finishing, later while the exam is open, after it closes.
REVIEW_TIMES = ("immediately", "open", "closed")


class Exam(db.Model):
    """An exam definition. ``slug`` names a seeded exam so ``flask content sync`` finds it."""

    __tablename__ = "exam"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str | None] = mapped_column(sa.String(100), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str | None] = mapped_column(sa.String(200))
    instructions: Mapped[str] = mapped_column(sa.Text, default="")
    instructions_en: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[ExamStatus] = mapped_column(ExamStatus.column_type(20), default=ExamStatus.DRAFT)
    time_limit_minutes: Mapped[int | None]
    pass_percent: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2), default=Decimal(60))
    max_attempts: Mapped[int | None]
    grading_method: Mapped[GradingMethod] = mapped_column(
        GradingMethod.column_type(20), default=GradingMethod.HIGHEST
    )
    attempt_wait_minutes: Mapped[int] = mapped_column(default=0)
    opens_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    shuffle_questions: Mapped[bool] = mapped_column(default=True)
    shuffle_options: Mapped[bool] = mapped_column(default=True)
    # {"roles": [...], "department_ids": [...], "levels": [...], "hired_after": "YYYY-MM-DD"};
    # an empty list or a missing key does not restrict.
    audience: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    # {time: [item, ...]} over REVIEW_TIMES and REVIEW_ITEMS.
    review: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    certificate_months: Mapped[int | None]
    content_hash: Mapped[str | None] = mapped_column(sa.String(64))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    draw_rules: Mapped[list[ExamDrawRule]] = relationship(
        back_populates="exam", order_by="ExamDrawRule.position", cascade="all, delete-orphan"
    )


class ExamDrawRule(db.Model):
    """One line of an exam's paper: a fixed question, or N drawn at random from a category."""

    __tablename__ = "exam_draw_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(sa.ForeignKey("exam.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    question_id: Mapped[int | None] = mapped_column(sa.ForeignKey("question.id"))
    category_id: Mapped[int | None] = mapped_column(sa.ForeignKey("question_category.id"))
    include_subcategories: Mapped[bool] = mapped_column(default=True)
    count: Mapped[int] = mapped_column(default=1)
    tag_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tag.id"))
    difficulty: Mapped[str | None] = mapped_column(sa.String(10))
    # Question types the draw may take; empty takes every type that can be answered.
    question_types: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    mark: Mapped[float] = mapped_column(default=1.0)

    exam: Mapped[Exam] = relationship(back_populates="draw_rules")


class ExamOverride(db.Model):
    """One person's accommodation: more time, more attempts, or another window."""

    __tablename__ = "exam_override"
    __table_args__ = (sa.UniqueConstraint("exam_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(sa.ForeignKey("exam.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    extra_minutes: Mapped[int] = mapped_column(default=0)
    extra_attempts: Mapped[int] = mapped_column(default=0)
    opens_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reason: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

"""An attempt at an exam and its answers: what was drawn, what the learner saved, the marks."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.database import LabelledEnum, UtcDateTime, utcnow
from lms.extensions import db


class AttemptState(LabelledEnum):
    """``in_progress → submitted → graded`` or ``in_progress → expired → graded``.

    Only ``in_progress`` accepts answers; every move is one guarded UPDATE.
    """

    IN_PROGRESS = "in_progress", _l("In progress")
    SUBMITTED = "submitted", _l("Submitted")
    EXPIRED = "expired", _l("Time ran out")
    GRADED = "graded", _l("Graded")


class Attempt(db.Model):
    __tablename__ = "attempt"
    __table_args__ = (
        sa.UniqueConstraint("exam_id", "user_id", "number"),
        sa.Index("ix_attempt_state_deadline_at", "state", "deadline_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(sa.ForeignKey("exam.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    number: Mapped[int]
    state: Mapped[AttemptState] = mapped_column(
        AttemptState.column_type(20), default=AttemptState.IN_PROGRESS
    )
    # The language the questions were shown in; grading reads that language's payload,
    # since a typed or matched answer is in the words the learner saw.
    language: Mapped[str] = mapped_column(sa.String(10), default="zh")
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Fixed at start (time limit, capped by the closing time); the page's timer only shows it.
    deadline_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    graded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    marks: Mapped[Decimal | None] = mapped_column(sa.Numeric(9, 4))
    max_marks: Mapped[Decimal] = mapped_column(sa.Numeric(9, 4), default=Decimal(0))
    percent: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    is_passed: Mapped[bool | None]
    last_saved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    answers: Mapped[list[Answer]] = relationship(
        back_populates="attempt", order_by="Answer.position", cascade="all, delete-orphan"
    )


class Answer(db.Model):
    """One question of an attempt: the version shown, how it was laid out, and the response.

    ``revision`` counts the saves; a save names the revision it replaces, so a tab
    that has not seen the latest save cannot overwrite it. ``save_token`` is the
    client's id of the last save, so a save re-sent after a lost reply is recognised.
    """

    __tablename__ = "attempt_answer"
    __table_args__ = (sa.UniqueConstraint("attempt_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        sa.ForeignKey("attempt.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("question.id"), index=True)
    question_version_id: Mapped[int] = mapped_column(sa.ForeignKey("question_version.id"))
    max_mark: Mapped[float] = mapped_column(default=1.0)
    # The order options were shown in (indexes into the payload), fixed at start.
    layout: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    response: Mapped[Any | None] = mapped_column(sa.JSON)
    revision: Mapped[int] = mapped_column(default=0)
    save_token: Mapped[str | None] = mapped_column(sa.String(64))
    saved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    is_flagged: Mapped[bool] = mapped_column(default=False)
    fraction: Mapped[float | None]
    mark: Mapped[float | None]
    needs_grading: Mapped[bool] = mapped_column(default=False)
    feedback: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    grader_comment: Mapped[str | None] = mapped_column(sa.Text)
    graded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    graded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    attempt: Mapped[Attempt] = relationship(back_populates="answers")
    version: Mapped[Any] = relationship("QuestionVersion")


class Regrade(db.Model):
    """A record of one answer regraded after its question's key was corrected."""

    __tablename__ = "attempt_regrade"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("attempt.id"), index=True)
    answer_id: Mapped[int] = mapped_column(sa.ForeignKey("attempt_answer.id"))
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("question.id"), index=True)
    old_version_id: Mapped[int] = mapped_column(sa.ForeignKey("question_version.id"))
    new_version_id: Mapped[int] = mapped_column(sa.ForeignKey("question_version.id"))
    old_mark: Mapped[float | None]
    new_mark: Mapped[float | None]
    old_percent: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    new_percent: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    regraded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    regraded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

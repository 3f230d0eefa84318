"""Monthly refresher programmes and each agent's assignment."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.database import LabelledEnum, UtcDateTime, utcnow
from lms.extensions import db


class RefresherStatus(LabelledEnum):
    """Where one assignment stands; computed from its due date and completion, never stored."""

    DUE = "due", _l("Due")
    ON_TIME = "on_time", _l("Done on time")
    LATE = "late", _l("Done late")
    MISSED = "missed", _l("Missed")


class RefresherProgramme(db.Model):
    """A month's refresher: one course or one quiz (an exam) for an audience, due by a date."""

    __tablename__ = "refresher_programme"
    __table_args__ = (
        # Exactly one thing to complete: a course or a quiz.
        sa.CheckConstraint("(course_id IS NULL) <> (exam_id IS NULL)", name="one_item"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(index=True)  # the first day of the month
    title: Mapped[str] = mapped_column(sa.String(200))
    course_id: Mapped[int | None] = mapped_column(sa.ForeignKey("course.id"))
    exam_id: Mapped[int | None] = mapped_column(sa.ForeignKey("exam.id"))
    # accounts.Audience.to_dict(): roles, departments, levels, hired after, named people.
    audience: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    due_on: Mapped[date]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    assignments: Mapped[list[RefresherAssignment]] = relationship(
        back_populates="programme", order_by="RefresherAssignment.id"
    )


class RefresherAssignment(db.Model):
    """One person's part in a programme.

    ``department_id`` is the person's department when assigned, so that a month's
    compliance stays with the team that owed it after someone moves.
    ``completed_on`` is copied from the ledger the first time it is seen, so lists
    and compliance figures read one column instead of the ledger.
    """

    __tablename__ = "refresher_assignment"
    __table_args__ = (sa.UniqueConstraint("programme_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("refresher_programme.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("department.id"))
    assigned_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    completed_on: Mapped[date | None]

    programme: Mapped[RefresherProgramme] = relationship(back_populates="assignments")

    def status(self, today: date) -> RefresherStatus:
        """On time: done on or before the due date (done before the month counts too);
        late: done after it; missed: not done and the due date has passed; else due."""
        due_on = self.programme.due_on
        if self.completed_on is not None:
            return RefresherStatus.ON_TIME if self.completed_on <= due_on else RefresherStatus.LATE
        return RefresherStatus.MISSED if today > due_on else RefresherStatus.DUE

"""Classroom sessions: invitations, waiting list, attendance and ratings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.database import LabelledEnum, UtcDateTime, utcnow
from lms.extensions import db


class TrainingCategory(LabelledEnum):
    """The 培训台账's category of a training; stored on the ledger line as its value."""

    ONBOARDING = "onboarding", _l("Onboarding")
    JOB_SKILLS = "job-skills", _l("Job skills")
    PRODUCT_KNOWLEDGE = "product-knowledge", _l("Product knowledge")
    SERVICE_QUALITY = "service-quality", _l("Service quality")
    COMPLIANCE = "compliance", _l("Compliance and confidentiality")


class InvitationStatus(LabelledEnum):
    INVITED = "invited", _l("Not answered")
    ACCEPTED = "accepted", _l("Accepted")
    WAITING = "waiting", _l("On the waiting list")
    DECLINED = "declined", _l("Declined")
    REMOVED = "removed", _l("Removed")


class Attendance(LabelledEnum):
    PRESENT = "present", _l("Present")
    LATE = "late", _l("Late")
    ABSENT = "absent", _l("Absent")
    EXCUSED = "excused", _l("Excused")

    @property
    def attended(self) -> bool:
        return self in (Attendance.PRESENT, Attendance.LATE)


class ClassroomSession(db.Model):
    """A classroom (or online meeting) training at a fixed time, for an invited audience."""

    __tablename__ = "classroom_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    course_id: Mapped[int | None] = mapped_column(sa.ForeignKey("course.id"))
    category: Mapped[TrainingCategory] = mapped_column(TrainingCategory.column_type(30))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    location: Mapped[str] = mapped_column(sa.String(200))
    capacity: Mapped[int | None]
    trainer_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    # Training time credited to attendees; end minus start unless the trainer says otherwise
    # (a lunch break inside a day-long session).
    minutes: Mapped[int]
    # accounts.Audience.to_dict(): who is invited.
    audience: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    checkin_code: Mapped[str] = mapped_column(sa.String(12))
    is_cancelled: Mapped[bool] = mapped_column(default=False)
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    invitations: Mapped[list[Invitation]] = relationship(
        back_populates="session", order_by="Invitation.id"
    )


class Invitation(db.Model):
    """One person invited to one session: their answer, their place, their attendance."""

    __tablename__ = "session_invitation"
    __table_args__ = (sa.UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("classroom_session.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    status: Mapped[InvitationStatus] = mapped_column(InvitationStatus.column_type(20))
    invited_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # The waiting list is in the order of acceptance: this is when they last answered.
    responded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    attendance: Mapped[Attendance | None] = mapped_column(Attendance.column_type(20))
    attendance_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Wrong check-in codes typed; past the limit the person is refused so codes cannot be guessed.
    wrong_codes: Mapped[int] = mapped_column(default=0)

    session: Mapped[ClassroomSession] = relationship(back_populates="invitations")


class SessionRating(db.Model):
    """An attendee's rating of a session, once. Shown to trainers without the author."""

    __tablename__ = "session_rating"
    __table_args__ = (sa.UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("classroom_session.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    efficiency: Mapped[int] = mapped_column(sa.SmallInteger)
    professionalism: Mapped[int] = mapped_column(sa.SmallInteger)
    clarity: Mapped[int] = mapped_column(sa.SmallInteger)
    usefulness: Mapped[int] = mapped_column(sa.SmallInteger)
    overall: Mapped[int] = mapped_column(sa.SmallInteger)
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

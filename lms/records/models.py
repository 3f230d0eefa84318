"""The participation ledger: one row per thing an agent took part in."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from lms.database import UtcDateTime, utcnow
from lms.extensions import db


class ParticipationKind(enum.StrEnum):
    COURSE = "course"
    EXAM = "exam"
    REFRESHER = "refresher"
    CLASSROOM = "classroom"
    EXTERNAL = "external"

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self])


KIND_LABELS = {
    ParticipationKind.COURSE: _l("Online course"),
    ParticipationKind.EXAM: _l("Exam"),
    ParticipationKind.REFRESHER: _l("Monthly refresher"),
    ParticipationKind.CLASSROOM: _l("Classroom session"),
    ParticipationKind.EXTERNAL: _l("External training"),
}


class TrainingMethod(enum.StrEnum):
    ONLINE = "online"
    INTERNAL = "internal"
    EXTERNAL = "external"


def _enum(cls: type[enum.Enum]) -> sa.Enum:
    return sa.Enum(
        cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]
    )


class ParticipationRecord(db.Model):
    """A line of the 培训台账. Written only by ``records.services.record_participation``.

    ``source_key`` names what produced the row (``course:12:user:34``), so that
    writing the same participation twice gives one row.
    """

    __tablename__ = "participation_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    kind: Mapped[ParticipationKind] = mapped_column(_enum(ParticipationKind))
    source_key: Mapped[str] = mapped_column(sa.String(120), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    category: Mapped[str | None] = mapped_column(sa.String(50))
    method: Mapped[TrainingMethod] = mapped_column(_enum(TrainingMethod))
    occurred_on: Mapped[date]
    # Time spent; 学时 are computed from it by HR's settings unless the source
    # declares its 学时 outright (a course's hours in course.yaml).
    minutes: Mapped[int | None]
    credit_hours: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 1))
    result: Mapped[str | None] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

"""The participation ledger: one row per thing an agent took part in."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from lms.database import LabelledEnum, UtcDateTime, utcnow
from lms.extensions import db


class ParticipationKind(LabelledEnum):
    COURSE = "course", _l("Online course")
    EXAM = "exam", _l("Exam")
    REFRESHER = "refresher", _l("Monthly refresher")
    CLASSROOM = "classroom", _l("Classroom session")
    EXTERNAL = "external", _l("External training")


class TrainingMethod(LabelledEnum):
    ONLINE = "online", _l("Online")
    INTERNAL = "internal", _l("Internal")
    EXTERNAL = "external", _l("External")


class ParticipationRecord(db.Model):
    """A line of the 培训台账. Written only by ``records.services.record_participation``.

    ``source_key`` names what produced the row (``course:12:user:34``), so that
    writing the same participation twice gives one row.
    """

    __tablename__ = "participation_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    kind: Mapped[ParticipationKind] = mapped_column(ParticipationKind.column_type(20))
    source_key: Mapped[str] = mapped_column(sa.String(120), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    category: Mapped[str | None] = mapped_column(sa.String(50))
    method: Mapped[TrainingMethod] = mapped_column(TrainingMethod.column_type(20))
    occurred_on: Mapped[date]
    # Time spent; 学时 are computed from it by HR's settings unless the source
    # declares its 学时 outright (a course's hours in course.yaml).
    minutes: Mapped[int | None]
    credit_hours: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 1))
    result: Mapped[str | None] = mapped_column(sa.String(100))
    # An exam's percentage; other kinds leave it empty.
    score: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    # The 培训台账's other columns: who taught, where, attendance (present, late, ...) and
    # the participant's evaluation of it (a classroom rating, "4.6/5").
    trainer: Mapped[str | None] = mapped_column(sa.String(100))
    location: Mapped[str | None] = mapped_column(sa.String(200))
    attendance: Mapped[str | None] = mapped_column(sa.String(20))
    evaluation: Mapped[str | None] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class HoursSettings(db.Model):
    """HR's rules for turning minutes into 学时; one row (id 1), absent until HR saves.

    ``rounding_tenths`` is the step hours are rounded down to, in tenths (5: half a 学时),
    so that the same integer arithmetic gives the same figure in Python and in SQL.
    """

    __tablename__ = "hours_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_per_hour: Mapped[int] = mapped_column(default=45)
    rounding_tenths: Mapped[int] = mapped_column(default=5)
    minimum_minutes: Mapped[int] = mapped_column(default=20)
    daily_cap_hours: Mapped[Decimal] = mapped_column(sa.Numeric(4, 1), default=Decimal(8))
    # Level value -> 学时 expected per calendar year, e.g. {"junior": "40"}.
    yearly_targets: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

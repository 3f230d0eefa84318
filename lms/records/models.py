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


class RecordCorrection(db.Model):
    """One field of a ledger line changed by HR, with why. Never edited or deleted.

    A field with a correction is pinned: when the source writes the record again
    (``record_participation``), the corrected value stays.
    """

    __tablename__ = "record_correction"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(sa.ForeignKey("participation_record.id"), index=True)
    field: Mapped[str] = mapped_column(sa.String(30))
    old_value: Mapped[str | None] = mapped_column(sa.String(200))
    new_value: Mapped[str | None] = mapped_column(sa.String(200))
    reason: Mapped[str] = mapped_column(sa.String(300))
    corrected_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    corrected_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ExternalStatus(LabelledEnum):
    PENDING = "pending", _l("Waiting for approval")
    APPROVED = "approved", _l("Approved")
    REJECTED = "rejected", _l("Rejected")


class ExternalTraining(db.Model):
    """Training an agent took elsewhere (a seminar, an outside certification), entered by HR
    with its evidence. It reaches the ledger only when a second HR person approves it."""

    __tablename__ = "external_training"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    provider: Mapped[str] = mapped_column(sa.String(200))
    category: Mapped[str | None] = mapped_column(sa.String(50))
    occurred_on: Mapped[date]
    minutes: Mapped[int | None]
    credit_hours: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 1))
    result: Mapped[str | None] = mapped_column(sa.String(100))
    evidence_name: Mapped[str] = mapped_column(sa.String(200))
    evidence_type: Mapped[str] = mapped_column(sa.String(50))
    evidence_size: Mapped[int]
    # Deferred: lists of pending entries must not load every scanned certificate.
    evidence: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    status: Mapped[ExternalStatus] = mapped_column(
        ExternalStatus.column_type(20), default=ExternalStatus.PENDING, index=True
    )
    entered_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    entered_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    rejection_reason: Mapped[str | None] = mapped_column(sa.String(300))
    record_id: Mapped[int | None] = mapped_column(sa.ForeignKey("participation_record.id"))


class Policy(db.Model):
    """A published version of the confidentiality policy (保密承诺). The highest version
    published is in force; publishing a new one asks every agent to acknowledge again."""

    __tablename__ = "policy"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str | None] = mapped_column(sa.String(200))
    # Markdown, rendered through the shared allow-list.
    body: Mapped[str] = mapped_column(sa.Text)
    body_en: Mapped[str | None] = mapped_column(sa.Text)
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    published_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class PolicyAcknowledgement(db.Model):
    """A person read and agreed to one version of the policy."""

    __tablename__ = "policy_acknowledgement"
    __table_args__ = (sa.UniqueConstraint("policy_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(sa.ForeignKey("policy.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    acknowledged_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

"""Certificates issued for passed exams, and the seal HR prints on them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lms.database import UtcDateTime, utcnow
from lms.extensions import db


class Certificate(db.Model):
    """Proof that ``user`` passed ``exam``; verified publicly by its serial number.

    The holder's name is kept as printed, so a later rename does not change an issued
    certificate. Revoking keeps the row: verification must still answer "revoked".
    """

    __tablename__ = "certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(sa.String(40), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    exam_id: Mapped[int] = mapped_column(sa.ForeignKey("exam.id"), index=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("attempt.id"), unique=True)
    holder_name: Mapped[str] = mapped_column(sa.String(100))
    score_percent: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2))
    issued_on: Mapped[date]
    expires_on: Mapped[date | None] = mapped_column(index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    revoke_reason: Mapped[str | None] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CertificateSeal(db.Model):
    """An uploaded seal image; the newest one is printed on certificates."""

    __tablename__ = "certificate_seal"

    id: Mapped[int] = mapped_column(primary_key=True)
    mime_type: Mapped[str] = mapped_column(sa.String(50))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

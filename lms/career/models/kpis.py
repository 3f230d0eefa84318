"""KPI figures per agent per month, the imports that brought them and what each replaced."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lms.database import UtcDateTime, utcnow
from lms.extensions import db

# Wide enough for every metric of the registry (3600 seconds, NPS -100) with two decimals.
KPI_NUMBER = sa.Numeric(9, 2)


class KpiImport(db.Model):
    """One accepted KPI file. A rejected file leaves no row: it changed nothing."""

    __tablename__ = "kpi_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    # Not unique: after a later file replaced some of its figures, the same file may be
    # imported again to restore them.
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    imported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    rows: Mapped[int]
    agents: Mapped[int]
    values_written: Mapped[int]
    values_replaced: Mapped[int]
    # The months the file held figures for, "2026-11", in order.
    months: Mapped[list[str]] = mapped_column(sa.JSON, default=list)


class KpiValue(db.Model):
    """One figure: an agent's value of one metric in one month (``month`` is its first day)."""

    __tablename__ = "kpi_value"
    __table_args__ = (sa.UniqueConstraint("user_id", "month", "metric"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    month: Mapped[date]
    metric: Mapped[str] = mapped_column(sa.String(40))
    value: Mapped[Decimal] = mapped_column(KPI_NUMBER)
    import_id: Mapped[int] = mapped_column(sa.ForeignKey("kpi_import.id"), index=True)


class KpiChange(db.Model):
    """A figure a later import replaced (or removed, ``new_value`` None), kept for audit."""

    __tablename__ = "kpi_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(sa.ForeignKey("kpi_import.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    month: Mapped[date]
    metric: Mapped[str] = mapped_column(sa.String(40))
    old_value: Mapped[Decimal] = mapped_column(KPI_NUMBER)
    new_value: Mapped[Decimal | None] = mapped_column(KPI_NUMBER)
    # The import the old figure came from.
    old_import_id: Mapped[int] = mapped_column(sa.ForeignKey("kpi_import.id"))

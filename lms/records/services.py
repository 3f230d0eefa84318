"""Writing to and reading from the participation ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from lms.extensions import db
from lms.records.hours import (
    TENTH,
    HoursRules,
    credited_hours,
    daily_tenths,
    record_tenths,
    record_tenths_sql,
)
from lms.records.models import (
    HoursSettings,
    ParticipationKind,
    ParticipationRecord,
    TrainingMethod,
)

__all__ = [
    "HoursRules",
    "credited_hours",
    "daily_tenths",
    "hours_settings",
    "record_tenths_sql",
    "ParticipationKind",
    "TrainingMethod",
    "hours_of",
    "record_participation",
    "records_of",
    "training_record",
]


def record_participation(
    *,
    user_id: int,
    kind: ParticipationKind,
    source_key: str,
    title: str,
    occurred_on: date,
    method: TrainingMethod = TrainingMethod.ONLINE,
    category: str | None = None,
    minutes: int | None = None,
    credit_hours: Decimal | None = None,
    result: str | None = None,
    score: Decimal | None = None,
    trainer: str | None = None,
    location: str | None = None,
    attendance: str | None = None,
    evaluation: str | None = None,
) -> ParticipationRecord:
    """Write one participation, idempotently on ``source_key``.

    Writing the same source again updates the row (a regrade changes the
    result) instead of adding another; the first date and owner stay.
    """
    details = {
        "title": title[:200],
        "method": method,
        "category": category,
        "minutes": minutes,
        "credit_hours": credit_hours,
        "result": result,
        "score": score,
        "trainer": trainer,
        "location": location,
        "attendance": attendance,
        "evaluation": evaluation,
    }
    record = db.session.scalar(
        sa.select(ParticipationRecord).where(ParticipationRecord.source_key == source_key)
    )
    if record is None:
        record = ParticipationRecord(
            user_id=user_id, kind=kind, source_key=source_key, occurred_on=occurred_on
        )
        try:
            with db.session.begin_nested():
                _fill(record, details)
                db.session.add(record)
        except IntegrityError:  # the same source written by a parallel request
            record = db.session.scalar(
                sa.select(ParticipationRecord)
                .where(ParticipationRecord.source_key == source_key)
                .execution_options(populate_existing=True)
            )
            assert record is not None
    if record.user_id != user_id or record.kind != kind:
        raise ValueError(f"source key {source_key!r} already belongs to another participation")
    _fill(record, details)
    db.session.flush()
    return record


def _fill(record: ParticipationRecord, details: dict[str, object]) -> None:
    for name, value in details.items():
        setattr(record, name, value)


def records_of(user_id: int) -> list[ParticipationRecord]:
    """Everything ``user_id`` took part in, newest first."""
    return list(
        db.session.scalars(
            sa.select(ParticipationRecord)
            .where(ParticipationRecord.user_id == user_id)
            .order_by(ParticipationRecord.occurred_on.desc(), ParticipationRecord.id.desc())
        )
    )


def hours_settings() -> HoursRules:
    """HR's 学时 rules in force (the defaults until HR saves their own)."""
    row = db.session.get(HoursSettings, 1)
    if row is None:
        return HoursRules()
    return HoursRules(
        minutes_per_hour=row.minutes_per_hour,
        rounding_tenths=row.rounding_tenths,
        minimum_minutes=row.minimum_minutes,
        daily_cap_hours=Decimal(row.daily_cap_hours),
        yearly_targets={level: Decimal(v) for level, v in (row.yearly_targets or {}).items()},
    )


def hours_of(record: ParticipationRecord, rules: HoursRules | None = None) -> Decimal:
    """The 学时 one record counts for on its own (before the daily cap)."""
    rules = rules or hours_settings()
    return record_tenths(rules, record.credit_hours, record.minutes) * TENTH


@dataclass(frozen=True)
class RecordLine:
    record: ParticipationRecord
    hours: Decimal
    result_label: str


def result_label(result: str | None) -> str:
    """A stored result code in words; free text (a score) is shown as it is."""
    labels = {"completed": _("Completed"), "passed": _("Passed"), "failed": _("Not passed")}
    return labels.get(result or "", result or "")


@dataclass(frozen=True)
class TrainingRecord:
    lines: list[RecordLine]
    total_hours: Decimal


def training_record(user_id: int) -> TrainingRecord:
    """One person's ledger with the 学时 of each line and in total."""
    records = records_of(user_id)
    credited = credited_hours(records, hours_settings())
    lines = [
        RecordLine(record, credited[record.id], result_label(record.result)) for record in records
    ]
    return TrainingRecord(lines, sum((line.hours for line in lines), Decimal(0)))

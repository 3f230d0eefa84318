"""Writing to and reading from the participation ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from lms.extensions import db
from lms.records.models import ParticipationKind, ParticipationRecord, TrainingMethod

__all__ = [
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
) -> ParticipationRecord:
    """Write one participation, idempotently on ``source_key``.

    Writing the same source again updates the row (a regrade changes the
    result) instead of adding another; the first date and owner stay.
    """
    record = db.session.scalar(
        sa.select(ParticipationRecord).where(ParticipationRecord.source_key == source_key)
    )
    if record is None:
        record = ParticipationRecord(
            user_id=user_id, kind=kind, source_key=source_key, occurred_on=occurred_on
        )
        try:
            with db.session.begin_nested():
                _fill(record, title, method, category, minutes, credit_hours, result, score)
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
    _fill(record, title, method, category, minutes, credit_hours, result, score)
    db.session.flush()
    return record


def _fill(
    record: ParticipationRecord,
    title: str,
    method: TrainingMethod,
    category: str | None,
    minutes: int | None,
    credit_hours: Decimal | None,
    result: str | None,
    score: Decimal | None,
) -> None:
    record.title = title[:200]
    record.method = method
    record.category = category
    record.minutes = minutes
    record.credit_hours = credit_hours
    record.result = result
    record.score = score


def records_of(user_id: int) -> list[ParticipationRecord]:
    """Everything ``user_id`` took part in, newest first."""
    return list(
        db.session.scalars(
            sa.select(ParticipationRecord)
            .where(ParticipationRecord.user_id == user_id)
            .order_by(ParticipationRecord.occurred_on.desc(), ParticipationRecord.id.desc())
        )
    )


# Until HR can change them (training-records issue), the usual 培训台账 rules:
# 45 minutes make one 学时, rounded down to half a 学时, under 20 minutes count nothing.
MINUTES_PER_HOUR = 45
MINIMUM_MINUTES = 20


def hours_of(record: ParticipationRecord) -> Decimal:
    """The 学时 a record counts for: as declared by its source, else from its minutes."""
    if record.credit_hours is not None:
        return Decimal(record.credit_hours)
    if not record.minutes or record.minutes < MINIMUM_MINUTES:
        return Decimal(0)
    halves = (2 * record.minutes) // MINUTES_PER_HOUR
    return Decimal(halves) / 2


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
    lines = [
        RecordLine(record, hours_of(record), result_label(record.result))
        for record in records_of(user_id)
    ]
    return TrainingRecord(lines, sum((line.hours for line in lines), Decimal(0)))

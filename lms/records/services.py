"""Writing to and reading from the participation ledger."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from lms.extensions import db
from lms.records.models import ParticipationKind, ParticipationRecord, TrainingMethod

__all__ = ["ParticipationKind", "TrainingMethod", "record_participation", "records_of"]


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
                _fill(record, title, method, category, minutes, credit_hours, result)
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
    _fill(record, title, method, category, minutes, credit_hours, result)
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
) -> None:
    record.title = title[:200]
    record.method = method
    record.category = category
    record.minutes = minutes
    record.credit_hours = credit_hours
    record.result = result


def records_of(user_id: int) -> list[ParticipationRecord]:
    """Everything ``user_id`` took part in, newest first."""
    return list(
        db.session.scalars(
            sa.select(ParticipationRecord)
            .where(ParticipationRecord.user_id == user_id)
            .order_by(ParticipationRecord.occurred_on.desc(), ParticipationRecord.id.desc())
        )
    )

"""The ledger for HR: filters, pages and exports of every participation record."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination

from lms.accounts import services as accounts
from lms.extensions import db
from lms.records.hours import (
    HoursRules,
    credited_hours,
)
from lms.records.models import (
    ParticipationKind,
    ParticipationRecord,
    TrainingMethod,
)
from lms.records.services.ledger import (
    attendance_label,
    category_label,
    hours_settings,
    result_label,
)

# --- the ledger for HR --------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerFilter:
    """What HR narrows the ledger to; empty criteria mean everything."""

    person: str = ""  # 工号, name, its pinyin or initials
    department_id: int | None = None  # with its teams
    kind: ParticipationKind | None = None
    category: str | None = None
    method: TrainingMethod | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class LedgerLine:
    record: ParticipationRecord
    employee_no: str
    name: str
    department: str
    hours: Decimal  # after the daily cap
    category: str
    attendance: str
    result: str


def _ledger_select(criteria: LedgerFilter) -> sa.Select[tuple[ParticipationRecord]]:
    record = ParticipationRecord
    stmt = sa.select(record)
    text = criteria.person.strip()
    if text:
        stmt = stmt.where(record.user_id.in_(accounts.user_ids_matching(text)))
    if criteria.department_id is not None:
        stmt = stmt.where(record.user_id.in_(accounts.ids_in_department(criteria.department_id)))
    if criteria.kind is not None:
        stmt = stmt.where(record.kind == criteria.kind)
    if criteria.category:
        stmt = stmt.where(record.category == criteria.category)
    if criteria.method is not None:
        stmt = stmt.where(record.method == criteria.method)
    if criteria.date_from is not None:
        stmt = stmt.where(record.occurred_on >= criteria.date_from)
    if criteria.date_to is not None:
        stmt = stmt.where(record.occurred_on <= criteria.date_to)
    return stmt.order_by(record.occurred_on.desc(), record.id.desc())


def ledger_categories() -> list[tuple[str, str]]:
    """(code, label) of every category the ledger holds, for the filter."""
    codes = db.session.scalars(
        sa.select(ParticipationRecord.category)
        .where(ParticipationRecord.category.is_not(None))
        .distinct()
    )
    return sorted(((code, category_label(code)) for code in codes), key=lambda c: c[1])


def capped_hours(records: Sequence[ParticipationRecord], rules: HoursRules) -> dict[int, Decimal]:
    """The 学时 of ``records`` after the daily cap, by record id.

    The cap is over a person's whole day, so the other records of the same people and days
    count too, even when the filter or the page leaves them out.
    """
    if not records:
        return {}
    record = ParticipationRecord
    users = sorted({r.user_id for r in records})
    first, last = min(r.occurred_on for r in records), max(r.occurred_on for r in records)
    same_days = []
    for start in range(0, len(users), 500):  # under every database's limit of bound values
        same_days += db.session.execute(
            sa.select(record.id, record.user_id, record.occurred_on, record.credit_hours)
            .add_columns(record.minutes)
            .where(
                record.user_id.in_(users[start : start + 500]),
                record.occurred_on.between(first, last),
            )
        ).all()
    credited = credited_hours(same_days, rules)  # type: ignore[arg-type]
    return {r.id: credited[r.id] for r in records}


def _lines(records: Sequence[ParticipationRecord]) -> list[LedgerLine]:
    hours = capped_hours(records, hours_settings())
    people = {p.id: p for p in accounts.people_summaries(r.user_id for r in records)}
    lines = []
    for record in records:
        person = people.get(record.user_id)
        lines.append(
            LedgerLine(
                record=record,
                employee_no=person.employee_no if person else "",
                name=person.name if person else "",
                department=(person.department or "") if person else "",
                hours=hours[record.id],
                category=category_label(record.category),
                attendance=attendance_label(record.attendance),
                result=result_label(record.result),
            )
        )
    return lines


@dataclass(frozen=True)
class LedgerPage:
    lines: list[LedgerLine]
    pagination: Pagination


def ledger_page(criteria: LedgerFilter, page: int = 1, per_page: int = 50) -> LedgerPage:
    """One page of the 培训台账 for HR, newest first."""
    pagination = db.paginate(
        _ledger_select(criteria), page=page, per_page=per_page, error_out=False, count=True
    )
    return LedgerPage(_lines(list(pagination.items)), pagination)


def ledger_rows(criteria: LedgerFilter) -> list[list[object]]:
    """The whole filtered ledger as rows for a spreadsheet, in the columns of
    ``ledger_headers``: dates as dates and 学时 as numbers, so Excel can sum them."""
    records = list(db.session.scalars(_ledger_select(criteria)))
    return [
        [
            line.employee_no,
            line.name,
            line.department,
            line.record.kind.label,
            line.record.title,
            line.category,
            line.record.method.label,
            line.record.occurred_on,
            line.record.minutes,
            line.hours,
            line.record.trainer or "",
            line.record.location or "",
            line.attendance,
            line.result,
            line.record.evaluation or "",
            line.record.source_key,
        ]
        for line in _lines(records)
    ]


def ledger_headers() -> list[str]:
    return [
        _("Employee no."),
        _("Full name"),
        _("Department"),
        _("Kind"),
        _("Title"),
        _("Category"),
        _("Method"),
        _("Date"),
        _("Minutes"),
        _("Hours (学时)"),
        _("Trainer"),
        _("Location"),
        _("Attendance"),
        _("Result"),
        _("Evaluation"),
        _("Source"),
    ]


def get_record(record_id: int) -> ParticipationRecord | None:
    return db.session.get(ParticipationRecord, record_id)


def record_line(record: ParticipationRecord) -> LedgerLine:
    """One ledger line with its person and its 学时 after the daily cap."""
    return _lines([record])[0]

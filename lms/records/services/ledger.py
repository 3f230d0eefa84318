"""Writing the participation ledger and reading one person's: record_participation is the
only way in, idempotent on the source key; 学时 by HR's rules; labels of the coded columns."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from lms.accounts import services as accounts
from lms.database import utcnow
from lms.extensions import db
from lms.records.errors import FieldErrors
from lms.records.hours import (
    TENTH,
    HoursRules,
    credited_hours,
    record_tenths,
    record_tenths_sql,
)
from lms.records.models import (
    HoursSettings,
    ParticipationKind,
    ParticipationRecord,
    RecordCorrection,
    TrainingMethod,
)


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
    result) instead of adding another; the first date and owner stay, and so do
    the fields HR corrected (see ``correct_record``).
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
    # HR's corrections win over the source: a regrade or a re-sync must not undo them.
    pinned = corrected_fields(record.id) if record.id is not None else set()
    _fill(record, {name: value for name, value in details.items() if name not in pinned})
    db.session.flush()
    return record


def _fill(record: ParticipationRecord, details: dict[str, object]) -> None:
    for name, value in details.items():
        setattr(record, name, value)


def corrected_fields(record_id: int) -> set[str]:
    """The fields of a record HR corrected: the source no longer writes them."""
    return set(
        db.session.scalars(
            sa.select(RecordCorrection.field).where(RecordCorrection.record_id == record_id)
        )
    )


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


@dataclass(frozen=True)
class YearHours:
    """A person's 学时 in one calendar year against the yearly target of their level."""

    year: int
    hours: Decimal
    target: Decimal | None  # None: no level, or HR set no target for it
    percent: int | None  # progress toward the target, 0-100; None without a target

    @property
    def is_met(self) -> bool:
        return self.target is not None and self.hours >= self.target

    @property
    def remaining(self) -> Decimal | None:
        return None if self.target is None else max(self.target - self.hours, Decimal(0))


def hours_this_year(user_id: int, today: date) -> YearHours:
    """The 学时 ``user_id`` earned from 1 January of ``today``'s year to ``today``, after the
    daily cap, as their training record counts them."""
    rules = hours_settings()
    # The cap is per day, so the year's own records are all the cap needs.
    records = db.session.scalars(
        sa.select(ParticipationRecord).where(
            ParticipationRecord.user_id == user_id,
            ParticipationRecord.occurred_on >= date(today.year, 1, 1),
            ParticipationRecord.occurred_on <= today,
        )
    )
    hours = sum(credited_hours(records, rules).values(), Decimal(0)).quantize(TENTH)
    user = accounts.get_user(user_id)
    level = user.level.value if user is not None and user.level is not None else None
    target = rules.yearly_target(level) or None  # a target of 0 is no target
    percent = None if target is None else min(100, int(hours * 100 / target))
    return YearHours(today.year, hours, target, percent)


# --- labels of the ledger's coded columns ------------------------------------------------------

# Sources store categories and attendance as codes; the ledger shows them in words. A code
# nobody named here is shown as it is.
CATEGORY_LABELS = {
    "onboarding": _l("Onboarding"),
    "job-skills": _l("Job skills"),
    "product-knowledge": _l("Product knowledge"),
    "service-quality": _l("Service quality"),
    "service-standards": _l("Service standards"),
    "communication": _l("Communication"),
    "complaint-handling": _l("Complaint handling"),
    "confidentiality": _l("Confidentiality"),
    "compliance": _l("Compliance and confidentiality"),
    "certification": _l("Certification"),
    "assessment": _l("Assessment"),
    "seminar": _l("Seminar"),
}
ATTENDANCE_LABELS = {
    "present": _l("Present"),
    "late": _l("Late"),
    "absent": _l("Absent"),
    "excused": _l("Excused"),
}
RESULT_CODES = ("completed", "passed", "failed")


def category_label(category: str | None) -> str:
    return str(CATEGORY_LABELS.get(category or "", category or ""))


def attendance_label(attendance: str | None) -> str:
    return str(ATTENDANCE_LABELS.get(attendance or "", attendance or ""))


# --- 学时 settings ---------------------------------------------------------------------------

ROUNDING_STEPS = (5, 10, 1)  # tenths: half a 学时, a whole one, a tenth


def hours_settings_row() -> HoursSettings | None:
    """The saved settings row (who saved it and when), or None while the defaults apply."""
    return db.session.get(HoursSettings, 1)


def save_hours_settings(
    rules: HoursRules, by_id: int, now: datetime | None = None
) -> HoursSettings:
    """Make ``rules`` the 学时 rules in force. Every figure follows at once: 学时 are computed
    from minutes when shown, never stored."""
    problems = _settings_problems(rules)
    if problems:
        raise FieldErrors(problems)
    row = db.session.get(HoursSettings, 1)
    if row is None:
        row = HoursSettings(id=1)
        db.session.add(row)
    row.minutes_per_hour = rules.minutes_per_hour
    row.rounding_tenths = rules.rounding_tenths
    row.minimum_minutes = rules.minimum_minutes
    row.daily_cap_hours = rules.daily_cap_hours
    row.yearly_targets = {level: str(target) for level, target in rules.yearly_targets.items()}
    row.updated_by_id = by_id
    row.updated_at = now or utcnow()
    db.session.flush()
    return row


def is_tenths(value: Decimal) -> bool:
    """Whether ``value`` has at most one decimal, as every 学时 figure is stored."""
    return value == value.quantize(TENTH)


def _settings_problems(rules: HoursRules) -> list[tuple[str, str]]:
    problems = []
    if not 10 <= rules.minutes_per_hour <= 120:
        problems.append(("minutes_per_hour", _("Use between 10 and 120 minutes.")))
    if rules.rounding_tenths not in ROUNDING_STEPS:
        problems.append(("rounding", _("Choose a step from the list.")))
    if not 0 <= rules.minimum_minutes <= 240:
        problems.append(("minimum_minutes", _("Use between 0 and 240 minutes.")))
    cap = rules.daily_cap_hours
    if not (Decimal("0.5") <= cap <= 24 and is_tenths(cap)):
        problems.append(("daily_cap_hours", _("Use between 0.5 and 24 hours, in tenths.")))
    for level, target in rules.yearly_targets.items():
        if not (0 <= target <= 999 and is_tenths(target)):
            problems.append((f"target_{level}", _("Use between 0 and 999 hours, in tenths.")))
    return problems


# --- for other areas, in bulk ------------------------------------------------------------------


class LedgerEntry(NamedTuple):
    """A ledger line as other areas' rules read it: its 学时 after the daily cap.

    A named tuple: eligibility reads hundreds of thousands of them at once, and a tuple is
    made in a third of a frozen dataclass's time.
    """

    id: int
    user_id: int
    kind: str
    title: str
    occurred_on: date
    hours: Decimal
    attendance: str | None


def entries_between(
    user_ids: Iterable[int] | sa.Select[tuple[int]],
    start: date,
    end: date,
    rules: HoursRules | None = None,
) -> dict[int, list[LedgerEntry]]:
    """Each person's ledger lines dated ``start`` to ``end`` (inclusive), oldest first, with
    their 学时 capped per day as the training record counts them (a window of whole days
    holds every record the cap looks at). People without lines are left out.

    One statement per 500 ids given as a list; one statement in all when ``user_ids`` is a
    select of ids (one column). Plus HR's 学时 rules when not given.
    """
    rules = rules or hours_settings()
    record = ParticipationRecord
    if isinstance(user_ids, sa.Select):
        whose = [record.user_id.in_(user_ids.scalar_subquery())]
    else:
        ids = sorted(set(user_ids))
        whose = [record.user_id.in_(ids[first : first + 500]) for first in range(0, len(ids), 500)]
    found: dict[int, list[LedgerEntry]] = {}
    hours: dict[int, Decimal] = {}  # tenths -> 学时: a few dozen values for every row
    cap = rules.daily_cap_tenths
    # Plain rows from the connection (same transaction): the ORM adds nothing to a select
    # of columns but its cost per row, which shows over an HR list of thousands of agents.
    connection = db.session.connection()
    for people in whose:
        statement = _lines_by_day(
            rules, people, record.occurred_on >= start, record.occurred_on <= end
        )
        # The daily cap as ``credited_hours`` applies it, in one pass over lines that come
        # by person, day and id: within a day the earlier records are credited first, the
        # one that crosses the cap gets what is left, later ones nothing.
        person: list[LedgerEntry] = []
        current = day = None
        left = cap
        for id_, user_id, kind, title, occurred_on, attendance, tenths in connection.execute(
            statement
        ).all():
            if user_id != current:
                current, day, person = user_id, None, []
                found[user_id] = person
            if occurred_on != day:
                day, left = occurred_on, cap
            credited = tenths if tenths < left else left
            left -= credited
            worth = hours.get(credited)
            if worth is None:
                worth = hours[credited] = credited * TENTH
            person.append(LedgerEntry(id_, user_id, kind, title, occurred_on, worth, attendance))
    return found


def _lines_by_day(rules: HoursRules, *where: sa.ColumnElement[bool]) -> sa.Select[Any]:
    """The ledger lines ``where`` selects with their 学时 before the daily cap, in tenths,
    by person, day and id (the order the cap is applied in)."""
    record = ParticipationRecord
    return (
        sa.select(
            record.id,
            record.user_id,
            # The stored value as it is: no enum made and unmade for every one of the rows.
            sa.type_coerce(record.kind, sa.String).label("kind"),
            record.title,
            record.occurred_on,
            record.attendance,
            record_tenths_sql(rules).label("tenths"),
        )
        .where(*where)
        .order_by(record.user_id, record.occurred_on, record.id)
    )

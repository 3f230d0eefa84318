"""The periods a report covers: a month, quarter or year containing a day, or a date range."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms.database import LabelledEnum
from lms.errors import FieldErrors
from lms.months import add_months, month_start
from lms.records.models import ParticipationRecord

ONE_PLACE = Decimal("0.1")
#: The longest date range a report covers (three years, leap days included).
MAX_RANGE_DAYS = 3 * 366


class PeriodKind(LabelledEnum):
    MONTH = "month", _l("Month")
    QUARTER = "quarter", _l("Quarter")
    YEAR = "year", _l("Year")
    RANGE = "range", _l("Date range")


@dataclass(frozen=True)
class Period:
    """A span of whole days, both ends included."""

    kind: PeriodKind
    start: date
    end: date

    @classmethod
    def containing(cls, kind: PeriodKind, day: date) -> Period:
        if kind is PeriodKind.MONTH:
            start = month_start(day)
            return cls(kind, start, add_months(start, 1) - timedelta(days=1))
        if kind is PeriodKind.QUARTER:
            start = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
            return cls(kind, start, add_months(start, 3) - timedelta(days=1))
        if kind is PeriodKind.YEAR:
            return cls(kind, date(day.year, 1, 1), date(day.year, 12, 31))
        return cls(kind, day, day)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        if self.kind is PeriodKind.MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind is PeriodKind.QUARTER:
            return _(
                "%(year)d Q%(quarter)d", year=self.start.year, quarter=(self.start.month + 2) // 3
            )
        if self.kind is PeriodKind.YEAR:
            return str(self.start.year)
        return f"{self.start.isoformat()} – {self.end.isoformat()}"

    def shifted(self, steps: int) -> Period:
        """The period ``steps`` before (negative) or after this one, of the same length."""
        if self.kind is PeriodKind.RANGE:
            offset = timedelta(days=self.days * steps)
            return Period(self.kind, self.start + offset, self.end + offset)
        months = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}[self.kind]
        return Period.containing(self.kind, add_months(self.start, months * steps))

    def where(self) -> sa.ColumnElement[bool]:
        """Ledger rows that occurred in the period."""
        return ParticipationRecord.occurred_on.between(self.start, self.end)


def choose_period(
    kind: str | None, on: date | None, date_from: date | None, date_to: date | None, today: date
) -> Period:
    """The period a report's filter names; a date range needs both ends, in order."""
    chosen = PeriodKind(kind) if kind in PeriodKind._value2member_map_ else PeriodKind.MONTH
    if chosen is not PeriodKind.RANGE:
        return Period.containing(chosen, on or today)
    pairs = []
    if date_from is None:
        pairs.append(("date_from", _("Enter the first day of the range.")))
    if date_to is None:
        pairs.append(("date_to", _("Enter the last day of the range.")))
    if date_from and date_to and date_to < date_from:
        pairs.append(("date_to", _("The range cannot end before it starts.")))
    if date_from and date_to and (date_to - date_from).days > MAX_RANGE_DAYS:
        pairs.append(("date_to", _("Choose a range of at most three years.")))
    if pairs:
        raise FieldErrors(pairs)
    assert date_from is not None and date_to is not None
    return Period(PeriodKind.RANGE, date_from, date_to)


def percent(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """``part`` of ``whole`` in percent to one place; None when there is no whole."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_PLACE, ROUND_HALF_UP)

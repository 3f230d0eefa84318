"""学时: HR's rules for turning minutes into credit hours, in Python and in SQL.

A record counts its source's declared 学时 (a course's hours in course.yaml) or, failing that,
its minutes: under the minimum nothing, otherwise minutes / minutes-per-学时 rounded down to
the step. A person's 学时 on one day are capped (a two-day seminar entered as one record on
one date still counts one day's worth: HR splits it by days if it should count more).
Python and SQL use the same integer arithmetic in tenths of a 学时, so a report's total
equals the sum of the lines a person sees.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from lms.accounts import services as accounts
from lms.records.models import ParticipationRecord

TENTH = Decimal("0.1")


@dataclass(frozen=True)
class HoursRules:
    minutes_per_hour: int = 45
    rounding_tenths: int = 5
    minimum_minutes: int = 20
    daily_cap_hours: Decimal = Decimal(8)
    yearly_targets: Mapping[str, Decimal] = field(
        default_factory=lambda: {
            accounts.Level.JUNIOR.value: Decimal(40),
            accounts.Level.MID.value: Decimal(48),
            accounts.Level.SENIOR.value: Decimal(56),
        }
    )

    @property
    def daily_cap_tenths(self) -> int:
        return int(self.daily_cap_hours * 10)

    def tenths_for_minutes(self, minutes: int | None) -> int:
        if not minutes or minutes < self.minimum_minutes:
            return 0
        steps = (minutes * 10) // (self.minutes_per_hour * self.rounding_tenths)
        return steps * self.rounding_tenths

    def hours_for_minutes(self, minutes: int | None) -> Decimal:
        return self.tenths_for_minutes(minutes) * TENTH

    def yearly_target(self, level: str | None) -> Decimal | None:
        return self.yearly_targets.get(level) if level else None


def record_tenths(rules: HoursRules, credit_hours: Decimal | None, minutes: int | None) -> int:
    """A record's 学时 before the daily cap, in tenths."""
    if credit_hours is not None:
        return int(Decimal(credit_hours) * 10)
    return rules.tenths_for_minutes(minutes)


def credited_hours(records: Iterable[ParticipationRecord], rules: HoursRules) -> dict[int, Decimal]:
    """Each record's 学时 after the daily cap, by record id.

    Within one person's day the earlier records (by id) are credited first; the one that
    crosses the cap gets what is left, later ones nothing.
    """
    left: dict[tuple[int, date], int] = defaultdict(lambda: rules.daily_cap_tenths)
    credited = {}
    for record in sorted(records, key=lambda r: r.id):
        day = (record.user_id, record.occurred_on)
        tenths = min(record_tenths(rules, record.credit_hours, record.minutes), left[day])
        left[day] -= tenths
        credited[record.id] = tenths * TENTH
    return credited


def record_tenths_sql(rules: HoursRules) -> sa.ColumnElement[int]:
    """The SQL of ``record_tenths`` over participation_record's columns."""
    record = ParticipationRecord
    from_minutes = sa.case(
        (sa.func.coalesce(record.minutes, 0) < rules.minimum_minutes, 0),
        else_=(record.minutes * 10 // (rules.minutes_per_hour * rules.rounding_tenths))
        * rules.rounding_tenths,
    )
    return sa.case(
        (record.credit_hours.is_not(None), sa.cast(record.credit_hours * 10, sa.Integer)),
        else_=from_minutes,
    )


def daily_tenths(rules: HoursRules, *where: sa.ColumnElement[bool]) -> sa.Subquery:
    """A subquery of (user_id, occurred_on, tenths): each person's capped 学时 per day over
    the records ``where`` selects."""
    record = ParticipationRecord
    total = sa.func.sum(record_tenths_sql(rules))
    capped = sa.case((total > rules.daily_cap_tenths, rules.daily_cap_tenths), else_=total)
    return (
        sa.select(record.user_id, record.occurred_on, capped.label("tenths"))
        .where(*where)
        .group_by(record.user_id, record.occurred_on)
        .subquery("daily_tenths")
    )

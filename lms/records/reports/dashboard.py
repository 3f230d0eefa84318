"""The dashboard: the last twelve months of 学时, refresher compliance and exam pass rate."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from lms.extensions import db
from lms.i18n import local_today
from lms.records import services as records
from lms.records.hours import TENTH, HoursRules, daily_tenths
from lms.records.models import ParticipationKind, ParticipationRecord
from lms.records.reports.departments import agents, branches
from lms.records.reports.periods import add_months, month_start, percent
from lms.records.reports.refreshers import RefresherTally, refresher_compliance


@dataclass(frozen=True)
class Series:
    name: str
    values: list[Decimal | None]


@dataclass(frozen=True)
class MonthlyFigures:
    months: list[date]
    hours_by_department: list[Series]
    refresher_compliance: Series
    pass_rate: Series


def dashboard(
    today: date | None = None, months: int = 12, rules: HoursRules | None = None
) -> MonthlyFigures:
    """The last ``months`` months (this one included): 学时 per top-level department,
    refresher compliance and exam pass rate by month, over active agents."""
    today = today or local_today()
    rules = rules or records.hours_settings()
    last = month_start(today)
    first = add_months(last, -(months - 1))
    window = [add_months(first, i) for i in range(months)]
    record = ParticipationRecord
    in_window = record.occurred_on.between(first, add_months(last, 1) - timedelta(days=1))
    people = agents()

    daily = daily_tenths(rules, in_window, record.user_id.in_(sa.select(people.c.id)))
    year, month = sa.extract("year", daily.c.occurred_on), sa.extract("month", daily.c.occurred_on)
    hours_rows = db.session.execute(
        sa.select(people.c.department_id, year, month, sa.func.sum(daily.c.tenths))
        .join(daily, daily.c.user_id == people.c.id)
        .group_by(people.c.department_id, year, month)
    ).all()
    tops = [b for b in branches() if b.depth == 0]
    top_of = {member: top.id for top in tops for member in top.subtree}
    tenths: dict[tuple[int | None, date], int] = defaultdict(int)
    for department_id, y, m, value in hours_rows:
        tenths[(top_of.get(department_id), date(int(y), int(m), 1))] += int(value or 0)
    # A department without agents (HR, IT) has no line: it would only ever lie at zero.
    staffed = {
        top_of.get(department_id)
        for department_id in db.session.scalars(sa.select(people.c.department_id).distinct())
    }
    hours_series = [
        Series(top.name, [tenths[(top.id, m)] * TENTH for m in window])
        for top in tops
        if top.id in staffed
    ]

    tallies: dict[date, RefresherTally] = defaultdict(RefresherTally)
    for (_department, m), tally in refresher_compliance(first, last, None, today).items():
        tallies[m] += tally

    y, m = sa.extract("year", record.occurred_on), sa.extract("month", record.occurred_on)
    exam_rows = db.session.execute(
        sa.select(
            y, m, sa.func.count(), sa.func.sum(sa.case((record.result == "passed", 1), else_=0))
        )
        .join(people, people.c.id == record.user_id)
        .where(
            in_window,
            record.kind == ParticipationKind.EXAM,
            record.result.in_(("passed", "failed")),
        )
        .group_by(y, m)
    ).all()
    exams = {date(int(a), int(b), 1): (int(n), int(p or 0)) for a, b, n, p in exam_rows}
    return MonthlyFigures(
        months=window,
        hours_by_department=hours_series,
        refresher_compliance=Series(
            _("On time (%)"), [tallies[m].on_time_rate if m in tallies else None for m in window]
        ),
        pass_rate=Series(
            _("Pass rate (%)"),
            [percent(exams[m][1], exams[m][0]) if m in exams else None for m in window],
        ),
    )

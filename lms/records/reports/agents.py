"""People in a report: each agent's 学时 against the target of their level, exam average,
refreshers and the learning score that weighs them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from lms.accounts import services as accounts
from lms.extensions import db
from lms.records import services as records
from lms.records.hours import TENTH, HoursRules, daily_tenths
from lms.records.models import ParticipationKind, ParticipationRecord
from lms.records.reports.departments import agents, branches
from lms.records.reports.periods import ONE_PLACE, Period
from lms.records.reports.refreshers import RefresherTally, refresher_tallies
from lms.records.reports.tables import Column, ReportTable, number


@dataclass(frozen=True)
class AgentLine:
    user_id: int
    employee_no: str
    name: str
    department: str
    level: accounts.Level | None
    tenths: int
    target: Decimal | None  # 学时 expected over the period (pro-rated yearly target)
    exam_score: Decimal | None  # average exam score in the period
    refreshers: RefresherTally
    score: Decimal | None

    @property
    def hours(self) -> Decimal:
        return self.tenths * TENTH

    @property
    def hours_part(self) -> Decimal | None:
        return hours_part(self.tenths, self.target)


WEIGHTS = {"hours": Decimal(60), "exams": Decimal(25), "refreshers": Decimal(15)}


def pro_rated_target(yearly: Decimal | None, period: Period) -> Decimal | None:
    if not yearly:
        return None
    year_days = (date(period.start.year + 1, 1, 1) - date(period.start.year, 1, 1)).days
    return (yearly * period.days / year_days).quantize(ONE_PLACE, ROUND_HALF_UP)


def hours_part(tenths: int, target: Decimal | None) -> Decimal | None:
    if not target:
        return None
    return min(Decimal(100), Decimal(tenths) * 10 / target)


def learning_score(
    tenths: int,
    target: Decimal | None,
    exam_score: Decimal | None,
    refreshers: RefresherTally,
) -> Decimal | None:
    """The learning score (0-100) of one person over one appraisal period.

    score = (60 × H + 25 × E + 15 × R) / (the weights of the parts that apply)

    - H, hours: 学时 credited in the period (after the daily cap) against the yearly target
      of the person's level pro-rated to the period's days, in percent, capped at 100. It
      weighs most because the 学时 target is the obligation HR answers for.
    - E, exams: the average score (%) of the exam attempts in the period, every attempt
      counting (a fail then a pass averages both), so retaking until passing shows.
    - R, refreshers: refreshers done on time out of those due in the period (open ones
      are not judged yet), in percent: punctuality on the monthly refreshers.

    A part that does not apply (no target for the level, no exam taken, no refresher due)
    is left out and the others re-weighted, so a month without an exam neither punishes
    nor rewards; when nothing applies there is no score.
    """
    parts: list[tuple[Decimal, Decimal]] = []
    hours = hours_part(tenths, target)
    if hours is not None:
        parts.append((WEIGHTS["hours"], hours))
    if exam_score is not None:
        parts.append((WEIGHTS["exams"], Decimal(exam_score)))
    if refreshers.on_time_rate is not None:
        parts.append((WEIGHTS["refreshers"], refreshers.on_time_rate))
    if not parts:
        return None
    weight = sum(w for w, _ in parts)
    return (sum(w * v for w, v in parts) / weight).quantize(ONE_PLACE, ROUND_HALF_UP)


def agent_line(
    person: accounts.User | accounts.AgentRow,
    department: str,
    tenths: int,
    exam_score: Decimal | None,
    refreshers: RefresherTally,
    period: Period,
    rules: HoursRules,
) -> AgentLine:
    """One person's line: the target of their level over ``period`` and their score."""
    level = person.level.value if person.level else None
    target = pro_rated_target(rules.yearly_target(level), period)
    return AgentLine(
        person.id,
        person.employee_no,
        person.name,
        department,
        person.level,
        tenths,
        target,
        exam_score,
        refreshers,
        learning_score(tenths, target, exam_score, refreshers),
    )


def agent_lines(
    period: Period,
    department_id: int | None = None,
    level: str | None = None,
    rules: HoursRules | None = None,
    today: date | None = None,
) -> list[AgentLine]:
    """Every active agent in scope with 学时, target, exam average, refreshers (as of
    ``today``) and learning score over ``period``, sorted by department and name. A
    constant number of statements whatever the number of people."""
    rules = rules or records.hours_settings()
    scope = [b.id for b in branches(department_id)] if department_id is not None else None
    people = accounts.agent_rows(scope, level)
    in_scope = agents(scope, level)
    record = ParticipationRecord
    daily = daily_tenths(rules, period.where(), record.user_id.in_(sa.select(in_scope.c.id)))
    tenths = dict(
        db.session.execute(
            sa.select(daily.c.user_id, sa.func.sum(daily.c.tenths)).group_by(daily.c.user_id)
        ).all()
    )
    exams = dict(
        db.session.execute(
            sa.select(record.user_id, sa.func.avg(record.score))
            .join(in_scope, in_scope.c.id == record.user_id)
            .where(period.where(), record.kind == ParticipationKind.EXAM, record.score.is_not(None))
            .group_by(record.user_id)
        ).all()
    )
    tallies = refresher_tallies([p.id for p in people], period, today)
    paths = accounts.department_paths()
    lines = []
    for person in people:
        exam = exams.get(person.id)
        lines.append(
            agent_line(
                person,
                paths.get(person.department_id, "") if person.department_id else "",
                int(tenths.get(person.id) or 0),
                Decimal(exam).quantize(ONE_PLACE, ROUND_HALF_UP) if exam is not None else None,
                tallies[person.id],
                period,
                rules,
            )
        )
    return lines


def agents_table(period: Period, lines: list[AgentLine]) -> ReportTable:
    columns = [
        Column(_("Employee no."), "text", 12),
        Column(_("Name"), "text", 12),
        Column(_("Department"), "text", 30),
        Column(_("Level"), "text", 16),
        Column(_("Hours"), "decimal", 10),
        Column(_("Target hours"), "decimal", 10),
        Column(_("Average exam score"), "decimal", 12),
        Column(_("Refreshers on time"), "int", 10),
        Column(_("Refreshers due"), "int", 10),
        Column(_("Learning score"), "decimal", 10),
    ]
    rows = [
        [
            line.employee_no,
            line.name,
            line.department,
            line.level.label if line.level else "",
            number(line.hours),
            number(line.target),
            number(line.exam_score),
            line.refreshers.on_time,
            line.refreshers.due,
            number(line.score),
        ]
        for line in lines
    ]
    total_tenths = sum(line.tenths for line in lines)
    totals: list[Any] = [_("Total"), "", "", "", number(total_tenths * TENTH), None, None,
                         sum(line.refreshers.on_time for line in lines),
                         sum(line.refreshers.due for line in lines), None]  # fmt: skip
    return ReportTable(_("Agents, %(period)s", period=period.label), columns, rows, totals)

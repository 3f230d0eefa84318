"""The department report: who counts, the department tree as report rows, and the figures
of each department with its teams over a period.

Who counts: active agents (role ``agent``) in the department or one of its teams, as the
organisation stands today; a department's history is not kept, so someone who moved is
counted where they are now. Figures are aggregated in SQL with a fixed number of
statements whatever the head count: grouped by a person's department, then rolled up the
department tree in Python (a tree has hundreds of nodes, not millions of rows).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
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
from lms.records.reports.periods import ONE_PLACE, Period, percent
from lms.records.reports.refreshers import RefresherTally, refresher_compliance
from lms.records.reports.tables import Column, ReportTable, number

ATTENDED = ("present", "late")


def agents(department_ids: Iterable[int] | None = None, level: str | None = None) -> sa.Subquery:
    """(id, department_id, level) of the active agents, optionally in exactly these
    departments and of this level: the subquery every aggregate of the reports joins."""
    return accounts.agents_select(department_ids, level).subquery("agents")


@dataclass(frozen=True)
class Branch:
    """A department as a report row: its path, depth and every department of its subtree."""

    id: int
    name: str
    path: str
    depth: int
    subtree: tuple[int, ...]


def branches(root_id: int | None = None) -> list[Branch]:
    """The departments under ``root_id`` (itself included; all when None), in tree order."""
    nodes = accounts.department_tree()
    paths = accounts.department_paths()
    children: dict[int | None, list[int]] = defaultdict(list)
    for node in nodes:
        children[node.department.parent_id].append(node.department.id)

    def subtree(department_id: int) -> tuple[int, ...]:
        found, stack = [], [department_id]
        while stack:
            current = stack.pop()
            found.append(current)
            stack.extend(children.get(current, []))
        return tuple(found)

    chosen = set(subtree(root_id)) if root_id is not None else None
    base_depth = next((n.depth for n in nodes if n.department.id == root_id), 0)
    return [
        Branch(
            node.department.id,
            node.department.name,
            paths[node.department.id],
            node.depth - base_depth,
            subtree(node.department.id),
        )
        for node in nodes
        if chosen is None or node.department.id in chosen
    ]


@dataclass(frozen=True)
class Figures:
    """What the department report counts for a set of people over a period."""

    headcount: int = 0
    tenths: int = 0
    courses_completed: int = 0
    exams_taken: int = 0
    exams_passed: int = 0
    classroom_marked: int = 0
    classroom_attended: int = 0
    refreshers: RefresherTally = field(default_factory=RefresherTally)

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            self.headcount + other.headcount,
            self.tenths + other.tenths,
            self.courses_completed + other.courses_completed,
            self.exams_taken + other.exams_taken,
            self.exams_passed + other.exams_passed,
            self.classroom_marked + other.classroom_marked,
            self.classroom_attended + other.classroom_attended,
            self.refreshers + other.refreshers,
        )

    @property
    def hours(self) -> Decimal:
        return self.tenths * TENTH

    @property
    def hours_per_head(self) -> Decimal | None:
        if not self.headcount:
            return None
        return (Decimal(self.tenths) / 10 / self.headcount).quantize(ONE_PLACE, ROUND_HALF_UP)

    @property
    def pass_rate(self) -> Decimal | None:
        return percent(self.exams_passed, self.exams_taken)

    @property
    def attendance_rate(self) -> Decimal | None:
        return percent(self.classroom_attended, self.classroom_marked)

    @property
    def refresher_rate(self) -> Decimal | None:
        return self.refreshers.on_time_rate


@dataclass(frozen=True)
class DepartmentRow:
    department_id: int | None
    name: str
    path: str
    depth: int
    figures: Figures


@dataclass(frozen=True)
class DepartmentReport:
    period: Period
    rows: list[DepartmentRow]
    totals: Figures


def _figures_by_department(
    period: Period,
    root_id: int | None,
    department_ids: Sequence[int] | None,
    level: str | None,
    rules: HoursRules,
    today: date | None,
) -> dict[int | None, Figures]:
    """Figures per person's own department (not rolled up): three statements here, and
    the refresher compliance. Assignments are made per department, so refreshers are
    counted whatever the level filter says."""
    people = agents(department_ids, level)
    record = ParticipationRecord
    headcount = dict(
        db.session.execute(
            sa.select(people.c.department_id, sa.func.count()).group_by(people.c.department_id)
        ).all()
    )
    daily = daily_tenths(rules, period.where(), record.user_id.in_(sa.select(people.c.id)))
    tenths = dict(
        db.session.execute(
            sa.select(people.c.department_id, sa.func.sum(daily.c.tenths))
            .join(daily, daily.c.user_id == people.c.id)
            .group_by(people.c.department_id)
        ).all()
    )

    def count(*conditions: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
        return sa.func.sum(sa.case((sa.and_(*conditions), 1), else_=0))

    counts = {
        row[0]: row[1:]
        for row in db.session.execute(
            sa.select(
                people.c.department_id,
                count(record.kind == ParticipationKind.COURSE, record.result == "completed"),
                count(
                    record.kind == ParticipationKind.EXAM, record.result.in_(("passed", "failed"))
                ),
                count(record.kind == ParticipationKind.EXAM, record.result == "passed"),
                count(record.kind == ParticipationKind.CLASSROOM, record.attendance.is_not(None)),
                count(record.kind == ParticipationKind.CLASSROOM, record.attendance.in_(ATTENDED)),
            )
            .join(people, people.c.id == record.user_id)
            .where(period.where())
            .group_by(people.c.department_id)
        )
    }
    refreshers: dict[int | None, RefresherTally] = defaultdict(RefresherTally)
    # The root alone: compliance takes each department with its teams.
    roots = [root_id] if root_id is not None else None
    compliance = refresher_compliance(period.start, period.end, roots, today)
    for (department_id, _month), tally in compliance.items():
        refreshers[department_id] += tally
    figures = {}
    for department_id in set(headcount) | set(tenths) | set(counts) | set(refreshers):
        c = [int(v or 0) for v in counts.get(department_id, (0,) * 5)]
        figures[department_id] = Figures(
            int(headcount.get(department_id, 0)),
            int(tenths.get(department_id) or 0),
            *c,
            refreshers.get(department_id, RefresherTally()),
        )
    return figures


def department_report(
    period: Period,
    department_id: int | None = None,
    level: str | None = None,
    rules: HoursRules | None = None,
    today: date | None = None,
) -> DepartmentReport:
    """Per department (each with its teams) over ``period``: head count, 学时 in total and
    per head, courses completed, exam pass rate, refresher compliance (as of ``today``)
    and classroom attendance, with the totals. A constant number of SQL statements."""
    rules = rules or records.hours_settings()
    tree = branches(department_id)
    scope = [b.id for b in tree] if department_id is not None else None
    direct = _figures_by_department(period, department_id, scope, level, rules, today)
    rows = [
        DepartmentRow(
            b.id,
            b.name,
            b.path,
            b.depth,
            sum((direct.get(i, Figures()) for i in b.subtree), Figures()),
        )
        for b in tree
    ]
    if department_id is None and None in direct:
        rows.append(DepartmentRow(None, _("No department"), _("No department"), 0, direct[None]))
    totals = sum(direct.values(), Figures())
    return DepartmentReport(period, rows, totals)


def department_table(report: DepartmentReport) -> ReportTable:
    columns = [
        Column(_("Department"), "text", 30),
        Column(_("Head count"), "int", 10),
        Column(_("Hours"), "decimal", 10),
        Column(_("Hours per head"), "decimal", 12),
        Column(_("Courses completed"), "int", 12),
        Column(_("Exams taken"), "int", 10),
        Column(_("Exams passed"), "int", 10),
        Column(_("Pass rate (%)"), "percent", 12),
        Column(_("Refreshers due"), "int", 12),
        Column(_("Refreshers on time"), "int", 12),
        Column(_("Refresher compliance (%)"), "percent", 14),
        Column(_("Classroom marked"), "int", 12),
        Column(_("Classroom attended"), "int", 12),
        Column(_("Attendance (%)"), "percent", 12),
    ]

    def values(label: str, f: Figures) -> list[Any]:
        return [
            label,
            f.headcount,
            number(f.hours),
            number(f.hours_per_head),
            f.courses_completed,
            f.exams_taken,
            f.exams_passed,
            number(f.pass_rate),
            f.refreshers.due,
            f.refreshers.on_time,
            number(f.refresher_rate),
            f.classroom_marked,
            f.classroom_attended,
            number(f.attendance_rate),
        ]

    return ReportTable(
        _("Departments, %(period)s", period=report.period.label),
        columns,
        [values(row.path, row.figures) for row in report.rows],
        values(_("Total"), report.totals),
    )

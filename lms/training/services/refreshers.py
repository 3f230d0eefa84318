"""Monthly refreshers: programmes, assignments, due dates, compliance and reminders.

Completion is read from the participation ledger, never hooked into courses or
exams: the data flows courses/exams -> records -> training. The date found is
copied onto the assignment the first time it is seen (``refresh_*``), so that
lists and compliance figures read one column.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from lms.accounts import services as accounts
from lms.courses import services as courses
from lms.database import utcnow
from lms.exams import services as exams
from lms.extensions import db
from lms.i18n import local_date
from lms.notifications import services as notifications
from lms.records import services as records
from lms.training.errors import RefresherRefused
from lms.training.models.refreshers import (
    RefresherAssignment,
    RefresherProgramme,
    RefresherStatus,
)

__all__ = [
    "ComplianceRow",
    "RefresherStatus",
    "assign",
    "compliance",
    "due_refreshers_for",
    "refresh_assignments",
    "refresher_statuses",
    "send_reminders",
]

#: "Due soon" goes out this many days before the due date.
DUE_SOON_DAYS = 3
#: Reminders look back this far for overdue assignments, so a day the command did not run
#: is caught up, while years of old programmes are not walked every night.
REMINDER_LOOKBACK = timedelta(days=31)

ASSIGNED = "refresher.assigned"
DUE_SOON = "refresher.due_soon"
OVERDUE = "refresher.overdue"
MESSAGES = {
    ASSIGNED: notifications.N_("New monthly refresher: %(title)s. Complete it by %(due)s."),
    DUE_SOON: notifications.N_("Refresher due soon: %(title)s. Complete it by %(due)s."),
    OVERDUE: notifications.N_("Refresher overdue: %(title)s was due on %(due)s."),
}


def local_today() -> date:
    return local_date(utcnow())


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def last_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def months_between(start: date, end: date) -> list[date]:
    """The first days of every month from ``start``'s to ``end``'s, inclusive."""
    months, month = [], first_of_month(start)
    while month <= end:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


# --- programmes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeSpec:
    """A programme as typed in the form; ``employee_nos`` name people outright."""

    month: date | None
    title: str
    course_id: int | None = None
    exam_id: int | None = None
    audience: accounts.Audience = field(default_factory=accounts.Audience)
    employee_nos: tuple[str, ...] = ()
    due_on: date | None = None


@dataclass(frozen=True)
class RefresherItems:
    """What a programme may ask for: (id, title) of courses and of published quizzes."""

    courses: list[tuple[int, str]]
    quizzes: list[tuple[int, str]]


def refresher_items(locale: str) -> RefresherItems:
    course_list = [(c.id, courses.course_title(c, locale)) for c in courses.catalogue().courses]
    quizzes = [
        (exam.id, _exam_title(exam, locale))
        for exam in exams.results.all_exams()
        if exam.status.value == "published"
    ]
    return RefresherItems(course_list, quizzes)


def _exam_title(exam: Any, locale: str) -> str:
    return (exam.title_en if locale == "en" and exam.title_en else None) or exam.title


def get_programme(programme_id: int) -> RefresherProgramme | None:
    return db.session.get(RefresherProgramme, programme_id)


def _check(spec: ProgrammeSpec) -> tuple[list[tuple[str, str]], tuple[int, ...]]:
    problems: list[tuple[str, str]] = []
    if not spec.title.strip():
        problems.append(("title", _("Give the refresher a title.")))
    if spec.month is None:
        problems.append(("month", _("Choose the month.")))
    if (spec.course_id is None) == (spec.exam_id is None):
        problems.append(("item", _("Choose one course or one quiz.")))
    elif spec.course_id is not None:
        if spec.course_id not in {c.id for c in courses.catalogue().courses}:
            problems.append(("item", _("This course is retired or does not exist.")))
    else:
        exam = exams.results.get_exam(spec.exam_id)  # type: ignore[arg-type]
        if exam is None or exam.status.value != "published":
            problems.append(("item", _("This quiz is not published.")))
    if spec.month is not None and spec.due_on is not None and spec.due_on < spec.month:
        problems.append(("due_on", _("The due date cannot be before the month starts.")))
    user_ids, unknown = [], []
    for number in spec.employee_nos:
        person = accounts.find_user_by_employee_no(number)
        if person is None:
            unknown.append(number)
        else:
            user_ids.append(person.id)
    if unknown:
        problems.append(
            (
                "people",
                _("No one has these employee numbers: %(numbers)s", numbers=", ".join(unknown)),
            )
        )
    return problems, tuple(sorted(set(user_ids)))


def save_programme(
    programme: RefresherProgramme | None,
    spec: ProgrammeSpec,
    author_id: int | None,
    today: date | None = None,
    now: datetime | None = None,
) -> RefresherProgramme:
    """Create or change a programme, then assign it to everyone in its audience now.

    The due date defaults to the month's last day. Changing what to complete or the
    month forgets the completions found so far: they are read again from the ledger.
    People who left the audience keep their assignment (it is their history).
    """
    problems, user_ids = _check(spec)
    if problems:
        raise RefresherRefused(problems)
    assert spec.month is not None
    month = first_of_month(spec.month)
    if programme is None:
        programme = RefresherProgramme(created_by_id=author_id)
        db.session.add(programme)
    elif (programme.month, programme.course_id, programme.exam_id) != (
        month,
        spec.course_id,
        spec.exam_id,
    ):
        for assignment in programme.assignments:
            assignment.completed_on = None
    programme.month = month
    programme.title = spec.title.strip()
    programme.course_id, programme.exam_id = spec.course_id, spec.exam_id
    audience = accounts.Audience(
        roles=spec.audience.roles,
        department_ids=spec.audience.department_ids,
        levels=spec.audience.levels,
        hired_after=spec.audience.hired_after,
        user_ids=tuple(sorted({*spec.audience.user_ids, *user_ids})),
    )
    programme.audience = audience.to_dict()
    programme.due_on = spec.due_on or last_of_month(month)
    db.session.flush()
    assign(programme, today, now)
    return programme


def assign(
    programme: RefresherProgramme, today: date | None = None, now: datetime | None = None
) -> list[int]:
    """Give everyone now in the audience their assignment; returns who was added.

    Idempotent: people already assigned are left alone, so "assign again" adds
    only newcomers. The new ones are told at once (and reminded if already late).
    """
    today = today or local_today()
    now = now or utcnow()
    members = set(db.session.scalars(accounts.Audience.from_dict(programme.audience).member_ids()))
    already = set(
        db.session.scalars(
            sa.select(RefresherAssignment.user_id).where(
                RefresherAssignment.programme_id == programme.id
            )
        )
    )
    added = sorted(members - already)
    for person in accounts.users_by_id(added):
        db.session.add(
            RefresherAssignment(
                programme_id=programme.id,
                user_id=person.id,
                department_id=person.department_id,
                assigned_at=now,
            )
        )
    db.session.flush()
    db.session.expire(programme, ["assignments"])
    if added:
        send_reminders(today, now, programmes=[programme])
    return added


# --- completion, read from the ledger -------------------------------------------------------


class _Ledger:
    """Each person's ledger, read once per call however many assignments they have."""

    # TODO(records): ask records for a query by source keys / by kind for many people
    # (see the report); until then one read of records_of() per person.
    def __init__(self) -> None:
        self._by_user: dict[int, list[Any]] = {}

    def of(self, user_id: int) -> list[Any]:
        if user_id not in self._by_user:
            self._by_user[user_id] = records.records_of(user_id)
        return self._by_user[user_id]


def _completion_date(
    programme: RefresherProgramme, user_id: int, ledger: _Ledger, today: date
) -> date | None:
    """When ``user_id`` completed what ``programme`` asks, from the ledger.

    A course is completed once (its ledger row is written once per person), so a
    course finished before the programme's month counts: the person has done it,
    and it is on time. A quiz can be sat again and the same quiz is often set month
    after month, so only a pass from the programme's month on counts.
    """
    lines = [r for r in ledger.of(user_id) if r.occurred_on <= today]
    if programme.course_id is not None:
        key = f"course:{programme.course_id}:user:{user_id}"
        return next((r.occurred_on for r in lines if r.source_key == key), None)
    passes = []
    for record in lines:
        if (
            record.kind == records.ParticipationKind.EXAM
            and record.result == "passed"
            and record.occurred_on >= programme.month
            and record.source_key.startswith("exam-attempt:")
        ):
            attempt = exams.attempts.attempt_for(int(record.source_key.split(":", 1)[1]))
            if attempt is not None and attempt.exam_id == programme.exam_id:
                passes.append(record.occurred_on)
    return min(passes, default=None)


def _refresh(assignments: Iterable[RefresherAssignment], today: date) -> int:
    ledger = _Ledger()
    found = 0
    for assignment in assignments:
        if assignment.completed_on is not None:
            continue
        completed = _completion_date(assignment.programme, assignment.user_id, ledger, today)
        if completed is not None:
            # Kept once found: later ledger changes (a regrade) do not move a month's figures.
            assignment.completed_on = completed
            found += 1
    db.session.flush()
    return found


def _open_assignments(*criteria: Any) -> list[RefresherAssignment]:
    return list(
        db.session.scalars(
            sa.select(RefresherAssignment)
            .join(RefresherProgramme)
            .where(RefresherAssignment.completed_on.is_(None), *criteria)
        )
    )


def refresh_assignments(programme: RefresherProgramme, today: date | None = None) -> int:
    """Copy completions found in the ledger onto the programme's open assignments."""
    today = today or local_today()
    return _refresh(_open_assignments(RefresherAssignment.programme_id == programme.id), today)


def refresh_for_user(user_id: int, today: date | None = None) -> int:
    today = today or local_today()
    return _refresh(_open_assignments(RefresherAssignment.user_id == user_id), today)


# --- what agents see ------------------------------------------------------------------------


@dataclass(frozen=True)
class RefresherLine:
    """One of a person's refreshers, with what it asks for."""

    assignment_id: int
    programme_id: int
    title: str
    month: date
    due_on: date
    completed_on: date | None
    status: RefresherStatus
    course_id: int | None
    exam_id: int | None
    course_slug: str | None = None  # None for a quiz, or a course since retired

    @property
    def is_open(self) -> bool:
        return self.completed_on is None


def _line(
    assignment: RefresherAssignment, today: date, slugs: dict[int, str] | None = None
) -> RefresherLine:
    programme = assignment.programme
    return RefresherLine(
        assignment.id,
        programme.id,
        programme.title,
        programme.month,
        programme.due_on,
        assignment.completed_on,
        assignment.status(today),
        programme.course_id,
        programme.exam_id,
        (slugs or {}).get(programme.course_id) if programme.course_id else None,
    )


def _lines_of(user_id: int, today: date, *criteria: Any) -> list[RefresherLine]:
    refresh_for_user(user_id, today)
    assignments = db.session.scalars(
        sa.select(RefresherAssignment)
        .join(RefresherProgramme)
        .where(RefresherAssignment.user_id == user_id, *criteria)
        .order_by(RefresherProgramme.month.desc(), RefresherProgramme.due_on, RefresherProgramme.id)
    )
    slugs = {c.id: c.slug for c in courses.catalogue().courses}
    return [_line(a, today, slugs) for a in assignments]


def due_refreshers_for(user_id: int, today: date | None = None) -> list[RefresherLine]:
    """What ``user_id`` still has to do: due, and missed but still worth doing (late),
    soonest due first. For the dashboard."""
    today = today or local_today()
    lines = _lines_of(user_id, today, RefresherAssignment.completed_on.is_(None))
    return sorted(lines, key=lambda line: (line.due_on, line.programme_id))


@dataclass(frozen=True)
class MyRefreshers:
    current: list[RefresherLine]  # this month's, and anything still due
    past: list[RefresherLine]  # earlier months: on time, late or missed


def my_refreshers(user_id: int, today: date | None = None) -> MyRefreshers:
    today = today or local_today()
    this_month = first_of_month(today)
    current, past = [], []
    for line in _lines_of(user_id, today):
        if line.month >= this_month or line.status == RefresherStatus.DUE:
            current.append(line)
        else:
            past.append(line)
    current.sort(key=lambda line: (line.due_on, line.programme_id))
    return MyRefreshers(current, past)


@dataclass(frozen=True)
class StatusRow:
    title: str
    month: date
    due_on: date
    completed_on: date | None
    status: RefresherStatus


def refresher_statuses(
    user_id: int, start: date, end: date, today: date | None = None
) -> list[StatusRow]:
    """``user_id``'s refreshers of the months from ``start`` to ``end`` (for HR reports)."""
    today = today or local_today()
    lines = _lines_of(
        user_id,
        today,
        RefresherProgramme.month >= first_of_month(start),
        RefresherProgramme.month <= end,
    )
    return [
        StatusRow(line.title, line.month, line.due_on, line.completed_on, line.status)
        for line in sorted(lines, key=lambda line: (line.month, line.due_on))
    ]


# --- what trainers and HR see ---------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeRow:
    programme: RefresherProgramme
    assigned: int
    completed: int
    missed: int


def programme_list(today: date | None = None) -> list[ProgrammeRow]:
    """Every programme, newest month first, with its figures as last refreshed."""
    today = today or local_today()
    done = sa.func.count(RefresherAssignment.completed_on)
    missed = sa.func.count(
        sa.case(
            (
                sa.and_(
                    RefresherAssignment.completed_on.is_(None),
                    RefresherProgramme.due_on < today,
                ),
                1,
            )
        )
    )
    rows = db.session.execute(
        sa.select(RefresherProgramme, sa.func.count(RefresherAssignment.id), done, missed)
        .outerjoin(RefresherAssignment)
        .group_by(RefresherProgramme.id)
        .order_by(RefresherProgramme.month.desc(), RefresherProgramme.id.desc())
    )
    return [ProgrammeRow(p, assigned, completed, late) for p, assigned, completed, late in rows]


@dataclass(frozen=True)
class PersonStatus:
    person: accounts.PersonSummary
    completed_on: date | None
    status: RefresherStatus


@dataclass(frozen=True)
class ProgrammeDetail:
    programme: RefresherProgramme
    item_title: str
    people: list[PersonStatus]
    counts: dict[RefresherStatus, int]
    named_people: list[str]  # employee numbers named outright in the audience


def item_title(programme: RefresherProgramme, locale: str) -> str:
    if programme.course_id is not None:
        course = next((c for c in courses.catalogue().courses if c.id == programme.course_id), None)
        return courses.course_title(course, locale) if course else "—"
    exam = exams.results.get_exam(programme.exam_id)  # type: ignore[arg-type]
    return _exam_title(exam, locale) if exam else "—"


def programme_detail(
    programme: RefresherProgramme, locale: str, today: date | None = None
) -> ProgrammeDetail:
    """Everyone assigned, with their status (the ledger read first)."""
    today = today or local_today()
    refresh_assignments(programme, today)
    by_user = {a.user_id: a for a in programme.assignments}
    people = [
        PersonStatus(person, by_user[person.id].completed_on, by_user[person.id].status(today))
        for person in accounts.people_summaries(by_user)
    ]
    counts = dict.fromkeys(RefresherStatus, 0)
    for row in people:
        counts[row.status] += 1
    named = accounts.Audience.from_dict(programme.audience).user_ids
    return ProgrammeDetail(
        programme,
        item_title(programme, locale),
        people,
        counts,
        sorted(u.employee_no for u in accounts.users_by_id(named)),
    )


@dataclass(frozen=True)
class OverdueRow:
    person: accounts.PersonSummary
    programme_id: int
    title: str
    month: date
    due_on: date
    days_overdue: int


def overdue(
    today: date | None = None, month: date | None = None, department_id: int | None = None
) -> list[OverdueRow]:
    """Everyone with a refresher past its due date and still not done (missed), most
    overdue first; optionally of one month, and of a department with its teams."""
    today = today or local_today()
    criteria = [RefresherProgramme.due_on < today]
    if month is not None:
        criteria.append(RefresherProgramme.month == first_of_month(month))
    _refresh(_open_assignments(*criteria), today)
    assignments = _open_assignments(*criteria)
    people = {
        p.id: p for p in accounts.people_summaries({a.user_id for a in assignments}, department_id)
    }
    rows = [
        OverdueRow(
            people[a.user_id],
            a.programme_id,
            a.programme.title,
            a.programme.month,
            a.programme.due_on,
            (today - a.programme.due_on).days,
        )
        for a in assignments
        if a.user_id in people
    ]
    rows.sort(key=lambda r: (-r.days_overdue, r.person.name_pinyin, r.programme_id))
    return rows


@dataclass(frozen=True)
class ComplianceRow:
    """One department's refreshers of one month (by the department people were in when
    assigned). ``open``: not done and not yet due."""

    department_id: int | None
    month: date
    assigned: int = 0
    on_time: int = 0
    late: int = 0
    missed: int = 0
    open: int = 0

    @property
    def completed(self) -> int:
        return self.on_time + self.late

    @property
    def completion_rate(self) -> float | None:
        """Completed (on time or late) / assigned, in percent."""
        return 100 * self.completed / self.assigned if self.assigned else None

    @property
    def on_time_rate(self) -> float | None:
        return 100 * self.on_time / self.assigned if self.assigned else None


_COUNTED = {
    RefresherStatus.ON_TIME: "on_time",
    RefresherStatus.LATE: "late",
    RefresherStatus.MISSED: "missed",
    RefresherStatus.DUE: "open",
}


def compliance(
    month_from: date,
    month_to: date,
    department_ids: Sequence[int] | None = None,
    today: date | None = None,
) -> list[ComplianceRow]:
    """Completion per department per month, for the months from ``month_from``'s to
    ``month_to``'s; ``department_ids`` (each with its teams) narrows it.

    Completions are read from the ledger first, so the figures are today's.
    """
    today = today or local_today()
    criteria: list[Any] = [
        RefresherProgramme.month >= first_of_month(month_from),
        RefresherProgramme.month <= month_to,
    ]
    if department_ids:
        within: set[int] = set()
        for department_id in department_ids:
            within.update(accounts.department_and_descendants(department_id))
        criteria.append(RefresherAssignment.department_id.in_(sorted(within)))
    _refresh(_open_assignments(*criteria), today)
    counts: dict[tuple[int | None, date], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(("assigned", "on_time", "late", "missed", "open"), 0)
    )
    for assignment in db.session.scalars(
        sa.select(RefresherAssignment).join(RefresherProgramme).where(*criteria)
    ):
        cell = counts[(assignment.department_id, assignment.programme.month)]
        cell["assigned"] += 1
        cell[_COUNTED[assignment.status(today)]] += 1
    return [
        ComplianceRow(department_id, month, **figures)
        for (department_id, month), figures in sorted(
            counts.items(), key=lambda item: (item[0][1], item[0][0] or 0)
        )
    ]


@dataclass(frozen=True)
class ComplianceTable:
    """Departments x months, as the compliance page and its exports show it."""

    months: list[date]
    departments: list[tuple[int | None, str]]
    cells: dict[tuple[int | None, date], ComplianceRow]
    totals: dict[date, ComplianceRow]


def compliance_table(
    month_from: date,
    month_to: date,
    department_ids: Sequence[int] | None = None,
    today: date | None = None,
) -> ComplianceTable:
    rows = compliance(month_from, month_to, department_ids, today)
    paths = accounts.department_paths()
    cells = {(row.department_id, row.month): row for row in rows}
    departments = sorted(
        {row.department_id for row in rows},
        key=lambda d: (d is None, accounts.department_sort_key(paths.get(d, "")) if d else ""),
    )
    months = months_between(month_from, month_to)
    totals = {}
    for month in months:
        in_month = [row for row in rows if row.month == month]
        totals[month] = ComplianceRow(
            None,
            month,
            **{
                name: sum(getattr(row, name) for row in in_month)
                for name in ("assigned", "on_time", "late", "missed", "open")
            },
        )
    return ComplianceTable(
        months,
        [(d, paths.get(d, "") if d else _("No department")) for d in departments],
        cells,
        totals,
    )


def compliance_export(table: ComplianceTable) -> tuple[list[str], list[list[Any]]]:
    """The table as rows for CSV and Excel: one line per department and month."""
    headers = [
        _("Department"),
        _("Month"),
        _("Assigned"),
        _("Done on time"),
        _("Done late"),
        _("Missed"),
        _("Not yet due"),
        _("Completion rate (%)"),
        _("On-time rate (%)"),
    ]

    def percent(value: float | None) -> Any:
        return round(value, 1) if value is not None else ""

    values = []
    for department_id, name in table.departments:
        for month in table.months:
            row = table.cells.get((department_id, month))
            if row is None:
                continue
            values.append(
                [
                    name,
                    month.strftime("%Y-%m"),
                    row.assigned,
                    row.on_time,
                    row.late,
                    row.missed,
                    row.open,
                    percent(row.completion_rate),
                    percent(row.on_time_rate),
                ]
            )
    return headers, values


# --- reminders ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SentReminder:
    kind: str
    user_id: int
    employee_no: str
    title: str
    due_on: date


def send_reminders(
    today: date | None = None,
    now: datetime | None = None,
    programmes: Sequence[RefresherProgramme] | None = None,
) -> list[SentReminder]:
    """Send what is owed, each at most once per assignment: the new assignment, "due
    soon" (from ``DUE_SOON_DAYS`` before the due date) and "overdue" (from the day after).

    Completions are read first, so nobody who has done it is reminded. "Due soon" is
    skipped for people assigned inside its window: their new-assignment notice, days
    ago at most, already gave the date. Safe to run any number of times.
    """
    today = today or local_today()
    now = now or utcnow()
    if programmes is None:
        criteria: list[Any] = [RefresherProgramme.due_on >= today - REMINDER_LOOKBACK]
    else:
        criteria = [RefresherProgramme.id.in_([p.id for p in programmes])]
    assignments = _open_assignments(*criteria)
    _refresh(assignments, today)
    owed: list[tuple[str, RefresherAssignment]] = []
    for assignment in assignments:
        if assignment.completed_on is not None:
            continue
        due_on = assignment.programme.due_on
        soon_from = due_on - timedelta(days=DUE_SOON_DAYS)
        if today > due_on:
            owed.append((OVERDUE, assignment))
            continue
        owed.append((ASSIGNED, assignment))
        if today >= soon_from and local_date(assignment.assigned_at) < soon_from:
            owed.append((DUE_SOON, assignment))
    sent = []
    for kind, assignment in owed:
        programme = assignment.programme
        notification = notifications.notify(
            assignment.user_id,
            kind,
            MESSAGES[kind],
            {"title": programme.title, "due": programme.due_on.isoformat()},
            notifications.Link("refreshers.mine"),
            dedupe_key=f"refresher-assignment:{assignment.id}:{kind}",
            now=now,
        )
        if notification is not None:
            sent.append((kind, assignment))
    people = {u.id: u for u in accounts.users_by_id({a.user_id for _kind, a in sent})}
    db.session.flush()
    return [
        SentReminder(
            kind, a.user_id, people[a.user_id].employee_no, a.programme.title, a.programme.due_on
        )
        for kind, a in sent
    ]

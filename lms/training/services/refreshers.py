"""Monthly refreshers: programmes, assignments, due dates, compliance and reminders.

Completion is read from the courses and exams areas, dated as their ledger rows are,
never hooked into them: the data flows courses/exams -> training. It is read in bulk,
a few statements for a whole audience, and the date found is copied onto the
assignment the first time it is seen (``refresh_*``), so that lists and figures read
one column, and counts by status are computed in SQL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import orm
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from lms.accounts import services as accounts
from lms.courses import services as courses
from lms.database import utcnow
from lms.exams import services as exams
from lms.extensions import db
from lms.i18n import local_date, local_today
from lms.months import month_end as last_of_month
from lms.months import month_start as first_of_month
from lms.notifications import services as notifications
from lms.training.errors import RefresherRefused
from lms.training.models.refreshers import (
    RefresherAssignment,
    RefresherProgramme,
    RefresherStatus,
)

__all__ = [
    "ComplianceRow",
    "RefresherCounts",
    "RefresherStatus",
    "assign",
    "compliance",
    "due_refreshers_for",
    "refresh_assignments",
    "refresher_statuses",
    "refresher_tallies",
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


# --- completion, read in bulk ---------------------------------------------------------------

#: Ids per ``IN (...)`` list, well under every database's limit on bound parameters.
IN_CHUNK = 500


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), IN_CHUNK):
        yield ids[start : start + IN_CHUNK]


def _completions(
    course_id: int | None, exam_id: int | None, month: date | None, user_ids: Iterable[int]
) -> dict[int, date]:
    """When each person completed what a programme asks, as the ledger dates it.

    A course is completed once (its ledger row is written once per person), so a
    course finished before the programme's month counts: the person has done it,
    and it is on time. A quiz can be sat again and the same quiz is often set month
    after month, so only the first pass from the programme's month on counts.
    """
    if course_id is not None:
        return courses.completion_dates(course_id, user_ids)
    assert exam_id is not None and month is not None
    return exams.results.first_passes(exam_id, user_ids, month)


def _refresh(
    today: date, *criteria: Any, user_ids: Sequence[int] | sa.Select[tuple[int]] | None = None
) -> int:
    """Copy completions onto the open assignments matching ``criteria`` (and, given
    ``user_ids``, of those people: a list, or a select of ids read as a subquery in the
    same statement); returns how many were found.

    A constant number of statements whatever the number of people (one per 500 ids):
    the open assignments, one look-up for all the courses asked for and one per quiz
    month, one UPDATE for all that were completed.
    """
    query = (
        sa.select(
            RefresherAssignment.id,
            RefresherAssignment.user_id,
            RefresherProgramme.course_id,
            RefresherProgramme.exam_id,
            RefresherProgramme.month,
        )
        .join(RefresherProgramme)
        .where(RefresherAssignment.completed_on.is_(None), *criteria)
    )
    if user_ids is None:
        rows = list(db.session.execute(query))
    elif isinstance(user_ids, sa.Select):
        subquery = user_ids.scalar_subquery()
        rows = list(db.session.execute(query.where(RefresherAssignment.user_id.in_(subquery))))
    else:
        rows = [
            row
            for chunk in _chunks(sorted(set(user_ids)))
            for row in db.session.execute(query.where(RefresherAssignment.user_id.in_(chunk)))
        ]
    # A course is looked up once whatever the month; a quiz once per month (its passes
    # count from the month's first day).
    wanted: dict[tuple[int | None, int | None, date | None], list[tuple[int, int]]] = defaultdict(
        list
    )
    for assignment_id, user_id, course_id, exam_id, month in rows:
        key = (course_id, None, None) if course_id is not None else (None, exam_id, month)
        wanted[key].append((assignment_id, user_id))
    # Every course at once (one look-up whatever the number of courses asked for).
    course_keys = [key for key in wanted if key[0] is not None]
    of_course = courses.completion_dates_of(
        [course_id for course_id, _exam, _month in course_keys],
        {user_id for key in course_keys for _id, user_id in wanted[key]},
    )
    found: list[dict[str, Any]] = []
    for (course_id, exam_id, month), group in wanted.items():
        if course_id is not None:
            dates = of_course.get(course_id, {})
        else:
            dates = _completions(None, exam_id, month, {user_id for _id, user_id in group})
        for assignment_id, user_id in group:
            completed = dates.get(user_id)
            # A ledger row dated after today is not yet seen (a date typed ahead).
            if completed is not None and completed <= today:
                found.append({"assignment_id": assignment_id, "completed_on": completed})
    if found:
        _store_completions(found)
    return len(found)


_ASSIGNMENT = RefresherAssignment.__table__


def _store_completions(found: list[dict[str, Any]]) -> None:
    # Kept once found: later ledger changes (a regrade) do not move a month's figures.
    # One executemany; the assignments already loaded in the session are given the same
    # value instead of being expired, which would cost one SELECT each on next access.
    db.session.execute(
        sa.update(_ASSIGNMENT)
        .where(
            _ASSIGNMENT.c.id == sa.bindparam("assignment_id"),
            _ASSIGNMENT.c.completed_on.is_(None),
        )
        .values(completed_on=sa.bindparam("completed_on")),
        found,
    )
    for row in found:
        loaded = db.session.identity_map.get(
            identity_key(RefresherAssignment, row["assignment_id"])
        )
        if loaded is not None:
            set_committed_value(loaded, "completed_on", row["completed_on"])


def _open_assignments(*criteria: Any) -> list[RefresherAssignment]:
    return list(
        db.session.scalars(
            sa.select(RefresherAssignment)
            .join(RefresherProgramme)
            .options(contains_eager(RefresherAssignment.programme))
            .where(RefresherAssignment.completed_on.is_(None), *criteria)
        )
    )


def refresh_assignments(programme: RefresherProgramme, today: date | None = None) -> int:
    """Copy completions found onto the programme's open assignments."""
    today = today or local_today()
    return _refresh(today, RefresherAssignment.programme_id == programme.id)


def refresh_for_user(user_id: int, today: date | None = None) -> int:
    today = today or local_today()
    return _refresh(today, RefresherAssignment.user_id == user_id)


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
        .options(orm.contains_eager(RefresherAssignment.programme))
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
    """Everyone assigned, with their status (completions read first)."""
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
    _refresh(today, *criteria)
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
class RefresherCounts:
    """Refreshers by status: one person's in a period, or a department's in a month.
    ``open``: not done and not yet due."""

    assigned: int = 0
    on_time: int = 0
    late: int = 0
    missed: int = 0
    open: int = 0

    def __add__(self, other: RefresherCounts) -> RefresherCounts:
        return RefresherCounts(**{n: getattr(self, n) + getattr(other, n) for n in STATUS_COUNTS})

    @property
    def completed(self) -> int:
        return self.on_time + self.late

    @property
    def due(self) -> int:
        """Assignments whose due date has passed or that are done: the ones that can be
        judged on time or not."""
        return self.assigned - self.open

    @property
    def completion_rate(self) -> Decimal | None:
        """Completed (on time or late) / assigned, in percent."""
        return _percent(self.completed, self.assigned)

    @property
    def on_time_rate(self) -> Decimal | None:
        """Done on time / due, in percent: a refresher not yet due is not yet late, so this
        month's figure is not dragged down by people who still have time."""
        return _percent(self.on_time, self.due)


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True, kw_only=True)
class ComplianceRow(RefresherCounts):
    """One department's refreshers of one month (by the department people were in when
    assigned)."""

    department_id: int | None
    month: date


STATUS_COUNTS = ("assigned", "on_time", "late", "missed", "open")


def _named(figures: Sequence[int]) -> dict[str, int]:
    """The figures ``_counts`` selects, by name."""
    return dict(zip(STATUS_COUNTS, figures, strict=True))


def _counts(today: date) -> list[Any]:
    """assigned, on time, late, missed, open: ``RefresherAssignment.status`` in SQL, for a
    query joining assignments to their programmes."""
    completed_on, due_on = RefresherAssignment.completed_on, RefresherProgramme.due_on

    def count(condition: Any) -> Any:
        return sa.func.count(sa.case((condition, 1)))

    return [
        sa.func.count(RefresherAssignment.id),
        count(completed_on <= due_on),
        count(completed_on > due_on),
        count(sa.and_(completed_on.is_(None), due_on < today)),
        count(sa.and_(completed_on.is_(None), due_on >= today)),
    ]


def compliance(
    month_from: date,
    month_to: date,
    department_ids: Sequence[int] | None = None,
    today: date | None = None,
) -> list[ComplianceRow]:
    """Completion per department per month, for the months from ``month_from``'s to
    ``month_to``'s; ``department_ids`` (each with its teams) narrows it.

    Completions are read first, so the figures are today's; then one grouped query
    counts each department's month by status.
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
    _refresh(today, *criteria)
    rows = db.session.execute(
        sa.select(RefresherAssignment.department_id, RefresherProgramme.month, *_counts(today))
        .join(RefresherProgramme)
        .where(*criteria)
        .group_by(RefresherAssignment.department_id, RefresherProgramme.month)
    )
    return sorted(
        (
            ComplianceRow(department_id=department_id, month=month, **_named(figures))
            for department_id, month, *figures in rows
        ),
        key=lambda row: (row.month, row.department_id or 0),
    )


def refresher_tallies(
    user_ids: Sequence[int], start: date, end: date, today: date | None = None
) -> dict[int, RefresherCounts]:
    """Each person's assignments whose due date is from ``start`` to ``end`` (inclusive),
    counted by status (for HR reports); every id of ``user_ids`` is a key, with zeros
    when they had none.

    Completions are read first, so the figures are today's. A constant number of
    statements however many people (one per 500 ids and per thing asked for).
    """
    today = today or local_today()
    ids = sorted(set(user_ids))
    in_period = (RefresherProgramme.due_on >= start, RefresherProgramme.due_on <= end)
    _refresh(today, *in_period, user_ids=ids)
    tallies = dict.fromkeys(ids, RefresherCounts())
    for chunk in _chunks(ids):
        rows = db.session.execute(
            sa.select(RefresherAssignment.user_id, *_counts(today))
            .join(RefresherProgramme)
            .where(RefresherAssignment.user_id.in_(chunk), *in_period)
            .group_by(RefresherAssignment.user_id)
        )
        tallies.update((user_id, RefresherCounts(**_named(figures))) for user_id, *figures in rows)
    return tallies


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
            department_id=None,
            month=month,
            **{name: sum(getattr(row, name) for row in in_month) for name in STATUS_COUNTS},
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
    _refresh(today, *criteria)
    assignments = _open_assignments(*criteria)
    owed: list[tuple[str, RefresherAssignment]] = []
    for assignment in assignments:
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


# --- for other areas, in bulk ---------------------------------------------------------------


@dataclass(frozen=True)
class AssignedRefresher:
    user_id: int
    title: str
    month: date
    due_on: date
    completed_on: date | None


def assigned_refreshers(
    user_ids: Sequence[int] | sa.Select[tuple[int]],
    start: date,
    end: date,
    today: date | None = None,
) -> dict[int, list[AssignedRefresher]]:
    """Each person's refreshers due from ``start`` to ``end`` (inclusive), by due date, with
    the date completed if it was. Completions are read first (as ``refresher_tallies``
    does), so the dates are today's.

    A constant number of statements however many people: given a list, one per 500 ids
    and per thing asked for; given a select of ids (one column), one for the open
    assignments, one look-up per thing still open, one UPDATE, one read.
    """
    today = today or local_today()
    in_period = (RefresherProgramme.due_on >= start, RefresherProgramme.due_on <= end)
    base = (
        sa.select(
            RefresherAssignment.user_id,
            RefresherProgramme.title,
            RefresherProgramme.month,
            RefresherProgramme.due_on,
            RefresherAssignment.completed_on,
        )
        .join(RefresherProgramme)
        .where(*in_period)
        .order_by(RefresherProgramme.due_on, RefresherAssignment.id)
    )
    if isinstance(user_ids, sa.Select):
        _refresh(today, *in_period, user_ids=user_ids)
        subquery = user_ids.scalar_subquery()
        statements = [base.where(RefresherAssignment.user_id.in_(subquery))]
    else:
        ids = sorted(set(user_ids))
        _refresh(today, *in_period, user_ids=ids)
        statements = [base.where(RefresherAssignment.user_id.in_(chunk)) for chunk in _chunks(ids)]
    found: dict[int, list[AssignedRefresher]] = {}
    # Plain rows from the connection (the session was flushed by the look-up above): the
    # ORM's cost per row adds nothing to a select of columns, and an HR list reads
    # thousands of agents' refreshers.
    connection = db.session.connection()
    for statement in statements:
        for row in connection.execute(statement).all():  # one fetch, not one per row
            person = found.get(row[0])
            if person is None:
                person = found[row[0]] = []
            person.append(AssignedRefresher(*row))
    return found

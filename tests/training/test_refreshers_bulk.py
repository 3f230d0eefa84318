"""Refresher figures read in bulk: each person's tallies for HR reports, compliance counted
in SQL, and statement counts that do not grow with the number of people."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, time

import pytest
import sqlalchemy as sa

from lms.accounts import services as accounts
from lms.extensions import db
from lms.training.models.refreshers import RefresherAssignment
from lms.training.services import refreshers
from lms.training.services.refreshers import ProgrammeSpec, RefresherCounts, RefresherStatus
from tests.training.refresher_fixtures import (  # noqa: F401 (fixtures)
    complete_course,
    course_fixture,
    quiz_fixture,
    sit_quiz,
)

NOVEMBER = date(2026, 11, 1)
DECEMBER = date(2026, 12, 1)
DUE = date(2026, 12, 31)


def programme_of(course=None, quiz=None, month=DECEMBER, due_on=None, user_ids=()):
    spec = ProgrammeSpec(
        month=month,
        title="复训",
        course_id=course.id if course else None,
        exam_id=quiz.id if quiz else None,
        audience=accounts.Audience(user_ids=tuple(user_ids)),
        due_on=due_on,
    )
    return refreshers.save_programme(None, spec, None, today=month)


@contextmanager
def statements() -> Iterator[list[str]]:
    """The SQL statements sent to the database inside the block."""
    sent: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _executemany) -> None:
        sent.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


def stored_completion(programme, user) -> date | None:
    return db.session.scalar(
        sa.select(RefresherAssignment.completed_on).where(
            RefresherAssignment.programme_id == programme.id,
            RefresherAssignment.user_id == user.id,
        )
    )


# --- tallies ----------------------------------------------------------------------------------


def test_tallies_count_each_persons_refreshers_due_in_the_period(course, quiz, create_user) -> None:
    ana, bo, cy, never_assigned = (create_user() for _ in range(4))
    november = programme_of(course, month=NOVEMBER, user_ids=(ana.id, bo.id, cy.id))
    december_quiz = programme_of(quiz=quiz, user_ids=(ana.id, bo.id, cy.id))
    programme_of(course, month=date(2027, 1, 1), user_ids=(ana.id,))  # due in January
    complete_course(course, ana.id, date(2026, 11, 30))  # November on time
    complete_course(course, bo.id, date(2026, 12, 1))  # November late
    sit_quiz(quiz, ana, date(2026, 12, 9))  # December on time
    sit_quiz(quiz, bo, date(2026, 12, 9), passed=False)  # December still open

    tallies = refreshers.refresher_tallies(
        [ana.id, bo.id, cy.id, never_assigned.id, bo.id], NOVEMBER, DUE, today=date(2026, 12, 10)
    )
    assert tallies == {
        ana.id: RefresherCounts(assigned=2, on_time=2),
        bo.id: RefresherCounts(assigned=2, late=1, open=1),
        cy.id: RefresherCounts(assigned=2, missed=1, open=1),
        never_assigned.id: RefresherCounts(),
    }
    assert tallies[bo.id].completed == 1
    # Read first, and kept on the assignment.
    assert stored_completion(november, bo) == date(2026, 12, 1)
    assert stored_completion(december_quiz, ana) == date(2026, 12, 9)


def test_tallies_take_the_due_dates_from_start_to_end_inclusive(course, create_user) -> None:
    agent = create_user()
    for due_on in (date(2026, 12, 9), date(2026, 12, 10), date(2026, 12, 20), date(2026, 12, 21)):
        programme_of(course, due_on=due_on, user_ids=(agent.id,))
    tallies = refreshers.refresher_tallies(
        [agent.id], date(2026, 12, 10), date(2026, 12, 20), today=date(2026, 12, 15)
    )
    assert tallies[agent.id] == RefresherCounts(assigned=2, missed=1, open=1)
    assert refreshers.refresher_tallies([], NOVEMBER, DUE) == {}


@pytest.mark.parametrize(
    ("completed", "today", "expected"),
    [
        (None, DUE, RefresherStatus.DUE),  # the last day is still due
        (None, date(2027, 1, 1), RefresherStatus.MISSED),  # the day after: missed
        (DUE, date(2027, 1, 5), RefresherStatus.ON_TIME),  # done on the due date
        (date(2027, 1, 1), date(2027, 1, 5), RefresherStatus.LATE),  # the day after
        (date(2025, 6, 1), DECEMBER, RefresherStatus.ON_TIME),  # a course done long before
        (date(2026, 12, 20), date(2026, 12, 10), RefresherStatus.DUE),  # dated after today
    ],
)
def test_sql_counts_keep_the_statuses_boundaries(
    course, create_user, completed, today, expected
) -> None:
    agent = create_user()
    programme = programme_of(course, user_ids=(agent.id,))
    if completed:
        complete_course(course, agent.id, completed)
    counted = {
        RefresherStatus.ON_TIME: "on_time",
        RefresherStatus.LATE: "late",
        RefresherStatus.MISSED: "missed",
        RefresherStatus.DUE: "open",
    }[expected]
    tallies = refreshers.refresher_tallies([agent.id], DECEMBER, DUE, today=today)
    assert tallies[agent.id] == RefresherCounts(assigned=1, **{counted: 1})
    [row] = refreshers.compliance(DECEMBER, DECEMBER, today=today)
    assert (row.assigned, getattr(row, counted)) == (1, 1)
    # The Python status the pages show agrees with the SQL count.
    [assignment] = programme.assignments
    assert assignment.status(today) is expected


def test_tallies_chunk_their_in_lists(course, create_user, monkeypatch) -> None:
    monkeypatch.setattr(refreshers, "IN_CHUNK", 2)
    people = [create_user() for _ in range(5)]
    programme_of(course, user_ids=[p.id for p in people])
    for person in people[:3]:
        complete_course(course, person.id, date(2026, 12, 5))
    tallies = refreshers.refresher_tallies(
        [p.id for p in people], DECEMBER, DUE, today=date(2026, 12, 10)
    )
    assert [tallies[p.id].on_time for p in people] == [1, 1, 1, 0, 0]
    assert [tallies[p.id].open for p in people] == [0, 0, 0, 1, 1]


# --- statement counts -------------------------------------------------------------------------


def _world(course, quiz, create_user, size: int, month: date):
    """A course and a quiz programme of ``month`` for ``size`` people, half of whom did both."""
    people = [create_user() for _ in range(size)]
    ids = [p.id for p in people]
    course_programme = programme_of(course, month=month, user_ids=ids)
    quiz_programme = programme_of(quiz=quiz, month=month, user_ids=ids)
    for person in people[: size // 2]:
        complete_course(course, person.id, month.replace(day=5))
        sit_quiz(quiz, person, month.replace(day=5), passed=False)
        sit_quiz(quiz, person, month.replace(day=6))
    db.session.flush()
    return people, course_programme, quiz_programme


def test_reading_completions_takes_the_same_statements_for_2_or_24_people(
    course, quiz, create_user
) -> None:
    few, few_course, few_quiz = _world(course, quiz, create_user, 2, NOVEMBER)
    many, many_course, many_quiz = _world(course, quiz, create_user, 24, DECEMBER)
    today = date(2026, 12, 20)
    counts = {}
    for name, programme in [
        ("few course", few_course),
        ("many course", many_course),
        ("few quiz", few_quiz),
        ("many quiz", many_quiz),
    ]:
        with statements() as sent:
            found = refreshers.refresh_assignments(programme, today)
        counts[name] = (len(sent), found)
    # The open assignments, one look-up, one UPDATE for all that were found.
    assert counts == {
        "few course": (3, 1),
        "many course": (3, 12),
        "few quiz": (3, 1),
        "many quiz": (3, 12),
    }
    with statements() as sent:
        assert refreshers.refresh_assignments(many_course, today) == 0
    assert len(sent) == 2  # nothing new: no UPDATE
    assert stored_completion(many_quiz, many[0]) == date(2026, 12, 6)  # the pass, not the fail
    assert stored_completion(many_quiz, many[-1]) is None
    assert stored_completion(few_quiz, few[0]) == date(2026, 11, 6)


def test_tallies_and_compliance_take_the_same_statements_for_2_or_24_people(
    course, quiz, create_user
) -> None:
    few, *_ = _world(course, quiz, create_user, 2, NOVEMBER)
    many, *_ = _world(course, quiz, create_user, 24, DECEMBER)
    today = date(2027, 1, 10)
    counts = []
    for people, month in ((few, NOVEMBER), (many, DECEMBER)):
        last = refreshers.last_of_month(month)
        with statements() as sent:
            tallies = refreshers.refresher_tallies([p.id for p in people], month, last, today)
        counts.append(len(sent))
        assert tallies[people[0].id] == RefresherCounts(assigned=2, on_time=2)
        assert tallies[people[-1].id] == RefresherCounts(assigned=2, missed=2)
    # Open assignments, a course look-up, a quiz look-up, one UPDATE, one grouped count.
    assert counts == [5, 5]

    counts = []
    for people, month in ((few, NOVEMBER), (many, DECEMBER)):
        with statements() as sent:
            [row] = refreshers.compliance(month, month, None, today)
        counts.append(len(sent))
        assert (row.assigned, row.on_time, row.missed) == (
            2 * len(people),
            len(people),
            len(people),
        )
    # The open assignments, the two look-ups for those still not done (no UPDATE: nothing
    # new), one grouped count.
    assert counts == [4, 4]


def test_a_course_completed_just_after_local_midnight_is_dated_that_day(
    course, create_user
) -> None:
    # 00:30 in Shanghai on 1 December is still 30 November in UTC.
    agent = create_user()
    programme = programme_of(course, month=NOVEMBER, user_ids=(agent.id,))
    complete_course(course, agent.id, date(2026, 12, 1), at=time(0, 30))
    refreshers.refresh_assignments(programme, today=date(2026, 12, 2))
    assert stored_completion(programme, agent) == date(2026, 12, 1)
    [assignment] = programme.assignments
    assert assignment.status(date(2026, 12, 2)) is RefresherStatus.LATE

"""``completion_dates``: when many people completed a course, in bulk, dated as the ledger."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa

from lms.courses import services
from lms.extensions import db
from lms.records import services as records

NOON = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
LATE = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)  # 01:00 on the 24th in Shanghai
RIGHT = {0: 0, 1: True, 2: [0, 1]}


def complete(course, user_id: int, now: datetime) -> None:
    for lesson in services.active_lessons(course):
        services.mark_done(user_id, lesson, now=now)
        services.submit_check(user_id, lesson, "zh", RIGHT, now=now)


def test_each_completion_is_dated_as_its_ledger_row(db_session, content, create_user) -> None:
    services.sync_content(content)
    course = services.get_course_by_slug("complaint-handling")
    at_noon, after_midnight, halfway, never = (create_user() for _ in range(4))
    complete(course, at_noon.id, NOON)
    complete(course, after_midnight.id, LATE)
    services.mark_done(halfway.id, services.active_lessons(course)[0], now=NOON)

    dates = services.completion_dates(
        course.id, [at_noon.id, after_midnight.id, halfway.id, never.id, at_noon.id]
    )
    assert dates == {at_noon.id: date(2026, 11, 23), after_midnight.id: date(2026, 11, 24)}
    for person in (at_noon, after_midnight):
        [row] = records.records_of(person.id)
        assert dates[person.id] == row.occurred_on
    assert services.completion_dates(course.id, []) == {}


def test_ids_are_read_500_at_a_time(db_session, content, create_user) -> None:
    services.sync_content(content)
    course = services.get_course_by_slug("complaint-handling")
    learner = create_user()
    complete(course, learner.id, NOON)
    sent: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        sent.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        dates = services.completion_dates(course.id, [learner.id, *range(10**6, 10**6 + 1100)])
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert dates == {learner.id: date(2026, 11, 23)}
    assert len(sent) == 3  # 1,101 ids

"""``completions_by_slug`` and ``course_titles``: completions of many people, by course slug."""

from __future__ import annotations

from datetime import UTC, date, datetime

from lms.courses import services
from lms.courses.models import CourseCompletion
from lms.extensions import db
from tests.career.bulk_agents import add_agents, agents_in, statements

LATE = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)  # 01:00 on the 24th in Shanghai


def test_completions_by_slug_dated_in_local_time(db_session, content, create_user) -> None:
    services.sync_content(content)
    course = services.get_course_by_slug("complaint-handling")
    done, not_done = create_user(), create_user()
    db.session.add(CourseCompletion(user_id=done.id, course_id=course.id, completed_at=LATE))
    db.session.flush()
    found = services.completions_by_slug(["complaint-handling", "nope"], [done.id, not_done.id])
    assert found == {done.id: {"complaint-handling": date(2026, 11, 24)}}
    assert services.completions_by_slug([], [done.id]) == {}
    assert services.course_titles(["complaint-handling", "nope"]) == {
        "complaint-handling": (course.title_zh, course.title_en)
    }


def test_a_select_of_ids_costs_one_statement_for_5_or_1200_people(
    db_session, content, create_department
) -> None:
    services.sync_content(content)
    course = services.get_course_by_slug("complaint-handling")
    few, many = create_department("中心/一组"), create_department("中心/二组")
    some, lots = add_agents(5, few), add_agents(1_200, many)
    for user_id in (some[0], lots[0], lots[-1]):
        db.session.add(CourseCompletion(user_id=user_id, course_id=course.id, completed_at=LATE))
    db.session.flush()
    counts, found = [], []
    for department in (few, many):
        with statements() as sent:
            found.append(
                services.completions_by_slug(["complaint-handling"], agents_in(department))
            )
        counts.append(len(sent))
    assert counts == [1, 1]
    assert found[0] == {some[0]: {"complaint-handling": date(2026, 11, 24)}}
    assert set(found[1]) == {lots[0], lots[-1]}

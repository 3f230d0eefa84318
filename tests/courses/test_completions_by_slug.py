"""``completions_by_slug`` and ``course_titles``: completions of many people, by course slug."""

from __future__ import annotations

from datetime import UTC, date, datetime

from lms.courses import services
from lms.courses.models import CourseCompletion
from lms.extensions import db

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

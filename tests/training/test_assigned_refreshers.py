"""``assigned_refreshers``: many people's refreshers due in a window, completions read first."""

from __future__ import annotations

from datetime import date

from lms.accounts import services as accounts
from lms.training.services import refreshers
from tests.training.refresher_fixtures import complete_course, course_fixture  # noqa: F401


def test_refreshers_due_in_the_window_with_their_completion(course, create_user) -> None:
    done, open_ = create_user(), create_user()
    audience = accounts.Audience(user_ids=(done.id, open_.id))
    for month in (date(2026, 9, 1), date(2026, 10, 1)):
        refreshers.save_programme(
            None,
            refreshers.ProgrammeSpec(
                month=month, title=f"复训 {month.month}", course_id=course.id, audience=audience
            ),
            None,
            today=month,
        )
    complete_course(course, done.id, date(2026, 9, 10))

    found = refreshers.assigned_refreshers(
        [done.id, open_.id], date(2026, 10, 1), date(2026, 10, 31), today=date(2026, 11, 5)
    )

    [mine] = found[done.id]
    assert (mine.title, mine.due_on, mine.completed_on) == (
        "复训 10",
        date(2026, 10, 31),
        date(2026, 9, 10),
    )
    [theirs] = found[open_.id]
    assert theirs.completed_on is None

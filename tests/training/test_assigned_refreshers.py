"""``assigned_refreshers``: many people's refreshers due in a window, completions read first."""

from __future__ import annotations

from datetime import date

from lms.accounts import services as accounts
from lms.training.services import refreshers
from tests.career.bulk_agents import add_agents, agents_in, statements
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


def test_a_select_of_ids_costs_the_same_statements_for_5_or_1200_people(
    course,
    create_department,
) -> None:
    few, many = create_department("中心/一组"), create_department("中心/二组")
    some, lots = add_agents(5, few), add_agents(1_200, many)
    done = [some[0], lots[0], lots[-1]]
    audience = accounts.Audience(user_ids=(*done, some[1], lots[1]))
    refreshers.save_programme(
        None,
        refreshers.ProgrammeSpec(
            month=date(2026, 10, 1), title="复训 10", course_id=course.id, audience=audience
        ),
        None,
        today=date(2026, 10, 1),
    )
    for user_id in done:
        complete_course(course, user_id, date(2026, 10, 10))
    counts, found = [], []
    for department in (few, many):
        with statements() as sent:
            found.append(
                refreshers.assigned_refreshers(
                    agents_in(department),
                    date(2026, 10, 1),
                    date(2026, 10, 31),
                    today=date(2026, 11, 5),
                )
            )
        counts.append(len(sent))
    # The open assignments, the course's completions, the UPDATE, the read: whatever the
    # head count.
    assert counts[0] == counts[1] == 4
    assert {u: [r.completed_on for r in rs] for u, rs in found[0].items()} == {
        some[0]: [date(2026, 10, 10)],
        some[1]: [None],
    }
    assert set(found[1]) == {lots[0], lots[1], lots[-1]}

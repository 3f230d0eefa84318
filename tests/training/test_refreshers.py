"""Monthly refreshers: assignment, completion read from the ledger, statuses at their
boundaries, the overdue list, compliance figures and reminders."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from lms.accounts import services as accounts
from lms.extensions import db
from lms.notifications.models import Notification
from lms.training.errors import RefresherRefused
from lms.training.models.refreshers import RefresherAssignment
from lms.training.services import refreshers
from lms.training.services.refreshers import ProgrammeSpec, RefresherStatus
from tests.training.refresher_fixtures import (  # noqa: F401 (fixtures)
    complete_course,
    course_fixture,
    quiz_fixture,
    sit_quiz,
)

DECEMBER = date(2026, 12, 1)
DUE = date(2026, 12, 31)


def programme_of(course=None, quiz=None, month=DECEMBER, due_on=None, today=None, **audience):
    spec = ProgrammeSpec(
        month=month,
        title="十二月复训：投诉处理",
        course_id=course.id if course else None,
        exam_id=quiz.id if quiz else None,
        audience=accounts.Audience(**audience),
        due_on=due_on,
    )
    return refreshers.save_programme(None, spec, None, today=today or month)


def status_of(programme, user, today: date) -> RefresherStatus:
    refreshers.refresh_assignments(programme, today)
    assignment = db.session.scalar(
        sa.select(RefresherAssignment).where(
            RefresherAssignment.programme_id == programme.id,
            RefresherAssignment.user_id == user.id,
        )
    )
    return assignment.status(today)


def test_the_due_date_defaults_to_the_months_last_day(course, create_user) -> None:
    create_user()
    programme = programme_of(course, month=date(2027, 2, 14), roles=("agent",))
    assert programme.month == date(2027, 2, 1)
    assert programme.due_on == date(2027, 2, 28)


@pytest.mark.parametrize(
    ("completed", "today", "expected"),
    [
        (None, DUE, RefresherStatus.DUE),  # the last day is still due
        (None, date(2027, 1, 1), RefresherStatus.MISSED),  # the day after: missed
        (DUE, date(2027, 1, 5), RefresherStatus.ON_TIME),  # done on the due date
        (date(2027, 1, 1), date(2027, 1, 5), RefresherStatus.LATE),  # the day after
        (date(2026, 12, 2), date(2026, 12, 3), RefresherStatus.ON_TIME),
    ],
)
def test_statuses_at_their_boundaries(course, create_user, completed, today, expected) -> None:
    agent = create_user()
    programme = programme_of(course, user_ids=(agent.id,))
    if completed:
        complete_course(course, agent.id, completed)
    assert status_of(programme, agent, today) is expected


def test_a_course_done_before_the_month_counts_as_done_on_time(course, create_user) -> None:
    # A course is completed once: its ledger row cannot be written again, so someone who
    # took it last year has done this refresher, and on time.
    agent = create_user()
    complete_course(course, agent.id, date(2025, 6, 1))
    programme = programme_of(course, user_ids=(agent.id,))
    assert status_of(programme, agent, DECEMBER) is RefresherStatus.ON_TIME
    [line] = refreshers.refresher_statuses(agent.id, DECEMBER, DUE, today=DECEMBER)
    assert line.completed_on == date(2025, 6, 1)


def test_a_ledger_row_dated_after_today_is_not_yet_seen(course, create_user) -> None:
    agent = create_user()
    complete_course(course, agent.id, date(2026, 12, 20))
    programme = programme_of(course, user_ids=(agent.id,))
    assert status_of(programme, agent, date(2026, 12, 10)) is RefresherStatus.DUE


def test_a_quiz_counts_from_the_first_pass_in_the_month_on(quiz, create_user) -> None:
    passed_before, passed_in, failed_in, nobody = (create_user() for _ in range(4))
    sit_quiz(quiz, passed_before, date(2026, 11, 28))  # last month's quiz
    sit_quiz(quiz, passed_in, date(2026, 12, 9))
    sit_quiz(quiz, failed_in, date(2026, 12, 9), passed=False)
    programme = programme_of(
        quiz=quiz, user_ids=(passed_before.id, passed_in.id, failed_in.id, nobody.id)
    )
    today = date(2026, 12, 10)
    assert status_of(programme, passed_before, today) is RefresherStatus.DUE
    assert status_of(programme, passed_in, today) is RefresherStatus.ON_TIME
    assert status_of(programme, failed_in, today) is RefresherStatus.DUE
    assert status_of(programme, nobody, today) is RefresherStatus.DUE


def test_assigning_is_idempotent_and_assigning_again_adds_newcomers(
    course, create_user, create_department
) -> None:
    team = create_department("客服中心/一部")
    first = create_user(department=team)
    programme = programme_of(course, department_ids=(team.id,))
    assert [a.user_id for a in programme.assignments] == [first.id]
    assert refreshers.assign(programme, DECEMBER) == []
    newcomer = create_user(department=team)
    create_user()  # elsewhere: not in the audience
    assert refreshers.assign(programme, DECEMBER) == [newcomer.id]
    assert refreshers.assign(programme, DECEMBER) == []
    assert sorted(a.user_id for a in programme.assignments) == [first.id, newcomer.id]
    assert {a.department_id for a in programme.assignments} == {team.id}


def test_every_problem_is_put_beside_its_field(course, quiz) -> None:
    spec = ProgrammeSpec(
        month=DECEMBER,
        title=" ",
        course_id=course.id,
        exam_id=quiz.id,
        due_on=date(2026, 11, 30),
        employee_nos=("NOBODY1",),
    )
    with pytest.raises(RefresherRefused) as refused:
        refreshers.save_programme(None, spec, None)
    fields = [name for name, _message in refused.value.pairs]
    assert fields == ["title", "item", "due_on", "people"]
    assert "NOBODY1" in refused.value.pairs[-1][1]
    with pytest.raises(RefresherRefused, match="item"):
        refreshers.save_programme(None, ProgrammeSpec(month=DECEMBER, title="x"), None)


def test_changing_the_course_reads_completions_again(course, create_user) -> None:
    agent = create_user()
    complete_course(course, agent.id, date(2026, 12, 3))
    programme = programme_of(course, user_ids=(agent.id,))
    assert status_of(programme, agent, date(2026, 12, 4)) is RefresherStatus.ON_TIME
    other = next(c for c in refreshers.courses.catalogue().courses if c.id != course.id)
    spec = ProgrammeSpec(
        month=DECEMBER, title=programme.title, course_id=other.id, employee_nos=(agent.employee_no,)
    )
    refreshers.save_programme(programme, spec, None, today=date(2026, 12, 4))
    assert status_of(programme, agent, date(2026, 12, 4)) is RefresherStatus.DUE


def test_compliance_per_department_and_month(course, create_user, create_department) -> None:
    one = create_department("客服中心/一部")
    two = create_department("客服中心/二部")
    on_time, late, missed = (create_user(department=one) for _ in range(3))
    done_in_two, open_in_two = (create_user(department=two) for _ in range(2))
    programme_of(course, month=date(2026, 11, 1), roles=("agent",))
    complete_course(course, on_time.id, date(2026, 11, 20))
    complete_course(course, late.id, date(2026, 12, 2))
    complete_course(course, done_in_two.id, date(2026, 11, 5))
    programme_of(course, month=DECEMBER, user_ids=(open_in_two.id,))

    rows = refreshers.compliance(date(2026, 11, 1), DECEMBER, None, today=date(2026, 12, 10))
    by_key = {(r.department_id, r.month): r for r in rows}
    first = by_key[(one.id, date(2026, 11, 1))]
    assert (first.assigned, first.on_time, first.late, first.missed, first.open) == (3, 1, 1, 1, 0)
    assert first.completion_rate == Decimal("66.7")
    assert first.on_time_rate == Decimal("33.3")
    second = by_key[(two.id, date(2026, 11, 1))]
    assert (second.assigned, second.on_time, second.missed) == (2, 1, 1)
    december = by_key[(two.id, DECEMBER)]
    assert (december.assigned, december.open, december.completion_rate) == (1, 1, 0)

    only_one = refreshers.compliance(
        date(2026, 11, 1), DECEMBER, [one.id], today=date(2026, 12, 10)
    )
    assert {r.department_id for r in only_one} == {one.id}
    overdue = refreshers.overdue(date(2026, 12, 10), date(2026, 11, 1), one.id)
    assert [row.person.id for row in overdue] == [missed.id]


def test_the_overdue_list_filters_by_department_and_month(
    course, create_user, create_department
) -> None:
    one = create_department("客服中心/一部")
    two = create_department("客服中心/二部")
    late_one = create_user(name="张三", department=one)
    late_two = create_user(name="李四", department=two)
    done = create_user(department=one)
    programme_of(course, month=date(2026, 11, 1), roles=("agent",))
    complete_course(course, done.id, date(2026, 11, 3))
    programme_of(course, month=DECEMBER, roles=("agent",))

    today = date(2026, 12, 10)
    rows = refreshers.overdue(today)
    assert sorted(r.person.id for r in rows) == sorted([late_one.id, late_two.id])
    assert rows[0].days_overdue == 10
    assert [r.person.id for r in refreshers.overdue(today, department_id=one.id)] == [late_one.id]
    assert refreshers.overdue(today, month=DECEMBER) == []


def test_due_refreshers_and_my_refreshers(course, create_user) -> None:
    agent = create_user()
    november = programme_of(course, month=date(2026, 11, 1), user_ids=(agent.id,))
    december = programme_of(course, month=DECEMBER, user_ids=(agent.id,))
    today = date(2026, 12, 10)
    due = refreshers.due_refreshers_for(agent.id, today)
    assert [(line.programme_id, line.status) for line in due] == [
        (november.id, RefresherStatus.MISSED),
        (december.id, RefresherStatus.DUE),
    ]
    mine = refreshers.my_refreshers(agent.id, today)
    assert [line.programme_id for line in mine.current] == [december.id]
    assert [line.programme_id for line in mine.past] == [november.id]
    complete_course(course, agent.id, date(2026, 12, 9))
    assert refreshers.due_refreshers_for(agent.id, today) == []
    statuses = refreshers.refresher_statuses(agent.id, date(2026, 11, 1), DUE, today=today)
    assert [s.status for s in statuses] == [RefresherStatus.LATE, RefresherStatus.ON_TIME]


def _sent(user) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(Notification.kind)
            .where(Notification.user_id == user.id)
            .order_by(Notification.id)
        )
    )


def test_each_reminder_is_sent_once(course, create_user) -> None:
    agent, finisher = create_user(), create_user()
    programme = programme_of(course, user_ids=(agent.id, finisher.id))
    assert _sent(agent) == ["refresher.assigned"]
    assert refreshers.send_reminders(date(2026, 12, 27)) == []  # four days before: nothing
    sent = refreshers.send_reminders(date(2026, 12, 28))  # three days before
    assert sorted((s.kind, s.user_id) for s in sent) == sorted(
        [("refresher.due_soon", agent.id), ("refresher.due_soon", finisher.id)]
    )
    assert refreshers.send_reminders(date(2026, 12, 29)) == []
    complete_course(course, finisher.id, date(2026, 12, 30))
    assert refreshers.send_reminders(DUE) == []  # the due date itself: not yet overdue
    [overdue] = refreshers.send_reminders(date(2027, 1, 1))
    assert (overdue.kind, overdue.user_id, overdue.title) == (
        "refresher.overdue",
        agent.id,
        programme.title,
    )
    assert refreshers.send_reminders(date(2027, 1, 2)) == []
    assert _sent(agent) == ["refresher.assigned", "refresher.due_soon", "refresher.overdue"]
    assert _sent(finisher) == ["refresher.assigned", "refresher.due_soon"]


def test_no_due_soon_for_someone_assigned_inside_its_window(course, create_user) -> None:
    agent = create_user()
    spec = ProgrammeSpec(month=DECEMBER, title="补训", course_id=course.id)
    refreshers.save_programme(
        None,
        replace(spec, audience=accounts.Audience(user_ids=(agent.id,))),
        None,
        today=date(2026, 12, 30),
        now=datetime(2026, 12, 30, 4, 0, tzinfo=UTC),
    )
    assert refreshers.send_reminders(date(2026, 12, 30)) == []
    assert _sent(agent) == ["refresher.assigned"]


def test_a_programme_already_past_its_due_date_tells_people_they_are_overdue(
    course, create_user
) -> None:
    agent = create_user()
    programme_of(course, month=date(2026, 10, 1), today=date(2026, 12, 10), user_ids=(agent.id,))
    assert _sent(agent) == ["refresher.overdue"]


def test_old_programmes_are_not_walked_every_night(course, create_user) -> None:
    agent = create_user()
    programme_of(course, month=date(2026, 10, 1), user_ids=(agent.id,))
    assert _sent(agent) == ["refresher.assigned"]
    assert refreshers.send_reminders(date(2026, 12, 2)) == []  # due 31 October: too old

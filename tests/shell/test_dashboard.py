"""The home page as the agent's dashboard: what is due, 学时 this year, recent records, the
policy banner; staff keep their shortcuts. Composition without HTTP, then the page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from lms.accounts.models import Level
from lms.courses import services as courses
from lms.database import utcnow
from lms.extensions import db
from lms.i18n import local_date
from lms.records import services as records
from lms.shell import services
from lms.shell.services import DueKind
from lms.training.services.sessions import InvitationStatus
from tests.shell import dashboard_seed as seed

TODAY = date(2026, 12, 4)
NOW = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


@pytest.fixture
def exam(db_session):
    return seed.load_content()


@pytest.fixture
def trainer(create_user):
    return create_user(name="王老师", roles=("trainer",))


# --- composing the dashboard -------------------------------------------------------------------


def test_due_items_come_soonest_first_with_the_overdue_marked(create_user, trainer, exam) -> None:
    agent = create_user(name="张伟", level=Level.JUNIOR)
    seeded = seed.busy_agent(agent, trainer, exam, TODAY, NOW)

    due = services.agent_dashboard(agent, "zh_Hans", TODAY).due

    dated = [(item.kind, item.due_on) for item in due if item.due_on]
    assert dated == [
        (DueKind.REFRESHER, date(2026, 11, 30)),
        (DueKind.INVITATION, date(2026, 12, 9)),
        (DueKind.SESSION, date(2026, 12, 16)),
        (DueKind.RECERTIFICATION, date(2026, 12, 24)),
        (DueKind.REFRESHER, date(2026, 12, 31)),
    ]
    assert [item.is_overdue for item in due[:5]] == [True, False, False, False, False]
    assert due[0].days_left == -4 and due[1].days_left == 5
    # Each says where to act.
    overdue, invitation, accepted, recertify, current = due[:5]
    assert (overdue.endpoint, overdue.params) == ("attempts.exam", {"exam_id": exam.id})
    assert (invitation.endpoint, invitation.params) == (
        "sessions.session_page",
        {"session_id": seeded.invitation.id},
    )
    assert invitation.starts_at == seed.at_nine(date(2026, 12, 9))
    assert invitation.location == "培训室 A"
    assert accepted.status == InvitationStatus.ACCEPTED.label
    assert accepted.params == {"session_id": seeded.accepted.id}
    assert (recertify.endpoint, recertify.params) == ("attempts.exam", {"exam_id": exam.id})
    assert recertify.status == seeded.certificate.serial
    assert (current.endpoint, current.params) == (
        "courses.course",
        {"slug": "complaint-handling"},
    )


def test_courses_follow_the_dated_items_in_progress_first_and_never_twice(
    create_user, trainer, exam
) -> None:
    agent = create_user(level=Level.JUNIOR)
    seed.busy_agent(agent, trainer, exam, TODAY, NOW)

    with force_locale("en"):
        dashboard = services.agent_dashboard(agent, "en", TODAY)

    course_items = [item for item in dashboard.due if item.kind == DueKind.COURSE]
    assert dashboard.due[-len(course_items) :] == course_items
    assert course_items[0].params == {"slug": "communication"}
    assert course_items[0].percent is not None and course_items[0].action == "Continue"
    assert {item.action for item in course_items[1:]} == {"Start"}
    # Six courses: one in progress, one asked for by this month's refresher (listed there),
    # four not started of which the first three are named and one is counted.
    slugs = [item.params["slug"] for item in dashboard.due if item.endpoint == "courses.course"]
    assert slugs.count("complaint-handling") == 1
    assert len(course_items) == 1 + services.NEW_COURSES_SHOWN
    assert dashboard.more_courses == 1


def test_the_hours_and_recent_records_come_from_the_ledger(create_user, trainer, exam) -> None:
    agent = create_user(level=Level.JUNIOR)
    seed.busy_agent(agent, trainer, exam, TODAY, NOW)

    dashboard = services.agent_dashboard(agent, "zh_Hans", TODAY)

    assert dashboard.year == records.YearHours(2026, Decimal("7.5"), Decimal(40), 18)
    assert [line.record.title for line in dashboard.recent] == [
        "产品知识更新",
        "外部讲座：客户心理",
        "新员工入职培训",
        "去年的课程",
    ]
    assert dashboard.record_count == 4


def test_only_the_latest_records_are_shown(create_user) -> None:
    agent = create_user()
    for n in range(services.RECENT_RECORDS + 3):
        seed.record(agent, str(n), f"课程 {n}", TODAY - timedelta(days=n), "1")
    dashboard = services.agent_dashboard(agent, "zh_Hans", TODAY)
    assert [line.record.title for line in dashboard.recent] == [
        f"课程 {n}" for n in range(services.RECENT_RECORDS)
    ]
    assert dashboard.record_count == services.RECENT_RECORDS + 3


def test_a_new_agent_has_nothing_due(create_user) -> None:
    agent = create_user(level=Level.JUNIOR)
    dashboard = services.agent_dashboard(agent, "zh_Hans", TODAY)
    assert dashboard.due == [] and dashboard.more_courses == 0
    assert dashboard.recent == [] and dashboard.record_count == 0
    assert dashboard.year == records.YearHours(2026, Decimal(0), Decimal(40), 0)


def test_staff_get_no_dashboard_but_keep_their_recertification_notice(
    create_user, trainer, exam
) -> None:
    admin = create_user(roles=("admin",))
    seed.certificate_expiring(admin, exam, TODAY + timedelta(days=10), sat_by=create_user())

    admin_home = services.home_page(admin, "zh_Hans", TODAY, NOW)
    assert admin_home.dashboard is None and admin_home.is_staff
    assert [c.expires_on for c in admin_home.recertify] == [TODAY + timedelta(days=10)]
    assert services.home_page(trainer, "zh_Hans", TODAY, NOW).dashboard is None

    both = create_user(roles=("agent", "trainer"))
    home = services.home_page(both, "zh_Hans", TODAY, NOW)
    assert home.dashboard is not None and home.is_staff and home.recertify == []


def test_the_policy_awaiting_a_signature_is_on_the_home(create_user) -> None:
    agent = create_user()
    hr = create_user(roles=("hr",))
    assert services.home_page(agent, "zh_Hans", TODAY, NOW).policy_pending is None
    policy = records.publish_policy("保密承诺", "不泄露客户信息。", hr.id, now=NOW)
    assert services.home_page(agent, "zh_Hans", TODAY, NOW).policy_pending == policy
    records.acknowledge_policy(agent.id, policy.id, now=NOW)
    assert services.home_page(agent, "zh_Hans", TODAY, NOW).policy_pending is None


# --- the page ----------------------------------------------------------------------------------


def _today() -> tuple[date, datetime]:
    now = utcnow()
    return local_date(now), now


def _testids(html: str) -> set[str]:
    return set(re.findall(r'data-testid="([^"]+)"', html))


def test_an_agent_sees_each_section_with_their_data(client, signed_in, trainer, exam) -> None:
    agent = signed_in("agent", name="张伟", level=Level.JUNIOR)
    today, now = _today()
    seeded = seed.busy_agent(agent, trainer, exam, today, now)
    db.session.commit()

    html = client.get("/").get_data(as_text=True)

    found = _testids(html)
    for testid in [
        "dashboard",
        "due",
        "due-refresher",
        "overdue",
        "due-invitation",
        "due-session",
        "recertify",
        "due-course",
        "more-courses",
        "year-hours",
        "recent-records",
        "shortcuts",
    ]:
        assert testid in found, testid
    assert {"due-empty", "recent-empty", "policy-pending"}.isdisjoint(found)
    assert "上月复训：服务规范小测" in html and "投诉升级处理" in html
    assert f'href="/classroom/{seeded.invitation.id}"' in html
    assert f'href="/exams/{exam.id}"' in html and 'href="/courses/complaint-handling"' in html
    assert seeded.certificate.expires_on.isoformat() in html
    assert "产品知识更新" in html and 'href="/my/record"' in html
    # The progress bar carries its figures, and the text says them too.
    assert re.search(r'<progress class="hours-progress" max="100" value="\d+"', html)
    assert 'data-testid="hours">7.5<' in html
    # Dated items come before the courses, the overdue one first.
    assert html.index('data-testid="overdue"') < html.index('data-testid="due-invitation"')
    assert html.index('data-testid="recertify"') < html.index('data-testid="due-course"')


def test_the_hours_text_names_the_figures(client, signed_in) -> None:
    agent = signed_in("agent", level=Level.JUNIOR)
    today, _now = _today()
    seed.record(agent, "x", "情绪管理", today, "6")
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert 'data-testid="hours">6.0<' in html
    assert 'value="15"' in html  # 6 of 40
    client.post("/language", data={"locale": "en", "next": "/"})
    english = client.get("/").get_data(as_text=True)
    assert "6.0 of 40 hours (15%): 34.0 to go." in english


def test_a_new_agent_sees_the_empty_states(client, signed_in) -> None:
    signed_in("agent", level=Level.JUNIOR)
    client.post("/language", data={"locale": "en", "next": "/"})
    html = client.get("/").get_data(as_text=True)
    found = _testids(html)
    assert {"dashboard", "due-empty", "recent-empty", "year-hours"} <= found
    assert "Nothing due. Well done." in html
    assert 'data-testid="hours">0.0<' in html
    assert not {"due-refresher", "due-course", "overdue", "recertify"} & found


@pytest.mark.parametrize("role", ["trainer", "hr", "admin"])
def test_staff_without_the_agent_role_see_no_agent_sections(client, signed_in, role) -> None:
    signed_in(role)
    found = _testids(client.get("/").get_data(as_text=True))
    assert "shortcuts" in found
    assert not {"dashboard", "due", "year-hours", "recent-records"} & found


def test_staff_who_are_also_agents_get_their_shortcuts_first(client, signed_in) -> None:
    signed_in("agent", "trainer")
    html = client.get("/").get_data(as_text=True)
    assert html.index('data-testid="shortcuts"') < html.index('data-testid="dashboard"')


def test_the_policy_banner_shows_until_the_agent_signs(client, signed_in, create_user) -> None:
    signed_in("agent")
    hr = create_user(roles=("hr",))
    policy = records.publish_policy(
        "保密承诺", "不泄露客户信息。", hr.id, now=utcnow() - timedelta(minutes=1)
    )
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert 'data-testid="policy-pending"' in html and 'href="/my/policy"' in html

    signed = client.post("/my/policy", data={"policy_id": str(policy.id)})
    assert signed.status_code == 302

    assert 'data-testid="policy-pending"' not in client.get("/").get_data(as_text=True)


# --- statements per page -----------------------------------------------------------------------


@contextmanager
def counted_statements() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def _home_statements(client) -> int:
    with counted_statements() as statements:
        assert client.get("/").status_code == 200
    return len(statements)


@pytest.fixture
def busy_home(client, signed_in, trainer, exam):
    """A signed-in agent with something of every kind; returns (agent, today, now)."""
    agent = signed_in("agent", level=Level.JUNIOR)
    today, now = _today()
    seed.busy_agent(agent, trainer, exam, today, now)
    db.session.commit()
    _home_statements(client)  # a first visit may load what later ones find cached
    return agent, today, now


def test_the_home_page_runs_a_bounded_number_of_statements(client, busy_home, trainer) -> None:
    agent, today, now = busy_home
    few = _home_statements(client)

    # Ten times the records, twice the invitations.
    for n in range(40):
        seed.record(agent, f"more-{n}", f"课程 {n}", today - timedelta(days=n % 300), "1")
    for n in range(2):
        seed.session(agent, trainer, seed.at_nine(today + timedelta(days=2 + n)), f"课 {n}", now)
    db.session.commit()
    _home_statements(client)

    assert few <= 40
    assert _home_statements(client) == few


def test_more_refreshers_do_not_add_statements(client, busy_home) -> None:
    agent, today, _now = busy_home
    few = _home_statements(client)
    course = courses.get_course_by_slug("service-quality")
    for n in range(1, 4):  # one course, so its completion is looked up once
        month = date(today.year, today.month, 1) - timedelta(days=31 * n)
        seed.refresher(agent, month, f"旧复训 {n}", course=course, today=today)
    db.session.commit()
    _home_statements(client)
    assert _home_statements(client) == few

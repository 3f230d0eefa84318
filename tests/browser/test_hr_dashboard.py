"""HR opens the reports dashboard in Chromium and sees the charts drawn from the ledger."""

from __future__ import annotations

import re
from datetime import datetime, time
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from lms.accounts import services as accounts
from lms.accounts.models import Level, Role
from lms.courses import services as courses
from lms.courses.models import CourseCompletion
from lms.database import utcnow
from lms.extensions import db
from lms.i18n import from_local, local_date
from lms.records import services as records
from lms.records.reports import add_months, month_start
from lms.records.services import ParticipationKind
from lms.training.services import refreshers
from tests.fixtures.browser import LiveServer, sign_in_page

PASSWORD = "secret123"
CONTENT = Path(__file__).resolve().parents[2] / "content"
MONTHS = 4


def seed_ledger() -> dict[str, int | str]:
    """Two centres with teams, six agents and four months of courses, exams and classroom
    sessions written through ``record_participation``, and a refresher programme a month."""
    hr, _ = accounts.create_user(
        accounts.UserDetails(employee_no="HR0001", name="人事甲", roles={Role.HR}), PASSWORD
    )
    hr.must_change_password = False
    this_month = month_start(local_date(utcnow()))
    agents = []
    for d, path in enumerate(
        ["客服中心/在线客服部/一组", "客服中心/热线客服部/二组", "售后中心/一组"]
    ):
        department, _ = accounts.ensure_department_path(path)
        for n in range(2):
            agent, _ = accounts.create_user(
                accounts.UserDetails(
                    employee_no=f"KF{d}{n:03d}",
                    name=f"坐席{d}{n}",
                    roles={Role.AGENT},
                    department_id=department.id,
                    level=Level.JUNIOR,
                ),
                PASSWORD,
            )
            agents.append(agent)
    courses.sync_content(CONTENT)
    catalogue = list(courses.catalogue().courses)[:MONTHS]
    today = local_date(utcnow())
    for back in range(MONTHS):
        month = add_months(this_month, -back)
        course = catalogue[back]
        for i, agent in enumerate(agents):
            key = f"demo:{agent.id}:{month:%Y%m}"
            # Nothing dated after today: the refreshers would not see it yet.
            day = min(month.replace(day=1 + i), today)
            # The month's refresher is its course: done in the month (on time), early the
            # next month (late) or never (missed, or still due this month).
            if i != 5 and (back or i % 2):
                late = min(add_months(month, 1).replace(day=2), today)
                done = late if back and (i + back) % 3 == 0 else day
                # What the courses area writes: the completion, and its ledger row.
                db.session.add(
                    CourseCompletion(
                        user_id=agent.id,
                        course_id=course.id,
                        completed_at=from_local(datetime.combine(done, time(12))),
                    )
                )
                records.record_participation(
                    user_id=agent.id,
                    kind=ParticipationKind.COURSE,
                    source_key=f"course:{course.id}:user:{agent.id}",
                    title=course.title_zh,
                    occurred_on=done,
                    credit_hours=Decimal(2 + (i + back) % 3),
                    result="completed",
                )
            records.record_participation(
                user_id=agent.id,
                kind=ParticipationKind.EXAM,
                source_key=f"{key}:exam",
                title="服务规范认证考试",
                occurred_on=day,
                minutes=60,
                result="passed" if (i + back) % 4 else "failed",
                score=Decimal(60 + 8 * ((i + back) % 5)),
            )
            records.record_participation(
                user_id=agent.id,
                kind=ParticipationKind.CLASSROOM,
                source_key=f"{key}:classroom",
                title="情绪管理工作坊",
                occurred_on=day,
                minutes=90,
                attendance="late" if i == 1 else "present",
            )
        refreshers.save_programme(
            None,
            refreshers.ProgrammeSpec(
                month=month,
                title=f"{month:%Y-%m} 月度复训",
                course_id=course.id,
                audience=accounts.Audience(roles=("agent",)),
            ),
            hr.id,
            today=today,
        )
    return {"agent": agents[0].id, "last_month": add_months(this_month, -1).isoformat()}


@pytest.fixture(scope="module")
def seeded(live_server: LiveServer) -> dict[str, int | str]:
    return live_server.seed(seed_ledger)


def test_hr_sees_the_dashboard_charts_with_their_figures(
    page: Page, live_server: LiveServer, seeded, tmp_path: Path
) -> None:
    sign_in_page(page, live_server, "HR0001", PASSWORD)
    page.goto(f"{live_server.url}/reports")

    hours = page.get_by_test_id("chart-hours")
    expect(hours.locator("circle.chart-point").first).to_be_visible()
    # One line per top-level department (客服中心, 售后中心) over 12 months, hours in four.
    assert hours.locator("circle.chart-point").count() == 2 * 12
    assert hours.locator('circle.chart-point:not([data-value="0"])').count() == 2 * MONTHS
    for testid in ("chart-compliance", "chart-pass-rate"):
        bars = page.get_by_test_id(testid).locator("rect.chart-bar")
        expect(bars.first).to_be_visible()
        assert bars.count() == MONTHS
    # The figures behind a chart are a table a screen reader (or anyone) can open.
    figures = page.get_by_test_id("chart-pass-rate").locator("details.chart-figures")
    figures.locator("summary").click()
    expect(figures.locator("tbody tr")).to_have_count(12)

    shot = tmp_path / "hr-dashboard.png"
    page.screenshot(path=str(shot), full_page=True)
    print(f"HR dashboard screenshot: {shot}")
    assert shot.stat().st_size > 10_000


def test_hr_goes_from_the_department_report_to_an_appraisal_record(
    page: Page, live_server: LiveServer, seeded
) -> None:
    sign_in_page(page, live_server, "HR0001", PASSWORD)
    page.goto(f"{live_server.url}/reports/departments")
    totals = page.get_by_test_id("department-report-totals")
    expect(totals).to_contain_text("6")
    # Last month every agent's refresher is judged: each line shows done on time of due.
    page.goto(f"{live_server.url}/reports/agents?period=month&on={seeded['last_month']}")
    lines = page.get_by_test_id("agent-lines").locator("tbody tr")
    expect(lines).to_have_count(6)
    for n in range(6):
        expect(lines.nth(n)).to_contain_text(re.compile(r"\b[01] / 1\b"))
    lines.first.locator("a[href*='/appraisal']").click()
    expect(page.get_by_test_id("appraisal")).to_be_visible()
    expect(page.get_by_test_id("learning-score")).not_to_have_text("—")
    expect(page.get_by_test_id("appraisal-refreshers").locator("tbody tr")).to_have_count(1)

"""An agent takes a seeded course from start to finish in Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from lms.accounts import services as accounts
from lms.accounts.models import Role
from lms.courses import services as courses
from tests.browser.course_steps import answer_check
from tests.fixtures.browser import LiveServer, sign_in_page

CONTENT = Path(__file__).resolve().parents[2] / "content"
PASSWORD = "secret123"
# The journey runs on a real seeded course, 投诉处理 (all of its lessons and checks).
COURSE = "complaint-handling"


def _prepare() -> list[dict]:
    courses.sync_content(CONTENT)
    user, _ = accounts.create_user(
        accounts.UserDetails(employee_no="KF0500", name="学员甲", roles={Role.AGENT}), PASSWORD
    )
    user.must_change_password = False
    course = courses.get_course_by_slug(COURSE)
    return [
        {"slug": lesson.slug, "check": lesson.check_zh} for lesson in courses.active_lessons(course)
    ]


@pytest.fixture(scope="module")
def lessons(live_server: LiveServer) -> list[dict]:
    return live_server.seed(_prepare)


def test_an_agent_completes_a_course_wrong_answer_first(
    page: Page, live_server: LiveServer, lessons
) -> None:
    sign_in_page(page, live_server, "KF0500", PASSWORD)
    page.goto(f"{live_server.url}/courses/{COURSE}")
    expect(page.get_by_test_id("percent")).to_have_text("0 %")

    for number, lesson in enumerate(lessons):
        page.goto(f"{live_server.url}/courses/{COURSE}/lessons/{lesson['slug']}")
        page.get_by_test_id("mark-done").click()
        if number == 0:
            answer_check(page, lesson["check"], right=False)
            page.get_by_test_id("submit-check").click()
            expect(page.get_by_test_id("check-result")).to_have_class(re.compile("alert-warning"))
            expect(page.get_by_test_id("feedback-0")).to_be_visible()
            for box in page.locator("input[type=checkbox]").all():
                box.uncheck()
        answer_check(page, lesson["check"], right=True)
        page.get_by_test_id("submit-check").click()
        expect(page.get_by_test_id("check-result")).to_have_class(re.compile("alert-success"))

    page.goto(f"{live_server.url}/courses/{COURSE}")
    expect(page.get_by_test_id("percent")).to_have_text("100 %")
    expect(page.get_by_test_id("completed")).to_be_visible()
    page.goto(f"{live_server.url}/my/record")
    lines = page.get_by_test_id("record-lines")
    title, hours = live_server.seed(
        lambda: (lambda c: (c.title_zh, str(c.credit_hours)))(courses.get_course_by_slug(COURSE))
    )
    expect(lines).to_contain_text(title)
    expect(page.get_by_test_id("total-hours")).to_contain_text(hours)

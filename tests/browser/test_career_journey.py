"""The career path on the demo centre, in Chromium: a mid-level agent one condition short of
senior sees which one and the link that fixes it, takes the course, and is eligible; HR
promotes them, and their level and level history change."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from lms.courses import services as courses
from lms.demo import DEMO_PASSWORD
from tests.browser.course_steps import pass_lesson
from tests.fixtures.browser import LiveServer, load_demo, sign_in_page

AGENT = "KF0022"  # 谢雨桐, mid-level: in the demo, everything for senior but one course
COURSE = "complaint-handling"


@pytest.fixture(scope="module")
def demo_centre(live_server: LiveServer) -> LiveServer:
    return load_demo(live_server)


def _lessons() -> list[tuple[str, list[dict]]]:
    course = courses.get_course_by_slug(COURSE)
    return [(lesson.slug, lesson.check_zh) for lesson in courses.active_lessons(course)]


def test_an_agent_one_course_short_takes_it_and_hr_promotes_them(
    page: Page, demo_centre: LiveServer, tmp_path: Path
) -> None:
    url = demo_centre.url
    sign_in_page(page, demo_centre, AGENT, DEMO_PASSWORD)
    page.goto(f"{url}/my/career")
    summary = page.get_by_test_id("summary")
    expect(summary).to_have_attribute("data-standing", "one_short")
    missing = page.locator('[data-testid="checklist"] li[data-met="no"]')
    expect(missing).to_have_count(1)
    expect(missing).to_have_attribute("data-kind", "courses_completed")
    expect(missing.get_by_test_id("missing")).to_contain_text("投诉处理")
    page.screenshot(path=str(tmp_path / "one-short.png"), full_page=True)

    # The link beside the missing condition leads to the course; the agent completes it.
    missing.get_by_role("link", name="投诉处理").click()
    expect(page).to_have_url(f"{url}/courses/{COURSE}")
    for slug, check in demo_centre.seed(_lessons):
        pass_lesson(page, f"{url}/courses/{COURSE}/lessons/{slug}", check)
    page.goto(f"{url}/courses/{COURSE}")
    expect(page.get_by_test_id("completed")).to_be_visible()

    page.goto(f"{url}/my/career")
    expect(page.get_by_test_id("summary")).to_have_attribute("data-standing", "eligible")
    expect(page.locator('[data-testid="checklist"] li[data-met="no"]')).to_have_count(0)
    level = page.get_by_test_id("current-level").locator("p.h5")
    expect(level).to_contain_text("中级")

    # HR finds them among the eligible and promotes them.
    page.context.clear_cookies()
    sign_in_page(page, demo_centre, "H0001", DEMO_PASSWORD)
    page.goto(f"{url}/career/eligibility?status=eligible")
    row = page.locator(f'li[data-employee-no="{AGENT}"]')
    expect(row).to_have_attribute("data-standing", "eligible")
    row.locator("summary.career-agent-summary").click()
    row.get_by_test_id("open-agent").click()
    expect(page.get_by_test_id("level")).to_contain_text("中级")
    expect(page.locator('[data-testid="checklist"] li[data-met="no"]')).to_have_count(0)
    page.get_by_label("晋升", exact=True).check()
    page.get_by_label("原因").fill("各项条件均已满足，投诉处理课程已补修完成。")
    page.get_by_role("button", name="记录决定").click()

    expect(page.locator(".alert-success")).to_contain_text("高级")
    expect(page.get_by_test_id("level")).to_contain_text("高级")
    history = page.get_by_test_id("level-history").locator("li")
    expect(history.first).to_have_attribute("data-source", "promotion")
    expect(history.first).to_contain_text("投诉处理课程已补修完成")
    expect(page.get_by_test_id("decisions").locator("li").first).to_have_attribute(
        "data-outcome", "promote"
    )
    page.screenshot(path=str(tmp_path / "hr-agent.png"), full_page=True)

    # The agent sees the new level, its history, and that the path ends there.
    page.context.clear_cookies()
    sign_in_page(page, demo_centre, AGENT, DEMO_PASSWORD)
    page.goto(f"{url}/my/career")
    expect(page.get_by_test_id("current-level").locator("p.h5")).to_contain_text("高级")
    expect(page.get_by_test_id("level-history").locator("li").first).to_have_attribute(
        "data-to-level", "senior"
    )
    expect(page.get_by_test_id("top-level")).to_be_visible()
    page.screenshot(path=str(tmp_path / "promoted.png"), full_page=True)
    print(f"career journey screenshots: {tmp_path}")

"""HR sets this month's refresher through the pages; an agent completes it and the
department's compliance rises; a colleague who missed last month's is on the overdue list."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from lms.accounts import services as accounts
from lms.courses import services as courses
from lms.i18n import local_today
from lms.training.services import refreshers
from tests.fixtures.browser import LiveServer, seed_person, sign_in_page

CONTENT = Path(__file__).resolve().parents[2] / "content"
PASSWORD = "secret123"
COURSE = "complaint-handling"


def _prepare() -> dict:
    courses.sync_content(CONTENT)
    team, _ = accounts.ensure_department_path("客服中心/热线一部")
    seed_person("HR0701", "人事甲", "hr", department_id=None)
    doer = seed_person("KF0701", "学员甲", "agent", department_id=team.id)
    misser = seed_person("KF0702", "学员乙", "agent", department_id=team.id)
    # Last month's refresher, seeded: its due date has passed and 学员乙 never did it.
    today = local_today()
    last_month = refreshers.first_of_month(refreshers.first_of_month(today) - timedelta(days=1))
    course = courses.get_course_by_slug(COURSE)
    earlier = refreshers.save_programme(
        None,
        refreshers.ProgrammeSpec(
            month=last_month,
            title="上月复训：服务规范",
            course_id=courses.get_course_by_slug("service-standards").id,
            audience=accounts.Audience(user_ids=(misser,)),
        ),
        None,
    )
    return {
        "team": team.id,
        "doer": doer,
        "course": course.id,
        "month": refreshers.first_of_month(today).strftime("%Y-%m"),
        "earlier": earlier.title,
    }


@pytest.fixture(scope="module")
def world(live_server: LiveServer) -> dict:
    return live_server.seed(_prepare)


def _complete_the_course(user_id: int) -> None:
    """What the lesson pages do for a learner who reads every lesson and passes its check."""
    course = courses.get_course_by_slug(COURSE)
    for lesson in courses.active_lessons(course):
        courses.mark_done(user_id, lesson)
        responses = {}
        for index, question in enumerate(lesson.check_zh):
            payload = question["payload"]
            if question["type"] == "true_false":
                responses[index] = payload["answer"]
            elif question["type"] == "multiple_choice":
                responses[index] = [
                    i for i, c in enumerate(payload["choices"]) if c["fraction"] > 0
                ]
            else:
                choices = payload["choices"]
                responses[index] = max(range(len(choices)), key=lambda i: choices[i]["fraction"])
        assert courses.submit_check(user_id, lesson, "zh", responses).passed
    assert courses.course_outline(user_id, course, "zh_Hans").completed_at is not None


def _team_rate(page: Page, server: LiveServer, world: dict):
    page.goto(f"{server.url}/refresher-programmes/compliance")
    row = page.get_by_test_id(f"department-{world['team']}")
    return row.get_by_test_id(f"cell-{world['month']}").get_by_test_id("rate")


def test_a_refresher_from_creation_to_compliance(
    page: Page, browser: Browser, live_server: LiveServer, world: dict
) -> None:
    sign_in_page(page, live_server, "HR0701", PASSWORD)
    page.goto(f"{live_server.url}/refresher-programmes")
    page.get_by_test_id("new-programme").click()
    page.fill("#month", world["month"])
    page.fill("#title", "本月复训：投诉处理")
    page.select_option("#item", f"course:{world['course']}")
    page.select_option("#audience_departments", [str(world["team"])])
    page.get_by_test_id("save-programme").click()
    people = page.get_by_test_id("people")
    expect(people).to_contain_text("学员甲")
    expect(people).to_contain_text("学员乙")

    expect(_team_rate(page, live_server, world)).to_have_text("0 %")

    agent_context = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 800})
    agent = agent_context.new_page()
    try:
        sign_in_page(agent, live_server, "KF0701", PASSWORD)
        agent.goto(f"{live_server.url}/refreshers")
        current = agent.get_by_test_id("current-refreshers")
        expect(current).to_contain_text("本月复训：投诉处理")
        expect(current.get_by_test_id("status")).to_have_class("badge text-bg-primary")  # due
        expect(current.get_by_role("link")).to_have_attribute("href", f"/courses/{COURSE}")

        live_server.seed(_complete_the_course, world["doer"])
        agent.reload()
        expect(current.get_by_test_id("status")).to_have_class("badge text-bg-success")  # on time
    finally:
        agent_context.close()

    expect(_team_rate(page, live_server, world)).to_have_text("50 %")

    page.goto(f"{live_server.url}/refresher-programmes/overdue?department={world['team']}")
    overdue = page.get_by_test_id("overdue")
    expect(overdue).to_contain_text("学员乙")
    expect(overdue).to_contain_text(world["earlier"])
    expect(overdue).not_to_contain_text("学员甲")

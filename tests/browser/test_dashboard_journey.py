"""The agent's dashboard in Chromium: an agent acts on what is due from the home page (answers
an invitation, signs the policy); a new agent sees the courses of their level; phone and
desktop, both languages (LMS_SHOTS keeps screenshots, see dashboard_views)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from lms.accounts import services as accounts
from lms.accounts.models import Level, Role
from lms.database import utcnow
from lms.i18n import local_date
from lms.records import services as records
from tests.browser.dashboard_views import PASSWORD, look
from tests.fixtures.browser import LiveServer, sign_in_page
from tests.shell import dashboard_seed as seed

BUSY, NEW = "KF0700", "KF0701"


def _person(employee_no: str, name: str, roles: set[Role], level: Level | None = None):
    user, _ = accounts.create_user(
        accounts.UserDetails(employee_no=employee_no, name=name, roles=roles, level=level),
        PASSWORD,
    )
    user.must_change_password = False
    return user


def _prepare() -> None:
    now = utcnow()
    today = local_date(now)
    exam = seed.load_content()
    trainer = _person("PX0700", "王老师", {Role.TRAINER})
    hr = _person("HR0700", "人事甲", {Role.HR})
    busy = _person(BUSY, "张伟", {Role.AGENT}, Level.JUNIOR)
    _person(NEW, "新同事", {Role.AGENT}, Level.JUNIOR)
    seed.busy_agent(busy, trainer, exam, today, now)
    records.publish_policy(
        "保密承诺",
        "## 一、客户信息\n不得泄露客户的任何信息。",
        hr.id,
        title_en="Confidentiality policy",
        body_en="## 1. Customer data\nNever disclose any customer data.",
    )


@pytest.fixture(scope="module")
def server(live_server: LiveServer) -> LiveServer:
    live_server.seed(_prepare)
    return live_server


def test_the_dashboard_fits_a_phone_and_a_desktop_in_both_languages(
    browser, server: LiveServer
) -> None:
    look(browser, server, BUSY, "busy")
    look(browser, server, NEW, "new")


def test_an_agent_answers_an_invitation_and_signs_the_policy_from_home(
    page: Page, server: LiveServer
) -> None:
    sign_in_page(page, server, BUSY, PASSWORD)
    due = page.get_by_test_id("due")
    expect(due.get_by_test_id("overdue")).to_have_count(1)
    expect(due.get_by_test_id("recertify")).to_be_visible()
    expect(page.get_by_test_id("hours-text")).to_contain_text("7.5")
    expect(page.get_by_test_id("recent-records")).to_contain_text("产品知识更新")

    invitation = due.get_by_test_id("due-invitation")
    expect(invitation).to_contain_text("投诉升级处理")
    invitation.get_by_role("link").click()
    page.get_by_test_id("accept").click()
    page.goto(f"{server.url}/")
    expect(page.get_by_test_id("due-invitation")).to_have_count(0)
    expect(page.get_by_test_id("due-session").filter(has_text="投诉升级处理")).to_be_visible()

    banner = page.get_by_test_id("policy-pending")
    expect(banner).to_be_visible()
    banner.get_by_role("link").click()
    page.get_by_test_id("acknowledge").click()
    expect(page.get_by_test_id("policy-signed")).to_be_visible()
    page.goto(f"{server.url}/")
    expect(page.get_by_test_id("policy-pending")).to_have_count(0)


def test_a_new_agent_sees_the_courses_of_their_level_and_no_records(
    page: Page, server: LiveServer
) -> None:
    sign_in_page(page, server, NEW, PASSWORD)
    # The seeded courses are theirs to start; nothing else is due and nothing is recorded.
    expect(page.get_by_test_id("due-course")).to_have_count(3)
    expect(page.get_by_test_id("more-courses")).to_be_visible()
    expect(page.get_by_test_id("recent-empty")).to_be_visible()
    expect(page.get_by_test_id("hours")).to_have_text("0.0")

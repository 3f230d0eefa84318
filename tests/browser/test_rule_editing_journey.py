"""HR changes the junior → mid rule in the app: a threshold raised, a condition removed, saved
as version 2 from the proposed date, and read back in the rule's history. In Chromium."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from lms.career.services.rules import save_rule_version
from lms.i18n import local_today
from lms.months import add_months
from tests.fixtures.browser import LiveServer, seed_person, sign_in_page

PASSWORD = "secret123"


def _prepare() -> None:
    seed_person("HR0801", "刘晓梅", "hr", password=PASSWORD)
    save_rule_version(
        "junior",
        [
            {"kind": "months_at_level", "months": 12},
            {"kind": "training_hours", "hours": "24", "months": 12},
            {"kind": "kpi", "metric": "csat", "mode": "average", "threshold": "85", "months": 3},
        ],
        date(2026, 1, 1),
        "首次响应、满意度",
        by_id=None,
    )


@pytest.fixture(scope="module")
def server(live_server: LiveServer) -> LiveServer:
    live_server.seed(_prepare)
    return live_server


def test_hr_raises_a_threshold_removes_a_condition_and_reads_the_new_version(
    page: Page, server: LiveServer
) -> None:
    sign_in_page(page, server, "HR0801", PASSWORD)
    page.locator("nav").get_by_role("button", name=re.compile("人力资源|HR")).click()
    page.locator(".app-navbar .dropdown-menu").get_by_role(
        "link", name=re.compile("晋升规则|Promotion rules")
    ).click()
    page.get_by_test_id("rule-junior").get_by_test_id("edit-link").click()

    rows = page.get_by_test_id("condition-row")
    expect(rows).to_have_count(3)
    page.fill('[name="conditions-1-hours"]', "30")
    rows.first.get_by_test_id("remove-condition").click()  # months at the level

    expect(rows).to_have_count(2)
    expect(page.locator('[name="conditions-0-hours"]')).to_have_value("30")  # kept as typed
    with server.app.app_context():
        proposed = add_months(local_today(), 1).isoformat()
    expect(page.locator("#effective_from")).to_have_value(proposed)
    page.fill("#note", "学时要求提高到 30，任职时长不再单列")
    page.get_by_test_id("save").click()

    page.wait_for_url(re.compile(r"/career/rules/junior/versions$"))
    expect(page.locator(".alert-success")).to_contain_text(proposed)
    newest = page.get_by_test_id("version").first
    expect(newest).to_have_attribute("data-number", "2")
    expect(newest.get_by_test_id("effective-from")).to_contain_text(proposed)
    expect(newest.get_by_test_id("note")).to_have_text("学时要求提高到 30，任职时长不再单列")
    expect(newest.get_by_test_id("provenance")).to_contain_text("刘晓梅")
    expect(newest.locator('[data-change="added"]')).to_have_count(1)
    expect(newest.locator('[data-change="added"]')).to_contain_text("30")
    expect(newest.locator('[data-change="removed"]')).to_have_count(2)
    expect(newest.get_by_test_id("conditions").locator("li")).to_have_count(2)

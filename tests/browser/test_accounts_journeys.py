"""Journeys through the real app in Chromium: sign in, language, sign out; a bad import."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from lms.accounts import services
from lms.accounts.models import Role
from tests.fixtures.browser import LiveServer

PASSWORD = "secret123"


def _make_people() -> None:
    for number, name, roles in [
        ("A0001", "周明远", {Role.ADMIN}),
        ("KF0001", "王芳", {Role.AGENT}),
    ]:
        if services.find_user_by_employee_no(number) is None:
            user, _ = services.create_user(
                services.UserDetails(employee_no=number, name=name, roles=roles), PASSWORD
            )
            user.must_change_password = False


@pytest.fixture(scope="module")
def server(live_server: LiveServer) -> LiveServer:
    live_server.seed(_make_people)
    return live_server


def sign_in(page: Page, server: LiveServer, employee_no: str) -> None:
    page.goto(f"{server.url}/login")
    page.get_by_label(re.compile("工号|Employee number")).fill(employee_no)
    page.get_by_label(re.compile("^(密码|Password)")).fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{server.url}/")


def test_sign_in_in_chinese_switch_to_english_and_sign_out(page: Page, server: LiveServer) -> None:
    page.goto(f"{server.url}/login")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()

    sign_in(page, server, "kf0001")
    expect(page.get_by_role("heading", name=re.compile("王芳"))).to_be_visible()

    page.get_by_role("button", name="English").first.click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Hello, 王芳")).to_be_visible()

    page.get_by_role("button", name=re.compile("王芳")).click()
    page.get_by_test_id("logout").click()
    page.wait_for_url(re.compile(r"/login"))
    expect(page.get_by_role("status")).to_contain_text("You have signed out.")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.goto(f"{server.url}/")
    expect(page).to_have_url(re.compile(r"/login\?next="))


def test_a_bad_csv_on_the_import_page_lists_its_lines_and_imports_nobody(
    page: Page, server: LiveServer
) -> None:
    sign_in(page, server, "A0001")
    page.goto(f"{server.url}/admin/users/import")
    bad = "\n".join(
        [
            "工号,姓名,部门,角色,入职日期",
            "KF0101,李娜,客服中心/在线客服部,客服专员,2024-03-01",
            "KF0102,张伟,客服中心/在线客服部,客服专员,2024-02-30",
            "KF0103,刘洋,客服中心/在线客服部,客服专员,2024-03-03",
            "KF0101,杨雪,客服中心/在线客服部,客服专员,2024-03-04",
        ]
    ).encode("gbk")
    page.locator("input[type=file]").set_input_files(
        {"name": "bad.csv", "mimeType": "text/csv", "buffer": bad}
    )
    page.locator("form button[type=submit]").last.click()
    problems = page.get_by_test_id("import-problems")
    expect(problems).to_be_visible()
    items = problems.locator("li")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text("bad.csv:3: ")
    expect(items.nth(0)).to_contain_text("2024-02-30")
    expect(items.nth(1)).to_contain_text("bad.csv:5: ")

    def nobody_added() -> bool:
        return services.find_user_by_employee_no("KF0101") is None

    assert server.seed(nobody_added)


def test_phone_width_menu_opens(browser, server: LiveServer) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 740})
    page = context.new_page()
    try:
        sign_in(page, server, "A0001")
        toggler = page.locator(".navbar-toggler")
        expect(toggler).to_be_visible()
        toggler.click()
        menu = page.get_by_role("navigation", name=re.compile("主菜单|Main menu"))
        menu.get_by_role("button", name=re.compile("^(系统管理|Administration)$")).click()
        expect(menu.get_by_role("link", name=re.compile("^ ?(人员|People)$"))).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    finally:
        context.close()


@pytest.mark.parametrize("width", [1200, 1280])
def test_an_administrators_menu_fits_one_line_on_a_laptop(browser, server, width) -> None:
    # The widest menu there is: every page of one's own plus the three staff dropdowns, in
    # English (longer labels than Chinese).
    context = browser.new_context(locale="en-US", viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        sign_in(page, server, "A0001")
        page.get_by_role("button", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        navbar = page.get_by_role("navigation", name="Main menu")
        expect(navbar.get_by_role("button", name="Administration")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert navbar.bounding_box()["height"] < 70
    finally:
        context.close()

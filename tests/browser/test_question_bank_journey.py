"""A trainer imports GIFT through the page, confirms, finds a question, edits and previews it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from lms.accounts import services as accounts
from lms.accounts.models import Role
from tests.fixtures.browser import LiveServer, sign_in_page

PASSWORD = "secret123"
GIFT = """$CATEGORY: 入职认证/投诉处理

// [tag:scenario] [tag:easy]
::投诉-安抚-001::客户：我的冰箱到货就是坏的，你们到底管不管？\\n哪一句最适合作为第一句回应？{
=非常抱歉给您添麻烦了，我马上为您处理#先处理情绪，再处理事情。
~这是物流的问题，跟我们没关系#推诿只会让客户更生气。
~请您先冷静一下#命令式的说法会激化情绪。
}

::时限-001::投诉应在几个工作日内闭环？{#3}

::回访-001::闭环后 24 小时内做满意度回访。{T}
"""


def _trainer() -> None:
    user, _ = accounts.create_user(
        accounts.UserDetails(employee_no="T0100", name="陈静", roles={Role.TRAINER}), PASSWORD
    )
    user.must_change_password = False


@pytest.fixture(scope="module")
def server(live_server: LiveServer) -> LiveServer:
    live_server.seed(_trainer)
    return live_server


def test_import_preview_confirm_find_edit_with_an_error_and_preview(
    page: Page, server: LiveServer, tmp_path
) -> None:
    sign_in_page(page, server, "T0100", PASSWORD)

    page.goto(f"{server.url}/questions")
    page.get_by_test_id("import-link").click()
    upload = tmp_path / "投诉题库.gift"
    upload.write_text(GIFT, encoding="utf-8")
    page.set_input_files("#file", str(upload))
    page.locator("form button[type=submit]").last.click()

    expect(page.get_by_test_id("import-total")).to_contain_text("3")
    expect(page.get_by_test_id("by-category")).to_contain_text("入职认证/投诉处理")
    expect(page.get_by_test_id("first-questions")).to_contain_text("投诉-安抚-001")
    page.get_by_role("button", name=re.compile("导入 3 道题")).click()
    expect(page.get_by_role("status").or_(page.locator(".alert-success"))).to_contain_text("3")

    page.fill("#q", "冰箱")
    page.get_by_role("button", name="筛选").click()
    expect(page.get_by_test_id("question-count")).to_contain_text("1")
    page.get_by_role("link", name="投诉-安抚-001").click()
    expect(page.get_by_test_id("preview").locator(".turn-customer")).to_contain_text("冰箱")

    page.get_by_test_id("edit").click()
    page.fill("#choices-0-text", "")
    page.locator("form button[type=submit]").last.click()
    error = page.locator('[data-field-error="choices-0-text"]')
    expect(error).to_be_visible()
    expect(error).to_contain_text("请填写选项内容")
    page.fill("#choices-0-text", "非常抱歉让您遇到这种情况，我马上为您安排换新")
    page.locator("form button[type=submit]").last.click()

    expect(page.get_by_test_id("preview")).to_contain_text("我马上为您安排换新")
    expect(page.get_by_test_id("versions")).to_contain_text("第 2 版")
    expect(page.get_by_test_id("diff")).to_contain_text("安排换新")

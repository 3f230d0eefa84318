"""HR enters an external training, a second HR colleague approves it; an agent signs the
confidentiality policy; HR corrects a ledger line. In Chromium, against the real app."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from lms.accounts import services as accounts
from lms.accounts.models import Role
from lms.records import services as records
from tests.fixtures.browser import LiveServer, sign_in_page, sign_out_page

PASSWORD = "secret123"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def _prepare() -> None:
    department, _ = accounts.ensure_department_path("客服中心/在线客服部/一组")
    for number, name, roles in [
        ("KF0700", "王芳", {Role.AGENT}),
        ("HR0701", "人事甲", {Role.HR}),
        ("HR0702", "人事乙", {Role.HR}),
    ]:
        user, _ = accounts.create_user(
            accounts.UserDetails(
                employee_no=number, name=name, roles=roles, department_id=department.id
            ),
            PASSWORD,
        )
        user.must_change_password = False
    records.publish_policy("客户信息保密承诺", "## 保密范围\n\n- 客户手机号、地址", None)


@pytest.fixture(scope="module")
def server(live_server: LiveServer) -> LiveServer:
    live_server.seed(_prepare)
    return live_server


def test_external_training_needs_a_second_hr_colleague(page: Page, server: LiveServer) -> None:
    sign_in_page(page, server, "HR0701", PASSWORD)
    page.goto(f"{server.url}/records/external/new")
    page.fill("#employee_no", "KF0700")
    page.fill("#title", "客户体验管理研讨会")
    page.fill("#provider", "上海客户服务协会")
    page.fill("#occurred_on", "2026-11-20")
    page.fill("#minutes", "180")
    # A renamed file is refused beside the field, judged by its content.
    page.set_input_files(
        "#evidence", {"name": "证书.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90"}
    )
    page.get_by_test_id("save-external").click()
    expect(page.locator('[data-field-error="evidence"]')).to_be_visible()
    page.set_input_files(
        "#evidence", {"name": "证书.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_test_id("save-external").click()
    expect(page.get_by_test_id("external-status")).to_be_visible()
    expect(page.get_by_test_id("not-yours-to-approve")).to_be_visible()
    detail = page.url

    sign_out_page(page)
    sign_in_page(page, server, "HR0702", PASSWORD)
    page.goto(detail)
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("external-status")).to_have_text(re.compile("已批准|Approved"))

    page.goto(f"{server.url}/records/ledger?person=KF0700")
    expect(page.get_by_test_id("ledger-lines")).to_contain_text("客户体验管理研讨会")
    page.get_by_role("link", name="客户体验管理研讨会").click()
    page.fill("#minutes", "135")
    page.fill("#reason", "主办方证明实际时长135分钟")
    page.get_by_test_id("save-correction").click()
    expect(page.get_by_test_id("correction-history")).to_contain_text("主办方证明实际时长135分钟")
    expect(page.get_by_test_id("record-hours")).to_have_text("3.0")


def test_an_agent_signs_the_confidentiality_policy(page: Page, server: LiveServer) -> None:
    sign_in_page(page, server, "KF0700", PASSWORD)
    page.goto(f"{server.url}/my/record")
    expect(page.get_by_test_id("policy-pending")).to_be_visible()
    page.get_by_test_id("policy-pending").get_by_role("link").click()
    expect(page.get_by_test_id("policy-body")).to_contain_text("客户手机号")
    page.get_by_test_id("acknowledge").click()
    expect(page.get_by_test_id("policy-signed")).to_be_visible()

    sign_out_page(page)
    sign_in_page(page, server, "HR0701", PASSWORD)
    page.goto(f"{server.url}/records/policy")
    expect(page.get_by_test_id("signed")).to_contain_text("KF0700")

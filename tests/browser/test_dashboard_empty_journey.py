"""A brand-new agent on an academy with no content yet: every dashboard section says
something useful when it is empty (in Chromium, phone and desktop, both languages)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from lms.accounts import services as accounts
from lms.accounts.models import Level, Role
from tests.browser.dashboard_views import PASSWORD, look
from tests.fixtures.browser import LiveServer, sign_in_page

NEWCOMER = "KF0800"


def _prepare() -> None:
    user, _ = accounts.create_user(
        accounts.UserDetails(
            employee_no=NEWCOMER, name="新同事", roles={Role.AGENT}, level=Level.JUNIOR
        ),
        PASSWORD,
    )
    user.must_change_password = False


@pytest.fixture(scope="module")
def server(live_server: LiveServer) -> LiveServer:
    live_server.seed(_prepare)
    return live_server


@pytest.mark.browser_locale("en-US")
def test_every_section_says_something_when_empty(page: Page, server: LiveServer) -> None:
    sign_in_page(page, server, NEWCOMER, PASSWORD)
    expect(page.get_by_test_id("due-empty")).to_have_text("Nothing due. Well done.")
    expect(page.get_by_test_id("recent-empty")).to_be_visible()
    expect(page.get_by_test_id("hours")).to_have_text("0.0")
    expect(page.get_by_test_id("hours-text")).to_contain_text("0.0 of 40 hours")
    expect(page.locator("progress.hours-progress")).to_have_attribute("value", "0")


def test_the_empty_dashboard_fits_a_phone_and_a_desktop(browser, server: LiveServer) -> None:
    look(browser, server, NEWCOMER, "empty")

"""Looking at the home page in Chromium at a phone's and a desktop's width, in both
languages (imported by the dashboard's browser tests; no tests here).

Set LMS_SHOTS to a folder to keep a screenshot of each view."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.fixtures.browser import LiveServer, sign_in_page

PASSWORD = "secret123"
SHOTS = os.environ.get("LMS_SHOTS")
WIDTHS = {"desktop": 1280, "phone": 375}


def shoot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


def look(browser, server: LiveServer, employee_no: str, label: str) -> None:
    """Sign in at each width and language, check the page fits, keep a screenshot."""
    for locale, tag in (("zh-CN", "zh"), ("en-US", "en")):
        for device, width in WIDTHS.items():
            context = browser.new_context(locale=locale, viewport={"width": width, "height": 900})
            page = context.new_page()
            sign_in_page(page, server, employee_no, PASSWORD)
            expect(page.get_by_test_id("dashboard")).to_be_visible()
            no_sideways_scroll(page)
            shoot(page, f"{label}-{tag}-{device}")
            context.close()

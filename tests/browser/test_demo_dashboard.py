"""What `make run` shows HR: the content and the demo centre loaded by the same commands the
Makefile runs, then the HR dashboard's charts over the demo's year, in Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from lms.demo import DEMO_PASSWORD
from tests.fixtures.browser import LiveServer, load_demo, sign_in_page


@pytest.fixture(scope="module")
def demo_centre(live_server: LiveServer) -> LiveServer:
    return load_demo(live_server)


def test_the_hr_dashboard_charts_the_demo_year(
    page: Page, demo_centre: LiveServer, tmp_path: Path
) -> None:
    sign_in_page(page, demo_centre, "H0001", DEMO_PASSWORD)
    page.goto(f"{demo_centre.url}/reports")

    hours = page.get_by_test_id("chart-hours").locator("circle.chart-point")
    expect(hours.first).to_be_visible()
    # Twelve months of 学时 per top-level department; the customer-service centre's agents
    # have some in (nearly) every month of the demo year.
    assert hours.count() >= 12
    assert (
        page.get_by_test_id("chart-hours")
        .locator('circle.chart-point:not([data-value="0"])')
        .count()
        >= 10
    )
    for testid in ("chart-compliance", "chart-pass-rate"):
        bars = page.get_by_test_id(testid).locator("rect.chart-bar")
        expect(bars.first).to_be_visible()
        assert bars.count() >= 10, testid

    shot = tmp_path / "hr-dashboard-demo.png"
    page.screenshot(path=str(shot), full_page=True)
    print(f"HR dashboard with the demo data: {shot}")
    assert shot.stat().st_size > 10_000

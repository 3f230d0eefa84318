"""Taking a course in the browser, shared by the journeys that need a course done."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect


def answer_check(page: Page, check: list[dict], right: bool) -> None:
    """Answer a lesson's knowledge check (as stored: ``lesson.check_zh``) rightly or not."""
    for index, question in enumerate(check):
        if question["type"] == "true_false":
            value = "true" if question["payload"]["answer"] == right else "false"
            page.locator(f"#q{index}-{value}").check()
            continue
        choices = question["payload"]["choices"]
        if question["type"] == "multiple_choice":
            picks = [i for i, c in enumerate(choices) if (c["fraction"] > 0) == right]
        else:
            best = max(range(len(choices)), key=lambda i: choices[i]["fraction"])
            worst = min(range(len(choices)), key=lambda i: choices[i]["fraction"])
            picks = [best if right else worst]
        for pick in picks:
            page.locator(f"#q{index}-{pick}").check()


def pass_lesson(page: Page, url: str, check: list[dict]) -> None:
    """Open a lesson, mark it read and pass its check, whichever of them is not done yet."""
    page.goto(url)
    if page.get_by_test_id("mark-done").count():
        page.get_by_test_id("mark-done").click()
        expect(page.get_by_test_id("done")).to_be_visible()
    already_passed = page.locator("#check-title .badge").count() > 0
    if check and not already_passed:
        answer_check(page, check, right=True)
        page.get_by_test_id("submit-check").click()
        expect(page.get_by_test_id("check-result")).to_have_class(re.compile("alert-success"))

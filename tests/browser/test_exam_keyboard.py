"""The certification exam taken with the keyboard alone: Tab, Shift+Tab, Space, Enter and
the arrow keys, never a click; and every control it lands on shows where the focus is."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from lms.exams.models import Attempt, Exam
from lms.exams.services.exam_files import sync_exams
from lms.exams.services.interchange import sync_question_bank
from lms.extensions import db
from tests.fixtures.browser import LiveServer, seed_person

CONTENT = Path(__file__).resolve().parents[2] / "content"
PASSWORD = "secret123"
CERTIFICATION = "service-standards-certification"
MAX_TABS = 250  # more stops than any page here has; a loop that never arrives fails

# The focused element and whether it shows a focus ring: an outline, or a box-shadow
# (Bootstrap draws its ring with one).
FOCUS_JS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  const shadow = s.boxShadow && s.boxShadow !== 'none';
  return {
    id: e.id, tag: e.tagName.toLowerCase(), type: e.type || '', testid: e.dataset.testid || '',
    nav: e.dataset.nav || '',
    position: (e.closest('.attempt-question') || {dataset: {}}).dataset.position || '',
    visible: outline || shadow, outline: s.outline, shadow: s.boxShadow,
  };
}"""


def _prepare() -> int:
    sync_question_bank(CONTENT / "questions")
    sync_exams(CONTENT / "exams")
    seed_person("KF0701", "键盘考生", "agent", password=PASSWORD)
    exam = db.session.scalar(sa.select(Exam).where(Exam.slug == CERTIFICATION))
    return exam.id


@pytest.fixture(scope="module")
def exam_id(live_server: LiveServer) -> int:
    return live_server.seed(_prepare)


def focused(page: Page) -> dict | None:
    return page.evaluate(FOCUS_JS)


def tab_until(page: Page, wanted, *, back: bool = False) -> dict:
    """Press Tab (Shift+Tab when ``back``) until ``wanted(focused element)`` holds."""
    key = "Shift+Tab" if back else "Tab"
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        now = focused(page)
        if now and wanted(now):
            return now
    raise AssertionError(f"{key} never reached the wanted control; last focus: {focused(page)}")


def assert_focus_visible(element: dict) -> None:
    assert element["visible"], f"no visible focus ring on {element}"


def answer_with_keys(page: Page, position: str) -> None:
    """Answer the question at ``position``, whose first control has the focus, by its kind."""
    kind = page.locator(f"#q-{position}").get_attribute("data-type")
    control = focused(page)
    assert_focus_visible(control)
    if kind in ("single_choice", "true_false"):
        # Tab lands on the group's first radio; the arrow keys move and choose.
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowUp")
        page.keyboard.press("Space")
        expect(page.locator(f"#{focused(page)['id']}")).to_be_checked()
    elif kind == "multiple_choice":
        page.keyboard.press("Space")
        expect(page.locator(f"#{control['id']}")).to_be_checked()
    elif kind in ("short_answer", "numerical", "essay"):
        page.keyboard.type("42")
        expect(page.locator(f"#{control['id']}")).to_have_value("42")
    elif kind in ("matching", "ordering"):
        page.keyboard.press("ArrowDown")
        assert page.evaluate("() => document.activeElement.value") != ""
    else:
        raise AssertionError(f"question kind {kind} has no keyboard recipe here")


def test_an_agent_takes_the_exam_with_the_keyboard_alone(
    page: Page, live_server: LiveServer, exam_id: int
) -> None:
    url = live_server.url
    # Sign in: type, Tab, Enter.
    page.goto(f"{url}/login")
    tab_until(page, lambda e: e["id"] == "employee_no")
    page.keyboard.type("KF0701")
    tab_until(page, lambda e: e["id"] == "password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{url}/")

    page.goto(f"{url}/exams/{exam_id}")
    start = tab_until(page, lambda e: e["testid"] == "start")
    assert_focus_visible(start)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{url}/attempts/*")
    attempt_id = int(page.url.rsplit("/", 1)[1].split("#")[0])

    # The skip link is the first stop and jumps past the menu to the page.
    skip = tab_until(page, lambda e: e["tag"] == "a")
    expect(page.locator(".skip-link")).to_be_focused()
    assert_focus_visible(skip)
    page.keyboard.press("Enter")

    # The questions that take an answer (a case description has none), by page position.
    first, second, third = page.locator(".attempt-question:has(button.flag)").evaluate_all(
        "sections => sections.slice(0, 3).map(s => s.dataset.position)"
    )

    def answer_control(position: str):
        return lambda e: e["position"] == position and e["tag"] in ("input", "select", "textarea")

    # The first question: its first answer control, reached by Tab alone.
    tab_until(page, answer_control(first))
    answer_with_keys(page, first)

    # On to the next question: Tab reaches its flag button first; Space flags it.
    flag = tab_until(page, lambda e: e["tag"] == "button" and e["position"] == second)
    assert_focus_visible(flag)
    page.keyboard.press("Space")
    expect(page.locator(f"#q-{second} button.flag")).to_have_attribute("aria-pressed", "true")
    tab_until(page, answer_control(second))
    answer_with_keys(page, second)
    expect(page.get_by_test_id("save-status")).to_have_attribute("data-state", "saved")

    # Back with Shift+Tab to the question navigator, whose link jumps to a later question;
    # Tab then continues from there.
    link = tab_until(page, lambda e: e["nav"] == third, back=True)
    assert_focus_visible(link)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{url}/attempts/{attempt_id}#q-{third}")
    after_jump = tab_until(page, lambda e: e["position"] != "")
    assert after_jump["position"] == third, after_jump

    # Back again to "Finish and submit…", and Enter.
    to_submit = tab_until(page, lambda e: e["id"] == "to-submit", back=True)
    assert_focus_visible(to_submit)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{url}/attempts/{attempt_id}/submit")
    expect(page.get_by_test_id("flagged")).to_contain_text("1")
    submit = tab_until(page, lambda e: e["testid"] == "submit")
    assert_focus_visible(submit)
    page.keyboard.press("Enter")

    page.wait_for_url(f"{url}/attempts/{attempt_id}/result")
    expect(page.get_by_test_id("outcome")).to_be_visible()

    def saved() -> tuple[list, bool]:
        answers = {a.position: a for a in db.session.get(Attempt, attempt_id).answers}
        chosen = [answers[int(first)].response, answers[int(second)].response]
        return chosen, answers[int(second)].is_flagged

    responses, flagged = live_server.seed(saved)
    assert all(r not in (None, "", [], {}) for r in responses), responses
    assert flagged

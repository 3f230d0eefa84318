"""axe-core over the main pages, in Chinese and English, on a desktop and a phone.

The world is the demo centre (``content sync`` and ``demo load``, what ``make run`` shows),
plus two new agents each in the middle of the certification exam (one in each language).
Every page must have no serious or critical WCAG 2.1 A/AA violation, and no sideways
scrolling at 375 px.
Run with ``-s`` to see the counts per page.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, BrowserContext, Page, expect

from lms.accounts.models import User
from lms.courses import services as courses
from lms.demo import DEMO_PASSWORD
from lms.exams.models import Attempt, AttemptState, Exam
from lms.exams.services import attempts, papers
from lms.extensions import db
from lms.richtext import is_dialogue_line
from tests.fixtures.browser import LiveServer, seed_person, sign_in_page

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
IMPACTS = ("critical", "serious", "moderate", "minor")
BLOCKING = {"critical", "serious"}
LOCALES = {"zh": "zh-CN", "en": "en-US"}
HTML_LANG = {"zh": "zh-Hans", "en": "en"}
WIDTHS = (1280, 375)
PHONE = 375
CERTIFICATION = "service-standards-certification"
HR = "H0001"  # the demo's HR person


@dataclass(frozen=True)
class World:
    server: LiveServer
    candidate: str  # a demo agent with a graded certification attempt
    result_id: int
    examinees: dict[str, str]  # locale -> an agent with an attempt in progress in it
    in_progress: dict[str, int]  # locale -> that attempt
    lesson_path: str


@dataclass(frozen=True)
class Target:
    """A page under test: who opens it, where, and what shows it has loaded with content."""

    who: str  # "anonymous", "candidate", "examinee" or "hr"
    path: str
    ready: str  # a selector that must be visible before axe runs


def _covers_the_hard_cases(paper: list, kinds: set[str]) -> bool:
    """Every question type the exam can draw, and a choice that is a dialogue (chat bubbles
    inside an option's label)."""
    dialogue_choice = any(
        is_dialogue_line(line)
        for question in paper
        for choice in question.payload.get("choices", [])
        for line in str(choice.get("text", "")).splitlines()
    )
    return dialogue_choice and {question.type for question in paper} >= kinds


def _start_covering_paper(exam: Exam, examinee: User, locale: str) -> int:
    """An attempt drawn with a fixed seed, the first that covers the hard cases: the page
    axe checks is the same in every run, and the hardest the question bank can give."""
    kinds = {kind for rule in exam.draw_rules for kind in rule.question_types}
    for seed in range(500):
        # draw_paper writes nothing; start_attempt draws with its rng first, so the same
        # seed gives it the same paper.
        paper = papers.draw_paper(
            exam, examinee.id, random.Random(seed), first_attempt=True, english=locale == "en"
        )
        if _covers_the_hard_cases(paper, kinds):
            attempt = attempts.start_attempt(
                exam, examinee, language=locale, rng=random.Random(seed)
            )
            assert [a.question_id for a in attempt.answers] == [q.question_id for q in paper]
            return attempt.id
    raise AssertionError("no seed draws a paper with every question type and a dialogue choice")


def _seed_world() -> dict:
    exam = db.session.scalar(sa.select(Exam).where(Exam.slug == CERTIFICATION))
    # The newest graded certification attempt of the demo: its owner is the candidate.
    graded = db.session.scalar(
        sa.select(Attempt)
        .where(Attempt.exam_id == exam.id, Attempt.state == AttemptState.GRADED)
        .order_by(Attempt.id.desc())
    )
    candidate = db.session.get(User, graded.user_id)
    examinees, in_progress = {}, {}
    for n, locale in enumerate(LOCALES, start=1):
        examinees[locale] = f"KF98{n:02d}"
        examinee = db.session.get(
            User,
            seed_person(
                examinees[locale],
                f"考生{n}",
                "agent",
                department_id=candidate.department_id,
                password=DEMO_PASSWORD,
            ),
        )
        in_progress[locale] = _start_covering_paper(exam, examinee, locale)
    course = courses.catalogue().courses[0]
    lesson = course.lessons[0]
    return {
        "candidate": candidate.employee_no,
        "result_id": graded.id,
        "examinees": examinees,
        "in_progress": in_progress,
        "lesson_path": f"/courses/{course.slug}/lessons/{lesson.slug}",
    }


@pytest.fixture(scope="module")
def world(live_server: LiveServer) -> World:
    runner = live_server.app.test_cli_runner()
    for command in (["content", "sync"], ["demo", "load"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, result.output
    return World(server=live_server, **live_server.seed(_seed_world))


def targets(world: World, locale: str) -> dict[str, Target]:
    attempt_id = world.in_progress[locale]
    return {
        "login": Target("anonymous", "/login", "#employee_no"),
        "dashboard": Target("candidate", "/", "main h1"),
        "lesson": Target("candidate", world.lesson_path, ".lesson-body"),
        "exam-attempt": Target("examinee", f"/attempts/{attempt_id}", "[data-testid=save-status]"),
        "exam-submit": Target("examinee", f"/attempts/{attempt_id}/submit", "[data-testid=submit]"),
        "exam-result": Target(
            "candidate", f"/attempts/{world.result_id}/result", "[data-testid=outcome]"
        ),
        "eligibility": Target(
            "hr", "/career/eligibility", "[data-testid=eligibility-rows] li[data-employee-no]"
        ),
        "reports": Target("hr", "/reports", "[data-testid=chart-hours]"),
        "department-report": Target("hr", "/reports/departments", "main table tbody tr"),
    }


PAGES = (
    "login",
    "dashboard",
    "lesson",
    "exam-attempt",
    "exam-submit",
    "exam-result",
    "eligibility",
    "reports",
    "department-report",
)


@pytest.fixture(scope="module")
def sessions(browser: Browser, world: World) -> Callable[[str, str], dict | None]:
    """Signed-in browser state per (person, locale): each signs in once for the module."""
    states: dict[tuple[str, str], dict] = {}

    def state(who: str, locale: str) -> dict | None:
        if who == "anonymous":
            return None
        if (who, locale) not in states:
            employee_no = {
                "candidate": world.candidate,
                "examinee": world.examinees[locale],
                "hr": HR,
            }[who]
            context = browser.new_context(locale=LOCALES[locale])
            sign_in_page(context.new_page(), world.server, employee_no, DEMO_PASSWORD)
            states[who, locale] = context.storage_state()
            context.close()
        return states[who, locale]

    return state


@pytest.fixture
def open_page(
    browser: Browser, world: World, sessions: Callable[[str, str], dict | None]
) -> Iterator[Callable[[str, str, int], Page]]:
    contexts: list[BrowserContext] = []

    def open_(name: str, locale: str, width: int) -> Page:
        target = targets(world, locale)[name]
        # bypass_csp: the app's CSP (script-src 'self') would refuse the injected axe.
        context = browser.new_context(
            locale=LOCALES[locale],
            viewport={"width": width, "height": 900},
            storage_state=sessions(target.who, locale),
            bypass_csp=True,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{world.server.url}{target.path}")
        expect(page.locator(target.ready).first).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[locale])
        return page

    yield open_
    for context in contexts:
        context.close()


def run_axe(page: Page) -> dict:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    {' '.join(str(part) for part in node['target'])}")
    return "\n".join(lines)


def sideways_overflow(page: Page) -> str | None:
    """None when the page fits its window's width; else the widths and what sticks out."""
    widths = page.evaluate(
        "() => ({scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth})"
    )
    if widths["scroll"] <= widths["inner"]:
        return None
    wider = page.evaluate(
        """inner => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > inner + 1)
            .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                + (typeof e.className === 'string' && e.className.trim()
                   ? '.' + e.className.trim().split(/\\s+/).join('.') : ''))""",
        widths["inner"],
    )
    return f"scrolls sideways: {widths}; wider than the window: {wider}"


@pytest.mark.parametrize("width", WIDTHS, ids=lambda w: f"{w}px")
@pytest.mark.parametrize("locale", list(LOCALES))
@pytest.mark.parametrize("name", PAGES)
def test_main_page_passes_axe_and_fits_a_phone(
    open_page: Callable[[str, str, int], Page], name: str, locale: str, width: int
) -> None:
    """No serious or critical axe violation; at 375 px, no sideways scrolling either (checked
    in the same page load, which keeps the module's runtime down)."""
    page = open_page(name, locale, width)
    results = run_axe(page)
    violations = results["violations"]
    counts = Counter(violation["impact"] for violation in violations)
    print(
        f"\naxe {name} [{locale}, {width}px]: "
        + ", ".join(f"{impact} {counts[impact]}" for impact in IMPACTS)
        + f" (rules passed {len(results['passes'])})"
    )
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"{name} [{locale}, {width}px]:\n{describe(blocking)}"
    if width == PHONE:
        overflow = sideways_overflow(page)
        assert overflow is None, f"{name} [{locale}, {width}px] {overflow}"

"""A classroom session from scheduling to the ledger, in Chromium.

A trainer schedules a session through the pages; an agent accepts it; during the session
the agent checks in with the code (after a wrong code, and after an expired session's
code was refused); the trainer marks a second agent late; both have the session's hours
in their training record.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from lms.accounts import services as accounts
from lms.database import utcnow
from lms.i18n import to_local
from lms.records import services as records
from lms.training.services import sessions as service
from tests.fixtures.browser import seed_person

PASSWORD = "secret123"
TOPIC = "投诉升级的沟通技巧"


def _prepare() -> dict:
    trainer = seed_person("KF0900", "王培训", "trainer")
    agent = seed_person("KF0901", "李坐席", "agent")
    other = seed_person("KF0902", "赵坐席", "agent")
    now = utcnow()
    # A session of two hours ago, for the agent whose code is refused as expired.
    past = service.save_session(
        None,
        service.SessionDetails(
            topic="上周的产品培训",
            category=service.TrainingCategory.PRODUCT_KNOWLEDGE,
            starts_at=now - timedelta(hours=3),
            ends_at=now - timedelta(hours=2),
            location="培训室 C",
            trainer_id=trainer,
            audience=accounts.Audience(user_ids=(agent,)),
        ),
        trainer,
        now=now - timedelta(days=3),
    )
    return {"agent": agent, "other": other, "past_id": past.id, "past_code": past.checkin_code}


@pytest.fixture(scope="module")
def people(live_server) -> dict:
    return live_server.seed(_prepare)


def _session_named(topic: str) -> dict:
    session = next(line.session for line in service.staff_sessions() if line.session.topic == topic)
    return {"id": session.id, "code": session.checkin_code}


def _the_session_begins(session_id: int) -> None:
    """Time passes: the session began five minutes ago (and runs another 85)."""
    session = service.get_session(session_id)
    session.starts_at = utcnow() - timedelta(minutes=5)
    session.ends_at = session.starts_at + timedelta(minutes=90)


def _wrong_codes(session_id: int, user_id: int) -> int:
    return service.invitation_of(service.get_session(session_id), user_id).wrong_codes


def _hours(user_id: int) -> tuple[Decimal, list[str]]:
    record = records.training_record(user_id)
    return record.total_hours, [line.record.attendance for line in record.lines]


def sign_in(page: Page, url: str, employee_no: str) -> None:
    page.goto(f"{url}/login")
    page.fill("#employee_no", employee_no)
    page.fill("#password", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{url}/")


def test_a_classroom_session_from_scheduling_to_the_ledger(
    browser, live_server, people: dict
) -> None:
    url = live_server.url
    trainer_context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    agent_context = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 800})
    try:
        trainer = trainer_context.new_page()
        agent = agent_context.new_page()

        # The trainer schedules a 90-minute session, starting in an hour, for both agents.
        sign_in(trainer, url, "KF0900")
        trainer.goto(f"{url}/training/sessions")
        trainer.get_by_test_id("new-session").click()
        start = live_server.seed(lambda: to_local(utcnow())) + timedelta(hours=1)
        trainer.fill("#topic", TOPIC)
        trainer.select_option("#category", "service-quality")
        trainer.fill("#starts_at", start.strftime("%Y-%m-%dT%H:%M"))
        trainer.fill("#ends_at", (start + timedelta(minutes=90)).strftime("%Y-%m-%dT%H:%M"))
        trainer.fill("#location", "培训室 A")
        trainer.fill("#capacity", "20")
        trainer.fill("#named_people", "KF0901, KF0902")
        trainer.get_by_test_id("save-session").click()
        expect(trainer.get_by_test_id("session-topic")).to_contain_text(TOPIC)
        expect(trainer.get_by_test_id("roster-row")).to_have_count(2)
        session = live_server.seed(_session_named, TOPIC)
        expect(trainer.get_by_test_id("checkin-code")).to_have_text(session["code"])

        # The agent, on a phone, accepts the invitation.
        sign_in(agent, url, "KF0901")
        agent.goto(f"{url}/classroom")
        card = agent.get_by_test_id("to-answer").get_by_test_id("session-card")
        expect(card).to_contain_text(TOPIC)
        card.get_by_test_id("accept").click()
        expect(agent.get_by_test_id("upcoming")).to_contain_text(TOPIC)

        # The expired session's code is refused, beside the field.
        agent.goto(f"{url}/classroom/{people['past_id']}")
        agent.fill("#code", people["past_code"])
        agent.get_by_test_id("check-in").click()
        expect(agent.locator('[data-field-error="code"]')).to_be_visible()
        assert live_server.seed(_wrong_codes, people["past_id"], people["agent"]) == 0

        live_server.seed(_the_session_begins, session["id"])

        # During the session: a wrong code, then the right one.
        agent.goto(f"{url}/classroom/{session['id']}")
        agent.fill("#code", "WRONG1")  # O and 1 are never in a code
        agent.get_by_test_id("check-in").click()
        expect(agent.locator('[data-field-error="code"]')).to_be_visible()
        assert live_server.seed(_wrong_codes, session["id"], people["agent"]) == 1
        agent.fill("#code", session["code"].lower())
        agent.get_by_test_id("check-in").click()
        expect(agent.get_by_test_id("attendance")).to_have_attribute("data-value", "present")

        # The trainer marks the other agent late from the roster.
        trainer.goto(f"{url}/training/sessions/{session['id']}")
        row = trainer.locator('[data-testid="roster-row"][data-employee-no="KF0902"]')
        row.locator("input[type=checkbox]").check()
        trainer.select_option("#bulk_attendance", "late")
        trainer.get_by_test_id("apply-bulk").click()
        row = trainer.locator('[data-testid="roster-row"][data-employee-no="KF0902"]')
        expect(row.locator("select")).to_have_value("late")
        present = trainer.locator('[data-testid="roster-row"][data-employee-no="KF0901"]')
        expect(present.locator("select")).to_have_value("present")

        # Both have the session's 90 minutes (2 学时) in the ledger.
        agent.goto(f"{url}/my/record")
        expect(agent.get_by_test_id("record-lines")).to_contain_text(TOPIC)
        expect(agent.get_by_test_id("total-hours")).to_contain_text("2")
        assert live_server.seed(_hours, people["agent"]) == (Decimal("2.0"), ["present"])
        assert live_server.seed(_hours, people["other"]) == (Decimal("2.0"), ["late"])
    finally:
        trainer_context.close()
        agent_context.close()

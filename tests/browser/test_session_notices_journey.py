"""Session notices in Chromium: an agent on the waiting list, on a phone, reads that they
are invited, that a seat freed up when a colleague declined, and that the trainer cancelled
the session; the last notice leads to the session, shown cancelled."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Browser, expect

from lms.accounts import services as accounts
from lms.database import utcnow
from lms.training.services import sessions as service
from tests.fixtures.browser import LiveServer, seed_person, sign_in_page

PASSWORD = "secret123"
TOPIC = "投诉升级的沟通技巧"


def _prepare() -> dict:
    trainer = seed_person("KF0950", "王培训", "trainer")
    holder = seed_person("KF0951", "李坐席", "agent")
    waiter = seed_person("KF0952", "赵坐席", "agent")
    now = utcnow()
    session = service.save_session(
        None,
        service.SessionDetails(
            topic=TOPIC,
            category=service.TrainingCategory.SERVICE_QUALITY,
            starts_at=now + timedelta(days=2),
            ends_at=now + timedelta(days=2, hours=1),
            location="培训室 B",
            trainer_id=trainer,
            capacity=1,
            audience=accounts.Audience(user_ids=(holder, waiter)),
        ),
        trainer,
        now=now,
    )
    service.respond(session, holder, accept=True, now=now)
    service.respond(session, waiter, accept=True, now=now + timedelta(seconds=1))
    return {"session": session.id}


@pytest.fixture(scope="module")
def world(live_server: LiveServer) -> dict:
    return live_server.seed(_prepare)


def test_a_waiting_agent_is_told_of_the_seat_and_the_cancellation(
    browser: Browser, live_server: LiveServer, world: dict
) -> None:
    url, session_id = live_server.url, world["session"]
    phone = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 800})
    desk = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    try:
        waiter, other = phone.new_page(), desk.new_page()
        sign_in_page(waiter, live_server, "KF0952", PASSWORD)
        waiter.goto(f"{url}/notifications")
        notices = waiter.get_by_test_id("notifications").locator(".notification-item")
        expect(notices).to_have_count(1)
        expect(notices.first).to_contain_text(TOPIC)

        # The colleague with the seat declines: the seat goes to the waiter, who is told.
        sign_in_page(other, live_server, "KF0951", PASSWORD)
        other.goto(f"{url}/classroom/{session_id}")
        other.get_by_test_id("decline").click()
        waiter.reload()
        expect(notices).to_have_count(2)
        expect(notices.first).to_contain_text(TOPIC)

        # The trainer cancels the session.
        other.context.clear_cookies()
        sign_in_page(other, live_server, "KF0950", PASSWORD)
        other.goto(f"{url}/training/sessions/{session_id}")
        other.once("dialog", lambda dialog: dialog.accept())
        other.locator(f"form[action='/training/sessions/{session_id}/cancel'] button").click()
        expect(other.get_by_test_id("session-topic").locator(".badge")).to_be_visible()

        waiter.reload()
        expect(notices).to_have_count(3)
        notices.first.get_by_role("button").click()
        waiter.wait_for_url(f"{url}/classroom/{session_id}")
        expect(waiter.get_by_test_id("cancelled")).to_be_visible()
    finally:
        phone.close()
        desk.close()

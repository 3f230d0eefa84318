"""The certification exam in Chromium: a whole attempt with reload, flag, result and
certificate; two tabs on one attempt; answers given while the network is cut."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from lms.accounts import services as accounts
from lms.accounts.models import Role
from lms.exams.models import Attempt, Exam
from lms.exams.services import attempts
from lms.exams.services.exam_files import sync_exams
from lms.exams.services.interchange import sync_question_bank
from lms.extensions import db
from tests.exams.test_attempts import right_response
from tests.fixtures.browser import LiveServer, sign_in_page

CONTENT = Path(__file__).resolve().parents[2] / "content"
PASSWORD = "secret123"
AGENTS = {"KF0601": "王堃", "KF0602": "刘洋", "KF0603": "杨雪"}


def _prepare() -> int:
    sync_question_bank(CONTENT / "questions")
    sync_exams(CONTENT / "exams")
    for number, name in AGENTS.items():
        user, _ = accounts.create_user(
            accounts.UserDetails(employee_no=number, name=name, roles={Role.AGENT}), PASSWORD
        )
        user.must_change_password = False
    hr, _ = accounts.create_user(
        accounts.UserDetails(employee_no="HR0601", name="人事甲", roles={Role.HR}), PASSWORD
    )
    hr.must_change_password = False
    exam = db.session.scalar(sa.select(Exam).where(Exam.slug == "service-standards-certification"))
    return exam.id


@pytest.fixture(scope="module")
def exam_id(live_server: LiveServer) -> int:
    return live_server.seed(_prepare)


def _start(page: Page, server: LiveServer, exam_id: int) -> int:
    page.goto(f"{server.url}/exams/{exam_id}")
    page.get_by_test_id("start").click()
    page.wait_for_url(f"{server.url}/attempts/*")
    return int(page.url.rsplit("/", 1)[1].split("#")[0])


def _questions(server: LiveServer, attempt_id: int) -> list[dict]:
    def read() -> list[dict]:
        attempt = db.session.get(Attempt, attempt_id)
        return [
            {"position": q.position, "type": q.type, "right": right_response(q)}
            for q in attempts.present(attempt)
        ]

    return server.seed(read)


def _answer(page: Page, question: dict) -> None:
    pos, right, kind = question["position"], question["right"], question["type"]
    section = page.locator(f"#q-{pos}")
    if kind == "single_choice":
        section.locator(f"#a{pos}-{right}").check()
    elif kind == "multiple_choice":
        for index in right:
            section.locator(f"#a{pos}-{index}").check()
    elif kind == "true_false":
        section.locator(f"#a{pos}-{'true' if right else 'false'}").check()
    elif kind in ("short_answer", "numerical"):
        section.locator(f"#a{pos}-text").fill(str(right))
    elif kind == "matching":
        for stem, answer in right.items():
            section.locator(f"#a{pos}-m{stem}").select_option(label=answer)
    elif kind == "ordering":
        for place, item in enumerate(right, start=1):
            section.locator(f"select[data-item='{item}']").select_option(label=str(place))


def _saved(page: Page) -> None:
    expect(page.get_by_test_id("save-status")).to_have_attribute("data-state", "saved")


def test_an_agent_takes_the_certification_and_gets_a_verifiable_certificate(
    page: Page, browser, live_server: LiveServer, exam_id: int
) -> None:
    sign_in_page(page, live_server, "KF0601", PASSWORD)
    attempt_id = _start(page, live_server, exam_id)
    questions = _questions(live_server, attempt_id)
    assert len(questions) == 50
    for question in questions[:10]:
        _answer(page, question)
    _saved(page)
    page.reload()
    first = questions[0]
    if first["type"] == "single_choice":
        expect(page.locator(f"#a{first['position']}-{first['right']}")).to_be_checked()
    answered = page.locator(".navigator .nav-q.answered")
    expect(answered).to_have_count(10)
    for question in questions[10:]:
        _answer(page, question)
    page.get_by_test_id("flag-7").click()
    _saved(page)
    page.locator("#to-submit").click()
    expect(page.get_by_test_id("flagged")).to_contain_text("1")
    expect(page.get_by_test_id("unanswered")).to_have_count(0)
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("outcome")).to_have_text("已通过")
    expect(page.get_by_test_id("score")).to_contain_text("100.00 %")
    with page.expect_download() as download_info:
        page.get_by_test_id("certificate").click()
    pdf = download_info.value.path().read_bytes()
    text = "".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    serial = page.get_by_test_id("certificate").get_attribute("href").rsplit("/", 1)[1][:-4]
    assert "王堃" in text and serial in text
    public = browser.new_context(locale="zh-CN").new_page()
    public.goto(f"{live_server.url}/verify/{serial}")
    expect(public.get_by_test_id("verify-status")).to_have_attribute("data-status", "valid")
    expect(public.locator("body")).to_contain_text("王*")
    # HR revokes it; the same public page then says so.
    hr = browser.new_context(locale="zh-CN").new_page()
    sign_in_page(hr, live_server, "HR0601", PASSWORD)
    hr.goto(f"{live_server.url}/certificates")
    row = hr.locator(f"tr[data-serial='{serial}']")
    row.locator("summary").click()
    row.locator("textarea").fill("培训记录核查发现代考")
    row.get_by_role("button", name="撤销").click()
    expect(hr.locator(f"tr[data-serial='{serial}']")).to_contain_text("已撤销")
    hr.context.close()
    public.reload()
    expect(public.get_by_test_id("verify-status")).to_have_attribute("data-status", "revoked")
    public.context.close()


def test_a_stale_tab_is_refused_and_the_newer_answer_is_kept(
    page: Page, live_server: LiveServer, exam_id: int
) -> None:
    sign_in_page(page, live_server, "KF0602", PASSWORD)
    attempt_id = _start(page, live_server, exam_id)
    question = next(q for q in _questions(live_server, attempt_id) if q["type"] == "true_false")
    pos = question["position"]
    second = page.context.new_page()
    second.goto(f"{live_server.url}/attempts/{attempt_id}")
    # Tab 2 saves first; tab 1 has not seen that save.
    second.locator(f"#a{pos}-true").check()
    _saved(second)
    page.locator(f"#a{pos}-false").check()
    expect(page.locator("#attempt-alert")).to_contain_text("另一个标签页")
    kept = live_server.seed(lambda: db.session.get(Attempt, attempt_id).answers[pos - 1].response)
    assert kept is True
    page.reload()
    expect(page.locator(f"#a{pos}-true")).to_be_checked()


def test_answers_given_offline_are_saved_when_the_network_returns(
    page: Page, live_server: LiveServer, exam_id: int
) -> None:
    sign_in_page(page, live_server, "KF0603", PASSWORD)
    attempt_id = _start(page, live_server, exam_id)
    questions = [q for q in _questions(live_server, attempt_id) if q["type"] == "single_choice"]
    page.context.set_offline(True)
    for question in questions[:3]:
        _answer(page, question)
    status = page.get_by_test_id("save-status")
    expect(status).to_have_attribute("data-state", "offline", timeout=15_000)
    expect(status).to_contain_text("3")
    page.context.set_offline(False)
    expect(status).to_have_attribute("data-state", "saved", timeout=20_000)

    def responses() -> list:
        attempt = db.session.get(Attempt, attempt_id)
        return [attempt.answers[q["position"] - 1].response for q in questions[:3]]

    assert live_server.seed(responses) == [q["right"] for q in questions[:3]]

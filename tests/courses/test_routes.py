"""Course pages through the test client."""

from __future__ import annotations

import pytest

from lms.courses import services
from lms.records import services as records

LESSON_URL = "/courses/complaint-handling/lessons/what-a-complaint-is"
RIGHT = {"q0": "0", "q1": "true", "q2": ["0", "1"]}
WRONG = {"q0": "1", "q1": "false", "q2": ["2"]}


@pytest.fixture
def synced(db_session, content):
    services.sync_content(content)
    return services.get_course_by_slug("complaint-handling")


@pytest.mark.parametrize(
    "url", ["/courses", "/my/learning", "/courses/complaint-handling", LESSON_URL]
)
def test_course_pages_need_sign_in(client, synced, url: str) -> None:
    assert client.get(url).location.startswith("/login")


def test_catalogue_lists_courses_and_search_finds_lessons(client, signed_in, synced) -> None:
    signed_in("agent")
    assert "投诉处理" in client.get("/courses").text
    english = client.get("/courses", headers={"Accept-Language": "en"})
    assert "Complaint handling" in english.text
    found = client.get("/courses?q=投诉").text
    assert 'data-testid="lesson-hits"' in found
    assert LESSON_URL in found
    assert "/courses/complaint-handling" not in client.get("/courses?q=没有这个词").text


def test_lesson_page_renders_callouts_and_the_check(client, signed_in, synced) -> None:
    signed_in("agent")
    page = client.get(LESSON_URL).text
    assert 'class="callout callout-rule"' in page
    assert 'name="q0"' in page and 'name="q2"' in page
    assert client.get("/courses/complaint-handling/lessons/nope").status_code == 404
    assert client.get("/courses/nope").status_code == 404


def test_a_wrong_answer_shows_feedback_and_a_retry_passes(client, signed_in, synced) -> None:
    signed_in("agent")
    wrong = client.post(LESSON_URL + "/check", data=WRONG)
    assert wrong.status_code == 200
    assert 'data-testid="feedback-0"' in wrong.text
    assert "这是回访时限。" in wrong.text
    assert 'value="1" checked' in wrong.text  # the learner's answer stays selected
    right = client.post(LESSON_URL + "/check", data=RIGHT)
    assert (
        '<div class="alert alert-success" role="status" data-testid="check-result">' in right.text
    )
    assert "100" in right.text


def test_finishing_every_lesson_completes_the_course(client, signed_in, synced) -> None:
    learner = signed_in("agent", level=None)
    for lesson in services.active_lessons(synced):
        url = f"/courses/complaint-handling/lessons/{lesson.slug}"
        client.post(url + "/done")
        client.post(url + "/check", data=RIGHT)
    outline = client.get("/courses/complaint-handling").text
    assert 'data-testid="completed"' in outline
    assert ">100 %<" in outline
    [record] = records.records_of(learner.id)
    assert str(record.credit_hours) == "2.5"
    mine = client.get("/my/learning").text
    assert "2.5" in mine

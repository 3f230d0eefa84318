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


def test_trainers_see_who_started_and_export_it(
    client, signed_in, create_user, create_department, synced
) -> None:
    team = create_department("客服中心/投诉处理组")
    other = create_department("客服中心/在线一组")
    learner = create_user(name="郭佳怡", employee_no="00213", department=team)
    elsewhere = create_user(name="王芳", department=other)
    first = services.active_lessons(synced)[0]
    services.mark_done(learner.id, first)
    services.open_lesson(elsewhere.id, first)
    signed_in("trainer")
    page = client.get("/courses/complaint-handling/learners").text
    assert "郭佳怡" in page and "王芳" in page
    filtered = client.get(f"/courses/complaint-handling/learners?department={team.id}").text
    assert "郭佳怡" in filtered and "王芳" not in filtered
    csv = client.get(f"/courses/complaint-handling/learners.csv?department={team.id}")
    text = csv.data.decode("utf-8-sig")
    assert "00213" in text and "郭佳怡" in text and "1/2" not in text  # done but check not passed
    assert "0/2" in text
    xlsx = client.get("/courses/complaint-handling/learners.xlsx")
    assert xlsx.data.startswith(b"PK")


def test_agents_cannot_see_the_learner_table(client, signed_in, synced) -> None:
    signed_in("agent")
    assert client.get("/courses/complaint-handling/learners").status_code == 403
    assert client.get("/courses/complaint-handling/learners.csv").status_code == 403
    assert client.get(LESSON_URL + "/preview").status_code == 403


def test_preview_records_nothing(client, signed_in, synced) -> None:
    trainer = signed_in("trainer")
    page = client.get(LESSON_URL + "/preview").text
    assert 'data-testid="preview-banner"' in page
    assert services.course_outline(trainer.id, synced, "zh_Hans").is_started is False

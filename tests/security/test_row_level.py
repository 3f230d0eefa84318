"""Row-level rules: agent A changes an id in the URL to B's and reaches nothing of B's.

What the app answers, consistently:
- on a route open to every signed-in person, where the object could be A's own (an
  attempt, a certificate, a piece of evidence, a notification, a classroom invitation),
  someone else's is 404, exactly like an id that does not exist: ids reveal nothing;
- on a route for a role A does not hold (the ledger's lines, reports, KPIs, the career
  checklist of a named agent, account admin), 403 comes first, whatever the id.
Each test also shows B reaching the same URL, so the 404 is about ownership, not a bad URL.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from lms.accounts.models import User
from lms.exams.models import AttemptState, Exam, ExamDrawRule, ExamStatus
from lms.exams.services import attempts, bank
from lms.extensions import db
from lms.notifications import services as notifications
from tests.security.world import World

ClientAs = Callable[[str | None], FlaskClient]


def test_an_agent_never_reaches_another_agents_attempt(world: World, client_as: ClientAs):
    a, b = client_as("agent"), client_as("owner")
    for attempt_id in (world.attempt_id, world.essay_attempt_id, world.open_attempt_id):
        for url in (
            f"/attempts/{attempt_id}",
            f"/attempts/{attempt_id}/status",
            f"/attempts/{attempt_id}/submit",
            f"/attempts/{attempt_id}/result",
        ):
            assert a.get(url).status_code == 404, url
            assert b.get(url).status_code in (200, 302), url
        assert a.get(f"/exam-results/attempts/{attempt_id}").status_code == 403


def test_an_agent_can_neither_answer_nor_submit_another_agents_attempt(
    world: World, client_as: ClientAs
) -> None:
    a, b = client_as("agent"), client_as("owner")
    attempt = attempts.attempt_for(world.open_attempt_id, world.owner_id)
    assert attempt is not None
    first = attempts.present(attempt)[0]
    save = {"position": first.position, "revision": 0, "response": True, "token": "x:1"}
    url = f"/attempts/{world.open_attempt_id}"

    assert a.post(f"{url}/answers", json={"saves": [save]}).status_code == 404
    assert a.post(f"{url}/submit").status_code == 404
    db.session.expire_all()
    assert attempt.state is AttemptState.IN_PROGRESS
    assert [q.answer.revision for q in attempts.present(attempt)][0] == 0

    saved = b.post(f"{url}/answers", json={"saves": [save]})
    assert saved.status_code == 200 and saved.json["results"][0]["status"] == "saved"


def test_an_agent_never_downloads_another_agents_certificate(
    world: World, client_as: ClientAs
) -> None:
    url = f"/certificates/{world.certificate_serial}.pdf"
    assert client_as("agent").get(url).status_code == 404
    mine = client_as("owner").get(url)
    assert mine.status_code == 200 and mine.mimetype == "application/pdf"
    revoke = client_as("agent").post(f"/certificates/{world.certificate_serial}/revoke")
    assert revoke.status_code == 403


def test_an_agent_never_sees_another_agents_record_lines(world: World, client_as: ClientAs) -> None:
    a = client_as("agent")
    assert a.get(f"/records/ledger/{world.record_id}").status_code == 403
    assert a.post(f"/records/ledger/{world.record_id}", data={"title": "改"}).status_code == 403
    assert a.get("/records/ledger?person=乙坐席").status_code == 403
    assert a.get("/records/ledger/export.csv").status_code == 403
    # The own record takes no id: A's shows A's lines only, B's shows B's.
    assert "产品知识更新" not in a.get("/my/record").get_data(as_text=True)
    assert "产品知识更新" in client_as("owner").get("/my/record").get_data(as_text=True)


def test_an_agent_never_downloads_another_agents_evidence(
    world: World, client_as: ClientAs
) -> None:
    url = f"/records/external/{world.external_training_id}/evidence"
    assert client_as("agent").get(url).status_code == 404
    assert client_as("trainer").get(url).status_code == 404
    assert client_as("owner").get(url).status_code == 200


def test_every_url_naming_a_person_refuses_another_agent(
    app: Flask, world: World, client_as: ClientAs
) -> None:
    """Whatever route takes a user id (now or later), A giving B's id is refused."""
    a = client_as("agent")
    adapter = app.url_map.bind("localhost")
    checked = []
    for rule in app.url_map.iter_rules():
        if "user_id" not in rule.arguments:
            continue
        values = {"user_id": world.owner_id, "session_id": world.session_id, "fmt": "csv"}
        url = adapter.build(rule.endpoint, {k: values[k] for k in rule.arguments})
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            status = a.open(url, method=method).status_code
            assert status in (403, 404), f"{method} {url} as another agent: {status}"
            checked.append(f"{method} {rule.endpoint}")
    assert "GET reports.appraisal" in checked and "GET kpis.agent" in checked


def test_an_agent_never_reaches_another_agents_career_checklist(
    app: Flask, world: World, client_as: ClientAs
) -> None:
    a = client_as("agent")
    # A's own path takes no id: there is nothing to change.
    assert "/my/career" in [rule.rule for rule in app.url_map.iter_rules()]
    assert a.get("/my/career").status_code == 200
    if "career.agent" in app.view_functions:  # HR's page of one agent's checklist
        assert a.get(f"/career/agents/{world.owner_id}").status_code == 403
        assert a.post(f"/career/agents/{world.owner_id}/decisions").status_code == 403


def test_an_agent_never_opens_another_agents_notification(
    world: World, client_as: ClientAs
) -> None:
    def is_unread() -> bool:
        [notification] = [
            n for n in notifications.list_for(world.owner_id) if n.id == world.notification_id
        ]
        db.session.refresh(notification)
        return notification.read_at is None

    url = f"/notifications/{world.notification_id}/open"
    assert client_as("agent").post(url).status_code == 404
    assert is_unread()
    assert client_as("owner").post(url).status_code == 302
    assert not is_unread()


def test_an_agent_never_answers_another_agents_classroom_invitation(
    world: World, client_as: ClientAs
) -> None:
    a, b = client_as("agent"), client_as("owner")
    base = f"/classroom/{world.session_id}"
    assert a.get(base).status_code == 404
    for action in ("accept", "decline", "check-in", "rating"):
        assert a.post(f"{base}/{action}").status_code == 404, action
    assert b.get(base).status_code == 200


def test_a_candidate_sees_the_images_of_their_own_paper_only(
    world: World, client_as: ClientAs
) -> None:
    """An image question on B's paper: B (and HR reading the attempt) see its image, A
    (who was never shown it) is told it is not there."""
    question = bank.get_question(world.question_id)
    assert question is not None
    exam = Exam(title="图片题考试", status=ExamStatus.PUBLISHED, audience={}, review={})
    exam.draw_rules = [ExamDrawRule(position=1, question_id=question.id, mark=1.0)]
    db.session.add(exam)
    db.session.flush()
    owner = db.session.get(User, world.owner_id)
    attempt = attempts.start_attempt(exam, owner)
    db.session.commit()

    b = client_as("owner")
    [src] = re.findall(r'src="(/questions/files/[^"]+)"', b.get(f"/attempts/{attempt.id}").text)
    assert src == f"/questions/files/{world.version_id}/{world.file_name}"
    image = b.get(src)
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert client_as("hr").get(src).status_code == 200
    assert client_as("agent").get(src).status_code == 404

"""Classroom-session pages through the test client: access, forms and their errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest

from lms.accounts import services as accounts
from lms.extensions import db
from lms.notifications import services as notifications
from lms.training import session_routes
from lms.training.services import sessions as service
from lms.training.services.sessions import Attendance, InvitationStatus, TrainingCategory

START = datetime(2026, 12, 10, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
END = START + timedelta(minutes=90)


@contextmanager
def freeze_time(moment: datetime) -> Iterator[None]:
    """The clock of the pages and of their services stands at ``moment``."""
    with (
        mock.patch.object(session_routes, "utcnow", lambda: moment),
        mock.patch.object(service, "utcnow", lambda: moment),
    ):
        yield


@pytest.fixture
def make_session(create_user):
    def make(*people, starts_at=START, ends_at=END, capacity=None):
        trainer = create_user(roles=("trainer",), name="李老师")
        people = people or (create_user(name="旁人"),)
        details = service.SessionDetails(
            topic="首问负责制",
            category=TrainingCategory.SERVICE_QUALITY,
            starts_at=starts_at,
            ends_at=ends_at,
            location="培训室 A",
            trainer_id=trainer.id,
            capacity=capacity,
            audience=accounts.Audience(user_ids=tuple(p.id for p in people)),
        )
        session = service.save_session(None, details, trainer.id, now=starts_at - timedelta(days=7))
        db.session.commit()
        return session

    return make


STAFF_URLS = [
    "/training/sessions",
    "/training/sessions/new",
    "/training/sessions/{id}",
    "/training/sessions/{id}/edit",
]


@pytest.mark.parametrize("url", STAFF_URLS)
def test_staff_pages_refuse_agents_and_the_anonymous(client, signed_in, make_session, url) -> None:
    session = make_session()
    assert client.get(url.format(id=session.id)).status_code == 302  # to the login page
    signed_in("agent")
    assert client.get(url.format(id=session.id)).status_code == 403


@pytest.mark.parametrize("role", ["trainer", "hr", "admin"])
def test_trainers_hr_and_admins_manage_sessions(client, signed_in, make_session, role) -> None:
    session = make_session()
    signed_in(role)
    assert client.get("/training/sessions").status_code == 200
    page = client.get(f"/training/sessions/{session.id}")
    assert page.status_code == 200
    assert session.checkin_code in page.get_data(as_text=True)


def test_an_agent_cannot_open_a_session_they_are_not_invited_to(
    client, signed_in, make_session
) -> None:
    agent = signed_in("agent")
    other = make_session()
    mine = make_session(agent)
    assert client.get(f"/classroom/{other.id}").status_code == 404
    assert client.post(f"/classroom/{other.id}/accept").status_code == 404
    assert client.post(f"/classroom/{other.id}/check-in", data={"code": "X"}).status_code == 404
    page = client.get(f"/classroom/{mine.id}")
    assert page.status_code == 200
    assert mine.checkin_code not in page.get_data(as_text=True)


def test_the_agent_pages_list_invitations(client, signed_in, make_session) -> None:
    agent = signed_in("agent")
    session = make_session(agent)
    with freeze_time(START - timedelta(days=2)):
        listing = client.get("/classroom").get_data(as_text=True)
        assert "首问负责制" in listing
        assert client.get("/classroom/calendar?month=2026-12").status_code == 200
        assert client.get("/classroom/calendar?view=list").status_code == 200
        assert client.get("/classroom/calendar?month=junk").status_code == 200
        response = client.post(f"/classroom/{session.id}/accept?back=list")
    assert response.headers["Location"].endswith("/classroom")
    assert service.invitation_of(session, agent.id).status == InvitationStatus.ACCEPTED


def test_a_trainer_schedules_a_session_through_the_form(client, signed_in, create_user) -> None:
    trainer = signed_in("trainer")
    agent = create_user(employee_no="KF0777")
    with freeze_time(START - timedelta(days=2)):
        response = client.post(
            "/training/sessions/new",
            data={
                "topic": "情绪管理",
                "category": "service-quality",
                "course_id": "",
                "starts_at": "2026-12-10T09:00",
                "ends_at": "2026-12-10T10:30",
                "location": "培训室 B",
                "capacity": "",
                "trainer_id": str(trainer.id),
                "minutes": "",
                "named_people": "KF0777",
            },
        )
    assert response.status_code == 302, response.get_data(as_text=True)
    session = service.staff_sessions(now=START - timedelta(days=2))[0].session
    assert (session.topic, session.starts_at, session.minutes) == ("情绪管理", START, 90)
    assert service.invitation_of(session, agent.id).status == InvitationStatus.INVITED


def test_form_errors_appear_beside_the_fields(client, signed_in) -> None:
    trainer = signed_in("trainer")
    with freeze_time(START - timedelta(days=2)):
        response = client.post(
            "/training/sessions/new",
            data={
                "topic": "情绪管理",
                "category": "service-quality",
                "starts_at": "2026-12-10T09:00",
                "ends_at": "2026-12-10T08:00",
                "location": "培训室 B",
                "trainer_id": str(trainer.id),
                "named_people": "NOSUCH",
            },
        )
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert 'data-field-error="ends_at"' in text
    assert 'data-field-error="named_people"' in text


def test_check_in_refusals_show_beside_the_code_and_are_counted(
    client, signed_in, make_session
) -> None:
    agent = signed_in("agent")
    session = make_session(agent)
    wrong = "ZZZZZZ" if session.checkin_code != "ZZZZZZ" else "YYYYYY"
    with freeze_time(START + timedelta(minutes=1)):
        response = client.post(f"/classroom/{session.id}/check-in", data={"code": wrong})
        assert response.status_code == 400
        assert 'data-field-error="code"' in response.get_data(as_text=True)
        # Committed though refused: the count is what stops guessing.
        db.session.expire_all()
        assert service.invitation_of(session, agent.id).wrong_codes == 1
        ok = client.post(f"/classroom/{session.id}/check-in", data={"code": session.checkin_code})
    assert ok.status_code == 302
    assert service.invitation_of(session, agent.id).attendance == Attendance.PRESENT


def test_the_roster_marks_the_selected_in_bulk_and_rows_one_by_one(
    client, signed_in, make_session, create_user
) -> None:
    signed_in("trainer")
    a, b, c = create_user(), create_user(), create_user()
    session = make_session(a, b, c)
    ids = [a.id, b.id, c.id]
    data = {f"entries-{n}-user_id": str(uid) for n, uid in enumerate(ids)}
    with freeze_time(START - timedelta(minutes=5)):
        early = client.post(
            f"/training/sessions/{session.id}/attendance",
            data={**data, "entries-0-attendance": "present", "save_rows": "1"},
        )
        assert early.status_code == 302
        assert service.invitation_of(session, a.id).attendance is None
    with freeze_time(START + timedelta(minutes=30)):
        client.post(
            f"/training/sessions/{session.id}/attendance",
            data={
                **data,
                "entries-0-selected": "y",
                "entries-1-selected": "y",
                "entries-2-attendance": "excused",  # ignored by a bulk action
                "bulk_attendance": "late",
                "apply_bulk": "1",
            },
        )
        assert [service.invitation_of(session, u).attendance for u in ids] == [
            Attendance.LATE,
            Attendance.LATE,
            None,
        ]
        client.post(
            f"/training/sessions/{session.id}/attendance",
            data={
                **data,
                "entries-0-attendance": "present",
                "entries-2-attendance": "excused",
                "save_rows": "1",
            },
        )
        assert [service.invitation_of(session, u).attendance for u in ids] == [
            Attendance.PRESENT,
            Attendance.LATE,
            Attendance.EXCUSED,
        ]
        page = client.get(f"/training/sessions/{session.id}").get_data(as_text=True)
        assert 'data-testid="apply-bulk"' in page


def test_an_attendee_rates_once_after_the_end(client, signed_in, make_session) -> None:
    agent = signed_in("agent")
    session = make_session(agent)
    service.mark_attendance(session, {agent.id: Attendance.PRESENT}, now=START)
    db.session.commit()
    scores = {"efficiency": "4", "professionalism": "5", "clarity": "4", "usefulness": "3"}
    with freeze_time(END + timedelta(minutes=5)):
        assert 'data-testid="rating-box"' in client.get(f"/classroom/{session.id}").get_data(
            as_text=True
        )
        missing = client.post(f"/classroom/{session.id}/rating", data=scores)
        assert missing.status_code == 400
        assert 'data-field-error="overall"' in missing.get_data(as_text=True)
        sent = client.post(
            f"/classroom/{session.id}/rating", data={**scores, "overall": "4", "comment": "好"}
        )
        assert sent.status_code == 302
        again = client.post(f"/classroom/{session.id}/rating", data={**scores, "overall": "5"})
        assert again.status_code == 400
    assert service.rating_summary(session).averages["overall"] == 4


def test_invite_again_cancel_and_remove(client, signed_in, make_session, create_user) -> None:
    signed_in("trainer")
    a, b = create_user(), create_user()
    session = make_session(a, b, capacity=1)
    service.respond(session, a.id, accept=True, now=START - timedelta(days=1))
    service.respond(session, b.id, accept=True, now=START - timedelta(days=1))
    db.session.commit()
    with freeze_time(START - timedelta(hours=1)):
        client.post(f"/training/sessions/{session.id}/invitations/{a.id}/remove")
        assert service.invitation_of(session, b.id).status == InvitationStatus.ACCEPTED
        assert client.post(f"/training/sessions/{session.id}/invite").status_code == 302
        old = session.checkin_code
        client.post(f"/training/sessions/{session.id}/code")
        db.session.refresh(session)
        assert session.checkin_code != old or len(session.checkin_code) == 6
        client.post(f"/training/sessions/{session.id}/cancel")
    db.session.refresh(session)
    assert session.is_cancelled
    # b moved up when a was removed, then heard of the cancellation; a, removed, did not.
    assert [n.kind for n in notifications.list_for(b.id)][::-1] == [
        service.INVITED,
        service.SEATED_FROM_WAITING,
        service.CANCELLED,
    ]
    assert [n.kind for n in notifications.list_for(a.id)] == [service.INVITED]

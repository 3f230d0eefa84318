"""Classroom sessions tell people what concerns them: an invitation, a seat freed for someone
on the waiting list, a cancellation for those who were coming."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import force_locale

from lms.accounts import services as accounts
from lms.extensions import db
from lms.notifications import services as notifications
from lms.notifications.models import Notification
from lms.training.services import sessions as service
from lms.training.services.sessions import InvitationStatus
from tests.training.session_fixtures import (  # noqa: F401 (fixtures)
    BEFORE,
    END,
    START,
    schedule_fixture,
    trainer_fixture,
)


def sent_to(user) -> list[Notification]:
    return list(
        db.session.scalars(
            sa.select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        )
    )


def kinds(user) -> list[str]:
    return [n.kind for n in sent_to(user)]


def test_the_invited_are_told_once_with_a_link_to_the_session(
    app, schedule, trainer, create_user, create_department
) -> None:
    team = create_department("客服中心/热线部/一组")
    agent = create_user(department=team)
    session = schedule(department_ids=(team.id,))
    [invited] = sent_to(agent)
    assert invited.kind == service.INVITED
    assert invited.params == {"topic": "投诉升级处理", "date": "2026-12-10 09:00"}  # local time
    with app.test_request_context(), force_locale("en"):
        assert notifications.text_of(invited) == (
            "You are invited to 投诉升级处理 on 2026-12-10 09:00."
        )
        assert notifications.url_of(invited) == f"/classroom/{session.id}"
    assert sent_to(trainer) == []

    newcomer = create_user(department=team)
    assert service.invite_audience(session, now=BEFORE) == 1
    assert service.invite_audience(session, now=BEFORE) == 0
    assert kinds(agent) == [service.INVITED]
    assert kinds(newcomer) == [service.INVITED]


def test_a_session_entered_after_it_took_place_tells_nobody(schedule, create_user) -> None:
    agent = create_user()
    # Entered the day after, to take its attendance.
    session = schedule(agent, now=END + timedelta(days=1))
    assert service.invitation_of(session, agent.id) is not None
    assert sent_to(agent) == []


def test_whoever_moves_up_from_the_waiting_list_is_told(schedule, create_user) -> None:
    seated, first_waiting, second_waiting = (create_user() for _ in range(3))
    session = schedule(seated, first_waiting, second_waiting, capacity=1)
    for number, person in enumerate((seated, first_waiting, second_waiting)):
        service.respond(session, person.id, accept=True, now=BEFORE + timedelta(minutes=number))
    assert kinds(first_waiting) == [service.INVITED]

    service.respond(session, seated.id, accept=False, now=BEFORE + timedelta(hours=1))
    assert kinds(first_waiting) == [service.INVITED, service.SEATED_FROM_WAITING]
    [moved_up] = sent_to(first_waiting)[1:]
    assert moved_up.params["topic"] == "投诉升级处理"
    assert moved_up.link_endpoint == "sessions.session_page"
    assert kinds(second_waiting) == [service.INVITED]  # still waiting: nothing new
    assert kinds(seated) == [service.INVITED]

    # The trainer takes the new holder off: the next one moves up, and is told.
    service.remove_invitee(session, first_waiting.id, now=BEFORE + timedelta(hours=2))
    assert kinds(second_waiting) == [service.INVITED, service.SEATED_FROM_WAITING]


def test_someone_who_queues_again_is_told_again_when_a_seat_frees(schedule, create_user) -> None:
    holder, waiter = create_user(), create_user()
    session = schedule(holder, waiter, capacity=1)
    service.respond(session, holder.id, accept=True, now=BEFORE)
    service.respond(session, waiter.id, accept=True, now=BEFORE + timedelta(minutes=1))
    service.respond(session, holder.id, accept=False, now=BEFORE + timedelta(minutes=2))
    # The waiter gives the seat back, queues behind the holder, and moves up once more.
    service.respond(session, holder.id, accept=True, now=BEFORE + timedelta(minutes=3))
    service.respond(session, waiter.id, accept=False, now=BEFORE + timedelta(minutes=4))
    service.respond(session, waiter.id, accept=True, now=BEFORE + timedelta(minutes=5))
    assert service.invitation_of(session, waiter.id).status == InvitationStatus.WAITING
    service.respond(session, holder.id, accept=False, now=BEFORE + timedelta(minutes=6))
    assert kinds(waiter) == [
        service.INVITED,
        service.SEATED_FROM_WAITING,
        service.SEATED_FROM_WAITING,
    ]


def test_a_larger_room_seats_the_waiting_list_and_tells_them(
    schedule, trainer, create_user
) -> None:
    seated, waiting = create_user(), create_user()
    session = schedule(seated, waiting, capacity=1)
    service.respond(session, seated.id, accept=True, now=BEFORE)
    service.respond(session, waiting.id, accept=True, now=BEFORE + timedelta(minutes=1))
    details = service.SessionDetails(
        topic=session.topic,
        category=session.category,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        location=session.location,
        trainer_id=trainer.id,
        capacity=2,
        audience=accounts.Audience(user_ids=(seated.id, waiting.id)),
    )
    service.save_session(session, details, trainer.id, now=BEFORE + timedelta(hours=1))
    assert kinds(waiting) == [service.INVITED, service.SEATED_FROM_WAITING]
    assert kinds(seated) == [service.INVITED]


def test_a_cancellation_tells_those_who_were_coming(schedule, create_user) -> None:
    seated, waiting, declined, silent = (create_user() for _ in range(4))
    session = schedule(seated, waiting, declined, silent, capacity=1)
    service.respond(session, seated.id, accept=True, now=BEFORE)
    service.respond(session, waiting.id, accept=True, now=BEFORE + timedelta(minutes=1))
    service.respond(session, declined.id, accept=False, now=BEFORE)
    service.cancel_session(session, now=BEFORE + timedelta(hours=1))
    service.cancel_session(session, now=BEFORE + timedelta(hours=2))  # once is enough
    for person in (seated, waiting):
        assert kinds(person) == [service.INVITED, service.CANCELLED]
        assert sent_to(person)[-1].params["date"] == "2026-12-10 09:00"
    for person in (declined, silent):
        assert kinds(person) == [service.INVITED]

"""The refresher pages: who may see what, form errors beside fields, exports, the CLI."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from lms.accounts import services as accounts
from lms.extensions import db
from lms.i18n import local_today
from lms.notifications.models import Notification
from lms.training.cli import training_cli
from lms.training.models.refreshers import RefresherProgramme
from lms.training.services import refreshers
from tests.training.refresher_fixtures import (  # noqa: F401 (fixtures)
    complete_course,
    course_fixture,
)

STAFF_PAGES = [
    "/refresher-programmes",
    "/refresher-programmes/new",
    "/refresher-programmes/overdue",
    "/refresher-programmes/compliance",
    "/refresher-programmes/compliance.csv",
]


@pytest.mark.parametrize("url", [*STAFF_PAGES, "/refreshers"])
def test_the_anonymous_are_sent_to_sign_in(client, url) -> None:
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_agents_may_not_manage_programmes(client, signed_in, url) -> None:
    signed_in("agent")
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("role", ["trainer", "hr", "admin"])
def test_trainers_hr_and_admins_manage_programmes(client, signed_in, role) -> None:
    signed_in(role)
    for url in STAFF_PAGES[:-1]:
        assert client.get(url).status_code == 200, url


def test_hr_creates_a_programme_and_the_agent_sees_it(
    client, signed_in, create_user, create_department, course
) -> None:
    team = create_department("客服中心/一部")
    agent = create_user(name="王五", department=team)
    db.session.commit()
    hr = signed_in("hr")
    this_month = refreshers.first_of_month(local_today())
    response = client.post(
        "/refresher-programmes/new",
        data={
            "month": this_month.strftime("%Y-%m"),
            "title": "本月复训",
            "item": f"course:{course.id}",
            "audience_departments": [str(team.id)],
        },
    )
    assert response.status_code == 302
    programme = db.session.scalar(sa.select(RefresherProgramme))
    assert programme.created_by_id == hr.id
    assert programme.due_on == refreshers.last_of_month(this_month)
    assert [a.user_id for a in programme.assignments] == [agent.id]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "王五" in page

    with client.session_transaction() as session:
        session["_user_id"] = agent.get_id()
    mine = client.get("/refreshers").get_data(as_text=True)
    assert "本月复训" in mine and f"/courses/{course.slug}" in mine


def test_errors_are_shown_beside_the_fields(client, signed_in, course) -> None:
    signed_in("trainer")
    response = client.post(
        "/refresher-programmes/new",
        data={"month": "2026-12", "title": "", "item": "", "due_on": "2026-11-01", "people": "X9"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for name in ("title", "item", "due_on", "people"):
        assert f'data-field-error="{name}"' in page
    assert db.session.scalar(sa.select(sa.func.count(RefresherProgramme.id))) == 0


def test_compliance_exports_as_csv(client, signed_in, create_user, course) -> None:
    agent = create_user()
    this_month = refreshers.first_of_month(local_today())
    refreshers.save_programme(
        None,
        refreshers.ProgrammeSpec(
            month=this_month,
            title="复训",
            course_id=course.id,
            audience=accounts.Audience(user_ids=(agent.id,)),
        ),
        None,
    )
    complete_course(course, agent.id, local_today())
    db.session.commit()
    signed_in("hr")
    response = client.get("/refresher-programmes/compliance.csv")
    assert response.status_code == 200
    text = response.data.decode("utf-8-sig")
    assert this_month.strftime("%Y-%m") in text and ",1,1,0,0,0,100.0,100.0" in text


def test_flask_training_remind_sends_each_reminder_once(app, cli, create_user, course) -> None:
    agent = create_user(employee_no="KF7001")
    refreshers.save_programme(
        None,
        refreshers.ProgrammeSpec(
            month=date(2026, 12, 1),
            title="十二月复训",
            course_id=course.id,
            audience=accounts.Audience(user_ids=(agent.id,)),
        ),
        None,
        today=date(2026, 12, 1),
    )
    db.session.commit()
    first = cli.invoke(training_cli, ["remind", "--today", "2027-01-01"])
    assert first.exit_code == 0, first.output
    assert "refresher.overdue\tKF7001\t十二月复训\t2026-12-31" in first.output
    again = cli.invoke(training_cli, ["remind", "--today", "2027-01-01"])
    assert "refresher.overdue" not in again.output
    kinds = db.session.scalars(sa.select(Notification.kind).where(Notification.user_id == agent.id))
    assert sorted(kinds) == ["refresher.assigned", "refresher.overdue"]

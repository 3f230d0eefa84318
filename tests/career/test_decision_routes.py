"""HR's page about one agent: the checklist, the decision form, decisions and history."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from lms.accounts.models import Level
from lms.career import services as career
from lms.career.models.decisions import Outcome, PromotionDecision
from lms.extensions import db
from lms.i18n import local_today
from lms.records import services as records
from tests.fixtures.factories import sign_in

RULE = [
    {"kind": "months_at_level", "months": 12},
    {"kind": "training_hours", "hours": 4, "months": 12},
]


@pytest.fixture
def people(db_session, create_user):
    career.save_rule_version("junior", RULE, date(2020, 1, 1), "", by_id=None)
    hired = local_today() - timedelta(days=800)
    agent = create_user(name="王芳", level=Level.JUNIOR, hire_date=hired, level_since=hired)
    hr = create_user(roles=("hr",), name="人事")
    db.session.commit()
    return agent, hr


def seminar(user_id: int, credit: str) -> None:
    records.record_participation(
        user_id=user_id,
        kind=records.ParticipationKind.EXTERNAL,
        source_key="seminar",
        title="Seminar",
        occurred_on=local_today() - timedelta(days=30),
        credit_hours=Decimal(credit),
    )
    db.session.commit()


def test_only_hr_sees_an_agents_career_page(client, people) -> None:
    agent, hr = people
    response = client.get(f"/career/agents/{agent.id}")
    assert response.status_code == 302 and "/login" in response.location
    sign_in(client, agent)
    assert client.get(f"/career/agents/{agent.id}").status_code == 403
    assert client.post(f"/career/agents/{agent.id}/decisions").status_code == 403


def test_hr_promotes_an_eligible_agent_and_the_page_shows_it(client, people) -> None:
    agent, hr = people
    seminar(agent.id, "4")
    sign_in(client, hr)
    page = client.get(f"/career/agents/{agent.id}", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Record a decision" in html and 'data-testid="checklist"' in html
    assert "Promote although" not in html  # eligible: no box to tick
    seen = career.fingerprint(career.evaluate_agent(agent.id, local_today()))
    assert f'value="{seen}"' in html

    response = client.post(
        f"/career/agents/{agent.id}/decisions",
        data={
            "outcome": "promote",
            "effective_on": local_today().isoformat(),
            "reason": "Every condition met.",
            "checklist": seen,
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert agent.level is Level.MID and agent.level_since == local_today()
    after = client.get(response.location).get_data(as_text=True)
    assert 'data-outcome="promote"' in after and "Every condition met." in after
    assert 'data-source="promotion"' in after


def test_a_refused_decision_re_renders_with_the_message_beside_the_field(client, people) -> None:
    agent, hr = people
    seminar(agent.id, "3")  # one hour short
    sign_in(client, hr)
    seen = career.fingerprint(career.evaluate_agent(agent.id, local_today()))
    response = client.post(
        f"/career/agents/{agent.id}/decisions",
        data={
            "outcome": "promote",
            "effective_on": local_today().isoformat(),
            "reason": "Close enough.",
            "checklist": seen,
        },
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'data-field-error="promote_anyway"' in html and "Close enough." in html
    assert db.session.query(PromotionDecision).count() == 0

    stale = client.post(
        f"/career/agents/{agent.id}/decisions",
        data={"outcome": "defer", "reason": "Not yet ready.", "checklist": "0" * 32},
        headers={"Accept-Language": "en"},
    )
    assert stale.status_code == 200
    assert "The checklist changed since the page was opened" in stale.get_data(as_text=True)
    assert db.session.query(PromotionDecision).count() == 0


def test_someone_who_is_not_an_agent_has_no_career_page(client, people) -> None:
    _agent, hr = people
    sign_in(client, hr)
    assert client.get(f"/career/agents/{hr.id}").status_code == 404
    assert client.get("/career/agents/999999").status_code == 404


def test_the_agent_sees_their_history_and_hrs_decisions(client, people) -> None:
    agent, hr = people
    career.record_decision(
        agent.id, career.DecisionForm(Outcome.DEFER, "Take the complaints course first."), hr.id
    )
    db.session.commit()
    sign_in(client, agent)
    html = client.get("/my/career", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'data-testid="level-history"' in html
    assert "Take the complaints course first." in html and 'data-outcome="defer"' in html

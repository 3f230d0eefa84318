"""HR's promotion decisions: promote or defer, kept with what HR saw; the level history."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import Flask

from lms.accounts import services as accounts
from lms.accounts.models import Level, LevelChangeSource
from lms.career import services as career
from lms.career.errors import CareerError, DecisionRefused
from lms.career.models.decisions import Outcome, PromotionDecision
from lms.extensions import db
from lms.notifications.models import Notification
from lms.records import services as records

TODAY = date(2026, 12, 15)
RULE = [
    {"kind": "months_at_level", "months": 12},
    {"kind": "training_hours", "hours": 10, "months": 12},
]


@pytest.fixture(autouse=True)
def english(app: Flask) -> Iterator[None]:
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


@pytest.fixture
def rule(db_session) -> None:
    career.save_rule_version("junior", RULE, date(2026, 1, 1), "", by_id=None)
    career.save_rule_version(
        "mid", [{"kind": "months_at_level", "months": 24}], date(2026, 1, 1), "", by_id=None
    )


def junior(create_user, hire: date = date(2025, 3, 1)):
    return create_user(level=Level.JUNIOR, hire_date=hire, level_since=hire)


def hours(user_id: int, credit: str, key: str = "a", on: date = date(2026, 6, 1)) -> None:
    """``credit`` 学时 as one seminar a day of at most 5, under the daily cap."""
    left, day = Decimal(credit), on
    while left > 0:
        records.record_participation(
            user_id=user_id,
            kind=records.ParticipationKind.EXTERNAL,
            source_key=f"{key}-{day.isoformat()}",
            title=f"Seminar {key}",
            occurred_on=day,
            credit_hours=min(left, Decimal(5)),
        )
        left, day = left - 5, day + timedelta(days=1)


def decide(user_id: int, seen: str | None = None, **values) -> PromotionDecision:
    form = career.DecisionForm(
        outcome=values.pop("outcome", Outcome.PROMOTE),
        reason=values.pop("reason", "Met every condition; strong QA all year."),
        effective_on=values.pop("effective_on", date(2026, 12, 1)),
        seen=seen,
        **values,
    )
    return career.record_decision(user_id, form, by_id=None, today=TODAY)


def test_promoting_changes_the_level_from_the_date_and_keeps_what_hr_saw(rule, create_user) -> None:
    agent, hr = junior(create_user), create_user(roles=("hr",), name="人事")
    hours(agent.id, "10")
    seen = career.fingerprint(career.evaluate_agent(agent.id, TODAY))

    form = career.DecisionForm(Outcome.PROMOTE, "Ready.", date(2026, 12, 1), seen=seen)
    decision = career.record_decision(agent.id, form, by_id=hr.id, today=TODAY)

    assert (agent.level, agent.level_since) == (Level.MID, date(2026, 12, 1))
    assert (decision.from_level, decision.to_level) == (Level.JUNIOR, Level.MID)
    assert decision.eligible and decision.conditions_short == 0
    version = career.rule_in_force("junior", TODAY)
    assert decision.rule_version_id == version.id
    saved = decision.evaluation
    assert saved["rule_version"] == version.number and saved["as_of"] == "2026-12-15"
    assert [r["kind"] for r in saved["results"]] == ["months_at_level", "training_hours"]
    assert all(r["met"] for r in saved["results"])
    assert saved["results"][1]["evidence"][0]["title"] == "Seminar a"
    # The level history names the promotion, who made it and why.
    [promotion, hired] = accounts.level_history(agent.id)
    assert (promotion.from_level, promotion.to_level) == (Level.JUNIOR, Level.MID)
    assert promotion.source is LevelChangeSource.PROMOTION and promotion.note == "Ready."
    assert promotion.changed_by == "人事" and promotion.effective_on == date(2026, 12, 1)
    assert (hired.to_level, hired.effective_on) == (Level.JUNIOR, date(2025, 3, 1))
    # The agent is told, and from now on measured against the rule up to senior.
    [note] = db.session.scalars(sa_notifications(agent.id))
    assert note.message == "You have been promoted to mid-level service agent from %(date)s."
    assert note.params == {"date": "2026-12-01"} and note.link_endpoint == "career.my_path"
    after = career.evaluate_agent(agent.id, TODAY)
    assert after is not None and after.to_level is Level.SENIOR and not after.eligible


def sa_notifications(user_id: int) -> sa.Select[tuple[Notification]]:
    return sa.select(Notification).where(Notification.user_id == user_id)


def test_deferring_keeps_the_level_and_tells_the_agent_why(rule, create_user) -> None:
    agent = junior(create_user)
    hours(agent.id, "4")

    decision = decide(agent.id, outcome=Outcome.DEFER, reason="Finish the complaints course.")

    assert agent.level is Level.JUNIOR and agent.level_since == date(2025, 3, 1)
    assert decision.outcome is Outcome.DEFER and decision.effective_on is None
    assert not decision.eligible and decision.conditions_short == 1
    assert decision.level_change_id is None
    [note] = db.session.scalars(sa_notifications(agent.id))
    assert note.params == {"reason": "Finish the complaints course."}
    [line] = career.decisions_of(agent.id)
    assert line.outcome is Outcome.DEFER and line.rule_version == 1
    assert len(accounts.level_history(agent.id)) == 1  # only the level on hiring


def test_promoting_someone_short_needs_the_box_ticked(rule, create_user) -> None:
    agent = junior(create_user)
    hours(agent.id, "9.5")

    with pytest.raises(DecisionRefused) as refused:
        decide(agent.id)
    assert [field for field, _ in refused.value.pairs] == ["promote_anyway"]
    assert agent.level is Level.JUNIOR
    assert db.session.query(PromotionDecision).count() == 0

    decision = decide(agent.id, promote_anyway=True)
    assert agent.level is Level.MID and not decision.eligible
    assert decision.conditions_short == 1


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"reason": " ok "}, "reason"),
        ({"effective_on": None}, "effective_on"),
        ({"effective_on": date(2026, 12, 16)}, "effective_on"),  # tomorrow
        ({"effective_on": date(2025, 3, 1)}, "effective_on"),  # the day the level began
        ({"outcome": None}, "outcome"),
    ],
)
def test_a_bad_decision_is_refused_beside_its_field(rule, create_user, values, field) -> None:
    agent = junior(create_user)
    hours(agent.id, "10")
    with pytest.raises(DecisionRefused) as refused:
        decide(agent.id, **values)
    assert [f for f, _ in refused.value.pairs] == [field]
    assert agent.level is Level.JUNIOR and career.decisions_of(agent.id) == []


def test_the_boundaries_of_the_effective_date_are_accepted(rule, create_user) -> None:
    today, day_after_start = junior(create_user), junior(create_user)
    for agent in (today, day_after_start):
        hours(agent.id, "10", key=f"h{agent.id}")
    decide(today.id, effective_on=TODAY)
    decide(day_after_start.id, effective_on=date(2025, 3, 2), promote_anyway=True)
    assert today.level_since == TODAY and day_after_start.level_since == date(2025, 3, 2)


def test_a_checklist_that_changed_since_the_page_was_opened_is_refused(rule, create_user) -> None:
    agent = junior(create_user)
    hours(agent.id, "9")
    seen = career.fingerprint(career.evaluate_agent(agent.id, TODAY))
    hours(agent.id, "1", key="late")  # a record lands while HR reads the page

    with pytest.raises(DecisionRefused) as refused:
        decide(agent.id, seen=seen, outcome=Outcome.DEFER)
    assert [f for f, _ in refused.value.pairs] == ["seen"]

    fresh = career.fingerprint(career.evaluate_agent(agent.id, TODAY))
    assert fresh != seen
    assert decide(agent.id, seen=fresh).eligible


def test_the_fingerprint_does_not_depend_on_the_language(app, rule, create_user) -> None:
    agent = junior(create_user)
    english = career.fingerprint(career.evaluate_agent(agent.id, TODAY))
    # A context of its own: Flask-Babel caches the locale per application context.
    with app.app_context(), app.test_request_context(headers={"Accept-Language": "zh"}):
        chinese = career.evaluate_agent(agent.id, TODAY)
        assert "学时" in chinese.results[1].missing
        assert career.fingerprint(chinese) == english


def test_nobody_is_promoted_past_the_top_or_while_inactive(rule, create_user) -> None:
    senior = create_user(level=Level.SENIOR, hire_date=date(2020, 1, 1))
    with pytest.raises(DecisionRefused) as refused:
        decide(senior.id)
    assert [f for f, _ in refused.value.pairs] == ["outcome"]
    gone = junior(create_user)
    gone.is_active = False
    with pytest.raises(CareerError):
        decide(gone.id)


def test_every_change_of_level_is_in_the_history(db_session, create_user) -> None:
    admin = create_user(roles=("admin",), name="管理员")
    agent = junior(create_user)
    details = accounts.UserDetails(
        employee_no=agent.employee_no,
        name=agent.name,
        roles={accounts.Role.AGENT},
        hire_date=agent.hire_date,
        level=Level.MID,
        level_since=date(2026, 2, 1),
    )
    accounts.update_user(agent, details, by_id=admin.id)
    accounts.update_user(agent, details, by_id=admin.id)  # nothing changed: no new line

    steps = accounts.level_history(agent.id)
    assert [(s.from_level, s.to_level, s.effective_on) for s in steps] == [
        (Level.JUNIOR, Level.MID, date(2026, 2, 1)),
        (None, Level.JUNIOR, date(2025, 3, 1)),
    ]
    assert steps[0].source is LevelChangeSource.ACCOUNT and steps[0].changed_by == "管理员"
    assert steps[1].changed_by is None

"""HR's 学时 rules page: validation beside each field, one row, figures follow at once."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from lms.errors import FieldErrors
from lms.records import services
from lms.records.models import HoursSettings
from lms.records.services import HoursRules, ParticipationKind

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


def test_saving_writes_the_single_row_and_who_saved_it(create_user) -> None:
    hr = create_user(roles=("hr",))
    rules = HoursRules(
        minutes_per_hour=40,
        rounding_tenths=10,
        minimum_minutes=30,
        daily_cap_hours=Decimal("6"),
        yearly_targets={"junior": Decimal(36), "mid": Decimal(40), "senior": Decimal("50.5")},
    )
    row = services.save_hours_settings(rules, hr.id, now=NOW)
    again = services.save_hours_settings(rules, hr.id, now=NOW)
    assert row.id == again.id == 1
    assert (row.updated_by_id, row.updated_at) == (hr.id, NOW)
    assert services.hours_settings() == rules


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"minutes_per_hour": 0}, "minutes_per_hour"),
        ({"rounding_tenths": 3}, "rounding"),
        ({"minimum_minutes": -1}, "minimum_minutes"),
        ({"daily_cap_hours": Decimal("0")}, "daily_cap_hours"),
        ({"daily_cap_hours": Decimal("7.25")}, "daily_cap_hours"),
        ({"yearly_targets": {"junior": Decimal(-1)}}, "target_junior"),
    ],
)
def test_bad_rules_are_refused_field_by_field(create_user, changes, field) -> None:
    hr = create_user(roles=("hr",))
    with pytest.raises(FieldErrors) as refused:
        services.save_hours_settings(HoursRules(**changes), hr.id)  # type: ignore[arg-type]
    assert [f for f, _ in refused.value.pairs] == [field]
    assert services.hours_settings_row() is None


def test_new_rules_change_every_figure_at_once(create_user) -> None:
    hr, agent = create_user(roles=("hr",)), create_user()
    services.record_participation(
        user_id=agent.id,
        kind=ParticipationKind.CLASSROOM,
        source_key="s:1",
        title="沟通技巧",
        occurred_on=date(2026, 11, 2),
        minutes=100,
    )
    assert services.training_record(agent.id).total_hours == Decimal(2)  # 45 min, half steps
    services.save_hours_settings(HoursRules(minutes_per_hour=60, rounding_tenths=1), hr.id)
    assert services.training_record(agent.id).total_hours == Decimal("1.6")
    services.save_hours_settings(HoursRules(daily_cap_hours=Decimal(1)), hr.id)
    assert services.training_record(agent.id).total_hours == Decimal(1)


def test_the_page_shows_the_rules_in_words(client, signed_in) -> None:
    signed_in("hr")
    page = client.get("/records/settings").text
    assert 'data-testid="rules-in-words"' in page
    assert "45" in page and 'value="45"' in page


def test_the_page_puts_errors_beside_the_fields_and_saves(client, signed_in, db_session) -> None:
    hr = signed_in("hr")
    form = {
        "minutes_per_hour": "45",
        "rounding": "5",
        "minimum_minutes": "20",
        "daily_cap_hours": "30",
        "target_junior": "40",
        "target_mid": "48",
        "target_senior": "56",
    }
    response = client.post("/records/settings", data=form)  # refused by the service
    assert response.status_code == 400
    assert 'data-field-error="daily_cap_hours"' in response.text
    response = client.post("/records/settings", data={**form, "target_senior": "abc"})
    assert response.status_code == 400  # refused by the form: not a number
    assert 'data-field-error="target_senior"' in response.text
    assert services.hours_settings_row() is None
    response = client.post(
        "/records/settings", data={**form, "daily_cap_hours": "7.5", "target_senior": "60"}
    )
    assert response.status_code == 302
    row = db_session.get(HoursSettings, 1)
    assert (row.daily_cap_hours, row.updated_by_id) == (Decimal("7.5"), hr.id)
    assert services.hours_settings().yearly_target("senior") == Decimal(60)


def test_agents_cannot_change_the_rules(client, signed_in) -> None:
    signed_in("agent")
    assert client.post("/records/settings", data={"minutes_per_hour": "1"}).status_code == 403

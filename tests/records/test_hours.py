"""学时 from minutes by HR's rules, with the daily cap, the same in Python and in SQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from lms.extensions import db
from lms.records import services
from lms.records.models import HoursSettings, ParticipationRecord
from lms.records.services import ParticipationKind

DAY = date(2026, 11, 3)


def _record(user_id: int, key: str, minutes: int | None, credit: str | None = None, on=DAY):
    return services.record_participation(
        user_id=user_id,
        kind=ParticipationKind.CLASSROOM,
        source_key=key,
        title=key,
        occurred_on=on,
        minutes=minutes,
        credit_hours=Decimal(credit) if credit else None,
    )


def _sql_total(user_id: int, rules: services.HoursRules) -> Decimal:
    daily = services.daily_tenths(rules, ParticipationRecord.user_id == user_id)
    tenths = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(daily.c.tenths), 0)))
    return Decimal(tenths) / 10


def test_the_daily_cap_credits_earlier_records_first_and_sql_agrees(create_user) -> None:
    agent = create_user()
    rules = services.HoursRules()
    first = _record(agent.id, "a", 270)  # 6 学时
    second = _record(agent.id, "b", None, "3")  # 3 declared: only 2 left under the cap of 8
    third = _record(agent.id, "c", 90)  # nothing left that day
    next_day = _record(agent.id, "d", 90, on=date(2026, 11, 4))  # 2, a new day

    credited = services.credited_hours([third, first, next_day, second], rules)

    assert credited == {
        first.id: Decimal("6.0"),
        second.id: Decimal("2.0"),
        third.id: Decimal("0.0"),
        next_day.id: Decimal("2.0"),
    }
    assert services.training_record(agent.id).total_hours == Decimal(10)
    assert _sql_total(agent.id, rules) == Decimal(10)


def test_minutes_round_down_to_the_step_and_the_minimum_counts_nothing_in_sql_too(
    create_user,
) -> None:
    rules = services.HoursRules()
    for minutes, expected in [(19, "0"), (20, "0"), (23, "0.5"), (67, "1"), (68, "1.5")]:
        agent = create_user()
        record = _record(agent.id, f"m{minutes}", minutes)
        assert services.hours_of(record, rules) == Decimal(expected)
        assert _sql_total(agent.id, rules) == Decimal(expected)


def test_hr_settings_change_the_figures(create_user) -> None:
    agent = create_user()
    record = _record(agent.id, "s", 120)
    assert services.hours_of(record) == Decimal("2.5")  # 45 min per 学时, down to 0.5

    db.session.add(
        HoursSettings(
            id=1,
            minutes_per_hour=40,
            rounding_tenths=10,
            minimum_minutes=30,
            daily_cap_hours=Decimal(2),
            yearly_targets={"junior": "30"},
        )
    )
    db.session.flush()
    rules = services.hours_settings()

    assert services.hours_of(record) == Decimal(3)  # 40 min per 学时, whole 学时
    assert services.training_record(agent.id).total_hours == Decimal(2)  # the daily cap
    assert _sql_total(agent.id, rules) == Decimal(2)
    assert rules.yearly_target("junior") == Decimal(30)
    assert rules.yearly_target("senior") is None

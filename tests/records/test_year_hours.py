"""学时 this year against the yearly target of the person's level (the agent's dashboard)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lms.accounts.models import Level
from lms.records import services
from lms.records.services import HoursRules, ParticipationKind

TODAY = date(2026, 12, 4)


def _record(user_id: int, key: str, on: date, minutes=None, credit=None) -> None:
    services.record_participation(
        user_id=user_id,
        kind=ParticipationKind.CLASSROOM,
        source_key=key,
        title=key,
        occurred_on=on,
        minutes=minutes,
        credit_hours=Decimal(credit) if credit else None,
    )


def test_the_daily_cap_applies_as_in_the_training_record(create_user) -> None:
    agent = create_user(level=Level.JUNIOR)
    _record(agent.id, "a", date(2026, 3, 2), minutes=270)  # 6 学时
    _record(agent.id, "b", date(2026, 3, 2), credit="5")  # only 2 left under the cap of 8
    _record(agent.id, "c", date(2026, 6, 1), minutes=90)  # 2 学时

    year = services.hours_this_year(agent.id, TODAY)

    assert year.year == 2026
    assert year.hours == Decimal("10.0")
    assert year.hours == services.training_record(agent.id).total_hours


def test_only_this_years_records_up_to_today_count(create_user) -> None:
    agent, other = create_user(level=Level.JUNIOR), create_user(level=Level.JUNIOR)
    _record(agent.id, "last-year", date(2025, 12, 31), credit="4")
    _record(agent.id, "new-year", date(2026, 1, 1), credit="3")
    _record(agent.id, "tomorrow", date(2026, 12, 5), credit="2")  # entered ahead of the day
    _record(other.id, "someone-else", date(2026, 5, 5), credit="2")

    assert services.hours_this_year(agent.id, TODAY).hours == Decimal(3)
    assert services.hours_this_year(agent.id, date(2025, 12, 31)).hours == Decimal(4)


def test_the_target_follows_the_level(create_user) -> None:
    junior = create_user(level=Level.JUNIOR)
    senior = create_user(level=Level.SENIOR)
    for person in (junior, senior):
        _record(person.id, f"{person.id}-a", date(2026, 4, 1), credit="6")
        _record(person.id, f"{person.id}-b", date(2026, 4, 2), credit="4")

    assert services.hours_this_year(junior.id, TODAY) == services.YearHours(
        2026, Decimal(10), Decimal(40), 25
    )
    senior_year = services.hours_this_year(senior.id, TODAY)
    assert senior_year.target == Decimal(56)
    assert senior_year.percent == 17  # 10 / 56, rounded down: 100 only when met
    assert senior_year.remaining == Decimal(46)
    assert not senior_year.is_met


def test_hrs_own_targets_win_and_progress_stops_at_100(create_user) -> None:
    agent = create_user(level=Level.MID)
    hr = create_user(roles=("hr",))
    services.save_hours_settings(
        HoursRules(yearly_targets={Level.MID.value: Decimal(12)}), by_id=hr.id
    )
    _record(agent.id, "a", date(2026, 2, 1), credit="8")
    _record(agent.id, "b", date(2026, 2, 2), credit="7")

    year = services.hours_this_year(agent.id, TODAY)

    assert (year.hours, year.target, year.percent) == (Decimal(15), Decimal(12), 100)
    assert year.is_met and year.remaining == Decimal(0)


def test_no_level_or_no_target_means_no_target(create_user) -> None:
    # Agents get a level when they are created; other people have none.
    newcomer = create_user(roles=("trainer",))
    assert newcomer.level is None
    _record(newcomer.id, "a", date(2026, 2, 1), credit="3")
    no_level = services.hours_this_year(newcomer.id, TODAY)
    assert (no_level.hours, no_level.target, no_level.percent) == (Decimal(3), None, None)
    assert not no_level.is_met and no_level.remaining is None

    senior = create_user(level=Level.SENIOR)
    hr = create_user(roles=("hr",))
    services.save_hours_settings(
        HoursRules(yearly_targets={Level.JUNIOR.value: Decimal(40)}), hr.id
    )
    assert services.hours_this_year(senior.id, TODAY).target is None


def test_a_year_with_nothing_is_zero(create_user) -> None:
    agent = create_user(level=Level.JUNIOR)
    assert services.hours_this_year(agent.id, TODAY) == services.YearHours(
        2026, Decimal(0), Decimal(40), 0
    )
